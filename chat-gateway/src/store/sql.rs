//! The statements whose text is the same on both backends (`$n` placeholders, which both
//! drivers bind by position), and which of them serves a page in a given order. The few
//! that differ live with their backend (`pg.rs`, `sqlite.rs`).

use super::Order;

/// The statement listing threads in `order`, from the start or after a cursor position.
pub(super) fn threads_statement(order: Order, after_cursor: bool) -> &'static str {
    match (order, after_cursor) {
        (Order::Asc, false) => THREADS_ASC,
        (Order::Desc, false) => THREADS_DESC,
        (Order::Asc, true) => THREADS_AFTER_ASC,
        (Order::Desc, true) => THREADS_AFTER_DESC,
    }
}

/// The statement listing items in `order`, strictly past the `seq` bound it takes as `$3`.
pub(super) fn items_statement(order: Order) -> &'static str {
    match order {
        Order::Asc => ITEMS_ASC,
        Order::Desc => ITEMS_DESC,
    }
}

/// The `seq` bound for [`items_statement`]: the cursor's, or one past either end.
pub(super) fn items_bound(order: Order, cursor: Option<i64>) -> i64 {
    cursor.unwrap_or(match order {
        Order::Asc => 0,
        Order::Desc => i64::MAX,
    })
}

/// `SELECT` of a thread's columns (see `row::ThreadRow`) from `chat_threads`, then `$rest`.
macro_rules! select_threads {
    ($rest:literal) => {
        concat!("SELECT id, title, status, created_at, updated_at FROM chat_threads ", $rest)
    };
}

/// `SELECT` of an item's columns (see `row::ItemRow`) from `chat_items`, then `$rest`.
macro_rules! select_items {
    ($rest:literal) => {
        concat!("SELECT id, thread_id, kind, created_at, json FROM chat_items ", $rest)
    };
}

/// `SELECT` of a tool call's columns (see `row::ToolCallRow`) from `chat_tool_calls`, then `$rest`.
macro_rules! select_tool_calls {
    ($rest:literal) => {
        concat!(
            "SELECT id, thread_id, item_id, name, arguments, result, status, duration_ms, created_at \
             FROM chat_tool_calls ",
            $rest
        )
    };
}

pub(super) const INSERT_THREAD: &str = "INSERT INTO chat_threads (user_id, id, title, status, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6)";

pub(super) const LOAD_THREAD: &str = select_threads!("WHERE user_id = $1 AND id = $2");

pub(super) const UPDATE_THREAD: &str =
    "UPDATE chat_threads SET title = $3, status = $4, updated_at = $5 WHERE user_id = $1 AND id = $2";

/// Checks thread `$2` is user `$1`'s (and locks it against a concurrent delete) while moving
/// `updated_at` forward to `$3`, never back: the first statement of an item write on a
/// backend that writes items in a transaction (see `ItemStatement::AfterTouch`).
pub(super) const TOUCH_THREAD: &str = "UPDATE chat_threads \
     SET updated_at = CASE WHEN updated_at < $3 THEN $3 ELSE updated_at END \
     WHERE user_id = $1 AND id = $2";

pub(super) const THREAD_EXISTS: &str = "SELECT seq FROM chat_threads WHERE user_id = $1 AND id = $2";

/// A thread's place in the list order, for `after` cursors.
pub(super) const THREAD_POSITION: &str =
    "SELECT created_at, seq FROM chat_threads WHERE user_id = $1 AND id = $2";

pub(super) const THREADS_ASC: &str = select_threads!("WHERE user_id = $1 ORDER BY created_at, seq LIMIT $2");

pub(super) const THREADS_DESC: &str =
    select_threads!("WHERE user_id = $1 ORDER BY created_at DESC, seq DESC LIMIT $2");

pub(super) const THREADS_AFTER_ASC: &str = select_threads!(
    "WHERE user_id = $1 AND (created_at, seq) > ($2, $3) \
     ORDER BY created_at, seq LIMIT $4"
);

