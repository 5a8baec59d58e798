//! What the agent reads of a thread before each model call
//! ([`super::ThreadStore::recent_for_model`]), in one statement or two: the newest items with
//! each widget's document left unread, then the tool calls of the workflow items among them.
//! No separate ownership check when items come back: every row is read by the user's id. Also
//! the tool-call read by item ids that `list_tool_calls_of` shares.

use serde_json::Value;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use super::backend::Backend;
use super::engine::SqlStore;
use super::row::{self, RecentItemRow, ToolCallRow};
use super::sql;
use super::{ItemRecord, StoreError, ToolCallRecord};

impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut B::Connection: Executor<'c, Database = B>,
    B::Arguments: IntoArguments<B>,
    usize: ColumnIndex<B::Row>,
    for<'a> &'a str: Encode<'a, B> + Type<B>,
    String: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
    Value: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
    i64: for<'a> Encode<'a, B> + for<'r> Decode<'r, B> + Type<B>,
{
    /// See [`super::ThreadStore::recent_for_model`].
    pub(super) async fn recent(
        &self,
        user: &str,
        thread_id: &str,
        limit: u32,
    ) -> Result<(Vec<ItemRecord>, Vec<ToolCallRecord>), StoreError> {
        let rows: Vec<RecentItemRow<B::Instant>> = sqlx::query_as(sql::RECENT_ITEMS)
            .bind(user)
            .bind(thread_id)
            .bind(i64::from(row::clamp_limit(limit)))
            .fetch_all(self.reader())
            .await?;
        if rows.is_empty() {
            // No items: NotFound unless the thread is the user's (then it is merely empty).
            self.own_thread(user, thread_id).await?;
            return Ok((Vec::new(), Vec::new()));
        }
        let items = rows
            .into_iter()
            .map(|(id, thread_id, kind, created_at, json)| {
                row::item::<B>((id, thread_id, kind, created_at, json.unwrap_or(Value::Null)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let workflows: Vec<&str> =
            items.iter().filter(|item| item.kind == "workflow").map(|item| item.id.as_str()).collect();
        let tool_calls = match workflows.is_empty() {
            true => Vec::new(),
            false => self.tool_calls_of(user, thread_id, &workflows).await?,
        };
        Ok((items, tool_calls))
    }

    /// The tool calls of `user`'s thread pointing at `item_ids`, oldest first (no ownership
    /// check: the caller has made it).
    pub(super) async fn tool_calls_of(
        &self,
        user: &str,
        thread_id: &str,
        item_ids: &[impl AsRef<str>],
    ) -> Result<Vec<ToolCallRecord>, StoreError> {
        let mut records = Vec::new();
        // Chunks keep each statement under every engine's limit on bound parameters.
        for chunk in item_ids.chunks(500) {
            let statement = sql::tool_calls_of(chunk.len());
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(statement)).bind(user).bind(thread_id);
            for id in chunk {
                query = query.bind(id.as_ref());
            }
            let rows: Vec<ToolCallRow<B::Instant>> = query.fetch_all(self.reader()).await?;
            for row in rows {
                records.push(row::tool_call::<B>(row)?);
            }
        }
        Ok(records)
    }
}
