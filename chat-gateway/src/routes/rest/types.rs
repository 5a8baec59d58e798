//! The REST threads API's wire types: what `/api/threads…` reads and writes. Each derives
//! `ToSchema`, so `/openapi.json` describes exactly what is sent.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::conversation::{Order, ThreadRecord, ToolCallRecord};

/// Default page size.
pub const DEFAULT_LIMIT: u32 = 20;
/// Largest page size.
pub const MAX_LIMIT: u32 = 100;

/// A conversation of the user's.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Thread {
    /// Thread id (`thr_…`).
    #[schema(example = "thr_5f0c2a9e1b7d4c3a")]
    pub id: String,
    /// Title (from the first message, or as renamed); null until it has one.
    pub title: Option<String>,
    /// `active`, or `locked`/`closed` for threads that take no new messages.
    #[schema(example = "active")]
    pub status: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed (a message, a rename).
    pub updated_at: DateTime<Utc>,
}

impl From<ThreadRecord> for Thread {
    fn from(t: ThreadRecord) -> Self {
        let status = t.status.get("type").and_then(Value::as_str).unwrap_or("active").to_owned();
        Self { id: t.id, title: t.title, status, created_at: t.created_at, updated_at: t.updated_at }
    }
}

/// A page of threads.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ThreadPage {
    /// The threads, in the requested order.
    pub data: Vec<Thread>,
    /// Whether more follow.
    pub has_more: bool,
    /// Pass as `after` to get the next page; null on the last page.
    pub next_after: Option<String>,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The user.
    User,
    /// The task assistant.
    Assistant,
}

/// A user or assistant message of a thread.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Message {
    /// Message id (`msg_…`).
    pub id: String,
    /// Who wrote it.
    pub role: Role,
    /// Its text.
    pub content: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// The tools the assistant ran (server-side) before writing this message; always empty
    /// for user messages.
    pub tool_calls: Vec<ToolCall>,
}

/// A tool call the assistant made.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ToolCall {
    /// Call id.
    pub id: String,
    /// Tool name, e.g. `add_task`.
    #[schema(example = "add_task")]
    pub name: String,
    /// Arguments as sent to the tool.
    #[schema(value_type = Object)]
    pub arguments: Value,
    /// What the tool answered: `{"ok": bool, "text": "…"}`.
    #[schema(value_type = Option<Object>)]
    pub result: Option<Value>,
    /// `ok` or `error`.
    #[schema(example = "ok")]
    pub status: String,
    /// How long it took.
    pub duration_ms: i64,
    /// When it started.
    pub created_at: DateTime<Utc>,
}

impl From<ToolCallRecord> for ToolCall {
    fn from(c: ToolCallRecord) -> Self {
        Self {
            id: c.id,
            name: c.name,
            arguments: c.arguments,
            result: c.result,
            status: c.status,
            duration_ms: c.duration_ms,
            created_at: c.created_at,
        }
    }
}

/// A page of messages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MessagePage {
    /// The messages, in the requested order.
    pub data: Vec<Message>,
    /// Whether more follow.
    pub has_more: bool,
    /// Pass as `after` to get the next page; null on the last page.
    pub next_after: Option<String>,
}

/// Sort order of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Oldest first.
    Asc,
    /// Newest first.
    Desc,
}

impl From<SortOrder> for Order {
    fn from(o: SortOrder) -> Self {
        match o {
            SortOrder::Asc => Order::Asc,
            SortOrder::Desc => Order::Desc,
        }
    }
}

/// Cursor pagination: `limit`, then `after` = the previous page's `next_after`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_after` of the previous page (an element id); omit for the first page.
    pub after: Option<String>,
    /// `desc` (newest first) or `asc`; threads default to `desc`, messages to `asc`.
    #[param(inline)]
    pub order: Option<SortOrder>,
}

/// `PATCH /api/threads/{id}` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ThreadUpdate {
    /// The new title (at most 200 characters, trimmed); null or blank clears it. Required.
    #[schema(example = "Groceries", required = true)]
    #[serde(deserialize_with = "present")]
    pub title: Option<String>,
}

/// A field that must be present but may be null (plain `Option` fields may be left out).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Option::deserialize(d)
}

/// The JSON error of every non-`/v1` route.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_request`, `unauthorized`, `not_found`, `too_large`, `rate_limited`, `internal`.
    #[schema(example = "not_found")]
    pub code: String,
    /// A sentence for people.
    #[schema(example = "thread not found")]
    pub message: String,
}
