//! Plain-text turns for faces other than ChatKit (the OpenAI-compatible `/v1`): the same
//! threads, the same stored user message first, the same turn runner, with the turn's
//! events handed back as a [`TurnStream`] so the caller can render them its own way.

use serde_json::Map;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::server::{ChatKitServer, STREAM_BUFFER};
use super::turn::run_turn;
use super::types::{Event, ItemBody, OutputText, UserContent, UserMessageInput};
use crate::auth::User;
use crate::error::ApiError;
use crate::store::ToolCallRecord;

/// A message of a client's own history, stored in a new thread before the turn's input so
/// the agent sees it as context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prior {
    /// Something the user said.
    User(String),
    /// Something the assistant said.
    Assistant(String),
}

/// Where a plain-text turn happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnThread {
    /// An existing thread of the user's (another user's id is not found).
    Continue(String),
    /// A new thread, holding these earlier messages before the input.
    New(Vec<Prior>),
}

/// What a finished turn produced.
#[derive(Debug, Clone, Default)]
pub struct TurnSummary {
    /// The assistant messages' texts, in order.
    pub replies: Vec<String>,
    /// The tool calls the agent made, executed server-side.
    pub tool_calls: Vec<ToolCallRecord>,
}

/// The result of a plain JSON turn (`/api/chat`).
pub struct ChatReply {
    /// The thread it happened in.
    pub thread_id: String,
    /// The assistant's text (all messages of the turn, joined).
    pub reply: String,
    /// Tool calls made.
    pub tool_calls: Vec<ToolCallRecord>,
    /// The error message, when the turn failed after the user message was stored.
    pub error: Option<String>,
}

/// A running turn: its thread, its events as they happen, and at the end its summary.
///
/// The turn runs to the end on its own task; dropping this before the events end counts as
/// the client going away (what was said so far is kept, as with ChatKit).
pub struct TurnStream {
    thread_id: String,
    events: mpsc::Receiver<Box<Event>>,
    done: JoinHandle<TurnSummary>,
}

impl TurnStream {
    /// The thread the turn happens in.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// The next event of the turn (ChatKit events: text deltas, items, an `error`), or None
    /// when the turn has ended.
    pub async fn next(&mut self) -> Option<Box<Event>> {
        self.events.recv().await
    }

    /// Waits for the end of the turn (skipping events not read yet) and returns its summary.
    pub async fn finish(mut self) -> TurnSummary {
        while self.events.recv().await.is_some() {}
        self.done.await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "the turn task failed");
            TurnSummary::default()
        })
    }
}

impl ChatKitServer {
    /// Stores `message` as a user message (in `thread`'s thread, or a new one holding its
    /// prior messages first) and starts the turn answering it. Input is checked before
    /// anything is stored.
    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn start_turn(
        &self,
        user: &User,
        message: String,
        thread: TurnThread,
    ) -> Result<TurnStream, ApiError> {
        let input = UserMessageInput {
            content: vec![UserContent::InputText { text: message }],
            attachments: vec![],
            quoted_text: None,
            inference_options: Map::new(),
        };
        let prepared = match thread {
            TurnThread::Continue(id) => self.prepare_message(user, &id, input).await?,
            TurnThread::New(prior) => {
                let earlier = prior_items(prior)?;
                self.prepare_new(user, input, earlier).await?
            }
        };
        let thread_id = prepared.thread.id.clone();
        let (tx, events) = mpsc::channel(STREAM_BUFFER);
        let (store, responder, user) = (self.store().clone(), self.responder(), user.clone());
        let done = tokio::spawn(async move {
            // `finish` drops the sender, so the events end when the turn does.
            let (replies, tool_calls) = run_turn(store, responder, user, prepared, tx).await.finish();
            TurnSummary { replies, tool_calls }
        });
        Ok(TurnStream { thread_id, events, done })
    }
}

impl ChatKitServer {
    /// A plain JSON turn (`/api/chat`): the same threads and responder, read to the end.
    pub async fn chat(
        &self,
        user: &User,
        message: String,
        thread_id: Option<&str>,
    ) -> Result<ChatReply, ApiError> {
        let thread = thread_id.map_or(TurnThread::New(vec![]), |id| TurnThread::Continue(id.to_owned()));
        let mut turn = self.start_turn(user, message, thread).await?;
        let thread_id = turn.thread_id().to_owned();
        let mut error = None;
        while let Some(event) = turn.next().await {
            if let Event::Error { message, .. } = *event {
                error = message.or(Some("the assistant failed".into()));
            }
        }
        let TurnSummary { replies, tool_calls } = turn.finish().await;
        Ok(ChatReply { thread_id, reply: replies.join("\n\n"), tool_calls, error })
    }
}

/// Prior messages as items; empty ones are skipped, a NUL character is refused (the stores
/// cannot hold it).
fn prior_items(prior: Vec<Prior>) -> Result<Vec<ItemBody>, ApiError> {
    let mut items = Vec::with_capacity(prior.len());
    for message in prior {
        let (Prior::User(text) | Prior::Assistant(text)) = &message;
        if text.contains('\0') {
            return Err(ApiError::BadRequest("an earlier message contains a NUL character (\\u0000)".into()));
        }
        if text.trim().is_empty() {
            continue;
        }
        items.push(match message {
            Prior::User(text) => ItemBody::UserMessage {
                content: vec![UserContent::InputText { text }],
                attachments: vec![],
                quoted_text: None,
                inference_options: Map::new(),
            },
            Prior::Assistant(text) => ItemBody::AssistantMessage { content: vec![OutputText::new(text)] },
        });
    }
    Ok(items)
}
