//! [`ThreadStore`] on PostgreSQL: `timestamptz` instants written to the millisecond,
//! `jsonb` documents, and the thread row locked (by touching it) before items are written.
//! Commits do not wait for the WAL flush (`synchronous_commit=off`, see [`PgStore::connect`]).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};

use super::row::{self, sql};
use super::{ItemRecord, Order, Page, StoreError, ThreadRecord, ThreadStore, ToolCallRecord};

/// [`sql::TOUCH_THREAD`] then [`sql::INSERT_ITEM`] as one statement: inserts nothing (0 rows)
/// unless thread `$2` is user `$1`'s.
const TOUCH_AND_INSERT_ITEM: &str = "WITH touched AS (UPDATE chat_threads \
     SET updated_at = CASE WHEN updated_at < $5 THEN $5 ELSE updated_at END \
     WHERE user_id = $1 AND id = $2 RETURNING 1) \
     INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     SELECT $1, $2, $3, $4, $5, $6 FROM touched";

/// [`TOUCH_AND_INSERT_ITEM`] for [`sql::UPSERT_ITEM`].
const TOUCH_AND_UPSERT_ITEM: &str = "WITH touched AS (UPDATE chat_threads \
     SET updated_at = CASE WHEN updated_at < $5 THEN $5 ELSE updated_at END \
     WHERE user_id = $1 AND id = $2 RETURNING 1) \
     INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     SELECT $1, $2, $3, $4, $5, $6 FROM touched \
     ON CONFLICT (user_id, thread_id, id) DO UPDATE SET kind = excluded.kind, json = excluded.json";

/// Threads in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects a pool to `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // A turn commits about eight small writes; waiting for a WAL flush on each was most
        // of the agent's overhead on PostgreSQL. As with SQLite's synchronous=NORMAL: a crash
        // of the gateway loses nothing; a crash of PostgreSQL or its host may lose the last
        // ~0.6 s of chat writes, uncorrupted (never tasks: mcp-tasks commits synchronously).
        let options = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "off")]);
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        Ok(Self { pool })
    }

    /// Wraps an existing pool (tests).
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    /// `NotFound` unless `thread_id` is `user`'s.
    async fn own_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError> {
        let found =
            sqlx::query(sql::THREAD_EXISTS).bind(user).bind(thread_id).fetch_optional(&self.pool).await?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

    /// Writes `item` through `statement` after checking (and locking) its thread.
    async fn write_item(
        &self,
        user: &str,
        item: &ItemRecord,
        statement: &'static str,
    ) -> Result<(), StoreError> {
        let created_at = row::to_millis(item.created_at);
        // One statement (one round trip, one implicit transaction) instead of BEGIN, touch,
        // insert, COMMIT; the UPDATE in the CTE still locks the thread row first.
        let statement =
            if statement == sql::INSERT_ITEM { TOUCH_AND_INSERT_ITEM } else { TOUCH_AND_UPSERT_ITEM };
        let done = sqlx::query(statement)
            .bind(user)
            .bind(&item.thread_id)
            .bind(&item.id)
            .bind(&item.kind)
            .bind(created_at)
            .bind(&item.json)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

fn thread_from_row(r: &PgRow) -> Result<ThreadRecord, StoreError> {
    Ok(ThreadRecord {
        id: r.try_get(0)?,
        title: r.try_get(1)?,
        status: r.try_get(2)?,
        created_at: r.try_get(3)?,
        updated_at: r.try_get(4)?,
    })
}

fn item_from_row(r: &PgRow) -> Result<ItemRecord, StoreError> {
    Ok(ItemRecord {
        id: r.try_get(0)?,
        thread_id: r.try_get(1)?,
        kind: r.try_get(2)?,
        created_at: r.try_get(3)?,
        json: r.try_get(4)?,
    })
}

fn tool_call_from_row(r: &PgRow) -> Result<ToolCallRecord, StoreError> {
    Ok(ToolCallRecord {
        id: r.try_get(0)?,
        thread_id: r.try_get(1)?,
        item_id: r.try_get(2)?,
        name: r.try_get(3)?,
        arguments: r.try_get(4)?,
        result: r.try_get(5)?,
        status: r.try_get(6)?,
        duration_ms: r.try_get(7)?,
        created_at: r.try_get(8)?,
    })
}

#[async_trait::async_trait]
impl ThreadStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("../migrations/chat/postgres");
        // The tasks service may share this database: each keeps its own history table.
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
            .bind(row::to_millis(thread.created_at))
            .bind(row::to_millis(thread.updated_at))
            .execute(&self.pool)
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
            .bind(row::to_millis(thread.updated_at))
            .execute(&self.pool)
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
                let (created_at, seq): (DateTime<Utc>, i64) = sqlx::query_as(sql::THREAD_POSITION)
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
        // Items, tool calls and feedback go with it (ON DELETE CASCADE).
        let done = sqlx::query(sql::DELETE_THREAD).bind(user).bind(thread_id).execute(&self.pool).await?;
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
        let mut tx = self.pool.begin().await?;
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
            .execute(&self.pool)
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
            .bind(row::to_millis(call.created_at))
            .execute(&self.pool)
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
        let now = row::to_millis(Utc::now());
        let mut tx = self.pool.begin().await?;
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
        let now = row::to_millis(now);
        sqlx::query(sql::FORGET_SHOWN)
            .bind(user)
            .bind(now - super::SHOWN_NOTICE_MEMORY)
            .execute(&self.pool)
            .await?;
        let fresh: Vec<String> = sqlx::query_scalar(
            "INSERT INTO chat_shown_notices (user_id, key, shown_at) \
             SELECT $1, k, $2 FROM UNNEST($3::text[]) AS k ON CONFLICT DO NOTHING RETURNING key",
        )
        .bind(user)
        .bind(now)
        .bind(keys)
        .fetch_all(&self.pool)
        .await?;
        Ok(keys.iter().filter(|k| fresh.contains(k)).cloned().collect())
    }
}
