//! The offline agent's understanding of chat messages: a deterministic parser that turns a
//! message in English, Roman Urdu or Urdu script into `mcp-tasks` tool calls, and the replies
//! in the user's language. No I/O and no model: what the thread showed and what a search
//! found come in as a [`Context`] (the agent reads them); the only clock is the reply's
//! due dates, which name the year only when it is not this one (as the task widget does).
//!
//! * [`plan_in`] reads one message in its thread into a [`Plan`]: tool calls, a reply that
//!   needs none, a title to search for first, a choice or a confirmation to ask for;
//!   [`plan`] reads it alone. References ("the second one", "that", "the milk") are read
//!   against the lists the thread showed ([`Context`]).
//! * [`summary`] words the reply after the calls ran; [`help`] lists what is understood.
//!
//! Dates in Urdu or Roman Urdu are rewritten in the server's English grammar before they go
//! into `due`, `recurrence` or `at` ("kal shaam 5 baje" → "tomorrow 5pm"); the server resolves
//! them in the user's zone, so nothing here needs the current time. Reading the language
//! (tokens, numbers, date phrases, priorities, which language) is `agent::lang`'s.
//!
//! Layout, bottom up: `lexicon` and `lexicon_talk` (the command words, and the words of
//! references, needs and questions), `calls` (the tool calls planned), `parse` (one message
//! as the commands read it), `reply` (what is said), `build` and `query` (each command's
//! arguments), `refer` (tasks named by position, pointer or title), `talk` (needs and
//! questions without a command verb), `route` (which command a message is); `files` reads
//! attached text, CSV and calendar files into tasks, and `all` a delete or complete of every
//! task a filter selects.

mod all;
mod build;
mod calls;
mod files;
#[rustfmt::skip] // word tables read best packed
mod lexicon;
#[rustfmt::skip] // word tables read best packed
mod lexicon_talk;
mod parse;
mod query;
mod refer;
mod reply;
mod reply_tasks;
mod route;
mod talk;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_table;
#[cfg(test)]
mod tests_talk;

pub use all::{AllBatch, all_batch};
pub use calls::PlannedCall;
pub use files::{TextKind, tasks_in};
pub use refer::{Context, Shown};
pub use reply::{Ran, help, summary};
pub use route::{plan, plan_in};

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
    /// The message names a task by title that the thread does not settle: search the user's
    /// own tasks for `query` in `status`, then plan the same message again with what was
    /// found in [`Context::found`].
    Find {
        /// The message's language.
        lang: Lang,
        /// The title words.
        query: String,
        /// `pending`, `completed` or `all`.
        status: &'static str,
    },
    /// Several tasks fit: show these (as found) and ask which one, with `text`.
    Choose {
        /// The message's language.
        lang: Lang,
        /// The question.
        text: String,
        /// The tasks that fit, in the search's order.
        numbers: Vec<i64>,
    },
    /// A destructive call on a task named by title: ask the user to confirm it first.
    Confirm {
        /// The message's language.
        lang: Lang,
        /// The call to make once confirmed.
        call: PlannedCall,
    },
}
