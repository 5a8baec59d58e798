//! Tool input pieces shared by several tools, and their validation: priorities, tags,
//! task selectors, due phrases, text limits and cursors. Every error says what is accepted.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Deserialize;

use super::{Caller, ToolError};
use crate::dates::{self, Recurrence};
use crate::store::{DueSpec, Priority, normalise_tag};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 500;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 5_000;
/// Longest date or recurrence phrase, in characters.
pub const MAX_PHRASE: usize = 200;
/// Most tags on one task.
pub const MAX_TAGS: usize = 20;
/// Longest tag, in characters.
pub const MAX_TAG: usize = 50;
/// Most tasks one call may name or create.
pub const MAX_BATCH: usize = 100;

/// A priority as the model may give it: `p1`…`p4`, a word, or a number 1–4.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PriorityInput {
    /// `p1`–`p4`, or `urgent`, `high`, `medium`, `low` (any case).
    Name(String),
    /// 1 (urgent) to 4 (low).
    Level(i64),
}

impl PriorityInput {
    pub fn parse(&self) -> Result<Priority, ToolError> {
        let level = match self {
            Self::Level(n) => u8::try_from(*n).ok(),
            Self::Name(s) => match s.trim().to_ascii_lowercase().as_str() {
                "p1" | "1" | "urgent" => Some(1),
                "p2" | "2" | "high" => Some(2),
                "p3" | "3" | "medium" => Some(3),
                "p4" | "4" | "low" | "none" | "normal" => Some(4),
                _ => None,
            },
        };
        level.and_then(Priority::new).ok_or_else(|| {
            let given = match self {
                Self::Level(n) => n.to_string(),
                Self::Name(s) => format!("'{}'", clip(s)),
            };
            ToolError::Invalid(format!(
                "Unknown priority {given}. Use p1 (urgent), p2 (high), p3 (medium) or p4 (low); \
                 the words urgent/high/medium/low and the numbers 1-4 also work."
            ))
        })
    }
}

/// One value or a list of them.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value.
    One(T),
    /// Several values.
    Many(Vec<T>),
}

impl<T: Clone> OneOrMany<T> {
    pub fn to_vec(&self) -> Vec<T> {
        match self {
            Self::One(v) => vec![v.clone()],
            Self::Many(v) => v.clone(),
        }
    }
}

/// The tasks a call acts on: `task` or `tasks` (or both, merged).
pub fn selected(task: Option<i64>, tasks: Option<&[i64]>) -> Result<Vec<i64>, ToolError> {
    let mut numbers: Vec<i64> = task.into_iter().chain(tasks.unwrap_or_default().iter().copied()).collect();
    numbers.dedup();
    if numbers.is_empty() {
        return Err(ToolError::Invalid(
            "Say which task: give `task` (a task number such as 3) or `tasks` (a list such as [3, 5]). \
             Nothing was changed."
                .into(),
        ));
    }
    if numbers.len() > MAX_BATCH {
        return Err(ToolError::Invalid(format!(
            "At most {MAX_BATCH} tasks per call; {} were given.",
            numbers.len()
        )));
    }
    Ok(numbers)
}

/// Refuses text with NUL characters, which no database stores faithfully.
pub fn printable(text: &str, what: &str) -> Result<(), ToolError> {
    if text.contains('\0') {
        return Err(ToolError::Invalid(format!("The {what} contains a NUL character (\\u0000); remove it.")));
    }
    Ok(())
}

/// A trimmed title of 1–500 characters.
pub fn title(raw: &str) -> Result<String, ToolError> {
    printable(raw, "title")?;
    let title = raw.trim();
    let len = title.chars().count();
    if len == 0 {
        return Err(ToolError::Invalid("The title is empty; give the task a short title.".into()));
    }
    if len > MAX_TITLE {
        return Err(ToolError::Invalid(format!(
            "The title is {len} characters; the limit is {MAX_TITLE}. Put the details in `description`."
        )));
    }
    Ok(title.to_owned())
}

