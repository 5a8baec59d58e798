//! The one SQL engine: [`SqlStore`] implements [`ThreadStore`] once for any [`Backend`].
//! Reads go to the read pool, writes to the write pool (on SQLite one connection, so writers
//! queue here rather than in SQLite's busy handler; on PostgreSQL the same pool).

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Type};

use super::backend::{Backend, ItemStatement, ItemWrite};
use super::row::{self, ItemRow, ThreadRow, ToolCallRow};
use super::sql;
use super::{ItemRecord, Order, Page, StoreError, ThreadRecord, ThreadStore, ToolCallRecord};

/// The thread store on backend `B` (`sqlx::Postgres` or `sqlx::Sqlite`).
pub struct SqlStore<B: Backend> {
    pool: Pool<B>,
    writer: Pool<B>,
}

impl<B: Backend> SqlStore<B> {
    /// A store reading from `pool` and writing through `writer` (may be the same pool).
    pub(super) fn with_pools(pool: Pool<B>, writer: Pool<B>) -> Self {
        Self { pool, writer }
    }

    /// The pool reads go to.
    pub(super) fn reader(&self) -> &Pool<B> {
        &self.pool
    }

    /// The pool writes go through.
    pub(super) fn writer(&self) -> &Pool<B> {
        &self.writer
    }
}

// By hand: a derive would ask `B: Clone`, and `sqlx::Postgres` is not.
impl<B: Backend> Clone for SqlStore<B> {
    fn clone(&self) -> Self {
        Self { pool: self.pool.clone(), writer: self.writer.clone() }
    }
}

impl<B: Backend> std::fmt::Debug for SqlStore<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore").field("pool", &self.pool).field("writer", &self.writer).finish()
    }
}

