//! The recognisers for single date phrases, each reading from the start of a run of keys:
//! repeats ("every …", "har …", "roz"), relative days ("in 3 days", "2 din baad"), named days
//! ("kal", "agle jumma") and calendar dates ("jan 27", "2026-01-27").

use super::clock::{Part, at_bare, clock, clock_word, english_part, part};
use super::pieces::{Day, Every, Piece};
use super::words::{
    BEFORE, DAY, EVERY_TRAIL, EVERY_WORDS, LATER, MONTH, MONTHS, NEXT, THIS, WEEK, YEAR, is_unit, month,
    time_unit, weekday, weekday_name,
};
use crate::agent::lang::numbers::{digits, number, ordinal, ordinal_suffix};

/// One date piece starting at `k[0]`: how many tokens it takes and what it means.
pub(super) fn atom(k: &[&str], roman_urdu: bool, after_date: bool) -> Option<(usize, Vec<Piece>)> {
    if let Some(found) = english_every(k, roman_urdu).or_else(|| har(k)) {
        return Some(found);
    }
    if matches!(k, ["roz" | "rozana" | "rozaana" | "روزانہ" | "روز", ..]) {
        return Some((1, vec![Piece::Every(Every::Day)]));
    }
    if let Some((len, day)) = relative(k).or_else(|| named_day(k, roman_urdu)).or_else(|| calendar(k)) {
        let mut pieces = vec![Piece::Day(day)];
        if matches!(k, ["tonight", ..]) {
            pieces.push(Piece::Part(Part::Night));
        }
        if let ["this", p @ ("morning" | "afternoon" | "evening"), ..] = k {
            pieces.extend(english_part(p).map(Piece::Part));
        }
        return Some((len, pieces));
    }
    if let Some((len, clock)) = clock(k) {
        return Some((len, vec![Piece::Clock(clock)]));
    }
    part(k, after_date).map(|(len, p)| (len, vec![Piece::Part(p)]))
}

/// "every monday at 9am", "every month on the 1st", "daily at 8am": kept in English.
fn english_every(k: &[&str], roman_urdu: bool) -> Option<(usize, Vec<Piece>)> {
    let lead = *k.first()?;
    let leads = ["every", "daily", "weekly", "monthly", "yearly", "annually", "fortnightly"];
    if !leads.contains(&lead) {
        return None;
    }
    let (mut words, mut timed, mut at) = (vec![lead.to_owned()], false, 1);
    while let Some(&word) = k.get(at) {
        let (rest, prev) = (k.get(at..).unwrap_or_default(), k.get(at - 1..).unwrap_or_default());
        if let Some((len, clock)) = clock_word(rest).or_else(|| at_bare(prev)) {
            timed = true;
            words.push(clock.to_string());
            at += len;
            continue;
        }
        let next = rest.get(1).copied().unwrap_or_default();
        let after_month = prev.first().is_some_and(|p| month(p).is_some());
        let word = if let Some(day) = weekday(word, roman_urdu) {
            weekday_name(day).to_owned()
        } else if EVERY_WORDS.contains(&word) || month(word).is_some() || ordinal(word).is_some() {
            timed |= english_part(word).is_some() || matches!(word, "noon" | "midnight");
            word.to_owned()
        } else if let Some(n) = number(word).filter(|_| is_unit(next) || month(next).is_some() || after_month)
        {
            n.to_string()
        } else {
            break;
        };
        words.push(word);
        at += 1;
    }
    while words.len() > 1 && words.last().is_some_and(|w| EVERY_TRAIL.contains(&w.as_str())) {
        words.pop();
        at -= 1;
    }
    (words.len() > 1 || lead != "every").then(|| {
        let every = Every::Words { text: words.join(" "), timed };
        (at, vec![Piece::Every(every)])
    })
}

