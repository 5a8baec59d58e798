//! The SQL text both backends share: the task columns every read selects and every
//! statement written the same on PostgreSQL and SQLite (instants bind as each stores
//! them). What differs lives in `pg` and `sqlite`; list and search queries are built in `query`.

/// Columns every task read selects, in the order `row` decodes them (a macro, so fixed
/// statements can `concat!` it and stay `&'static str`).
macro_rules! task_columns {
    () => {
        "t.id, t.number, t.title, t.description, t.status, t.priority, t.tags, t.due_at, t.due_date, \
         t.due_string, t.due_tz, t.recurrence_phrase, t.recurrence_rule, t.recurrence_from_completion, \
         t.created_at, t.updated_at, t.completed_at"
    };
}
pub(super) use task_columns;

/// Reserves `$2` numbers for user `$1`; returns the last one reserved.
pub const RESERVE_NUMBERS: &str = "INSERT INTO task_counters (user_id, last_number) VALUES ($1, $2) \
     ON CONFLICT (user_id) DO UPDATE SET last_number = task_counters.last_number + $2 RETURNING last_number";

/// `INSERT INTO tasks (…)` with the columns a new task is written with, in the order every
/// insert binds them.
macro_rules! insert_into_tasks {
    () => {
        "INSERT INTO tasks (user_id, number, title, description, status, priority, tags, \
         due_at, due_date, due_key, due_string, due_tz, recurrence_phrase, recurrence_rule, \
         recurrence_from_completion, created_at, updated_at)"
    };
}
pub(super) use insert_into_tasks;

/// Inserts user `$1`'s task number `$2` (columns `$3`…`$15`, created and updated `$16`); returns its id.
pub const INSERT_TASK: &str = concat!(
    insert_into_tasks!(),
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id"
);

/// Schedules a reminder for user `$1`'s task `$2` at `$3` (phrase `$4`, created `$5`).
pub const INSERT_REMINDER: &str =
    "INSERT INTO reminders (user_id, task_id, remind_at, phrase, created_at) VALUES ($1, $2, $3, $4, $5)";

/// User `$1`'s reminders on task `$2`, in time order.
pub const TASK_REMINDERS: &str = "SELECT r.id, t.number, t.title, r.remind_at, r.phrase, r.delivered_at, \
     r.attempts, r.user_id FROM reminders r JOIN tasks t ON t.id = r.task_id \
     WHERE r.user_id = $1 AND r.task_id = $2 ORDER BY r.remind_at, r.id";

/// User `$1`'s reminders due in `[$2, $3]` on pending tasks, oldest first.
pub const USER_DUE_REMINDERS: &str = "SELECT r.id, t.number, t.title, r.remind_at, r.phrase, r.delivered_at, \
     r.attempts, r.user_id FROM reminders r JOIN tasks t ON t.id = r.task_id \
     WHERE r.user_id = $1 AND r.remind_at >= $2 AND r.remind_at <= $3 AND t.status = 'pending' \
     ORDER BY r.remind_at, r.id";

/// Up to `$2` undelivered reminders (any user) due by `$1` whose next attempt is due and
/// that were not given up on.
pub const PENDING_DELIVERIES: &str = "SELECT r.id, t.number, t.title, r.remind_at, r.phrase, r.delivered_at, \
     r.attempts, r.user_id FROM reminders r JOIN tasks t ON t.id = r.task_id \
     WHERE r.delivered_at IS NULL AND r.gave_up_at IS NULL AND r.remind_at <= $1 \
     AND (r.next_attempt_at IS NULL OR r.next_attempt_at <= $1) ORDER BY r.remind_at, r.id LIMIT $2";

/// Marks reminder `$1` delivered at `$2`.
pub const MARK_DELIVERED: &str = "UPDATE reminders SET delivered_at = $2 WHERE id = $1";

/// Counts a failed delivery of reminder `$1` and retries at `$2`.
pub const MARK_FAILED: &str =
    "UPDATE reminders SET attempts = attempts + 1, next_attempt_at = $2 WHERE id = $1";

/// Counts a last failed delivery of reminder `$1` and gives up on it at `$2`.
pub const MARK_GAVE_UP: &str =
    "UPDATE reminders SET attempts = attempts + 1, next_attempt_at = NULL, gave_up_at = $2 WHERE id = $1";

/// What analytics needs of user `$1`'s pending tasks.
pub const ANALYTICS_PENDING: &str = "SELECT priority, tags, due_at, due_date FROM tasks \
     WHERE user_id = $1 AND status = 'pending'";

/// How many of user `$1`'s tasks are completed for good.
pub const ANALYTICS_COMPLETED_TOTAL: &str =
    "SELECT count(*) FROM tasks WHERE user_id = $1 AND status = 'completed'";

/// User `$1`'s completion instants since `$2`, in order.
pub const ANALYTICS_COMPLETIONS: &str = "SELECT completed_at FROM task_completions \
     WHERE user_id = $1 AND completed_at >= $2 ORDER BY completed_at";

/// Deletes user `$1`'s task `$2` (its reminders and completions go with it).
pub const DELETE_TASK: &str = "DELETE FROM tasks WHERE user_id = $1 AND id = $2";
