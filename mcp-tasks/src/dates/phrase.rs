//! One-off due phrases: ISO 8601 and English (plus a little Roman Urdu / Urdu) into [`Due`],
//! including the date and time-of-day grammar that recurrence phrases reuse.

use chrono::{
    DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

use super::clock::{clock, iso_clock, meridiem, named_time, offset_seconds};
use super::{
    DUE_HINT, DateError, Due, INSTANT_HINT, RECURRING_DUE_HINT, TOO_FAR, amount, check_month_day, digits, hm,
    in_range, invalid, last_of_month, local_date, local_to_utc, month_and_day, normalise, ordinal, tokens,
    unrecognised, weekday,
};

/// Parse a due phrase (ISO 8601 or English) in zone `tz` at time `now`.
/// Ok(None) means the user cleared the date ("no date", "none", "no due date").
///
/// # Errors
/// [`DateError::Unrecognised`] for phrases outside the grammar (and recurrences such as "every
/// monday"); [`DateError::Invalid`] for impossible dates and times ("feb 30", "25:00").
pub fn parse_due(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<Option<Due>, DateError> {
    if super::is_recurrence_phrase(phrase) {
        return Err(unrecognised(phrase, RECURRING_DUE_HINT));
    }
    parse(phrase, now, tz, DUE_HINT)
}

/// Parse a phrase that must resolve to an instant (reminders). A bare day resolves to 09:00 local.
/// Also accepts relative "in 30 minutes", "in 2 hours". "no date" is an error here.
///
/// # Errors
/// As [`parse_due`]; clearing phrases are [`DateError::Invalid`].
pub fn parse_instant(phrase: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, DateError> {
    match parse(phrase, now, tz, INSTANT_HINT)? {
        Some(Due::At(at)) => Ok(at),
        Some(Due::Day(day)) => Ok(local_to_utc(day.and_time(hm(9, 0)), tz)),
        None => Err(invalid(phrase, "a reminder needs a date or time; it cannot be cleared")),
    }
}

/// Phrases that clear the due date.
const CLEARING: [&str; 10] = [
    "no date",
    "no due date",
    "no due",
    "none",
    "clear",
    "clear date",
    "clear due date",
    "remove date",
    "remove due date",
    "no deadline",
];

fn parse(phrase: &str, now: DateTime<Utc>, tz: Tz, hint: &'static str) -> Result<Option<Due>, DateError> {
    let text = normalise(phrase).ok_or_else(|| unrecognised(phrase, hint))?;
    if CLEARING.contains(&text.as_str()) {
        return Ok(None);
    }
    let bad = |reason: String| invalid(phrase, reason);
    if let Some(at) = iso_date_time(&text, tz).map_err(bad)? {
        return Ok(Some(Due::At(at)));
    }
    let words = tokens(&text);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if let Some(delta) = relative_duration(&words) {
        return now
            .checked_add_signed(delta)
            .filter(|at| in_range(at.date_naive()).is_ok())
            .map(|at| Some(Due::At(at)))
            .ok_or_else(|| bad(TOO_FAR.to_owned()));
    }
    match date_and_time(&words, now, tz).map_err(bad)? {
        Some(due) => Ok(Some(due)),
        None => Err(unrecognised(phrase, hint)),
    }
}

/// Tries every split of the words into a date part and a time part (either order); the first
/// split where both parts are understood wins. An invalid part (feb 30, 25:00) is reported only if
/// no split works.
fn date_and_time(words: &[&str], now: DateTime<Utc>, tz: Tz) -> Result<Option<Due>, String> {
    let today = local_date(now, tz);
    let mut error = None;
    for cut in 0..=words.len() {
        let (head, tail) = words.split_at(cut);
        for (date_part, time_part) in [(head, tail), (tail, head)] {
            let date_ok = |d: &Option<NaiveDate>| date_part.is_empty() || d.is_some();
            let time_ok = |t: &Option<NaiveTime>| time_part.is_empty() || t.is_some();
            match (parse_date(date_part, today), parse_time(time_part)) {
                (Ok(d), Ok(t)) if date_ok(&d) && time_ok(&t) => return combine(d, t, now, tz),
                (Err(e), Ok(t)) if time_ok(&t) => {
                    error.get_or_insert(e);
                }
                (Ok(d), Err(e)) if date_ok(&d) => {
                    error.get_or_insert(e);
                }
                _ => {}
            }
        }
    }
    error.map_or(Ok(None), Err)
}

/// A date alone is a `Day`; a time alone is today at that time if still ahead, else tomorrow.
fn combine(
    date: Option<NaiveDate>,
    time: Option<NaiveTime>,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Option<Due>, String> {
    let at = |day: NaiveDate, time| Due::At(local_to_utc(day.and_time(time), tz));
    Ok(match (date, time) {
        (Some(day), None) => Some(Due::Day(day)),
        (Some(day), Some(time)) => Some(at(day, time)),
        (None, Some(time)) => {
            let today = local_date(now, tz);
            match at(today, time) {
                Due::At(instant) if instant > now => Some(Due::At(instant)),
                _ => Some(at(in_range(today.succ_opt().ok_or(TOO_FAR)?)?, time)),
            }
        }
        (None, None) => None,
    })
}

/// A calendar date: with a year, that date; without, the next one on or after today.
fn resolve_day(month: u32, day: u32, year: Option<u32>, today: NaiveDate) -> Result<NaiveDate, String> {
    check_month_day(month, day)?;
    let found = match year {
        Some(year) => {
            let year = i32::try_from(year).map_err(|_| TOO_FAR.to_owned())?;
            let date = NaiveDate::from_ymd_opt(year, month, day);
            date.ok_or_else(|| format!("{year}-{month:02}-{day:02} does not exist"))?
        }
        None => (today.year()..=today.year().saturating_add(8))
            .find_map(|y| NaiveDate::from_ymd_opt(y, month, day).filter(|d| *d >= today))
            .ok_or(TOO_FAR)?,
    };
    in_range(found)
}

/// Parses a date (no time of day) relative to `today`. `Ok(None)`: not a date; `Err`: a date
/// form naming an impossible day.
pub(super) fn parse_date(words: &[&str], today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let words = match words {
        ["on", rest @ ..] => rest,
        _ => words,
    };
    let week = |weekday: Weekday| {
        monday_of(today)?.checked_add_days(Days::new(7 + u64::from(weekday.num_days_from_monday())))
    };
    let day = match words {
        [] => return Ok(None),
        ["today"] => Some(today),
        ["tomorrow"] => today.succ_opt(),
        ["yesterday"] => today.pred_opt(),
        ["day", "after", "tomorrow"] => today.checked_add_days(Days::new(2)),
        ["next", "week"] => week(Weekday::Mon),
        ["next", "weekend"] => week(Weekday::Sat),
        ["next", "month"] => first_of_month(today).and_then(|d| d.checked_add_months(Months::new(1))),
        ["next", "year"] => NaiveDate::from_ymd_opt(today.year().saturating_add(1), 1, 1),
        ["next", word] => match weekday(word) {
            Some(wd) => week(wd),
            None => return Ok(None),
        },
        ["end", "of", "month"] | ["end", "of", "the", "month"] => last_of_month(today),
        ["end", "of", "week"] | ["end", "of", "the", "week"] => {
            monday_of(today).and_then(|d| d.checked_add_days(Days::new(6)))
        }
        ["weekend"] | ["this", "weekend"] => match today.weekday() {
            Weekday::Sat | Weekday::Sun => Some(today),
            _ => monday_of(today).and_then(|d| d.checked_add_days(Days::new(5))),
        },
        ["in", count, unit] => return relative_day(today, count, unit),
        [word] if word.contains('/') => return slash_date(word, today),
        [word] if word.contains('-') => return iso_date(word),
        [word] if weekday(word).is_some() => weekday(word).and_then(|wd| next_weekday(today, wd)),
        _ => return month_day(words, today),
    };
    day.ok_or_else(|| TOO_FAR.to_owned()).and_then(in_range).map(Some)
}

fn monday_of(day: NaiveDate) -> Option<NaiveDate> {
    day.checked_sub_days(Days::new(u64::from(day.weekday().num_days_from_monday())))
}

/// The first `weekday` strictly after `today` (a Friday's "friday" is next week's).
fn next_weekday(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let ahead = (6 + weekday.num_days_from_monday() - today.weekday().num_days_from_monday()) % 7 + 1;
    today.checked_add_days(Days::new(u64::from(ahead)))
}

fn first_of_month(day: NaiveDate) -> Option<NaiveDate> {
    day.with_day(1)
}

/// "in 3 days", "in a week", "in 2 months", "in 1 year".
fn relative_day(today: NaiveDate, count: &str, unit: &str) -> Result<Option<NaiveDate>, String> {
    let Some(n) = amount(count) else {
        return Ok(None);
    };
    let day = match unit {
        "day" | "days" => today.checked_add_days(Days::new(u64::from(n))),
        "week" | "weeks" => today.checked_add_days(Days::new(u64::from(n) * 7)),
        "month" | "months" => today.checked_add_months(Months::new(n)),
        "year" | "years" => n.checked_mul(12).and_then(|m| today.checked_add_months(Months::new(m))),
        _ => return Ok(None),
    };
    day.ok_or_else(|| TOO_FAR.to_owned()).and_then(in_range).map(Some)
}

/// "in 30 minutes", "in 2 hours", "in an hour", "in half an hour".
fn relative_duration(words: &[&str]) -> Option<TimeDelta> {
    match words {
        ["in", "half", "an", "hour"] => Some(TimeDelta::minutes(30)),
        ["in", count, unit] => {
            let n = i64::from(amount(count)?);
            match *unit {
                "hour" | "hours" | "hr" | "hrs" => TimeDelta::try_hours(n),
                "minute" | "minutes" | "min" | "mins" => TimeDelta::try_minutes(n),
                _ => None,
            }
        }
        _ => None,
    }
}

/// "27/1", "27/1/2027", "27/01/27": day first.
fn slash_date(word: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let parts: Vec<&str> = word.split('/').collect();
    let short = |p: &&str| p.len() <= 2;
    let (day, month, year) = match parts.as_slice() {
        [d, m] if short(d) && short(m) => (d, m, None),
        [d, m, y] if short(d) && short(m) && matches!(y.len(), 2 | 4) => (d, m, Some(y)),
        _ => return Ok(None),
    };
    let (Some(day), Some(month)) = (digits(day), digits(month)) else {
        return Ok(None);
    };
    let year = match year.map(|y| (y.len(), digits(y))) {
        None => None,
        Some((2, Some(y))) => Some(2000 + y),
        Some((_, Some(y))) => Some(y),
        Some((_, None)) => return Ok(None),
    };
    if !(1..=12).contains(&month) {
        return Err(format!("there is no month {month} (write dates as day/month)"));
    }
    resolve_day(month, day, year, today).map(Some)
}

/// "2026-01-27".
fn iso_date(word: &str) -> Result<Option<NaiveDate>, String> {
    let parts: Vec<&str> = word.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Ok(None);
    };
    if (y.len(), m.len(), d.len()) != (4, 2, 2) {
        return Ok(None);
    }
    let (Some(year), Some(month), Some(day)) = (digits(y), digits(m), digits(d)) else {
        return Ok(None);
    };
    let year = i32::try_from(year).map_err(|_| TOO_FAR.to_owned())?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| format!("{word} does not exist"))?;
    in_range(date).map(Some)
}

/// "jan 27", "27 january 2027", "the 27th of jan", and a bare day of month: "27th", "the 27th".
fn month_day(words: &[&str], today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    let kept: Vec<&str> = words.iter().copied().filter(|w| !matches!(*w, "the" | "of")).collect();
    let (pair, year) = match kept.as_slice() {
        [word] => {
            let Some(day) = ordinal(word) else {
                return Ok(None);
            };
            return next_month_day(day, today).map(Some);
        }
        [a, b] => ([*a, *b], None),
        [a, b, y] if y.len() == 4 => match digits(y) {
            Some(year) => ([*a, *b], Some(year)),
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let Some((month, day)) = month_and_day(&pair) else {
        return Ok(None);
    };
    resolve_day(month, day, year, today).map(Some)
}

/// The next date on or after `today` whose day of month is `day` (skipping shorter months).
fn next_month_day(day: u32, today: NaiveDate) -> Result<NaiveDate, String> {
    if !(1..=31).contains(&day) {
        return Err(format!("there is no day {day} in a month"));
    }
    let mut month = first_of_month(today).ok_or(TOO_FAR)?;
    for _ in 0..12 {
        if let Some(date) = month.with_day(day).filter(|d| *d >= today) {
            return in_range(date);
        }
        month = month.checked_add_months(Months::new(1)).ok_or(TOO_FAR)?;
    }
    Err(TOO_FAR.to_owned())
}

/// Parses a time of day: "5pm", "5 pm", "5:30pm", "17:00", "at 17:30", "noon", "morning",
/// "in the evening". A bare number ("at 5") is not a time: am or pm would be a guess.
pub(super) fn parse_time(words: &[&str]) -> Result<Option<NaiveTime>, String> {
    let words = match words {
        ["at", rest @ ..] => rest,
        ["in", "the", word] => return Ok(named_time(word)),
        _ => words,
    };
    match words {
        [word] => match named_time(word) {
            Some(time) => Ok(Some(time)),
            None => clock(word, None),
        },
        [word, half] => match meridiem(half) {
            Some(pm) => clock(word, Some(pm)),
            None => Ok(None),
        },
        _ => Ok(None),
    }
}

/// "2026-12-01t17:00", "2026-12-01 17:00:00.5", with an optional "z", "+05:00", "-0500" or "+05".
fn iso_date_time(text: &str, tz: Tz) -> Result<Option<DateTime<Utc>>, String> {
    let (Some(day), Some("t" | " "), Some(rest)) = (text.get(..10), text.get(10..11), text.get(11..)) else {
        return Ok(None);
    };
    let (clock_text, offset) = match rest.strip_suffix('z') {
        Some(clock_text) => (clock_text, Some(0)),
        None => match rest.rfind(['+', '-']) {
            Some(i) => match rest.get(i..).and_then(offset_seconds) {
                Some(seconds) => (rest.get(..i).unwrap_or_default(), Some(seconds)),
                None => return Ok(None),
            },
            None => (rest, None),
        },
    };
    let Some(time) = iso_clock(clock_text)? else {
        return Ok(None);
    };
    let Some(day) = iso_date(day)? else {
        return Ok(None);
    };
    let local = day.and_time(time);
    let Some(seconds) = offset else {
        return Ok(Some(local_to_utc(local, tz)));
    };
    let offset = FixedOffset::east_opt(seconds).ok_or("that UTC offset is out of range")?;
    let at = offset.from_local_datetime(&local).single().ok_or(TOO_FAR)?;
    Ok(Some(at.with_timezone(&Utc)))
}
