//! Times of day: clock readings ("5", "5:30pm", "17:00:00"), named times ("noon",
//! "evening"), am/pm, and the ISO 8601 clock and UTC offset; the phrase grammar reads these.

use chrono::NaiveTime;

use super::{digits, hm};

pub(super) fn named_time(word: &str) -> Option<NaiveTime> {
    Some(match word {
        "noon" | "midday" | "afternoon" => hm(12, 0),
        "midnight" => hm(0, 0),
        "morning" => hm(9, 0),
        "evening" => hm(19, 0),
        "night" => hm(20, 0),
        _ => return None,
    })
}

pub(super) fn meridiem(word: &str) -> Option<bool> {
    match word {
        "am" | "a.m" | "a.m." => Some(false),
        "pm" | "p.m" | "p.m." => Some(true),
        _ => None,
    }
}

/// "5", "5:30", "17:00:00", optionally with a glued "am"/"pm" ("5pm") or one given separately.
pub(super) fn clock(word: &str, separate: Option<bool>) -> Result<Option<NaiveTime>, String> {
    let glued = ["am", "pm", "a.m.", "p.m.", "a.m", "p.m"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).map(|body| (body, meridiem(suffix))));
    let (body, pm) = match (glued, separate) {
        (Some((body, pm)), None) => (body, pm),
        (None, pm) => (word, pm),
        (Some(_), Some(_)) => return Ok(None),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let well_formed =
        parts.iter().enumerate().all(|(i, p)| if i == 0 { (1..=2).contains(&p.len()) } else { p.len() == 2 });
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| digits(p)).collect();
    let (Some(numbers), true) = (numbers, well_formed) else {
        return Ok(None);
    };
    let (hour, minute, second) = match (numbers.as_slice(), pm) {
        ([h], Some(_)) => (*h, 0, 0),
        ([h, m], _) => (*h, *m, 0),
        ([h, m, s], _) => (*h, *m, *s),
        _ => return Ok(None),
    };
    let hour = match pm {
        Some(_) if !(1..=12).contains(&hour) => {
            return Err(format!("{word}: with am/pm the hour must be 1 to 12"));
        }
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
        None => hour,
    };
    let time = NaiveTime::from_hms_opt(hour, minute, second);
    time.map(Some).ok_or_else(|| format!("{word} is not a valid time of day"))
}

/// "+05:00", "-0500", "+05" as seconds east of UTC.
pub(super) fn offset_seconds(text: &str) -> Option<i32> {
    let sign = match text.get(..1)? {
        "+" => 1,
        "-" => -1,
        _ => return None,
    };
    let body = text.get(1..)?.replace(':', "");
    let (hours, minutes) = match body.len() {
        2 => (digits(&body)?, 0),
        4 => (digits(body.get(..2)?)?, digits(body.get(2..)?)?),
        _ => return None,
    };
    i32::try_from(hours * 3600 + minutes * 60).ok().map(|s| sign * s)
}

/// "17:00", "17:00:00", "17:00:00.250".
pub(super) fn iso_clock(text: &str) -> Result<Option<NaiveTime>, String> {
    let (main, fraction) = match text.split_once('.') {
        Some((main, fraction)) => (main, Some(fraction)),
        None => (text, None),
    };
    let parts: Vec<&str> = main.split(':').collect();
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| digits(p).filter(|_| p.len() == 2)).collect();
    let (hour, minute, second) = match (numbers.as_deref(), fraction) {
        (Some([h, m]), None) => (*h, *m, 0),
        (Some([h, m, s]), _) => (*h, *m, *s),
        _ => return Ok(None),
    };
    let nanos = match fraction {
        None => 0,
        Some(f) => match digits(f) {
            Some(n) => n * 10u32.pow(9 - u32::try_from(f.len()).unwrap_or(9)),
            None => return Ok(None),
        },
    };
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos);
    time.map(Some).ok_or_else(|| format!("{text} is not a valid time of day"))
}
