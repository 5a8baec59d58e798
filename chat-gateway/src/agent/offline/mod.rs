//! The offline agent's understanding of chat messages: a deterministic parser that turns a
//! message in English, Roman Urdu or Urdu script into `mcp-tasks` tool calls, and the replies
//! in the user's language. Pure: no I/O, no clock, no model.
//!
//! * [`plan`] reads one message into a [`Plan`]: tool calls, or a reply that needs none.
//! * [`summary`] words the reply after the calls ran; [`help`] lists what is understood.
//!
//! Dates in Urdu or Roman Urdu are rewritten in the server's English grammar before they go
//! into `due`, `recurrence` or `at` ("kal shaam 5 baje" → "tomorrow 5pm"); the server resolves
//! them in the user's zone, so nothing here needs the current time. Reading the language
//! (tokens, numbers, date phrases, priorities, which language) is `agent::lang`'s.
//!
//! Layout, bottom up: `lexicon` (the command words), `calls` (the tool calls planned),
//! `parse` (one message as the commands read it), `reply` (what is said), `build` and
//! `query` (each command's arguments), `route` (which command a message is); `files` reads
//! attached text, CSV and calendar files into tasks.

mod all;
mod build;
mod calls;
mod files;
#[rustfmt::skip] // word tables read best packed
mod lexicon;
mod parse;
mod query;
mod reply;
mod route;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_table;

pub use all::{AllBatch, all_batch};
pub use calls::PlannedCall;
pub use files::{TextKind, tasks_in};
pub use reply::{help, summary};
pub use route::plan;

use crate::agent::lang::Lang;

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
