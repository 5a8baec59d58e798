//! ChatKit thread items as serde structs, matching the reference server field for field:
//! nulls are omitted, defaulted fields always present, timestamps RFC 3339 UTC.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// Serialises instants as `2026-11-22T03:28:57.137279Z`.
pub fn micros<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Micros, true))
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
        /// Attachments as sent (full `Attachment` objects, see [`super::Attachment`]).
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
