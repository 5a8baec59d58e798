//! ChatKit wire types as serde structs, matching the reference server field for field:
//! nulls are omitted, defaulted fields always present, timestamps RFC 3339 UTC, unknown
//! request fields ignored.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// Serialises instants as `2026-11-22T03:28:57.137279Z`.
pub fn micros<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true))
}

/// One request, dispatched on `type`.
#[derive(Debug, Deserialize)]
#[serde(tag = "type")]
pub enum Request {
    /// Start a thread with a user message (streams).
    #[serde(rename = "threads.create")]
    CreateThread {
        /// Parameters.
        params: CreateThreadParams,
    },
    /// Add a user message (streams).
    #[serde(rename = "threads.add_user_message")]
    AddUserMessage {
        /// Parameters.
        params: AddUserMessageParams,
    },
    /// Report a client tool's result (streams).
    #[serde(rename = "threads.add_client_tool_output")]
    AddClientToolOutput {
        /// Parameters.
        params: ClientToolOutputParams,
    },
    /// Answer a structured input (streams).
    #[serde(rename = "threads.add_structured_input")]
    AddStructuredInput {
        /// Parameters.
        params: StructuredInputParams,
    },
    /// Replay the turn after a user message (streams).
    #[serde(rename = "threads.retry_after_item")]
    RetryAfterItem {
        /// Parameters.
        params: ThreadItemParams,
    },
    /// A widget action (streams).
    #[serde(rename = "threads.custom_action")]
    CustomAction {
        /// Parameters.
        params: CustomActionParams,
    },
    /// A widget action answered with JSON.
    #[serde(rename = "threads.sync_custom_action")]
    SyncCustomAction {
        /// Parameters.
        params: CustomActionParams,
    },
    /// A thread with its first items.
    #[serde(rename = "threads.get_by_id")]
    GetThread {
        /// Parameters.
        params: ThreadIdParams,
    },
    /// The user's threads.
    #[serde(rename = "threads.list")]
    ListThreads {
        /// Parameters.
        params: PageParams,
    },
    /// A thread's items.
    #[serde(rename = "items.list")]
    ListItems {
        /// Parameters.
        params: ListItemsParams,
    },
    /// Thumbs up/down on items.
    #[serde(rename = "items.feedback")]
    Feedback {
        /// Parameters.
        params: FeedbackParams,
    },
    /// Rename a thread.
    #[serde(rename = "threads.update")]
    UpdateThread {
        /// Parameters.
        params: UpdateThreadParams,
    },
    /// Delete a thread.
    #[serde(rename = "threads.delete")]
    DeleteThread {
        /// Parameters.
        params: ThreadIdParams,
    },
    /// Start an attachment upload (not supported).
    #[serde(rename = "attachments.create")]
    CreateAttachment {
        /// Parameters (ignored).
        params: Value,
    },
    /// Delete an attachment (not supported).
    #[serde(rename = "attachments.delete")]
    DeleteAttachment {
        /// Parameters (ignored).
        params: Value,
    },
    /// Speech to text (not supported).
    #[serde(rename = "input.transcribe")]
    Transcribe {
        /// Parameters (ignored).
        params: Value,
    },
}

/// Every request `type` this server knows.
pub const REQUEST_TYPES: [&str; 16] = [
    "threads.create",
    "threads.add_user_message",
    "threads.add_client_tool_output",
    "threads.add_structured_input",
    "threads.retry_after_item",
    "threads.custom_action",
    "threads.sync_custom_action",
    "threads.get_by_id",
    "threads.list",
    "items.list",
    "items.feedback",
    "threads.update",
    "threads.delete",
    "attachments.create",
    "attachments.delete",
    "input.transcribe",
];

/// `threads.create` parameters.
#[derive(Debug, Deserialize)]
pub struct CreateThreadParams {
    /// The first user message.
    pub input: UserMessageInput,
}

/// `threads.add_user_message` parameters.
#[derive(Debug, Deserialize)]
pub struct AddUserMessageParams {
    /// The thread.
    pub thread_id: String,
    /// The message.
    pub input: UserMessageInput,
}

