//! TEMPORARY STUB: replaced by the real dates module.
#![allow(missing_docs, unused_variables, clippy::todo)]
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    At(DateTime<Utc>),
    Day(NaiveDate),
}
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not understood: {phrase}. {hint}")]
    Unrecognised { phrase: String, hint: &'static str },
    #[error("invalid date {phrase}: {reason}")]
    Invalid { phrase: String, reason: String },
}
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recurrence {
    pub phrase: String,
    pub rrule: String,
    pub from_completion: bool,
}
pub struct ParsedRecurrence {
    pub rule: Recurrence,
    pub first: Due,
}
pub fn parse_due(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<Option<Due>, DateError> {
    if let Ok(d) = NaiveDate::parse_from_str(phrase, "%Y-%m-%d") {
        return Ok(Some(Due::Day(d)));
    }
    if phrase == "tomorrow" {
        return Ok(Some(Due::Day(now.with_timezone(&tz).date_naive().succ_opt().unwrap_or_default())));
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(phrase) {
        return Ok(Some(Due::At(d.with_timezone(&Utc))));
    }
    if phrase == "no date" {
        return Ok(None);
    }
    Err(DateError::Unrecognised { phrase: phrase.into(), hint: "stub" })
}
pub fn parse_instant(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    match parse_due(phrase, now, tz)? {
        Some(d) => Ok(due_start_utc(d, tz)),
        None => Err(DateError::Unrecognised { phrase: phrase.into(), hint: "stub" }),
    }
}
pub fn due_start_utc(due: Due, tz: Tz) -> DateTime<Utc> {
    match due {
        Due::At(t) => t,
        Due::Day(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc(),
    }
}
pub fn parse_recurrence(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<ParsedRecurrence, DateError> {
    Ok(ParsedRecurrence {
        rule: Recurrence { phrase: phrase.into(), rrule: "FREQ=DAILY".into(), from_completion: false },
        first: Due::Day(now.date_naive()),
    })
}
pub fn is_recurrence_phrase(phrase: &str) -> bool {
    phrase.starts_with("every")
}
pub fn next_occurrence(
    rule: &Recurrence,
    current: Option<Due>,
    completed_at: DateTime<Utc>,
    tz: Tz,
) -> Option<Due> {
    Some(Due::Day(completed_at.date_naive().succ_opt()?))
}
pub fn upcoming(rule: &Recurrence, current: Option<Due>, from: DateTime<Utc>, tz: Tz, n: usize) -> Vec<Due> {
    vec![]
}
pub fn describe(rule: &Recurrence) -> String {
    rule.phrase.clone()
}
pub fn parse_tz(name: &str) -> Result<Tz, DateError> {
    name.parse().map_err(|_| DateError::Invalid { phrase: name.into(), reason: "unknown zone".into() })
}
