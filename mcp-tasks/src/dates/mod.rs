//! Natural-language due dates and recurrence rules: the public types, the time-zone helpers
//! and the text normalisation that the phrase and recurrence grammars share.
//!
//! * [`parse_due`] / [`parse_instant`] read one-off dates ("tomorrow 5pm", "jan 27", ISO 8601).
//! * [`parse_recurrence`] reads "every …" phrases into an RFC 5545 RRULE ([`Recurrence`]);
//!   [`next_occurrence`], [`upcoming`] and [`describe`] interpret stored rules.
//!
//! All wall-clock arithmetic happens in the caller's zone; ambiguous local times (DST fall-back)
//! take the earlier instant and nonexistent ones (DST gap) are moved forward by the length of the
//! gap, as RFC 5545 §3.3.5 prescribes.

mod clock;
mod occurrences;
mod phrase;
mod recurrence;
mod rule;
#[cfg(test)]
mod tests;

pub use occurrences::{describe, next_occurrence, upcoming};
pub use phrase::{parse_due, parse_instant};
pub use recurrence::{is_recurrence_phrase, parse_recurrence};

use chrono::offset::LocalResult;
use chrono::{
    DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// When a task is due: an instant, or a whole day in the user's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Due at this exact instant.
    At(DateTime<Utc>),
    /// Due some time during this calendar day, in the user's zone.
    Day(NaiveDate),
}

/// A phrase we could not understand; Display says what was not understood and lists accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// The phrase matches none of the accepted forms.
    #[error("could not understand \"{phrase}\". {hint}")]
    Unrecognised {
        /// The phrase as given (trimmed, shortened if very long).
        phrase: String,
        /// The accepted forms, as a sentence for the user.
        hint: &'static str,
    },
    /// The phrase has an accepted form but names something impossible ("feb 30", "every 0 days").
    #[error("\"{phrase}\" is not valid: {reason}")]
    Invalid {
        /// The phrase as given (trimmed, shortened if very long).
        phrase: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// A recurrence rule as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recurrence {
    /// The user's phrase, trimmed, e.g. "every monday at 9am".
    pub phrase: String,
    /// RFC 5545 RRULE value without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0"; UNTIL in UTC form (…Z).
    pub rrule: String,
    /// `every!`: the next date counts from completion, not from the schedule.
    pub from_completion: bool,
}

/// A parsed recurrence phrase plus the first due date it implies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRecurrence {
    /// The rule to store.
    pub rule: Recurrence,
    /// The first occurrence: at or after `now`, or at or after the "starting …" date.
    pub first: Due,
}

/// Instant of a Due: `At` as is; `Day` => 00:00 local of that day, converted to UTC.
#[must_use]
pub fn due_start_utc(due: Due, tz: Tz) -> DateTime<Utc> {
    match due {
        Due::At(at) => at,
        Due::Day(day) => day_start(day, tz),
    }
}

/// Parse an IANA zone name ("Asia/Karachi"), ignoring ASCII case; the error message lists examples.
///
/// # Errors
/// [`DateError::Unrecognised`] if no zone has that name.
pub fn parse_tz(name: &str) -> Result<Tz, DateError> {
    let name = name.trim();
    name.parse::<Tz>()
        .ok()
        .or_else(|| chrono_tz::TZ_VARIANTS.iter().copied().find(|tz| tz.name().eq_ignore_ascii_case(name)))
        .ok_or_else(|| unrecognised(name, TZ_HINT))
}

pub(crate) const DUE_HINT: &str = "Try: today, tomorrow 5pm, friday, next friday, next week, \
    in 3 days, jan 27, 27/1, the 27th, 2026-01-27, 2026-01-27T17:00, or 'no date' to clear it.";
pub(crate) const INSTANT_HINT: &str = "Try: in 30 minutes, in 2 hours, at 5pm, tomorrow 9am, \
    friday at 17:00, jan 27 at 9am, 2026-01-27T17:00.";
pub(crate) const RECURRENCE_HINT: &str = "Try: every day, daily at 8am, every monday at 9am, \
    every weekday, every mon, fri, every 2 weeks, every month on the 15th, every last day, \
    every jan 27, every! 3 days; optionally followed by 'starting jan 5', 'until dec 31' or \
    'for 8 weeks'.";
pub(crate) const RECURRING_DUE_HINT: &str = "This is a recurring schedule: set it as the \
    task's recurrence (e.g. 'every monday at 9am') instead of a due date.";
pub(crate) const TZ_HINT: &str =
    "Use an IANA time-zone name such as Asia/Karachi, Europe/London or America/New_York.";

