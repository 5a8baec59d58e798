//! ChatKit views: a thread as sent (metadata plus a page of items) and a page of anything.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

use super::items::micros;
use crate::store::ThreadRecord;

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

impl ThreadView {
    /// The wire view of a stored thread with a page of its items.
    pub fn of(thread: &ThreadRecord, items: PageView<Value>) -> Self {
        Self {
            id: thread.id.clone(),
            title: thread.title.clone(),
            created_at: thread.created_at,
            status: thread.status.clone(),
            metadata: Map::new(),
            items,
        }
    }
}