/// `threads.add_client_tool_output` parameters.
#[derive(Debug, Deserialize)]
pub struct ClientToolOutputParams {
    /// The thread.
    pub thread_id: String,
    /// The tool's result (any JSON).
    pub result: Value,
}

/// `threads.add_structured_input` parameters.
#[derive(Debug, Deserialize)]
pub struct StructuredInputParams {
    /// The thread.
    pub thread_id: String,
    /// The structured input item.
    pub item_id: String,
    /// The answers.
    pub input: Value,
}

/// Parameters naming one item of a thread.
#[derive(Debug, Deserialize)]
pub struct ThreadItemParams {
    /// The thread.
    pub thread_id: String,
    /// The item.
    pub item_id: String,
}

/// `threads.custom_action` parameters.
#[derive(Debug, Deserialize)]
pub struct CustomActionParams {
    /// The thread.
    pub thread_id: String,
    /// The widget item that sent it, if any.
    #[serde(default)]
    pub item_id: Option<String>,
    /// `{type, payload}`.
    pub action: Action,
}

/// A widget action.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Action {
    /// Action name.
    #[serde(rename = "type")]
    pub kind: String,
    /// Any JSON.
    #[serde(default)]
    pub payload: Value,
}

/// Parameters naming a thread.
#[derive(Debug, Deserialize)]
pub struct ThreadIdParams {
    /// The thread.
    pub thread_id: String,
}

/// Pagination parameters.
#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    /// Page size (default 20).
    #[serde(default)]
    pub limit: Option<i64>,
    /// `asc` or `desc` (default).
    #[serde(default)]
    pub order: Option<crate::store::Order>,
    /// Id of the last element of the previous page.
    #[serde(default)]
    pub after: Option<String>,
}

/// `items.list` parameters.
#[derive(Debug, Deserialize)]
pub struct ListItemsParams {
    /// The thread.
    pub thread_id: String,
    /// Paging.
    #[serde(flatten)]
    pub page: PageParams,
}

/// `items.feedback` parameters.
#[derive(Debug, Deserialize)]
pub struct FeedbackParams {
    /// The thread.
    pub thread_id: String,
    /// Items the feedback is about.
    pub item_ids: Vec<String>,
    /// `positive` or `negative`.
    pub kind: FeedbackKind,
}

/// Feedback kind.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackKind {
    /// Thumbs up.
    Positive,
    /// Thumbs down.
    Negative,
}

/// `threads.update` parameters.
#[derive(Debug, Deserialize)]
pub struct UpdateThreadParams {
    /// The thread.
    pub thread_id: String,
    /// New title.
    pub title: String,
}

/// What the user typed.
#[derive(Debug, Clone, Deserialize)]
pub struct UserMessageInput {
    /// Text and tags.
    pub content: Vec<UserContent>,
    /// Attachment ids (must be empty: attachments are not supported).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Reply-to text.
    #[serde(default)]
    pub quoted_text: Option<String>,
    /// Composer options.
    #[serde(default)]
    pub inference_options: Map<String, Value>,
}

/// A part of a user message.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UserContent {
    /// Plain text.
    InputText {
        /// The text.
        text: String,
    },
    /// An @-mention style tag.
    InputTag {
        /// Tag id.
        id: String,
        /// Shown text.
        text: String,
        /// Integration data.
        #[serde(default)]
        data: Value,
        /// Group name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        group: Option<String>,
        /// Whether clickable.
        #[serde(default)]
        interactive: bool,
    },
}

impl UserMessageInput {
    /// The message as plain text (tags as their text).
    pub fn text(&self) -> String {
        user_text(&self.content)
    }
}