/// Longest phrase we try to read; anything longer is not a date.
const MAX_PHRASE_CHARS: usize = 200;
/// Longest phrase quoted back in an error.
const MAX_SHOWN_CHARS: usize = 80;

/// The phrase as quoted in errors: trimmed and shortened.
fn shown(phrase: &str) -> String {
    let phrase = phrase.trim();
    if phrase.chars().count() <= MAX_SHOWN_CHARS {
        return phrase.to_owned();
    }
    let mut short: String = phrase.chars().take(MAX_SHOWN_CHARS).collect();
    short.push('…');
    short
}

pub(crate) fn unrecognised(phrase: &str, hint: &'static str) -> DateError {
    DateError::Unrecognised { phrase: shown(phrase), hint }
}

pub(crate) fn invalid(phrase: &str, reason: impl Into<String>) -> DateError {
    DateError::Invalid { phrase: shown(phrase), reason: reason.into() }
}

/// Lower-cases and tidies a phrase: outer whitespace and trailing punctuation go, commas become
/// spaces, `@` becomes " at ", runs of whitespace collapse. `None` if empty or too long.
pub(crate) fn normalise(phrase: &str) -> Option<String> {
    let lower = phrase.trim().to_lowercase();
    let body = lower.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '۔' | '؟')
    });
    if body.is_empty() || body.chars().count() > MAX_PHRASE_CHARS {
        return None;
    }
    let spaced: String = body
        .chars()
        .map(|c| match c {
            ',' | '،' => " ".to_owned(),
            '@' => " at ".to_owned(),
            c => c.to_string(),
        })
        .collect();
    Some(spaced.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The wall-clock time of `at` in `tz`; at the very ends of chrono's range, where that is not
/// representable (and `with_timezone(..).naive_local()` would panic), the UTC time.
pub(crate) fn local_time(at: DateTime<Utc>, tz: Tz) -> NaiveDateTime {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
    at.naive_utc().checked_add_offset(offset).unwrap_or(at.naive_utc())
}

/// The local calendar day of a due.
pub(crate) fn due_date(due: Due, tz: Tz) -> NaiveDate {
    match due {
        Due::At(at) => local_date(at, tz),
        Due::Day(day) => day,
    }
}

/// The last day of `day`'s month.
pub(crate) fn last_of_month(day: NaiveDate) -> Option<NaiveDate> {
    day.with_day(1)?.checked_add_months(chrono::Months::new(1))?.pred_opt()
}

/// The calendar day of `at` in `tz`.
pub(crate) fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    local_time(at, tz).date()
}

/// 00:00 local of `day` in `tz` (or the first instant after it, if midnight falls in a DST gap).
pub(crate) fn day_start(day: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_to_utc(day.and_time(NaiveTime::MIN), tz)
}

/// Converts a local wall-clock time in `tz` to UTC. Ambiguous times (DST fall-back) take the
/// earlier instant; nonexistent ones (DST gap) keep the offset in force before the gap, which
/// moves them forward by the gap's length (02:30 in a one-hour spring-forward gap is 03:30).
pub(crate) fn local_to_utc(local: NaiveDateTime, tz: Tz) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(at) => at.with_timezone(&Utc),
        LocalResult::Ambiguous(a, b) => a.min(b).with_timezone(&Utc),
        LocalResult::None => {
            // Transitions are hours apart, so the offset 36 hours earlier is the one before the gap.
            let before = local.checked_sub_signed(TimeDelta::hours(36)).unwrap_or(local);
            let offset = tz.offset_from_utc_datetime(&before).fix().local_minus_utc();
            let utc = local.checked_sub_signed(TimeDelta::seconds(i64::from(offset))).unwrap_or(local);
            Utc.from_utc_datetime(&utc)
        }
    }
}

/// Why a date could not be produced.
pub(crate) const TOO_FAR: &str = "that date is too far away";

/// Dates outside years 1..=9999 cannot be written in ISO 8601 or RFC 5545 basic form.
pub(crate) fn in_range(day: NaiveDate) -> Result<NaiveDate, String> {
    if (1..=9999).contains(&day.year()) { Ok(day) } else { Err(format!("{TOO_FAR} (years 1 to 9999 only)")) }
}

// Words shared by the due and recurrence grammars.

