//! What both backends share: every statement (the same text on both, `$n` placeholders;
//! instants bind as each backend stores them), page sizes, and turning an over-fetched
//! row list into a [`Page`].

use chrono::{DateTime, Utc};

use super::{Order, Page};

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

/// The statement listing threads in `order`, from the start or after a cursor position.
pub(super) fn threads_statement(order: Order, after_cursor: bool) -> &'static str {
    match (order, after_cursor) {
        (Order::Asc, false) => sql::THREADS_ASC,
        (Order::Desc, false) => sql::THREADS_DESC,
        (Order::Asc, true) => sql::THREADS_AFTER_ASC,
        (Order::Desc, true) => sql::THREADS_AFTER_DESC,
    }
}

/// The statement listing items in `order`, strictly past the `seq` bound it takes as `$3`.
pub(super) fn items_statement(order: Order) -> &'static str {
    match order {
        Order::Asc => sql::ITEMS_ASC,
        Order::Desc => sql::ITEMS_DESC,
    }
}

/// The `seq` bound for [`items_statement`]: the cursor's, or one past either end.
pub(super) fn items_bound(order: Order, cursor: Option<i64>) -> i64 {
    cursor.unwrap_or(match order {
        Order::Asc => 0,
        Order::Desc => i64::MAX,
    })
}

/// Statements whose text is the same on both backends.
pub(super) mod sql {
    macro_rules! thread_columns {
        () => {
            "id, title, status, created_at, updated_at"
        };
    }

    macro_rules! item_columns {
        () => {
            "id, thread_id, kind, created_at, json"
        };
    }

    macro_rules! tool_call_columns {
        () => {
            "id, thread_id, item_id, name, arguments, result, status, duration_ms, created_at"
        };
    }

    pub const INSERT_THREAD: &str = "INSERT INTO chat_threads (user_id, id, title, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6)";

    pub const LOAD_THREAD: &str =
        concat!("SELECT ", thread_columns!(), " FROM chat_threads WHERE user_id = $1 AND id = $2");

    pub const UPDATE_THREAD: &str =
        "UPDATE chat_threads SET title = $3, status = $4, updated_at = $5 WHERE user_id = $1 AND id = $2";

    /// Checks thread `$2` is user `$1`'s (and, on PostgreSQL, locks it against a concurrent
    /// delete) while moving `updated_at` forward to `$3`, never back.
    pub const TOUCH_THREAD: &str = "UPDATE chat_threads \
         SET updated_at = CASE WHEN updated_at < $3 THEN $3 ELSE updated_at END \
         WHERE user_id = $1 AND id = $2";

    pub const THREAD_EXISTS: &str = "SELECT seq FROM chat_threads WHERE user_id = $1 AND id = $2";

    /// A thread's place in the list order, for `after` cursors.
    pub const THREAD_POSITION: &str =
        "SELECT created_at, seq FROM chat_threads WHERE user_id = $1 AND id = $2";

    pub const THREADS_ASC: &str = concat!(
        "SELECT ",
        thread_columns!(),
        " FROM chat_threads WHERE user_id = $1 ORDER BY created_at, seq LIMIT $2"
    );

    pub const THREADS_DESC: &str = concat!(
        "SELECT ",
        thread_columns!(),
        " FROM chat_threads WHERE user_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2"
    );

    pub const THREADS_AFTER_ASC: &str = concat!(
        "SELECT ",
        thread_columns!(),
        " FROM chat_threads WHERE user_id = $1 AND (created_at, seq) > ($2, $3) \
         ORDER BY created_at, seq LIMIT $4"
    );

    pub const THREADS_AFTER_DESC: &str = concat!(
        "SELECT ",
        thread_columns!(),
        " FROM chat_threads WHERE user_id = $1 AND (created_at, seq) < ($2, $3) \
         ORDER BY created_at DESC, seq DESC LIMIT $4"
    );

    pub const DELETE_THREAD: &str = "DELETE FROM chat_threads WHERE user_id = $1 AND id = $2";

    pub const INSERT_ITEM: &str = "INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
         VALUES ($1, $2, $3, $4, $5, $6)";

    /// Replaces kind and document in place: `seq` (the position) and `created_at` stay.
    pub const UPSERT_ITEM: &str = "INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id, thread_id, id) DO UPDATE SET kind = excluded.kind, json = excluded.json";

    pub const LOAD_ITEM: &str = concat!(
        "SELECT ",
        item_columns!(),
        " FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND id = $3"
    );

    pub const ITEM_SEQ: &str = "SELECT seq FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND id = $3";

    pub const ITEMS_ASC: &str = concat!(
        "SELECT ",
        item_columns!(),
        " FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND seq > $3 ORDER BY seq LIMIT $4"
    );

    pub const ITEMS_DESC: &str = concat!(
        "SELECT ",
        item_columns!(),
        " FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
    );

    pub const DELETE_ITEMS_AFTER: &str =
        "DELETE FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND seq > $3";

    pub const DELETE_ITEM: &str = "DELETE FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND id = $3";

    /// Inserts nothing (zero rows affected) unless thread `$2` is user `$1`'s.
    pub const INSERT_TOOL_CALL: &str = "INSERT INTO chat_tool_calls \
         (user_id, thread_id, id, item_id, name, arguments, result, status, duration_ms, created_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
         WHERE EXISTS (SELECT 1 FROM chat_threads WHERE user_id = $1 AND id = $2)";

    pub const TOOL_CALLS: &str = concat!(
        "SELECT ",
        tool_call_columns!(),
        " FROM chat_tool_calls WHERE user_id = $1 AND thread_id = $2 ORDER BY created_at, seq"
    );

    /// Sets feedback `$4` on item `$3`, replacing earlier feedback; an unknown item is skipped.
    pub const UPSERT_FEEDBACK: &str = "INSERT INTO chat_feedback (user_id, thread_id, item_id, kind, created_at) \
         SELECT user_id, thread_id, id, $4, $5 FROM chat_items \
         WHERE user_id = $1 AND thread_id = $2 AND id = $3 \
         ON CONFLICT (user_id, thread_id, item_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at";

    /// Feedback in the order of the items it is on.
    pub const FEEDBACK: &str = "SELECT f.item_id, f.kind FROM chat_feedback f \
         JOIN chat_items i ON i.user_id = f.user_id AND i.thread_id = f.thread_id AND i.id = f.item_id \
         WHERE f.user_id = $1 AND f.thread_id = $2 ORDER BY i.seq";

    /// Forgets user `$1`'s shown notices from before `$2`.
    pub const FORGET_SHOWN: &str = "DELETE FROM chat_shown_notices WHERE user_id = $1 AND shown_at < $2";
}