/// Joins the text of user content parts.
pub fn user_text(content: &[UserContent]) -> String {
    content
        .iter()
        .map(|c| match c {
            UserContent::InputText { text } | UserContent::InputTag { text, .. } => text.as_str(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An item in a thread.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThreadItem {
    /// Item id.
    pub id: String,
    /// Owning thread.
    pub thread_id: String,
    /// When it was created.
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    /// What it is.
    #[serde(flatten)]
    pub body: ItemBody,
}

/// The kinds of item this server produces and reads.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ItemBody {
    /// What the user said.
    UserMessage {
        /// Text and tags.
        content: Vec<UserContent>,
        /// Attachments (always empty here).
        #[serde(default)]
        attachments: Vec<Value>,
        /// Reply-to text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        quoted_text: Option<String>,
        /// Composer options.
        #[serde(default)]
        inference_options: Map<String, Value>,
    },
    /// What the assistant said.
    AssistantMessage {
        /// Text parts.
        content: Vec<OutputText>,
    },
    /// A tool the client runs.
    ClientToolCall {
        /// `pending` or `completed`.
        status: String,
        /// Call id.
        call_id: String,
        /// Tool name.
        name: String,
        /// Arguments.
        arguments: Value,
        /// The client's result.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        output: Option<Value>,
    },
    /// A widget (opaque JSON tree).
    Widget {
        /// The widget root.
        widget: Value,
        /// Text copied by the copy button.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        copy_text: Option<String>,
    },
    /// Progress of several steps (tool calls).
    Workflow {
        /// The workflow.
        workflow: Workflow,
    },
    /// End of an assistant turn.
    EndOfTurn,
    /// Context for the model only; never sent.
    SdkHiddenContext {
        /// The text.
        content: String,
    },
    /// Context for the model only; never sent.
    HiddenContextItem {
        /// Any JSON.
        content: Value,
    },
}

impl ItemBody {
    /// The wire `type` of this item.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::UserMessage { .. } => "user_message",
            Self::AssistantMessage { .. } => "assistant_message",
            Self::ClientToolCall { .. } => "client_tool_call",
            Self::Widget { .. } => "widget",
            Self::Workflow { .. } => "workflow",
            Self::EndOfTurn => "end_of_turn",
            Self::SdkHiddenContext { .. } => "sdk_hidden_context",
            Self::HiddenContextItem { .. } => "hidden_context_item",
        }
    }
}

/// Whether items of this `type` are kept from the client.
pub fn is_hidden(kind: &str) -> bool {
    matches!(kind, "sdk_hidden_context" | "hidden_context_item")
}

/// An assistant text part.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct OutputText {
    /// Citations (none here).
    #[serde(default)]
    pub annotations: Vec<Value>,
    /// The text.
    pub text: String,
    /// Always `output_text`.
    #[serde(rename = "type", default = "output_text")]
    pub kind: String,
}

fn output_text() -> String {
    "output_text".into()
}

impl OutputText {
    /// A text part.
    pub fn new(text: impl Into<String>) -> Self {
        Self { annotations: vec![], text: text.into(), kind: output_text() }
    }
}

/// A workflow: tool calls shown as tasks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Workflow {
    /// `custom` or `reasoning`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The steps.
    pub tasks: Vec<WorkflowTask>,
    /// Shown when collapsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Value>,
    /// Whether it starts expanded.
    #[serde(default)]
    pub expanded: bool,
}

/// One step of a workflow (a `custom` task).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct WorkflowTask {
    /// Always `custom`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Step title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Step detail (markdown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// `none`, `loading` or `complete`.
    pub status_indicator: String,
}

/// A thread as sent: metadata plus a page of items.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadView {
    /// Thread id.
    pub id: String,
    /// Title, once set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When it was created.
    #[serde(serialize_with = "micros")]
    pub created_at: DateTime<Utc>,
    /// `{"type":"active"}` etc.
    pub status: Value,
    /// Always `{}` on the wire.
    pub metadata: Map<String, Value>,
    /// A page of items (empty in lists).
    pub items: PageView<Value>,
}

/// A page on the wire.
#[derive(Debug, Clone, Serialize)]
pub struct PageView<T> {
    /// Elements.
    pub data: Vec<T>,
    /// Whether more follow.
    pub has_more: bool,
    /// Cursor for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl<T> PageView<T> {
    /// An empty page.
    pub fn empty() -> Self {
        Self { data: vec![], has_more: false, after: None }
    }
}

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
}

impl Event {
    /// An error event: `custom` with a message the widget shows.
    pub fn error(message: impl Into<String>, allow_retry: bool) -> Self {
        Self::Error { code: "custom".into(), message: Some(message.into()), allow_retry }
    }
}
