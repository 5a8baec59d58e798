//! Thread storage: the [`ThreadStore`] trait (attachments included, [`AttachmentStore`]) with
//! [`PgStore`] and [`SqliteStore`] behind it, picked from `CHAT_DATABASE_URL`. SQL lives only
//! under this module.
//!
//! Every method takes the owner's user id and every statement filters by it: another
//! user's thread id behaves exactly like an id that does not exist. Items are stored as
//! their wire JSON plus indexed columns (id, thread, type, insertion order).
//!
//! Layout: `engine` implements the trait once, as [`SqlStore`], over a `backend::Backend`
//! (the sqlx database type), and [`AttachmentStore`] in `attachments`; `sql` holds the
//! statements both backends share and `row` turns rows into records; `recent` reads what the
//! agent shows the model; `pg` and `sqlite` hold only what differs (connecting, instants,
//! write transactions, the item write and the notice marks).

mod attachments;
mod backend;
mod engine;
mod pg;
mod recent;
mod row;
mod sql;
mod sqlite;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;
use shared::config::DatabaseKind;

pub use engine::SqlStore;
pub use pg::PgStore;
pub use sqlite::SqliteStore;

/// A thread's stored metadata (its items are stored separately).
#[derive(Debug, Clone, PartialEq)]
pub struct ThreadRecord {
    /// `thr_…`.
    pub id: String,
    /// Title, once it has one.
    pub title: Option<String>,
    /// ChatKit status object, e.g. `{"type":"active"}`.
    pub status: Value,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed (title, status, or a new item).
    pub updated_at: DateTime<Utc>,
}

/// A stored thread item: the wire JSON plus the columns it is found by.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemRecord {
    /// `msg_…`, `wf_…` …
    pub id: String,
    /// The thread it belongs to.
    pub thread_id: String,
    /// The item's `type` (`user_message`, `assistant_message`, `workflow`, …).
    pub kind: String,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// The whole item as sent on the wire.
    pub json: Value,
}

/// A record of one tool call the agent made during a turn.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCallRecord {
    /// The model's call id (or a generated one).
    pub id: String,
    /// The thread.
    pub thread_id: String,
    /// The item (workflow or assistant message) it was shown in, if any.
    pub item_id: Option<String>,
    /// Tool name.
    pub name: String,
    /// Arguments as sent.
    pub arguments: Value,
    /// The result (structured content or text), if any.
    pub result: Option<Value>,
    /// `ok` or `error`.
    pub status: String,
    /// How long it took.
    pub duration_ms: i64,
    /// When it started.
    pub created_at: DateTime<Utc>,
}

/// A file a user attached (or is attaching) to a message, with its bytes once uploaded.
#[derive(Clone, PartialEq)]
pub struct AttachmentRecord {
    /// `atc_…`.
    pub id: String,
    /// The thread of the message that carries it (None until sent).
    pub thread_id: Option<String>,
    /// The file name the client gave.
    pub name: String,
    /// The MIME type (checked against the bytes when they arrive).
    pub mime_type: String,
    /// The size `attachments.create` announced, in bytes.
    pub declared_size: i64,
    /// The bytes, once uploaded (None in listings and before the upload).
    pub bytes: Option<Vec<u8>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When the bytes arrived (None: not uploaded yet).
    pub uploaded_at: Option<DateTime<Utc>>,
}

// By hand: the bytes are shown as their count, never dumped into a log.
impl std::fmt::Debug for AttachmentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentRecord")
            .field("id", &self.id)
            .field("thread_id", &self.thread_id)
            .field("mime_type", &self.mime_type)
            .field("declared_size", &self.declared_size)
            .field("bytes", &self.bytes.as_ref().map(Vec::len))
            .field("uploaded_at", &self.uploaded_at)
            .finish_non_exhaustive()
    }
}

/// What one user's attachments take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttachmentUsage {
    /// Bytes, each attachment counted at its declared size (uploaded or not).
    pub bytes: i64,
    /// Attachments not sent in a message yet.
    pub unsent: i64,
}

/// Sort order for pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Order {
    /// Oldest first.
    Asc,
    /// Newest first (the ChatKit default).
    #[default]
    Desc,
}

/// A page: `after` is the id of the last element when more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The elements.
    pub data: Vec<T>,
    /// Whether more follow.
    pub has_more: bool,
    /// The id to pass as `after` for the next page (None when `has_more` is false).
    pub after: Option<String>,
}

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such thread (or item) for this user.
    #[error("not found")]
    NotFound,
    /// A stored value could not be read back.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the database is out of reach for now (down, restarting, refusing
    /// connections, or the connection dropped mid-query): worth a retry in a moment, and a
    /// 503 rather than a 500.
    pub fn is_unavailable(&self) -> bool {
        let Self::Database(e) = self else { return false };
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => true,
            // SQLSTATE class 08 (connection exception), 57P01-57P03 (shutting down, crashed,
            // starting up), 53300 (too many connections).
            sqlx::Error::Database(db) => db.code().is_some_and(|code| {
                code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "53300")
            }),
            _ => false,
        }
    }
}