/// "har peer", "ہر روز", "har hafte", "har subah", "har 2 din".
fn har(k: &[&str]) -> Option<(usize, Vec<Piece>)> {
    let ["har" | "ہر", word, rest @ ..] = k else { return None };
    let every = |e| Some((2, vec![Piece::Every(e)]));
    // "har mahine ki 5 tareekh": every month on the 5th.
    if let ["ki" | "کی", n, "tareekh" | "tarikh" | "تاریخ", ..] = rest
        && MONTH.contains(word)
        && let Some(day) = digits(n).filter(|d| (1..=31).contains(d))
    {
        let text = format!("every month on the {day}{}", ordinal_suffix(day));
        return Some((5, vec![Piece::Every(Every::Words { text, timed: false })]));
    }
    if WEEK.contains(word) {
        return every(Every::Week);
    }
    if DAY.contains(word) {
        return every(Every::Day);
    }
    if MONTH.contains(word) {
        return every(Every::Month);
    }
    if YEAR.contains(word) {
        return every(Every::Year);
    }
    if let Some(day) = weekday(word, true) {
        return every(Every::Weekday(day));
    }
    if let Some((_, part)) = part(k.get(1..).unwrap_or_default(), true) {
        return Some((2, vec![Piece::Every(Every::Day), Piece::Part(part)]));
    }
    let n = number(word)?;
    let unit = match rest.first() {
        Some(u) if DAY.contains(u) => "days",
        Some(u) if WEEK.contains(u) => "weeks",
        Some(u) if MONTH.contains(u) => "months",
        _ => return None,
    };
    Some((3, vec![Piece::Every(Every::Words { text: format!("every {n} {unit}"), timed: false })]))
}

/// "in 3 days", "in 2 hours", "3 din mein", "2 گھنٹے بعد", "30 minutes before".
fn relative(k: &[&str]) -> Option<(usize, Day)> {
    match k {
        ["day", "after", "tomorrow", ..] => return Some((3, Day::InDays(2))),
        ["in", "half", "an", "hour", ..] => return Some((4, Day::Instant("in 30 minutes".to_owned()))),
        ["in", n, unit, ..] => return span(number(n)?, unit).map(|d| (3, d)),
        _ => {}
    }
    let [n, unit, after, ..] = k else { return None };
    let n = number(n)?;
    if BEFORE.contains(after) {
        let unit = time_unit(unit)?;
        return Some((3, Day::Instant(format!("{n} {unit} before"))));
    }
    LATER.contains(after).then(|| span(n, unit)).flatten().map(|d| (3, d))
}

/// `n` units from now as a day or instant.
fn span(n: u32, unit: &str) -> Option<Day> {
    if let Some(unit) = time_unit(unit) {
        return Some(Day::Instant(format!("in {n} {unit}")));
    }
    let word = match unit {
        u if DAY.contains(&u) || matches!(u, "days" | "dino" | "دنوں") => return Some(Day::InDays(n)),
        u if WEEK.contains(&u) || u == "weeks" => "week",
        u if MONTH.contains(&u) || u == "months" => "month",
        u if YEAR.contains(&u) || u == "years" => "year",
        _ => return None,
    };
    Some(Day::Words(if n == 1 { format!("in 1 {word}") } else { format!("in {n} {word}s") }))
}

