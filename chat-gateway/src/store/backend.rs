//! The [`Backend`] trait: what the one SQL engine ([`super::SqlStore`]) asks of a database.
//! It is the sqlx database type itself, and says how an instant is stored, how a write
//! transaction begins, and the few statements that truly differ between PostgreSQL and
//! SQLite. Everything else is written once, in `engine.rs` and `sql.rs`.

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::{Database, Decode, Encode, Pool, Transaction, Type};

use super::StoreError;

/// Which item write the engine is making.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemWrite {
    /// A new item, after the thread's last one.
    Append,
    /// An item inserted or replaced by id, keeping its position when it existed.
    Replace,
}

/// How a backend writes an item together with its thread's `updated_at`, atomically and only
/// when the thread is the user's. Either statement binds `$1` user, `$2` thread, `$3` item id,
/// `$4` kind, `$5` created at, `$6` document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatement {
    /// One statement touches (and so locks) the thread and writes the item; it writes nothing
    /// (0 rows) unless the thread is the user's.
    TouchingTheThread(&'static str),
    /// A write transaction first runs `sql::TOUCH_THREAD` (0 rows: not the user's thread),
    /// then this statement.
    AfterTouch(&'static str),
}

/// A database the thread store runs on: implemented by `sqlx::Postgres` and `sqlx::Sqlite`.
pub trait Backend: Database<Connection: Migrate> {
    /// An instant as this database binds and reads it.
    type Instant: for<'q> Encode<'q, Self>
        + for<'r> Decode<'r, Self>
        + Type<Self>
        + Copy
        + Send
        + Sync
        + Unpin
        + 'static;

    /// `t` as stored: both backends keep whole milliseconds, so both read back the same.
    fn instant(t: DateTime<Utc>) -> Self::Instant;

    /// A stored instant read back; `Corrupt` when it is no instant.
    fn read_instant(stored: Self::Instant) -> Result<DateTime<Utc>, StoreError>;

    /// How many rows a statement wrote (sqlx has no trait for it).
    fn rows_affected(done: &Self::QueryResult) -> u64;

    /// This backend's migrations (`migrations/chat/<backend>`).
    fn migrations() -> Migrator;

    /// Begins a transaction that reads before it writes, on the write pool.
    fn begin_write(
        writer: &Pool<Self>,
    ) -> impl Future<Output = Result<Transaction<'static, Self>, sqlx::Error>> + Send;

    /// The statement making `write`, and whether it touches the thread itself.
    fn item_statement(write: ItemWrite) -> ItemStatement;

    /// [`super::ThreadStore::mark_shown`]: forgets `user`'s old marks and returns the keys
    /// not shown before, in the order given. How many keys go in one statement differs.
    fn mark_shown(
        writer: &Pool<Self>,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;
}
