//! The thread store on an embedded SQLite file: instants as Unix milliseconds, documents as
//! JSON text, WAL mode, one writer connection, and `BEGIN IMMEDIATE` around writes that check
//! before they write.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteQueryResult,
    SqliteSynchronous,
};
use sqlx::{Sqlite, Transaction};

use super::backend::{Backend, ItemStatement, ItemWrite};
use super::engine::SqlStore;
use super::{StoreError, sql};

/// Threads in an SQLite file (or in memory).
pub type SqliteStore = SqlStore<Sqlite>;

/// Marks key `$2` shown to user `$1` at `$3`: one row affected when it was not shown before.
const MARK_SHOWN: &str = "INSERT OR IGNORE INTO chat_shown_notices (user_id, key, shown_at) VALUES (?, ?, ?)";

impl SqliteStore {
    /// Opens (creating if missing) the database at `url`, e.g. `sqlite:///path/chat.db` or
    /// `sqlite::memory:`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // In WAL mode NORMAL syncs at checkpoints, not at every commit: a crash of the
            // process loses nothing; a power cut may lose the last commits.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if in_memory {
            // An in-memory database lives and dies with its one connection: never let the
            // pool close it for idleness or age.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?;
            return Ok(SqlStore::with_pools(pool.clone(), pool));
        }
        // One connection for every write: writers queue there instead of in SQLite's busy
        // handler, which sleeps (1, 2, 5, 10 … ms) while the lock is taken.
        let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(SqlStore::with_pools(pool, writer))
    }
}

impl Backend for Sqlite {
    type Instant = i64;

    fn instant(t: DateTime<Utc>) -> i64 {
        t.timestamp_millis()
    }

    fn read_instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
        DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("instant {ms}")))
    }

    fn rows_affected(done: &SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    fn migrations() -> sqlx::migrate::Migrator {
        sqlx::migrate!("../migrations/chat/sqlite")
    }

    async fn begin_write(writer: &SqlitePool) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        // Takes the write lock at BEGIN: a deferred transaction that reads first could find
        // the lock gone to another writer when it comes to write.
        writer.begin_with("BEGIN IMMEDIATE").await
    }

    fn item_statement(write: ItemWrite) -> ItemStatement {
        ItemStatement::AfterTouch(match write {
            ItemWrite::Append => sql::INSERT_ITEM,
            ItemWrite::Replace => sql::UPSERT_ITEM,
        })
    }

    async fn mark_shown(
        writer: &SqlitePool,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = writer.begin().await?;
        sqlx::query(sql::FORGET_SHOWN)
            .bind(user)
            .bind(Self::instant(now - super::SHOWN_NOTICE_MEMORY))
            .execute(&mut *tx)
            .await?;
        let mut fresh = Vec::new();
        for key in keys {
            let done = sqlx::query(MARK_SHOWN)
                .bind(user)
                .bind(key)
                .bind(Self::instant(now))
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 1 {
                fresh.push(key.clone());
            }
        }
        tx.commit().await?;
        Ok(fresh)
    }
}
