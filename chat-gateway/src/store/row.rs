//! Rows into records, the same on both backends: the tuple each statement's columns decode
//! into (instants as the backend stores them), page sizes, and turning an over-fetched row
//! list into a [`Page`].

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::backend::Backend;
use super::{ItemRecord, Page, StoreError, ThreadRecord, ToolCallRecord};

/// The largest page a caller gets, whatever it asks for.
const MAX_LIMIT: u32 = 100;

/// The page size actually served: `limit` clamped to `1..=100`.
pub(super) fn clamp_limit(limit: u32) -> u32 {
    limit.clamp(1, MAX_LIMIT)
}

/// How many rows to fetch for a page of `limit`: one more, to learn whether more follow.
pub(super) fn fetch_count(limit: u32) -> i64 {
    i64::from(clamp_limit(limit)) + 1
}

/// A page from up to `limit + 1` rows fetched in page order.
pub(super) fn page<T>(mut rows: Vec<T>, limit: u32, id: impl Fn(&T) -> &str) -> Page<T> {
    let limit = clamp_limit(limit) as usize;
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    let after = if has_more { rows.last().map(|last| id(last).to_owned()) } else { None };
    Page { data: rows, has_more, after }
}

/// `t` cut to whole milliseconds: SQLite keeps no more, so PostgreSQL is written the same
/// way and both backends read back identical instants.
pub(super) fn to_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// The columns of a thread (`id, title, status, created_at, updated_at`) as decoded.
pub(super) type ThreadRow<I> = (String, Option<String>, Value, I, I);

/// The columns of an item (`id, thread_id, kind, created_at, json`) as decoded.
pub(super) type ItemRow<I> = (String, String, String, I, Value);

/// The columns of [`super::sql::RECENT_ITEMS`]: an item's, with the document NULL for a widget.
pub(super) type RecentItemRow<I> = (String, String, String, I, Option<Value>);

/// The columns of a tool call (`id, thread_id, item_id, name, arguments, result, status,
/// duration_ms, created_at`) as decoded.
pub(super) type ToolCallRow<I> =
    (String, String, Option<String>, String, Value, Option<Value>, String, i64, I);

/// A thread read from its row.
pub(super) fn thread<B: Backend>(row: ThreadRow<B::Instant>) -> Result<ThreadRecord, StoreError> {
    let (id, title, status, created_at, updated_at) = row;
    Ok(ThreadRecord {
        id,
        title,
        status,
        created_at: B::read_instant(created_at)?,
        updated_at: B::read_instant(updated_at)?,
    })
}

/// An item read from its row.
pub(super) fn item<B: Backend>(row: ItemRow<B::Instant>) -> Result<ItemRecord, StoreError> {
    let (id, thread_id, kind, created_at, json) = row;
    Ok(ItemRecord { id, thread_id, kind, created_at: B::read_instant(created_at)?, json })
}

/// A tool call read from its row.
pub(super) fn tool_call<B: Backend>(row: ToolCallRow<B::Instant>) -> Result<ToolCallRecord, StoreError> {
    let (id, thread_id, item_id, name, arguments, result, status, duration_ms, created_at) = row;
    Ok(ToolCallRecord {
        id,
        thread_id,
        item_id,
        name,
        arguments,
        result,
        status,
        duration_ms,
        created_at: B::read_instant(created_at)?,
    })
}