/// An optional description of at most 5,000 characters; empty means none.
pub fn description(raw: Option<&str>) -> Result<Option<String>, ToolError> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    printable(text, "description")?;
    let len = text.chars().count();
    if len > MAX_DESCRIPTION {
        return Err(ToolError::Invalid(format!(
            "The description is {len} characters; the limit is {MAX_DESCRIPTION}."
        )));
    }
    Ok(Some(text.to_owned()))
}

/// Normalised, de-duplicated, sorted tags.
pub fn tags(raw: &[String]) -> Result<Vec<String>, ToolError> {
    for tag in raw {
        printable(tag, "tag")?;
    }
    let mut tags: Vec<String> = raw.iter().map(|t| normalise_tag(t)).filter(|t| !t.is_empty()).collect();
    tags.sort();
    tags.dedup();
    if let Some(long) = tags.iter().find(|t| t.chars().count() > MAX_TAG) {
        return Err(ToolError::Invalid(format!(
            "The tag '{}' is too long; tags are short labels of at most {MAX_TAG} characters.",
            clip(long)
        )));
    }
    if tags.len() > MAX_TAGS {
        return Err(ToolError::Invalid(format!(
            "At most {MAX_TAGS} tags per task; {} were given.",
            tags.len()
        )));
    }
    Ok(tags)
}

fn phrase(raw: &str, what: &str) -> Result<String, ToolError> {
    printable(raw, what)?;
    let p = raw.trim();
    if p.chars().count() > MAX_PHRASE {
        return Err(ToolError::Invalid(format!("The {what} is too long (at most {MAX_PHRASE} characters).")));
    }
    Ok(p.to_owned())
}

/// What a due phrase means: a date (or none), and possibly a recurrence it implied.
pub struct DueInput {
    pub due: Option<DueSpec>,
    pub recurrence: Option<Recurrence>,
}

/// Reads `due` (and `recurrence`) phrases for a new or changed task.
pub fn due_and_recurrence(
    due: Option<&str>,
    recurrence: Option<&str>,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<DueInput, ToolError> {
    let tz = caller.tz;
    let spec = |d: dates::Due, phrase: &str| DueSpec {
        due: d,
        phrase: Some(phrase.to_owned()),
        tz: tz.name().into(),
    };
    let mut out = DueInput { due: None, recurrence: None };
    if let Some(raw) = due.map(|d| phrase(d, "due phrase")).transpose()?.filter(|p| !p.is_empty()) {
        if dates::is_recurrence_phrase(&raw) && recurrence.is_none() {
            let parsed = dates::parse_recurrence(&raw, now, tz)?;
            out.due = Some(spec(parsed.first, &raw));
            out.recurrence = Some(parsed.rule);
            return Ok(out);
        }
        out.due = dates::parse_due(&raw, now, tz)?.map(|d| spec(d, &raw));
    }
    if let Some(raw) = recurrence.map(|r| phrase(r, "recurrence")).transpose()?.filter(|p| !p.is_empty()) {
        let parsed = dates::parse_recurrence(&raw, now, tz)?;
        if out.due.is_none() {
            out.due = Some(spec(parsed.first, &raw));
        }
        out.recurrence = Some(parsed.rule);
    }
    Ok(out)
}

/// Whether a phrase clears a value ("none", "no date", "never" …).
pub fn is_clear(raw: &str) -> bool {
    matches!(
        raw.trim().to_ascii_lowercase().as_str(),
        "" | "none"
            | "no"
            | "no date"
            | "no due date"
            | "never"
            | "clear"
            | "remove"
            | "no recurrence"
            | "off"
    )
}

/// A reminder time: a phrase or ISO instant, or "N minutes/hours before" the due time.
pub fn reminder_time(
    raw: &str,
    due: Option<&DueSpec>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, ToolError> {
    let raw = phrase(raw, "reminder time")?;
    let lower = raw.to_lowercase();
    let at = if let Some(before) = lower.strip_suffix("before due").or(lower.strip_suffix("before")) {
        let offset = parse_offset(before.trim()).ok_or_else(|| {
            ToolError::Invalid(format!(
                "Could not read '{raw}'. Use a time (tomorrow 9am, in 2 hours, 2026-12-01T09:00) or an offset \
                 like '30 minutes before' or '1 hour before'."
            ))
        })?;
        let due = due.ok_or_else(|| {
            ToolError::Invalid(
                "This task has no due date, so 'before' has nothing to count from. Give a time.".into(),
            )
        })?;
        dates::due_start_utc(due.due, due.tz.parse().unwrap_or(tz)) - offset
    } else {
        dates::parse_instant(&raw, now, tz)?
    };
    if at <= now {
        return Err(ToolError::Invalid(format!(
            "That reminder time ({}) is in the past. Give a future time.",
            at.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z")
        )));
    }
    Ok(at)
}

/// "30 minutes", "1 hour", "2 days", "15m", "1h".
fn parse_offset(s: &str) -> Option<chrono::Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = s.split_at(split);
    let n: i64 = n.parse().ok().filter(|n| (1..=10_000).contains(n))?;
    match unit.trim() {
        "m" | "min" | "mins" | "minute" | "minutes" => Some(chrono::Duration::minutes(n)),
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(chrono::Duration::hours(n)),
        "d" | "day" | "days" => Some(chrono::Duration::days(n)),
        "w" | "week" | "weeks" => Some(chrono::Duration::weeks(n)),
        _ => None,
    }
}

/// Page size: default 20, 1–100.
pub fn limit(raw: Option<i64>) -> Result<u32, ToolError> {
    match raw {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(u32::try_from(n).unwrap_or(20)),
        Some(n) => Err(ToolError::Invalid(format!("`limit` must be between 1 and 100; {n} was given."))),
    }
}

/// The offset a cursor stands for (cursors are opaque to callers: `o<offset>`).
pub fn cursor(raw: Option<&str>) -> Result<u32, ToolError> {
    match raw.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(0),
        Some(c) => c.strip_prefix('o').and_then(|n| n.parse().ok()).ok_or_else(|| {
            ToolError::Invalid(
                "That cursor is not valid; pass `next_cursor` from the previous page exactly.".into(),
            )
        }),
    }
}