/// today, kal, parson, next friday, agle hafte, is hafte, end of month, a weekday …
fn named_day(k: &[&str], roman_urdu: bool) -> Option<(usize, Day)> {
    let first = *k.first()?;
    let second = k.get(1).copied().unwrap_or_default();
    let one = |d| Some((1, d));
    match first {
        "today" | "aaj" | "aj" | "آج" | "tonight" => return one(Day::Today),
        "tomorrow" | "tmrw" | "tmr" | "tomorow" | "kal" | "کل" => return one(Day::Tomorrow),
        "parson" | "parso" | "parsoon" | "parsun" | "پرسوں" => return one(Day::InDays(2)),
        "weekend" => return one(Day::Words("weekend".to_owned())),
        _ => {}
    }
    if let ["end", "of", rest @ ..] = k {
        let (len, word) = match rest {
            ["the", w, ..] => (4, *w),
            [w, ..] => (3, *w),
            [] => return None,
        };
        return match word {
            "week" => Some((len, Day::Words("end of week".to_owned()))),
            "month" => Some((len, Day::Words("end of month".to_owned()))),
            _ => None,
        };
    }
    if let [w, "ke" | "کے", "aakhir" | "akhir" | "end" | "آخر", ..] = k {
        if MONTH.contains(w) {
            return Some((3, Day::Words("end of month".to_owned())));
        }
        if WEEK.contains(w) {
            return Some((3, Day::Words("end of week".to_owned())));
        }
    }
    if NEXT.contains(&first) {
        let day = match second {
            w if WEEK.contains(&w) => Day::NextWeek,
            w if MONTH.contains(&w) => Day::NextMonth,
            w if YEAR.contains(&w) => Day::Words("next year".to_owned()),
            "weekend" => Day::Words("next weekend".to_owned()),
            w => Day::Weekday(weekday(w, true)?, true),
        };
        return Some((2, day));
    }
    if THIS.contains(&first) {
        let day = match second {
            w if WEEK.contains(&w) => Day::ThisWeek,
            w if MONTH.contains(&w) => Day::Words("end of month".to_owned()),
            "weekend" => Day::Words("weekend".to_owned()),
            "morning" | "afternoon" | "evening" if first == "this" => Day::Today,
            w => Day::Weekday(weekday(w, roman_urdu)?, false),
        };
        return Some((2, day));
    }
    weekday(first, roman_urdu).map(|d| (1, Day::Weekday(d, false)))
}

/// "jan 27", "27 january 2027", "27th of jan", "the 1st", "2026-01-27", "27/1".
fn calendar(k: &[&str]) -> Option<(usize, Day)> {
    let first = *k.first()?;
    if is_iso_date(first) || is_slash_date(first) {
        return Some((1, Day::Words(first.to_owned())));
    }
    let with_year = |len: usize, m: usize, d: u32| {
        let name = MONTHS.get(m.checked_sub(1)?)?;
        match k.get(len).filter(|y| y.len() == 4).and_then(|y| digits(y)) {
            Some(year) => Some((len + 1, Day::Words(format!("{name} {d} {year}")))),
            None => Some((len, Day::Date(format!("{name} {d}")))),
        }
    };
    match k {
        ["the", d, ..] => ordinal(d).map(|_| (2, Day::Words(format!("the {d}")))),
        [m, d, ..] if month(m).is_some() && day_of_month(d).is_some() => {
            with_year(2, month(m)?, day_of_month(d)?)
        }
        [d, "of", m, ..] if month(m).is_some() && day_of_month(d).is_some() => {
            with_year(3, month(m)?, day_of_month(d)?)
        }
        [d, m, ..] if month(m).is_some() && day_of_month(d).is_some() => {
            with_year(2, month(m)?, day_of_month(d)?)
        }
        _ => None,
    }
}

/// "2026-01-27", optionally with a time ("2026-01-27t17:00").
fn is_iso_date(word: &str) -> bool {
    let date = word.get(..10).unwrap_or_default();
    let parts: Vec<&str> = date.split('-').collect();
    let shape = matches!(parts.as_slice(), [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2);
    shape
        && date.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        && (word.len() == 10 || word.get(10..).is_some_and(|rest| rest.starts_with('t')))
}

/// "27/1", "27/1/27", "27/01/2027" (day first, as the server reads them).
fn is_slash_date(word: &str) -> bool {
    let parts: Vec<&str> = word.split('/').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match parts.as_slice() {
        [d, m] => d.len() <= 2 && m.len() <= 2 && digits(d) && digits(m),
        [d, m, y] => d.len() <= 2 && m.len() <= 2 && matches!(y.len(), 2 | 4) && parts.iter().all(digits),
        _ => false,
    }
}

/// "27", "27th" as a day of the month.
fn day_of_month(word: &str) -> Option<u32> {
    ordinal(word).or_else(|| digits(word).filter(|d| word.len() <= 2 && (1..=31).contains(d)))
}
