//! Times of day in English, Roman Urdu and Urdu: "5pm", "17:00", "5 baje", "saade 5 baje",
//! "subah", "شام", and how a bare hour gets its am or pm.

use super::words::{BAJE, HALF_PAST, is_unit};
use crate::agent::lang::numbers::{digits, number};

/// A part of the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Morning,
    Afternoon,
    Evening,
    Night,
    Noon,
    Midnight,
}

/// How a clock time was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Am,
    Pm,
    /// "17:00", "09:30".
    H24,
    /// "5 baje", "at 5", "5:30": am or pm comes from the part of day, or a guess.
    Bare,
}

/// A time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Clock {
    hour: u32,
    minute: u32,
    mark: Mark,
}

/// The English word for a part of the day, as the server reads it.
pub(super) fn part_word(part: Part) -> String {
    let word = match part {
        Part::Morning => "morning",
        Part::Afternoon => "afternoon",
        Part::Evening => "evening",
        Part::Night => "night",
        Part::Noon => "noon",
        Part::Midnight => "midnight",
    };
    word.to_owned()
}

impl Clock {
    /// Decides am/pm for a bare hour: from the part of day, else 1–6 (and 12) are pm, 7–11 am.
    /// "raat" (night) with 12 or 1–4 is after midnight: "raat 2 baje" is 2am.
    pub(super) fn resolve(self, part: Option<Part>) -> Self {
        if self.mark != Mark::Bare {
            return self;
        }
        let h = self.hour;
        let pm = match part {
            Some(Part::Morning) => h == 12,
            Some(Part::Evening) => true,
            Some(Part::Night) => !(h == 12 || h <= 4),
            Some(Part::Afternoon | Part::Noon | Part::Midnight) | None => h == 12 || h <= 6,
        };
        Self { mark: if pm { Mark::Pm } else { Mark::Am }, ..self }
    }
}

impl std::fmt::Display for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let suffix = match self.resolve(None).mark {
            Mark::H24 | Mark::Bare => return write!(f, "{:02}:{:02}", self.hour, self.minute),
            Mark::Am => "am",
            Mark::Pm => "pm",
        };
        let hour = match self.hour % 12 {
            0 => 12,
            h => h,
        };
        match self.minute {
            0 => write!(f, "{hour}{suffix}"),
            m => write!(f, "{hour}:{m:02}{suffix}"),
        }
    }
}

/// A bare hour after "at" ("every day at 9"), `k` starting at the "at"; the length counts
/// the hour only.
pub(super) fn at_bare(k: &[&str]) -> Option<(usize, Clock)> {
    match k {
        ["at", hour, ..] => number(hour)
            .filter(|h| (1..=12).contains(h))
            .map(|hour| (1, Clock { hour, minute: 0, mark: Mark::Bare })),
        _ => None,
    }
}

/// A clock time: "5pm", "5 pm", "17:00", "5 baje", "saade 5 baje", "at 5".
pub(super) fn clock(k: &[&str]) -> Option<(usize, Clock)> {
    if let Some(found) = clock_word(k) {
        return Some(found);
    }
    match k {
        ["at", rest @ ..] => match clock_word(rest) {
            Some((len, c)) => Some((len + 1, c)),
            None => {
                at_bare(k).filter(|_| !rest.get(1).is_some_and(|w| is_unit(w))).map(|(len, c)| (len + 1, c))
            }
        },
        [half, h, baje, ..] if HALF_PAST.contains(half) && BAJE.contains(baje) => {
            let hour = number(h).filter(|h| (1..=12).contains(h))?;
            Some((3, Clock { hour, minute: 30, mark: Mark::Bare }))
        }
        _ => None,
    }
}

/// A clock written as one word, or a number with its "pm"/"baje": "5pm", "17:00", "5 pm", "5 baje".
pub(super) fn clock_word(k: &[&str]) -> Option<(usize, Clock)> {
    let word = *k.first()?;
    let next = k.get(1).copied().unwrap_or_default();
    let meridiem = |w: &str| match w {
        "am" | "a.m" => Some(Mark::Am),
        "pm" | "p.m" => Some(Mark::Pm),
        _ => None,
    };
    let glued =
        ["am", "pm", "a.m", "p.m"].iter().find_map(|s| word.strip_suffix(s).map(|body| (body, meridiem(s))));
    let (body, mark, len) = match glued {
        Some((body, mark)) if !body.is_empty() => (body, mark, 1),
        _ => match meridiem(next) {
            Some(mark) => (word, Some(mark), 2),
            None if BAJE.contains(&next) => (word, Some(Mark::Bare), 2),
            None => (word, None, 1),
        },
    };
    let (hour, minute) = match body.split_once(':') {
        Some((h, m)) if m.len() == 2 && h.len() <= 2 => (digits(h)?, digits(m)?),
        Some(_) => return None,
        None if mark.is_some() => (number(body)?, 0),
        None => return None,
    };
    if minute > 59 {
        return None;
    }
    let mark = match mark {
        Some(Mark::Am | Mark::Pm | Mark::Bare) if !(1..=12).contains(&hour) => return None,
        Some(mark) => mark,
        None if hour > 23 => return None,
        None if hour == 0 || hour > 12 || body.starts_with('0') => Mark::H24,
        None => Mark::Bare,
    };
    Some((len, Clock { hour, minute, mark }))
}

/// A part of the day. English "morning"/"night" alone count only right after a date
/// ("tomorrow morning"), so "movie night" stays a title.
pub(super) fn part(k: &[&str], after_date: bool) -> Option<(usize, Part)> {
    let word = *k.first()?;
    let urdu = match word {
        "subah" | "subha" | "subh" | "sube" | "صبح" => Some(Part::Morning),
        "dopahar" | "dopehar" | "dopahr" | "dophar" | "دوپہر" => Some(Part::Afternoon),
        "shaam" | "sham" | "شام" => Some(Part::Evening),
        "raat" | "رات" => Some(Part::Night),
        "noon" | "midday" => Some(Part::Noon),
        "midnight" => Some(Part::Midnight),
        _ => None,
    };
    if let Some(p) = urdu {
        return Some((1, p));
    }
    match k {
        ["in", "the", w, ..] => english_part(w).map(|p| (3, p)),
        ["at", "night", ..] => Some((2, Part::Night)),
        [w, ..] if after_date => english_part(w).map(|p| (1, p)),
        _ => None,
    }
}

/// "morning", "afternoon", "evening", "night".
pub(super) fn english_part(word: &str) -> Option<Part> {
    match word {
        "morning" => Some(Part::Morning),
        "afternoon" => Some(Part::Afternoon),
        "evening" => Some(Part::Evening),
        "night" => Some(Part::Night),
        _ => None,
    }
}
