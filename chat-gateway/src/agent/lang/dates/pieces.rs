//! What one date recogniser finds: a day, a repeating schedule, a clock time or a part of
//! the day; a message's pieces add up to its `Dates`.

use chrono::Weekday;

use super::clock::{Clock, Part};

/// A calendar day (or an instant that takes no time of day).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Day {
    Today,
    Tomorrow,
    InDays(u32),
    /// A weekday; `true` for "next friday".
    Weekday(Weekday, bool),
    ThisWeek,
    NextWeek,
    NextMonth,
    /// A month and day ("jan 27"): also what a yearly repeat repeats on.
    Date(String),
    /// Already in the server's words ("2026-01-27", "the 1st", "next year"); a time may follow.
    Words(String),
    /// An instant or offset that takes no time of day ("in 2 hours", "30 minutes before").
    Instant(String),
}

/// A repeating schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Every {
    Day,
    Weekday(Weekday),
    Week,
    Month,
    Year,
    /// English as typed ("every month on the 1st"); `timed` if it names a time of day.
    Words {
        text: String,
        timed: bool,
    },
}

/// What one recogniser found; a message's pieces add up to its `Dates`.
pub(super) enum Piece {
    Day(Day),
    Clock(Clock),
    Part(Part),
    Every(Every),
}
