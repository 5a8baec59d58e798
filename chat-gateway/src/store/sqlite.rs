//! [`ThreadStore`] on an embedded SQLite file: instants as Unix milliseconds, documents as
//! JSON text, WAL mode, and `BEGIN IMMEDIATE` around writes that check before they write.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{Row, Sqlite, Transaction};

use super::row::{self, sql};
use super::{ItemRecord, Order, Page, StoreError, ThreadRecord, ThreadStore, ToolCallRecord};

/// Threads in an SQLite file (or in memory).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// One connection for every write: writers queue here instead of in SQLite's busy
    /// handler, which sleeps (1, 2, 5, 10 … ms) while the lock is taken.
    writer: SqlitePool,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

fn instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("instant {ms}")))
}

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
        let (pool, writer) = if in_memory {
            // An in-memory database lives and dies with its one connection: never let the
            // pool close it for idleness or age.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?;
            (pool.clone(), pool)
        } else {
            let writer = SqlitePoolOptions::new().max_connections(1).connect_with(options.clone()).await?;
            (SqlitePoolOptions::new().max_connections(8).connect_with(options).await?, writer)
        };
        Ok(Self { pool, writer })
    }

    async fn write_tx(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.writer.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// `NotFound` unless `thread_id` is `user`'s.
    async fn own_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError> {
        let found =
            sqlx::query(sql::THREAD_EXISTS).bind(user).bind(thread_id).fetch_optional(&self.pool).await?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

    /// Writes `item` through `statement` after checking its thread.
    async fn write_item(
        &self,
        user: &str,
        item: &ItemRecord,
        statement: &'static str,
    ) -> Result<(), StoreError> {
        let created_at = ms(item.created_at);
        let mut tx = self.write_tx().await?;
        let touched = sqlx::query(sql::TOUCH_THREAD)
            .bind(user)
            .bind(&item.thread_id)
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query(statement)
            .bind(user)
            .bind(&item.thread_id)
            .bind(&item.id)
            .bind(&item.kind)
            .bind(created_at)
            .bind(&item.json)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn thread_from_row(r: &SqliteRow) -> Result<ThreadRecord, StoreError> {
    Ok(ThreadRecord {
        id: r.try_get(0)?,
        title: r.try_get(1)?,
        status: r.try_get(2)?,
        created_at: instant(r.try_get(3)?)?,
        updated_at: instant(r.try_get(4)?)?,
    })
}

fn item_from_row(r: &SqliteRow) -> Result<ItemRecord, StoreError> {
    Ok(ItemRecord {
        id: r.try_get(0)?,
        thread_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        created_at: instant(r.try_get(3)?)?,
        json: r.try_get(4)?,
    })
}

fn tool_call_from_row(r: &SqliteRow) -> Result<ToolCallRecord, StoreError> {
    Ok(ToolCallRecord {
        id: r.try_get(0)?,
        thread_id: r.try_get(1)?,
        item_id: r.try_get(2)?,
        name: r.try_get(3)?,
        arguments: r.try_get(4)?,
        result: r.try_get(5)?,
        status: r.try_get(6)?,
        duration_ms: r.try_get(7)?,
        created_at: instant(r.try_get(8)?)?,
    })
}

#[async_trait::async_trait]
impl ThreadStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("../migrations/chat/sqlite");
        // Same history table name as on PostgreSQL, so a file could be shared as well.
        migrator.dangerous_set_table_name("_chat_gateway_migrations");
        migrator.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn create_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_THREAD)
            .bind(user)
            .bind(&thread.id)
            .bind(thread.title.as_deref())
            .bind(&thread.status)
            .bind(ms(thread.created_at))
            .bind(ms(thread.updated_at))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn load_thread(&self, user: &str, thread_id: &str) -> Result<ThreadRecord, StoreError> {
        let found =
            sqlx::query(sql::LOAD_THREAD).bind(user).bind(thread_id).fetch_optional(&self.pool).await?;
        found.ok_or(StoreError::NotFound).and_then(|r| thread_from_row(&r))
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn save_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError> {
        let done = sqlx::query(sql::UPDATE_THREAD)
            .bind(user)
            .bind(&thread.id)
            .bind(thread.title.as_deref())
            .bind(&thread.status)
            .bind(ms(thread.updated_at))
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn list_threads(
        &self,
        user: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ThreadRecord>, StoreError> {
        let rows = match after {
            None => {
                sqlx::query(row::threads_statement(order, false))
                    .bind(user)
                    .bind(row::fetch_count(limit))
                    .fetch_all(&self.pool)
                    .await?
            }
            Some(after) => {
                let (created_at, seq): (i64, i64) = sqlx::query_as(sql::THREAD_POSITION)
                    .bind(user)
                    .bind(after)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                sqlx::query(row::threads_statement(order, true))
                    .bind(user)
                    .bind(created_at)
                    .bind(seq)
                    .bind(row::fetch_count(limit))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let threads = rows.iter().map(thread_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(row::page(threads, limit, |t| &t.id))
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn delete_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError> {
        // Items, tool calls and feedback go with it (ON DELETE CASCADE; foreign_keys is on).
        let done = sqlx::query(sql::DELETE_THREAD).bind(user).bind(thread_id).execute(&self.writer).await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn add_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError> {
        self.write_item(user, item, sql::INSERT_ITEM).await
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn save_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError> {
        self.write_item(user, item, sql::UPSERT_ITEM).await
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn load_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<ItemRecord, StoreError> {
        let found = sqlx::query(sql::LOAD_ITEM)
            .bind(user)
            .bind(thread_id)
            .bind(item_id)
            .fetch_optional(&self.pool)
            .await?;
        found.ok_or(StoreError::NotFound).and_then(|r| item_from_row(&r))
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn list_items(
        &self,
        user: &str,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ItemRecord>, StoreError> {
        self.own_thread(user, thread_id).await?;
        let cursor = match after {
            None => None,
            Some(after) => Some(
                sqlx::query_scalar::<_, i64>(sql::ITEM_SEQ)
                    .bind(user)
                    .bind(thread_id)
                    .bind(after)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?,
            ),
        };
        let rows = sqlx::query(row::items_statement(order))
            .bind(user)
            .bind(thread_id)
            .bind(row::items_bound(order, cursor))
            .bind(row::fetch_count(limit))
            .fetch_all(&self.pool)
            .await?;
        let items = rows.iter().map(item_from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(row::page(items, limit, |i| &i.id))
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn delete_items_after(
        &self,
        user: &str,
        thread_id: &str,
        item_id: &str,
    ) -> Result<u64, StoreError> {
        let mut tx = self.write_tx().await?;
        let seq: i64 = sqlx::query_scalar(sql::ITEM_SEQ)
            .bind(user)
            .bind(thread_id)
            .bind(item_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let done = sqlx::query(sql::DELETE_ITEMS_AFTER)
            .bind(user)
            .bind(thread_id)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn delete_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query(sql::DELETE_ITEM)
            .bind(user)
            .bind(thread_id)
            .bind(item_id)
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn record_tool_call(&self, user: &str, call: &ToolCallRecord) -> Result<(), StoreError> {
        let done = sqlx::query(sql::INSERT_TOOL_CALL)
            .bind(user)
            .bind(&call.thread_id)
            .bind(&call.id)
            .bind(call.item_id.as_deref())
            .bind(&call.name)
            .bind(&call.arguments)
            .bind(call.result.as_ref())
            .bind(&call.status)
            .bind(call.duration_ms)
            .bind(ms(call.created_at))
            .execute(&self.writer)
            .await?;
        if done.rows_affected() == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn list_tool_calls(&self, user: &str, thread_id: &str) -> Result<Vec<ToolCallRecord>, StoreError> {
        self.own_thread(user, thread_id).await?;
        let rows = sqlx::query(sql::TOOL_CALLS).bind(user).bind(thread_id).fetch_all(&self.pool).await?;
        rows.iter().map(tool_call_from_row).collect()
    }

    #[tracing::instrument(skip_all, fields(user, count = item_ids.len()))]
    async fn add_feedback(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[String],
        kind: &str,
    ) -> Result<(), StoreError> {
        let now = ms(Utc::now());
        let mut tx = self.write_tx().await?;
        let found =
            sqlx::query(sql::THREAD_EXISTS).bind(user).bind(thread_id).fetch_optional(&mut *tx).await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        for item_id in item_ids {
            sqlx::query(sql::UPSERT_FEEDBACK)
                .bind(user)
                .bind(thread_id)
                .bind(item_id)
                .bind(kind)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn list_feedback(&self, user: &str, thread_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.own_thread(user, thread_id).await?;
        Ok(sqlx::query_as(sql::FEEDBACK).bind(user).bind(thread_id).fetch_all(&self.pool).await?)
    }

    #[tracing::instrument(skip_all, fields(user, count = keys.len()))]
    async fn mark_shown(
        &self,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(sql::FORGET_SHOWN)
            .bind(user)
            .bind(ms(now - super::SHOWN_NOTICE_MEMORY))
            .execute(&mut *tx)
            .await?;
        let mut fresh = Vec::new();
        for key in keys {
            let done = sqlx::query(
                "INSERT OR IGNORE INTO chat_shown_notices (user_id, key, shown_at) VALUES (?, ?, ?)",
            )
            .bind(user)
            .bind(key)
            .bind(ms(now))
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
