//! The [`Responder`] seam: whatever writes the assistant's side of a turn (the agent, or a
//! scripted responder in tests and benchmarks), and the [`Turn`] it answers.

use std::sync::Arc;

use super::sink::{TurnError, TurnSink};
use crate::auth::User;
use crate::chatkit::types::{Action, ThreadItem};
use crate::store::{ThreadRecord, ThreadStore};

/// One turn's inputs.
pub struct Turn {
    /// Who is talking.
    pub user: User,
    /// The thread (title may be set by the turn).
    pub thread: ThreadRecord,
    /// The user message being answered (None after a client tool output or structured input).
    pub input: Option<ThreadItem>,
    /// The thread store, for history.
    pub store: Arc<dyn ThreadStore>,
}

/// Writes the assistant's side of a conversation.
#[async_trait::async_trait]
pub trait Responder: Send + Sync + 'static {
    /// Answers a turn by sending events to `out`.
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError>;

    /// Checks what this responder depends on (e.g. mcp-tasks) for `/readyz`: each check by
    /// name, with the reason when it is down. Default: depends on nothing.
    async fn readiness(&self) -> Vec<(&'static str, Result<(), String>)> {
        Vec::new()
    }

    /// Checks a widget action before anything runs or streams (its type, its payload, that
    /// it belongs to `sender`), so bad input is a 4xx answer. Default: every action passes
    /// (and [`Responder::action`] then refuses it inside the stream).
    fn check_action(&self, _action: &Action, _sender: Option<&ThreadItem>) -> Result<(), TurnError> {
        Ok(())
    }

    /// Handles a streamed widget action.
    async fn action(
        &self,
        _turn: &Turn,
        _action: &Action,
        _sender: Option<&ThreadItem>,
        _out: &mut TurnSink,
    ) -> Result<(), TurnError> {
        Err(TurnError::Unsupported("this widget action"))
    }

    /// Handles a widget action answered with JSON; may return a replacement item.
    async fn sync_action(
        &self,
        _turn: &Turn,
        _action: &Action,
        _sender: Option<&ThreadItem>,
    ) -> Result<Option<ThreadItem>, TurnError> {
        Err(TurnError::Unsupported("this widget action"))
    }
}
