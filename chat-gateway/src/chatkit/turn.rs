//! The [`Responder`] seam (whatever writes the assistant's side of a turn) and the
//! [`TurnSink`] it writes to, which persists items as the reference server does before
//! forwarding each event to the client; and `run_turn`, which drives a prepared turn to its
//! end whatever happens to the client.

use std::sync::Arc;

use chrono::Utc;
use serde_json::Value;
use tokio::sync::mpsc;

use super::server::{title_from, view};
use super::types::{
    Action, Event, ItemBody, ItemUpdate, OutputText, PageView, ThreadItem, is_hidden, user_text,
};
use crate::auth::User;
use crate::store::{ItemRecord, StoreError, ThreadRecord, ThreadStore, ToolCallRecord};

/// Why a turn stopped early.
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    /// The client went away; nothing more can be sent.
    #[error("client disconnected")]
    Disconnected,
    /// The turn failed; `message` is shown to the user.
    #[error("{message}")]
    Failed {
        /// What to tell the user.
        message: String,
        /// Whether retrying may help.
        allow_retry: bool,
    },
    /// The responder does not do this.
    #[error("{0} is not supported by this assistant")]
    Unsupported(&'static str),
    /// Storage failed.
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
}

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

/// A new id with a ChatKit-style prefix: `msg_…`, `thr_…`, `wf_…`.
pub fn new_id(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}_{}", &hex[..16])
}

/// Where a responder's events go: persisted as needed, then forwarded to the client.
pub struct TurnSink {
    tx: mpsc::Sender<Box<Event>>,
    store: Arc<dyn ThreadStore>,
    user: String,
    thread_id: String,
    pending: Vec<ThreadItem>,
    tool_calls: Vec<ToolCallRecord>,
    replies: Vec<String>,
}

impl TurnSink {
    /// A sink for `thread_id` of `user` forwarding to `tx`.
    pub fn new(
        tx: mpsc::Sender<Box<Event>>,
        store: Arc<dyn ThreadStore>,
        user: &str,
        thread_id: &str,
    ) -> Self {
        Self {
            tx,
            store,
            user: user.to_owned(),
            thread_id: thread_id.to_owned(),
            pending: vec![],
            tool_calls: vec![],
            replies: vec![],
        }
    }

    /// Ends the turn (closing the stream): the assistant texts and tool calls it produced.
    pub fn finish(self) -> (Vec<String>, Vec<ToolCallRecord>) {
        (self.replies, self.tool_calls)
    }

    /// The thread this turn writes to.
    pub fn thread_id(&self) -> &str {
        &self.thread_id
    }

    /// An empty item of this thread, created now.
    pub fn item(&self, prefix: &str, body: ItemBody) -> ThreadItem {
        ThreadItem { id: new_id(prefix), thread_id: self.thread_id.clone(), created_at: Utc::now(), body }
    }

