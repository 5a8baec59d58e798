//! Date, time and recurrence phrases in English, Roman Urdu and Urdu, found anywhere in a
//! message and rewritten in the English grammar the task server reads
//! ("kal shaam 5 baje" → "tomorrow 5pm", "ہر پیر" → "every monday").
//!
//! Layout, bottom up: `words` (the date words), `clock` (times of day), `pieces` (what one
//! recogniser finds), `phrases` (the recognisers); this file adds a message's pieces up
//! ([`Dates`]).

mod clock;
mod phrases;
mod pieces;
#[rustfmt::skip] // word tables read best packed
mod words;

use super::tokens::prefix_len;
use clock::{Clock, Part, part_word};
use phrases::atom;
use pieces::{Day, Every, Piece};
use words::{PREFIXES, SUFFIXES, weekday_name};

/// The date phrases of one message, and which tokens they took.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dates {
    pub(crate) day: Option<Day>,
    pub(crate) every: Option<Every>,
    clock: Option<Clock>,
    part: Option<Part>,
    used: Vec<bool>,
}

impl Dates {
    /// Finds the date phrases in `keys`. `roman_urdu` admits weekday names that are also
    /// English words ("peer").
    pub(crate) fn scan(keys: &[&str], roman_urdu: bool) -> Self {
        let mut dates = Self { used: vec![false; keys.len()], ..Self::default() };
        let mut at = 0;
        while let Some(rest) = keys.get(at..).filter(|r| !r.is_empty()) {
            let after_date = at > 0 && dates.used.get(at - 1) == Some(&true);
            let Some((len, pieces)) = atom(rest, roman_urdu, after_date) else {
                at += 1;
                continue;
            };
            for piece in pieces {
                dates.put(piece);
            }
            dates.used.iter_mut().skip(at).take(len).for_each(|u| *u = true);
            at += len;
        }
        dates.connectors(keys);
        dates
    }

    fn put(&mut self, piece: Piece) {
        match piece {
            Piece::Day(d) => _ = self.day.get_or_insert(d),
            Piece::Clock(c) => _ = self.clock.get_or_insert(c),
            Piece::Part(p) => _ = self.part.get_or_insert(p),
            Piece::Every(e) => _ = self.every.get_or_insert(e),
        }
    }

    /// Takes "on"/"by"/"at"… just before a date and "tak"/"ko"/"کے لیے"… just after one.
    fn connectors(&mut self, keys: &[&str]) {
        for i in (0..keys.len()).rev() {
            if !self.is_used(i) && self.is_used(i + 1) && keys.get(i).is_some_and(|k| PREFIXES.contains(k)) {
                self.used.get_mut(i).into_iter().for_each(|u| *u = true);
            }
        }
        let mut i = 0;
        while i + 1 < keys.len() {
            if self.is_used(i) && !self.is_used(i + 1) {
                let tail = keys.get(i + 1..).unwrap_or_default();
                if let Some(len) = prefix_len(tail, SUFFIXES) {
                    self.used.iter_mut().skip(i + 1).take(len).for_each(|u| *u = true);
                    i += len;
                }
            }
            i += 1;
        }
    }

    /// Whether token `i` belongs to a date phrase.
    pub(crate) fn is_used(&self, i: usize) -> bool {
        self.used.get(i).copied().unwrap_or(false)
    }

    /// Whether no date, time or recurrence was found.
    pub(crate) fn is_empty(&self) -> bool {
        self.day.is_none() && self.clock.is_none() && self.part.is_none() && self.every.is_none()
    }

    /// The one-off due phrase ("tomorrow 5pm"); `None` if there is none or it repeats.
    pub(crate) fn due(&self) -> Option<String> {
        if self.every.is_some() { None } else { self.when() }
    }

    /// The day and time as one phrase, ignoring any recurrence (reminder times).
    pub(crate) fn when(&self) -> Option<String> {
        if self.day == Some(Day::Today) && self.part == Some(Part::Night) && self.clock.is_none() {
            return Some("tonight".to_owned());
        }
        let time = self.clock.map(|c| c.resolve(self.part).to_string()).or_else(|| self.part.map(part_word));
        match (&self.day, time) {
            (Some(day @ Day::Instant(_)), _) | (Some(day), None) => Some(day_text(day)),
            (Some(day), Some(time)) => Some(format!("{} {time}", day_text(day))),
            (None, time) => time,
        }
    }

    /// The recurrence phrase ("every monday at 9am"), with "starting …" for a day also named.
    pub(crate) fn recurrence(&self) -> Option<String> {
        let every = self.every.as_ref()?;
        let mut text = match every {
            Every::Day => "every day".to_owned(),
            Every::Weekday(d) => format!("every {}", weekday_name(*d)),
            Every::Week => "every week".to_owned(),
            Every::Month => "every month".to_owned(),
            Every::Year => "every year".to_owned(),
            Every::Words { text, .. } => text.clone(),
        };
        if !matches!(every, Every::Words { timed: true, .. }) {
            let time = match (self.clock, self.part) {
                (Some(clock), part) => Some(format!("at {}", clock.resolve(part))),
                (None, Some(p @ (Part::Night | Part::Noon | Part::Midnight))) => {
                    Some(format!("at {}", part_word(p)))
                }
                (None, Some(part)) => Some(format!("in the {}", part_word(part))),
                (None, None) => None,
            };
            if let Some(time) = time {
                text = format!("{text} {time}");
            }
        }
        match &self.day {
            // "har saal 5 march" is every March 5th, not every year from March 5th.
            Some(Day::Date(date)) if *every == Every::Year => {
                Some(format!("every {date}{}", text.strip_prefix("every year").unwrap_or_default()))
            }
            Some(day) if !matches!(day, Day::Instant(_)) && !text.contains("starting") => {
                Some(format!("{text} starting {}", day_text(day)))
            }
            _ => Some(text),
        }
    }

    /// The `list_tasks` due window this names, if any.
    pub(crate) fn window(&self) -> Option<&'static str> {
        match self.day.as_ref()? {
            Day::Today => Some("today"),
            Day::Tomorrow => Some("tomorrow"),
            Day::ThisWeek => Some("this_week"),
            Day::NextWeek => Some("next_week"),
            _ => None,
        }
    }
}

fn day_text(day: &Day) -> String {
    match day {
        Day::Today => "today".to_owned(),
        Day::Tomorrow => "tomorrow".to_owned(),
        Day::InDays(1) => "in 1 day".to_owned(),
        Day::InDays(n) => format!("in {n} days"),
        Day::Weekday(d, false) => weekday_name(*d).to_owned(),
        Day::Weekday(d, true) => format!("next {}", weekday_name(*d)),
        Day::ThisWeek => "end of week".to_owned(),
        Day::NextWeek => "next week".to_owned(),
        Day::NextMonth => "next month".to_owned(),
        Day::Date(text) | Day::Words(text) | Day::Instant(text) => text.clone(),
    }
}
