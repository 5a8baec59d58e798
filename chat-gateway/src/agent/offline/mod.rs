//! The offline agent's understanding of chat messages: a deterministic parser that turns a
//! message in English, Roman Urdu or Urdu script into `mcp-tasks` tool calls, and the replies
//! in the user's language. Pure: no I/O, no clock, no model.
//!
//! * [`plan`] reads one message into a [`Plan`]: tool calls, or a reply that needs none.
//! * [`summary`] words the reply after the calls ran; [`help`] lists what is understood.
//! * [`detect_lang`] picks the language that replies mirror.
//! * [`normalise_arguments`] rewrites Urdu date phrases in tool calls made by someone else
//!   (the language model) the same way.
//!
//! Dates in Urdu or Roman Urdu are rewritten in the server's English grammar before they go
//! into `due`, `recurrence` or `at` ("kal shaam 5 baje" → "tomorrow 5pm"); the server resolves
//! them in the user's zone, so nothing here needs the current time.
//!
//! Layout: `text` (tokens, language), `lexicon` (word tables), `dates`, `phrases` and `clock`
//! (date phrases), `parse` (which command a message is), `build` and `query` (each command's
//! arguments), `reply` (what is said), `normalise` (other callers' arguments).

mod build;
mod clock;
mod dates;
#[rustfmt::skip] // word tables read best packed
mod lexicon;
mod normalise;
mod parse;
mod phrases;
mod query;
pub mod reply;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_table;
mod text;

pub use normalise::normalise_arguments;
pub use parse::plan;
pub use reply::{help, step_title, steps_title, summary, task_lines};
pub use text::detect_lang;

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

/// One tool call the offline agent wants made.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCall {
    /// The `mcp-tasks` tool name, e.g. `add_task`.
    pub tool: &'static str,
    /// The tool's arguments; always a JSON object.
    pub arguments: serde_json::Value,
}

/// What the agent will do with a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Make these calls (usually one), then reply with `reply::summary`.
    Calls {
        /// The message's language, for the summary.
        lang: Lang,
        /// The calls, in order.
        calls: Vec<PlannedCall>,
    },
    /// A greeting / thanks / help request / anything not understood: reply with this text, no tools.
    Reply {
        /// The message's language.
        lang: Lang,
        /// The reply.
        text: String,
    },
}