/// Attachment storage for every user (part of every [`ThreadStore`]). Every method is scoped
/// to `user`: another user's attachment is `NotFound`.
#[async_trait::async_trait]
pub trait AttachmentStore: Send + Sync + 'static {
    /// Records a new, not yet uploaded attachment (`bytes` and `uploaded_at` are ignored).
    async fn create_attachment(&self, user: &str, attachment: &AttachmentRecord) -> Result<(), StoreError>;

    /// Stores an attachment's bytes (replacing any earlier upload) and marks it uploaded at
    /// `now`; `NotFound` when absent, not `user`'s, or already sent in a message.
    async fn upload_attachment(
        &self,
        user: &str,
        attachment_id: &str,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Loads one of `user`'s attachments, with its bytes when uploaded; `NotFound` otherwise.
    async fn load_attachment(&self, user: &str, attachment_id: &str) -> Result<AttachmentRecord, StoreError>;

    /// Binds an uploaded attachment to one of `user`'s threads (a message there carries it);
    /// `NotFound` when absent, not uploaded, or already bound to another thread.
    async fn bind_attachment(
        &self,
        user: &str,
        attachment_id: &str,
        thread_id: &str,
    ) -> Result<(), StoreError>;

    /// Deletes one of `user`'s attachments; `NotFound` when absent.
    async fn delete_attachment(&self, user: &str, attachment_id: &str) -> Result<(), StoreError>;

    /// What `user`'s attachments take: bytes (each counted at its declared size) and how many
    /// are not sent yet.
    async fn attachment_usage(&self, user: &str) -> Result<AttachmentUsage, StoreError>;

    /// Deletes `user`'s attachments never sent in a message and created before `before`;
    /// returns how many.
    async fn delete_unsent_attachments(&self, user: &str, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

/// Thread storage for every user, attachments included. Every method is scoped to `user`.
#[async_trait::async_trait]
pub trait ThreadStore: AttachmentStore {
    /// Applies pending migrations (tracked in `_chat_gateway_migrations`).
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Inserts a new thread.
    async fn create_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError>;

    /// Loads a thread; `NotFound` when absent or not `user`'s.
    async fn load_thread(&self, user: &str, thread_id: &str) -> Result<ThreadRecord, StoreError>;

    /// Saves title, status and `updated_at`; `NotFound` when absent or not `user`'s.
    async fn save_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError>;

    /// A page of the user's threads ordered by creation (ties in insertion order).
    /// `after` is a thread id from a previous page; an unknown `after` is `NotFound`.
    async fn list_threads(
        &self,
        user: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ThreadRecord>, StoreError>;

    /// Deletes a thread with its items, tool calls and feedback; `NotFound` when absent.
    async fn delete_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError>;

    /// Appends an item (insertion order is kept) and bumps the thread's `updated_at`.
    async fn add_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError>;

    /// Inserts or replaces an item by id (keeping its original position when it existed).
    async fn save_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError>;

    /// Loads one item of one thread; `NotFound` when absent.
    async fn load_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<ItemRecord, StoreError>;

    /// A page of a thread's items in insertion order; `after` is an item id from a previous page.
    async fn list_items(
        &self,
        user: &str,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ItemRecord>, StoreError>;

    /// Deletes every item inserted after `item_id` (for retry); returns how many.
    async fn delete_items_after(&self, user: &str, thread_id: &str, item_id: &str)
    -> Result<u64, StoreError>;

    /// Deletes one item; `NotFound` when absent.
    async fn delete_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<(), StoreError>;

    /// Records a tool call.
    async fn record_tool_call(&self, user: &str, call: &ToolCallRecord) -> Result<(), StoreError>;

    /// The tool calls of a thread, oldest first.
    async fn list_tool_calls(&self, user: &str, thread_id: &str) -> Result<Vec<ToolCallRecord>, StoreError>;

    /// The tool calls of a thread that point at these items, oldest first (a page's worth).
    async fn list_tool_calls_of(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[String],
    ) -> Result<Vec<ToolCallRecord>, StoreError>;

    /// What the agent reads of a thread before a model call: its newest `limit` items (clamped
    /// as pages are), newest first, each widget's `json` left unread (null: the model is never
    /// shown widgets, the largest items), and the tool calls of the workflow items among them,
    /// oldest first. `NotFound` when the thread is absent or not `user`'s.
    async fn recent_for_model(
        &self,
        user: &str,
        thread_id: &str,
        limit: u32,
    ) -> Result<(Vec<ItemRecord>, Vec<ToolCallRecord>), StoreError>;

    /// Records feedback (`positive`/`negative`) on items of a thread (replacing earlier feedback
    /// on the same item); `NotFound` when the thread is absent. Unknown item ids are ignored.
    async fn add_feedback(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[String],
        kind: &str,
    ) -> Result<(), StoreError>;

    /// The feedback on a thread as (item id, kind), for tests and analytics.
    async fn list_feedback(&self, user: &str, thread_id: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// Marks notices (by key) as shown to `user` at `now` and returns the keys not shown before,
    /// in the order given; forgets this user's marks older than two days. Atomic per key, so two
    /// replicas serving the same user never both show one notice.
    async fn mark_shown(
        &self,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError>;
}

/// How long a shown notice is remembered.
pub const SHOWN_NOTICE_MEMORY: chrono::TimeDelta = chrono::TimeDelta::days(2);

/// Opens the store for `postgres://…` or `sqlite://…` (file created if missing).
pub async fn connect(url: &str) -> Result<Arc<dyn ThreadStore>, StoreError> {
    match DatabaseKind::of(url) {
        Some(DatabaseKind::Postgres) => Ok(Arc::new(PgStore::connect(url).await?)),
        Some(DatabaseKind::Sqlite) => Ok(Arc::new(SqliteStore::connect(url).await?)),
        None => Err(StoreError::Database(sqlx::Error::Configuration(
            format!("the URL must start with {}", DatabaseKind::EXPECTED).into(),
        ))),
    }
}