/// The cursor for the page after one that started at `offset`.
pub fn next_cursor(offset: u32, limit: u32, has_more: bool) -> Option<String> {
    has_more.then(|| format!("o{}", offset + limit))
}

/// The first 60 characters, for echoing bad input back safely.
pub fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if s.chars().count() > 60 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_accept_labels_words_and_numbers() {
        let cases = [("p1", 1), ("URGENT", 1), ("high", 2), ("P3", 3), ("low", 4), ("2", 2)];
        for (raw, level) in cases {
            assert_eq!(PriorityInput::Name(raw.into()).parse().unwrap().level(), level, "{raw}");
        }
        assert_eq!(PriorityInput::Level(1).parse().unwrap().level(), 1);
        assert!(PriorityInput::Name("p5".into()).parse().is_err());
        assert!(PriorityInput::Level(0).parse().is_err());
        assert!(PriorityInput::Name("critical".into()).parse().is_err());
    }

    #[test]
    fn tags_are_normalised_and_deduplicated() {
        let raw = vec!["#Work".to_string(), "work".into(), " Home Office ".into(), "#".into()];
        assert_eq!(tags(&raw).unwrap(), vec!["home-office", "work"]);
    }

    #[test]
    fn an_empty_selector_is_an_error() {
        assert!(selected(None, None).is_err());
        assert!(selected(None, Some(&[])).is_err());
        assert_eq!(selected(Some(3), Some(&[5])).unwrap(), vec![3, 5]);
    }

    #[test]
    fn offsets_read_minutes_hours_and_days() {
        assert_eq!(parse_offset("30 minutes"), Some(chrono::Duration::minutes(30)));
        assert_eq!(parse_offset("1 hour"), Some(chrono::Duration::hours(1)));
        assert_eq!(parse_offset("2d"), Some(chrono::Duration::days(2)));
        assert_eq!(parse_offset("soon"), None);
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        assert_eq!(cursor(next_cursor(0, 20, true).as_deref()).unwrap(), 20);
        assert!(cursor(Some("xyz")).is_err());
        assert_eq!(next_cursor(0, 20, false), None);
    }
}
