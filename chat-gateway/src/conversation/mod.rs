//! The conversation service: the one way into a conversation for every face (ChatKit,
//! `/api/chat`, REST, `/v1`). [`Conversations`] prepares a turn (the user message stored
//! before anything can fail), runs it with a [`Responder`] writing to a [`TurnSink`] that
//! records each item as it streams, and titles the thread; [`Threads`] is every other thread
//! operation. No face reaches the store except through here.
//!
//! Inside: `service` (starting turns), `run` (running one to its end), `sink` (recording
//! and forwarding its events, and the one writer of assistant text), `responder` (the seam
//! the agent implements), `threads` (thread operations), `input` (what a turn may start from),
//! `admission` (how many turns run at once, per user and in all), `attachments` (files users
//! attach to messages).

mod admission;
pub mod attachments;
mod input;
mod responder;
mod run;
mod service;
mod sink;
mod threads;

pub use attachments::Attachments;
pub use input::{Prior, TurnThread};
pub use responder::{Responder, Turn};
pub use run::{TurnStream, TurnSummary, UNAVAILABLE};
pub use service::Conversations;
pub use sink::{AssistantMessageWriter, TurnError, TurnSink, new_id, record};
pub use threads::{Threads, title_from};

/// The records the service speaks in, from the store.
pub use crate::store::{ItemRecord, Order, Page, StoreError, ThreadRecord, ToolCallRecord};