/// Splits the normalised text into words, rewriting synonyms and the Roman Urdu / Urdu set.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    if matches!(text, "roz" | "rozana" | "روزانہ") {
        return vec!["daily".to_owned()];
    }
    let mut out = Vec::new();
    for word in text.split(' ') {
        let expansion: &[&str] = match word {
            "tonight" => &["today", "night"],
            "tmrw" | "tmr" => &["tomorrow"],
            "everyday" => &["every", "day"],
            "aaj" | "آج" => &["today"],
            "kal" | "کل" => &["tomorrow"],
            "parson" | "parso" | "پرسوں" => &["day", "after", "tomorrow"],
            "agle" | "agla" | "اگلے" => &["next"],
            "hafte" | "ہفتے" => &["week"],
            "mahine" | "مہینے" => &["month"],
            "saal" | "سال" => &["year"],
            "roz" | "din" | "روز" | "دن" => &["day"],
            "subah" | "subha" | "صبح" => &["morning"],
            "shaam" | "sham" | "شام" => &["evening"],
            "har" | "ہر" => &["every"],
            _ => {
                match word.strip_prefix("every!") {
                    Some(rest) => {
                        out.push("every!".to_owned());
                        if !rest.is_empty() {
                            out.push(rest.to_owned());
                        }
                    }
                    None => out.push(word.to_owned()),
                }
                continue;
            }
        };
        out.extend(expansion.iter().map(|w| (*w).to_owned()));
    }
    out
}

/// A weekday name: English (full or abbreviated), Roman Urdu or Urdu.
pub(crate) fn weekday(word: &str) -> Option<Weekday> {
    Some(match word {
        "monday" | "mon" | "peer" | "pir" | "پیر" => Weekday::Mon,
        "tuesday" | "tue" | "tues" | "mangal" | "منگل" => Weekday::Tue,
        "wednesday" | "wed" | "budh" | "bud" | "بدھ" => Weekday::Wed,
        "thursday" | "thu" | "thur" | "thurs" | "jumeraat" | "jumerat" | "جمعرات" => Weekday::Thu,
        "friday" | "fri" | "jumma" | "juma" | "جمعہ" => Weekday::Fri,
        "saturday" | "sat" | "hafta" | "ہفتہ" => Weekday::Sat,
        "sunday" | "sun" | "itwaar" | "itwar" | "اتوار" => Weekday::Sun,
        _ => return None,
    })
}

/// English month names, for messages and descriptions.
pub(crate) const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A month name or its three-letter abbreviation ("sept" too), as 1..=12.
pub(crate) fn month(word: &str) -> Option<u32> {
    let short = if word == "sept" { "sep" } else { word };
    MONTH_NAMES.iter().zip(1..).find_map(|(name, number)| {
        let name = name.to_ascii_lowercase();
        (short == name || (short.len() == 3 && name.starts_with(short))).then_some(number)
    })
}

/// A whole number written with at most nine ASCII digits.
pub(crate) fn digits(word: &str) -> Option<u32> {
    let ok = !word.is_empty() && word.len() <= 9 && word.bytes().all(|b| b.is_ascii_digit());
    ok.then(|| word.parse().ok()).flatten()
}

/// A count: digits, or "a" / "an" / "one".
pub(crate) fn amount(word: &str) -> Option<u32> {
    match word {
        "a" | "an" | "one" => Some(1),
        _ => digits(word),
    }
}

/// A day of the month with an ordinal suffix: "1st", "22nd", "27th".
pub(crate) fn ordinal(word: &str) -> Option<u32> {
    let number = ["st", "nd", "rd", "th"].iter().find_map(|s| word.strip_suffix(s))?;
    digits(number).filter(|_| number.len() <= 2)
}

/// A day of the month, with or without an ordinal suffix.
pub(crate) fn day_number(word: &str) -> Option<u32> {
    ordinal(word).or_else(|| digits(word).filter(|_| word.len() <= 2))
}

/// "jan 27", "27 jan", "january 27th" as (month, day); the day is not yet validated.
pub(crate) fn month_and_day(words: &[&str]) -> Option<(u32, u32)> {
    let words: Vec<&str> = words.iter().copied().filter(|w| !matches!(*w, "the" | "of")).collect();
    match words.as_slice() {
        [a, b] => month(a).zip(day_number(b)).or_else(|| month(b).zip(day_number(a))),
        _ => None,
    }
}

/// Checks that `month`/`day` exists in some year (Feb 29 does, Feb 30 does not).
pub(crate) fn check_month_day(month: u32, day: u32) -> Result<(), String> {
    let name = MONTH_NAMES.get(month.wrapping_sub(1) as usize).copied().unwrap_or("that month");
    match NaiveDate::from_ymd_opt(2000, month, day) {
        Some(_) => Ok(()),
        None if (1..=31).contains(&day) => Err(format!("{name} has no day {day}")),
        None => Err(format!("there is no day {day} in a month")),
    }
}

/// `h:m` as a time of day (both in range by construction).
pub(crate) fn hm(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}
