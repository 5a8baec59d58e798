//! The user's language, shared by both agents: which language a message is in
//! ([`detect_lang`]), the labels shown while tools run ([`step_title`], [`steps_title`]),
//! a tool result's tasks as lines for people ([`task_lines`]), and Urdu or Roman Urdu
//! arguments rewritten in the task server's English ([`normalise_arguments`]).
//!
//! Underneath, what reading a message in three languages takes: `tokens` (words with a
//! display form and a match key), `numbers`, `dates/` (date, time and recurrence phrases)
//! and `priority` (priority markers). The offline agent reads messages with them too.
//!
//! Layout, bottom up: `tokens`, `numbers`, `dates/`, `priority`, `detect`, `labels`,
//! `task_lines`, `normalise`. Nothing here depends on either agent.

pub(crate) mod dates;
mod detect;
pub(crate) mod labels;
mod normalise;
pub(crate) mod numbers;
pub(crate) mod priority;
pub(crate) mod task_lines;
#[cfg(test)]
mod tests;
pub(crate) mod tokens;

pub use detect::detect_lang;
pub use labels::{step_title, steps_title};
pub use normalise::normalise_arguments;
pub use task_lines::task_lines;

/// The language a message is in; replies mirror it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// English.
    English,
    /// Urdu written in Latin letters ("kal shaam 5 baje").
    RomanUrdu,
    /// Urdu in its own (Arabic) script.
    Urdu,
}

impl Lang {
    /// The language's tag (BCP 47): `en`, `ur-Latn` (Roman Urdu) or `ur`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::English => "en",
            Self::RomanUrdu => "ur-Latn",
            Self::Urdu => "ur",
        }
    }

    /// The language a [`Lang::code`] names.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::English, Self::RomanUrdu, Self::Urdu].into_iter().find(|l| l.code() == code)
    }
}

/// `text` cut to at most `max` characters, an ellipsis marking the cut.
#[must_use]
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max).collect();
    clipped.push('…');
    clipped
}