    /// Persists what `event` means for the thread, then forwards it (hidden items are not forwarded).
    pub async fn send(&mut self, event: Event) -> Result<(), TurnError> {
        let mut forward = true;
        match &event {
            Event::ItemAdded { item } => self.pending.push(item.clone()),
            Event::ItemUpdated { item_id, update } => self.apply(item_id, update),
            Event::ItemDone { item } => {
                self.pending.retain(|p| p.id != item.id);
                self.store.add_item(&self.user, &record(item)).await?;
                if let ItemBody::AssistantMessage { content } = &item.body {
                    self.replies.push(content.iter().map(|c| c.text.as_str()).collect());
                }
                forward = !is_hidden(item.body.kind());
            }
            Event::ItemReplaced { item } => self.store.save_item(&self.user, &record(item)).await?,
            Event::ItemRemoved { item_id } => {
                match self.store.delete_item(&self.user, &self.thread_id, item_id).await {
                    Ok(()) | Err(StoreError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            _ => {}
        }
        if forward {
            self.tx.send(Box::new(event)).await.map_err(|_| TurnError::Disconnected)?;
        }
        Ok(())
    }

    /// Forwards an event that needs no persisting (it describes what is already stored).
    pub async fn forward(&mut self, event: Event) -> Result<(), TurnError> {
        self.tx.send(Box::new(event)).await.map_err(|_| TurnError::Disconnected)
    }

    /// Records a tool call made during this turn.
    pub async fn record_tool_call(&mut self, call: ToolCallRecord) -> Result<(), TurnError> {
        self.store.record_tool_call(&self.user, &call).await?;
        self.tool_calls.push(call);
        Ok(())
    }

    /// Streams `text` as one assistant message: added, part added, deltas, part done, done.
    pub async fn assistant_text(
        &mut self,
        deltas: impl IntoIterator<Item = String>,
    ) -> Result<(), TurnError> {
        let item = self.item("msg", ItemBody::AssistantMessage { content: vec![] });
        let id = item.id.clone();
        self.send(Event::ItemAdded { item: item.clone() }).await?;
        self.send(Event::ItemUpdated {
            item_id: id.clone(),
            update: ItemUpdate::PartAdded { content_index: 0, content: OutputText::new("") },
        })
        .await?;
        let mut text = String::new();
        for delta in deltas {
            text.push_str(&delta);
            self.send(Event::ItemUpdated {
                item_id: id.clone(),
                update: ItemUpdate::TextDelta { content_index: 0, delta },
            })
            .await?;
        }
        let part = OutputText::new(text);
        self.send(Event::ItemUpdated {
            item_id: id.clone(),
            update: ItemUpdate::PartDone { content_index: 0, content: part.clone() },
        })
        .await?;
        self.send(Event::ItemDone {
            item: ThreadItem { body: ItemBody::AssistantMessage { content: vec![part] }, ..item },
        })
        .await
    }

    /// Resolves when the client has gone away.
    pub fn disconnected(&self) -> impl std::future::Future<Output = ()> + use<> {
        let tx = self.tx.clone();
        async move { tx.closed().await }
    }

    /// After the client went away: stores assistant messages that had text as complete
    /// items (what the user saw stays), drops the rest.
    pub async fn keep_partial(&mut self) -> Result<(), StoreError> {
        for item in std::mem::take(&mut self.pending) {
            let has_text = matches!(&item.body, ItemBody::AssistantMessage { content } if content.iter().any(|c| !c.text.is_empty()));
            if has_text {
                self.store.add_item(&self.user, &record(&item)).await?;
            }
        }
        Ok(())
    }

    /// Mirrors the reference `_apply_assistant_message_update` on the pending copy.
    fn apply(&mut self, item_id: &str, update: &ItemUpdate) {
        let Some(ItemBody::AssistantMessage { content }) =
            self.pending.iter_mut().find(|p| p.id == item_id).map(|p| &mut p.body)
        else {
            return;
        };
        let index = match update {
            ItemUpdate::PartAdded { content_index, .. }
            | ItemUpdate::TextDelta { content_index, .. }
            | ItemUpdate::PartDone { content_index, .. } => *content_index,
            _ => return,
        };
        while content.len() <= index {
            content.push(OutputText::new(""));
        }
        match update {
            ItemUpdate::PartAdded { content: part, .. } | ItemUpdate::PartDone { content: part, .. } => {
                content[index] = part.clone();
            }
            ItemUpdate::TextDelta { delta, .. } => content[index].text.push_str(delta),
            _ => {}
        }
    }
}

/// The stored form of an item.
pub fn record(item: &ThreadItem) -> ItemRecord {
    ItemRecord {
        id: item.id.clone(),
        thread_id: item.thread_id.clone(),
        kind: item.body.kind().to_owned(),
        created_at: item.created_at,
        json: serde_json::to_value(item).unwrap_or(Value::Null),
    }
}

/// A turn ready to run: its thread, what to emit first, and what answers it.
pub(super) struct Prepared {
    pub(super) thread: ThreadRecord,
    pub(super) head: Vec<Event>,
    pub(super) input: Option<ThreadItem>,
    pub(super) action: Option<(Action, Option<ThreadItem>)>,
}

/// Runs a prepared turn to the end, whatever happens to the client; returns the sink.
pub(super) async fn run_turn(
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    user: User,
    prepared: Prepared,
    tx: mpsc::Sender<Box<Event>>,
) -> TurnSink {
    let Prepared { thread, head, input, action } = prepared;
    let mut sink = TurnSink::new(tx, store.clone(), &user.id, &thread.id);
    let mut turn = Turn { user, thread, input, store: store.clone() };
    let mut outcome = Ok(());
    for event in head {
        outcome = sink.forward(event).await;
        if outcome.is_err() {
            break;
        }
    }
    if outcome.is_ok() {
        let gone = sink.disconnected();
        outcome = tokio::select! {
            result = async {
                match &action {
                    Some((action, sender)) => responder.action(&turn, action, sender.as_ref(), &mut sink).await,
                    None => responder.respond(&turn, &mut sink).await,
                }
            } => result,
            () = gone => Err(TurnError::Disconnected),
        };
    }
    let user_id = turn.user.id.clone();
    crate::metrics::turn(match &outcome {
        Ok(()) => "ok",
        Err(TurnError::Disconnected) => "disconnected",
        Err(_) => "failed",
    });
    match outcome {
        Ok(()) => {}
        Err(TurnError::Disconnected) => {
            tracing::info!(thread = %turn.thread.id, "client went away mid-turn");
            if let Err(e) = sink.keep_partial().await {
                tracing::error!(error = %e, "could not keep the partial reply");
            }
        }
        Err(e) => {
            let event = match &e {
                TurnError::Failed { message, allow_retry } => Event::error(message.clone(), *allow_retry),
                TurnError::Unsupported(_) => Event::error(e.to_string(), false),
                _ => {
                    tracing::error!(error = %e, "turn failed");
                    Event::Error { code: "stream.error".into(), message: None, allow_retry: true }
                }
            };
            let _ = sink.send(event).await;
        }
    }
    if turn.thread.title.is_none()
        && let Some(ItemBody::UserMessage { content, .. }) = turn.input.as_ref().map(|i| &i.body)
    {
        turn.thread.title = Some(title_from(&user_text(content)));
        turn.thread.updated_at = Utc::now();
        match store.save_thread(&user_id, &turn.thread).await {
            Ok(()) => {
                let _ = sink
                    .forward(Event::ThreadUpdated { thread: view(&turn.thread, PageView::empty()) })
                    .await;
            }
            Err(e) => tracing::error!(error = %e, "could not save the thread title"),
        }
    }
    sink
}