pub(super) const THREADS_AFTER_DESC: &str = select_threads!(
    "WHERE user_id = $1 AND (created_at, seq) < ($2, $3) \
     ORDER BY created_at DESC, seq DESC LIMIT $4"
);

pub(super) const DELETE_THREAD: &str = "DELETE FROM chat_threads WHERE user_id = $1 AND id = $2";

pub(super) const INSERT_ITEM: &str = "INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     VALUES ($1, $2, $3, $4, $5, $6)";

/// Replaces kind and document in place: `seq` (the position) and `created_at` stay.
pub(super) const UPSERT_ITEM: &str = "INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (user_id, thread_id, id) DO UPDATE SET kind = excluded.kind, json = excluded.json";

pub(super) const LOAD_ITEM: &str = select_items!("WHERE user_id = $1 AND thread_id = $2 AND id = $3");

pub(super) const ITEM_SEQ: &str =
    "SELECT seq FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND id = $3";

pub(super) const ITEMS_ASC: &str =
    select_items!("WHERE user_id = $1 AND thread_id = $2 AND seq > $3 ORDER BY seq LIMIT $4");

pub(super) const ITEMS_DESC: &str =
    select_items!("WHERE user_id = $1 AND thread_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4");

/// The newest `$3` items of thread `$2`, newest first, with each widget's document left unread
/// (NULL): what the agent reads before a model call, which never shows the model a widget, and
/// widgets are a thread's largest items (a task list's widget is several kilobytes).
pub(super) const RECENT_ITEMS: &str = "SELECT id, thread_id, kind, created_at, \
     CASE WHEN kind = 'widget' THEN NULL ELSE json END FROM chat_items \
     WHERE user_id = $1 AND thread_id = $2 ORDER BY seq DESC LIMIT $3";

pub(super) const DELETE_ITEMS_AFTER: &str =
    "DELETE FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND seq > $3";

pub(super) const DELETE_ITEM: &str =
    "DELETE FROM chat_items WHERE user_id = $1 AND thread_id = $2 AND id = $3";

/// Inserts nothing (zero rows affected) unless thread `$2` is user `$1`'s.
pub(super) const INSERT_TOOL_CALL: &str = "INSERT INTO chat_tool_calls \
     (user_id, thread_id, id, item_id, name, arguments, result, status, duration_ms, created_at) \
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
     WHERE EXISTS (SELECT 1 FROM chat_threads WHERE user_id = $1 AND id = $2)";

pub(super) const TOOL_CALLS: &str =
    select_tool_calls!("WHERE user_id = $1 AND thread_id = $2 ORDER BY created_at, seq");

/// The tool calls of thread `$2` pointing at `items` items (`$3`, `$4`, …), oldest first.
pub(super) fn tool_calls_of(items: usize) -> String {
    let marks: Vec<String> = (3..3 + items).map(|n| format!("${n}")).collect();
    format!(
        "{}WHERE user_id = $1 AND thread_id = $2 AND item_id IN ({}) ORDER BY created_at, seq",
        select_tool_calls!(""),
        marks.join(", ")
    )
}

/// Sets feedback `$4` on item `$3`, replacing earlier feedback; an unknown item is skipped.
pub(super) const UPSERT_FEEDBACK: &str = "INSERT INTO chat_feedback (user_id, thread_id, item_id, kind, created_at) \
     SELECT user_id, thread_id, id, $4, $5 FROM chat_items \
     WHERE user_id = $1 AND thread_id = $2 AND id = $3 \
     ON CONFLICT (user_id, thread_id, item_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at";

/// Feedback in the order of the items it is on.
pub(super) const FEEDBACK: &str = "SELECT f.item_id, f.kind FROM chat_feedback f \
     JOIN chat_items i ON i.user_id = f.user_id AND i.thread_id = f.thread_id AND i.id = f.item_id \
     WHERE f.user_id = $1 AND f.thread_id = $2 ORDER BY i.seq";

/// Forgets user `$1`'s shown notices from before `$2`.
pub(super) const FORGET_SHOWN: &str = "DELETE FROM chat_shown_notices WHERE user_id = $1 AND shown_at < $2";
