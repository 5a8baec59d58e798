//! ChatKit requests as serde structs: the request `type`s, their parameters and what the
//! user typed. Unknown request fields are ignored.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::items::{UserContent, user_text};

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
    /// Start an attachment upload (two-phase: the answer says where to upload).
    #[serde(rename = "attachments.create")]
    CreateAttachment {
        /// Parameters.
        params: CreateAttachmentParams,
    },
    /// Delete an attachment.
    #[serde(rename = "attachments.delete")]
    DeleteAttachment {
        /// Parameters.
        params: DeleteAttachmentParams,
    },
    /// Speech to text.
    #[serde(rename = "input.transcribe")]
    Transcribe {
        /// Parameters.
        params: TranscribeParams,
        /// The envelope's integration-specific metadata: a `locale` here is the language hint.
        #[serde(default)]
        metadata: Value,
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

/// `input.transcribe` parameters.
#[derive(Deserialize)]
pub struct TranscribeParams {
    /// The recording, base64 (standard alphabet, padded).
    pub audio_base64: String,
    /// Its MIME type, e.g. `audio/webm;codecs=opus`.
    pub mime_type: String,
}

impl std::fmt::Debug for TranscribeParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranscribeParams")
            .field("audio_base64", &format_args!("<{} characters>", self.audio_base64.len()))
            .field("mime_type", &self.mime_type)
            .finish()
    }
}

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

/// `attachments.create` parameters.
#[derive(Debug, Deserialize)]
pub struct CreateAttachmentParams {
    /// File name.
    pub name: String,
    /// Size in bytes (the upload must match it).
    pub size: i64,
    /// MIME type (the upload's bytes must match it).
    pub mime_type: String,
}

/// `attachments.delete` parameters.
#[derive(Debug, Deserialize)]
pub struct DeleteAttachmentParams {
    /// The attachment.
    pub attachment_id: String,
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
    /// Attachment ids (created and uploaded earlier by the same user).
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Reply-to text.
    #[serde(default)]
    pub quoted_text: Option<String>,
    /// Composer options.
    #[serde(default)]
    pub inference_options: Map<String, Value>,
}

impl UserMessageInput {
    /// The message as plain text (tags as their text).
    pub fn text(&self) -> String {
        user_text(&self.content)
    }
}
