//! The [`TurnSink`] a responder writes a turn to: it persists what each event means for
//! the thread, as the reference server does, before forwarding the event to the client;
//! [`AssistantMessageWriter`], the one writer of assistant text; and [`TurnError`].

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::chatkit::types::{Event, ItemBody, ItemUpdate, OutputText, ThreadItem, is_hidden};
use crate::store::{ItemRecord, StoreError, ThreadStore, ToolCallRecord};

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
    /// What the request names does not exist for this user (`task`, `item`).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Storage failed.
    #[error("storage failed: {0}")]
    Store(#[from] StoreError),
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
    /// How long one event may wait for a client that stopped reading.
    write_timeout: Duration,
    /// Set once the client stalled past `write_timeout`: the turn goes on, unstreamed.
    stalled: bool,
}

/// How long an event waits for a stalled client when [`TurnSink::with_write_timeout`] is not used.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

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
            write_timeout: DEFAULT_WRITE_TIMEOUT,
            stalled: false,
        }
    }

    /// This sink giving up on a client that has not taken an event for `timeout`: the turn
    /// then runs to its end and is stored, and the rest of its events are dropped.
    #[must_use]
    pub fn with_write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Hands `event` to the client, unless it stalled; `Disconnected` once it has gone away.
    async fn deliver(&mut self, event: Event) -> Result<(), TurnError> {
        if self.stalled {
            return Ok(());
        }
        // Room in the channel (the usual case): no timer. Only a full channel, a client
        // not keeping up, waits under `write_timeout` (a timer per event costs ~2% of a turn).
        let event = match self.tx.try_send(Box::new(event)) {
            Ok(()) => return Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => return Err(TurnError::Disconnected),
            Err(mpsc::error::TrySendError::Full(event)) => event,
        };
        match tokio::time::timeout(self.write_timeout, self.tx.send(event)).await {
            Ok(sent) => sent.map_err(|_| TurnError::Disconnected),
            Err(_) => {
                tracing::warn!(thread = %self.thread_id, "the client stopped reading; the turn goes on unstreamed");
                crate::metrics::stream_stalled();
                self.stalled = true;
                Ok(())
            }
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
            self.deliver(event).await?;
        }
        Ok(())
    }

    /// Stores `item` (a widget an action changed) in place of the stored one and tells the
    /// client with `widget.root.updated`.
    pub async fn update_widget(&mut self, item: &ThreadItem) -> Result<(), TurnError> {
        let ItemBody::Widget { widget, .. } = &item.body else { return Ok(()) };
        self.store.save_item(&self.user, &record(item)).await?;
        let update = ItemUpdate::WidgetRootUpdated { widget: widget.clone() };
        self.deliver(Event::ItemUpdated { item_id: item.id.clone(), update }).await
    }

    /// Forwards an event that needs no persisting (it describes what is already stored).
    pub async fn forward(&mut self, event: Event) -> Result<(), TurnError> {
        self.deliver(event).await
    }

    /// Records a tool call made during this turn.
    pub async fn record_tool_call(&mut self, call: ToolCallRecord) -> Result<(), TurnError> {
        self.store.record_tool_call(&self.user, &call).await?;
        self.tool_calls.push(call);
        Ok(())
    }

    /// Streams `deltas` as one whole assistant message (added, part added, deltas, part
    /// done, done).
    pub async fn assistant_text(
        &mut self,
        deltas: impl IntoIterator<Item = String>,
    ) -> Result<(), TurnError> {
        let mut message = AssistantMessageWriter::start(self).await?;
        for delta in deltas {
            message.push(self, delta).await?;
        }
        message.finish(self).await
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

/// An assistant message being streamed: started (item added with an empty part), then text
/// deltas as they come, then finished (part done, item done: stored). Every assistant text of
/// every responder is written through it, so the event sequence exists once.
pub struct AssistantMessageWriter {
    item: ThreadItem,
    text: String,
}

impl AssistantMessageWriter {
    /// Adds an empty assistant message and its first (empty) text part to `out`.
    pub async fn start(out: &mut TurnSink) -> Result<Self, TurnError> {
        let item = out.item("msg", ItemBody::AssistantMessage { content: vec![] });
        out.send(Event::ItemAdded { item: item.clone() }).await?;
        let update = ItemUpdate::PartAdded { content_index: 0, content: OutputText::new("") };
        out.send(Event::ItemUpdated { item_id: item.id.clone(), update }).await?;
        Ok(Self { item, text: String::new() })
    }

    /// Appends `delta` to the message's text.
    pub async fn push(&mut self, out: &mut TurnSink, delta: String) -> Result<(), TurnError> {
        self.text.push_str(&delta);
        let update = ItemUpdate::TextDelta { content_index: 0, delta };
        out.send(Event::ItemUpdated { item_id: self.item.id.clone(), update }).await
    }

    /// Ends the text part and the message (which `out` then stores).
    pub async fn finish(self, out: &mut TurnSink) -> Result<(), TurnError> {
        let part = OutputText::new(self.text);
        let update = ItemUpdate::PartDone { content_index: 0, content: part.clone() };
        out.send(Event::ItemUpdated { item_id: self.item.id.clone(), update }).await?;
        let item = ThreadItem { body: ItemBody::AssistantMessage { content: vec![part] }, ..self.item };
        out.send(Event::ItemDone { item }).await
    }
}
