//! ChatKit server-sent events: what a streaming request answers with, item by item.

use serde::Serialize;
use serde_json::Value;

use super::items::{OutputText, ThreadItem, WorkflowTask};
use super::views::ThreadView;

/// A server-sent event.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum Event {
    /// A new thread.
    #[serde(rename = "thread.created")]
    ThreadCreated {
        /// The thread (no items).
        thread: ThreadView,
    },
    /// The thread's title or status changed.
    #[serde(rename = "thread.updated")]
    ThreadUpdated {
        /// The thread (no items).
        thread: ThreadView,
    },
    /// An item started (not stored yet).
    #[serde(rename = "thread.item.added")]
    ItemAdded {
        /// The item so far.
        item: ThreadItem,
    },
    /// An item changed while streaming.
    #[serde(rename = "thread.item.updated")]
    ItemUpdated {
        /// Which item.
        item_id: String,
        /// What changed.
        update: ItemUpdate,
    },
    /// An item is complete (stored).
    #[serde(rename = "thread.item.done")]
    ItemDone {
        /// The item.
        item: ThreadItem,
    },
    /// An item was removed.
    #[serde(rename = "thread.item.removed")]
    ItemRemoved {
        /// Which item.
        item_id: String,
    },
    /// An item was replaced.
    #[serde(rename = "thread.item.replaced")]
    ItemReplaced {
        /// The new item.
        item: ThreadItem,
    },
    /// Stream options (first event of every response).
    #[serde(rename = "stream_options")]
    StreamOptions {
        /// The options.
        stream_options: StreamOptions,
    },
    /// Transient progress text.
    #[serde(rename = "progress_update")]
    Progress {
        /// Icon name.
        #[serde(skip_serializing_if = "Option::is_none")]
        icon: Option<String>,
        /// Text.
        text: String,
    },
    /// Something the client should do.
    #[serde(rename = "client_effect")]
    ClientEffect {
        /// Effect name.
        name: String,
        /// Data.
        data: Value,
    },
    /// The turn failed.
    #[serde(rename = "error")]
    Error {
        /// `stream.error` or `custom`.
        code: String,
        /// Shown with `custom`.
        #[serde(skip_serializing_if = "Option::is_none")]
        message: Option<String>,
        /// Whether a retry button is shown.
        allow_retry: bool,
    },
    /// A banner.
    #[serde(rename = "notice")]
    Notice {
        /// `info`, `warning` or `danger`.
        level: String,
        /// Markdown.
        message: String,
        /// Title.
        #[serde(skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
}

/// Stream options.
#[derive(Debug, Clone, Serialize)]
pub struct StreamOptions {
    /// Whether the client may stop the stream.
    pub allow_cancel: bool,
}

/// An incremental change to an item.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type")]
pub enum ItemUpdate {
    /// A text part started.
    #[serde(rename = "assistant_message.content_part.added")]
    PartAdded {
        /// Which part.
        content_index: usize,
        /// The part.
        content: OutputText,
    },
    /// Text appended to a part.
    #[serde(rename = "assistant_message.content_part.text_delta")]
    TextDelta {
        /// Which part.
        content_index: usize,
        /// The new text.
        delta: String,
    },
    /// A text part is complete.
    #[serde(rename = "assistant_message.content_part.done")]
    PartDone {
        /// Which part.
        content_index: usize,
        /// The part.
        content: OutputText,
    },
    /// A workflow step was added.
    #[serde(rename = "workflow.task.added")]
    TaskAdded {
        /// Which step.
        task_index: usize,
        /// The step.
        task: WorkflowTask,
    },
    /// A workflow step changed.
    #[serde(rename = "workflow.task.updated")]
    TaskUpdated {
        /// Which step.
        task_index: usize,
        /// The step.
        task: WorkflowTask,
    },
    /// A widget's whole tree was replaced (an action changed what it shows).
    #[serde(rename = "widget.root.updated")]
    WidgetRootUpdated {
        /// The new widget root.
        widget: Value,
    },
}

impl Event {
    /// An error event: `custom` with a message the widget shows.
    pub fn error(message: impl Into<String>, allow_retry: bool) -> Self {
        Self::Error { code: "custom".into(), message: Some(message.into()), allow_retry }
    }
}