/// The two steps more than one method takes. They need less of the backend than the trait
/// implementation below: only to bind text and documents.
impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    B::Arguments: IntoArguments<B>,
    for<'a> &'a str: Encode<'a, B> + Type<B>,
    String: for<'a> Encode<'a, B> + Type<B>,
    Value: for<'a> Encode<'a, B> + Type<B>,
{
    /// `NotFound` unless `thread_id` is `user`'s.
    pub(super) async fn own_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError> {
        let found =
            sqlx::query(sql::THREAD_EXISTS).bind(user).bind(thread_id).fetch_optional(&self.pool).await?;
        found.map(|_| ()).ok_or(StoreError::NotFound)
    }

    /// Writes `item` through the backend's [`ItemStatement`] for `write`; `NotFound` unless its
    /// thread is `user`'s. The thread's `updated_at` moves forward in the same atomic step.
    async fn write_item(&self, user: &str, item: &ItemRecord, write: ItemWrite) -> Result<(), StoreError> {
        let created_at = B::instant(item.created_at);
        let (statement, touch_first) = match B::item_statement(write) {
            ItemStatement::TouchingTheThread(statement) => (statement, false),
            ItemStatement::AfterTouch(statement) => (statement, true),
        };
        let write_query = sqlx::query(statement)
            .bind(user)
            .bind(&item.thread_id)
            .bind(&item.id)
            .bind(&item.kind)
            .bind(created_at)
            .bind(&item.json);
        if !touch_first {
            // One statement (one round trip, one implicit transaction) instead of BEGIN, touch,
            // write, COMMIT; touching the thread in it still locks the thread row first.
            let done = write_query.execute(&self.writer).await?;
            return if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) };
        }
        let mut tx = B::begin_write(&self.writer).await?;
        let touched = sqlx::query(sql::TOUCH_THREAD)
            .bind(user)
            .bind(&item.thread_id)
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
        if B::rows_affected(&touched) == 0 {
            return Err(StoreError::NotFound);
        }
        write_query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<B: Backend> ThreadStore for SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    B::Arguments: IntoArguments<B>,
    usize: ColumnIndex<B::Row>,
    for<'a> &'a str: Encode<'a, B> + Type<B>,
    for<'a> Option<&'a str>: Encode<'a, B> + Type<B>,
    for<'a> Option<&'a Value>: Encode<'a, B> + Type<B>,
    for<'a> &'a [u8]: Encode<'a, B> + Type<B>,
    String: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
    Value: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
    // For the attachment half (the supertrait, in `attachments.rs`).
    Vec<u8>: for<'r> Decode<'r, B> + Type<B>,
    i64: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
{
    #[tracing::instrument(level = "debug", skip_all)]
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = B::migrations();
        // The tasks service may share this database (or file): each keeps its own history table.
        migrator.dangerous_set_table_name("_chat_gateway_migrations");
        migrator.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn create_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_THREAD)
            .bind(user)
            .bind(&thread.id)
            .bind(thread.title.as_deref())
            .bind(&thread.status)
            .bind(B::instant(thread.created_at))
            .bind(B::instant(thread.updated_at))
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn load_thread(&self, user: &str, thread_id: &str) -> Result<ThreadRecord, StoreError> {
        let found: Option<ThreadRow<B::Instant>> =
            sqlx::query_as(sql::LOAD_THREAD).bind(user).bind(thread_id).fetch_optional(&self.pool).await?;
        found.ok_or(StoreError::NotFound).and_then(row::thread::<B>)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn save_thread(&self, user: &str, thread: &ThreadRecord) -> Result<(), StoreError> {
        let done = sqlx::query(sql::UPDATE_THREAD)
            .bind(user)
            .bind(&thread.id)
            .bind(thread.title.as_deref())
            .bind(&thread.status)
            .bind(B::instant(thread.updated_at))
            .execute(&self.writer)
            .await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn list_threads(
        &self,
        user: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ThreadRecord>, StoreError> {
        let rows: Vec<ThreadRow<B::Instant>> = match after {
            None => {
                sqlx::query_as(sql::threads_statement(order, false))
                    .bind(user)
                    .bind(row::fetch_count(limit))
                    .fetch_all(&self.pool)
                    .await?
            }
            Some(after) => {
                let (created_at, seq): (B::Instant, i64) = sqlx::query_as(sql::THREAD_POSITION)
                    .bind(user)
                    .bind(after)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                sqlx::query_as(sql::threads_statement(order, true))
                    .bind(user)
                    .bind(created_at)
                    .bind(seq)
                    .bind(row::fetch_count(limit))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        let threads = rows.into_iter().map(row::thread::<B>).collect::<Result<Vec<_>, _>>()?;
        Ok(row::page(threads, limit, |t| &t.id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn delete_thread(&self, user: &str, thread_id: &str) -> Result<(), StoreError> {
        // Items, tool calls and feedback go with it (ON DELETE CASCADE; on SQLite foreign_keys is on).
        let done = sqlx::query(sql::DELETE_THREAD).bind(user).bind(thread_id).execute(&self.writer).await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn add_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError> {
        self.write_item(user, item, ItemWrite::Append).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn save_item(&self, user: &str, item: &ItemRecord) -> Result<(), StoreError> {
        self.write_item(user, item, ItemWrite::Replace).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn load_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<ItemRecord, StoreError> {
        let found: Option<ItemRow<B::Instant>> = sqlx::query_as(sql::LOAD_ITEM)
            .bind(user)
            .bind(thread_id)
            .bind(item_id)
            .fetch_optional(&self.pool)
            .await?;
        found.ok_or(StoreError::NotFound).and_then(row::item::<B>)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
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
        let rows: Vec<ItemRow<B::Instant>> = sqlx::query_as(sql::items_statement(order))
            .bind(user)
            .bind(thread_id)
            .bind(sql::items_bound(order, cursor))
            .bind(row::fetch_count(limit))
            .fetch_all(&self.pool)
            .await?;
        let items = rows.into_iter().map(row::item::<B>).collect::<Result<Vec<_>, _>>()?;
        Ok(row::page(items, limit, |i| &i.id))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn delete_items_after(
        &self,
        user: &str,
        thread_id: &str,
        item_id: &str,
    ) -> Result<u64, StoreError> {
        let mut tx = B::begin_write(&self.writer).await?;
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
        Ok(B::rows_affected(&done))
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn delete_item(&self, user: &str, thread_id: &str, item_id: &str) -> Result<(), StoreError> {
        let done = sqlx::query(sql::DELETE_ITEM)
            .bind(user)
            .bind(thread_id)
            .bind(item_id)
            .execute(&self.writer)
            .await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
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
            .bind(B::instant(call.created_at))
            .execute(&self.writer)
            .await?;
        if B::rows_affected(&done) == 0 { Err(StoreError::NotFound) } else { Ok(()) }
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn list_tool_calls(&self, user: &str, thread_id: &str) -> Result<Vec<ToolCallRecord>, StoreError> {
        self.own_thread(user, thread_id).await?;
        let rows: Vec<ToolCallRow<B::Instant>> =
            sqlx::query_as(sql::TOOL_CALLS).bind(user).bind(thread_id).fetch_all(&self.pool).await?;
        rows.into_iter().map(row::tool_call::<B>).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = item_ids.len()))]
    async fn list_tool_calls_of(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[String],
    ) -> Result<Vec<ToolCallRecord>, StoreError> {
        self.own_thread(user, thread_id).await?;
        self.tool_calls_of(user, thread_id, item_ids).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn recent_for_model(
        &self,
        user: &str,
        thread_id: &str,
        limit: u32,
    ) -> Result<(Vec<ItemRecord>, Vec<ToolCallRecord>), StoreError> {
        self.recent(user, thread_id, limit).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = item_ids.len()))]
    async fn add_feedback(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[String],
        kind: &str,
    ) -> Result<(), StoreError> {
        let now = B::instant(Utc::now());
        let mut tx = B::begin_write(&self.writer).await?;
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

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn list_feedback(&self, user: &str, thread_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.own_thread(user, thread_id).await?;
        Ok(sqlx::query_as(sql::FEEDBACK).bind(user).bind(thread_id).fetch_all(&self.pool).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = keys.len()))]
    async fn mark_shown(
        &self,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        B::mark_shown(&self.writer, user, keys, now).await
    }
}
