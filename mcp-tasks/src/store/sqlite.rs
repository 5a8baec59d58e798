//! The SQLite [`Backend`]: an embedded file in WAL mode, instants as Unix milliseconds,
//! number lists through `json_each`, `BEGIN IMMEDIATE` around read-modify-write changes,
//! and FTS5 search.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::{Decode, Row, Sqlite, Type};

use super::StoreError;
use super::backend::{Backend, Columns, Reads, Search, Statement};
use super::sql::task_columns;

/// Tasks in an SQLite file.
#[derive(Debug, Clone, Copy)]
pub struct SqliteBackend;

impl Columns for Sqlite {}

/// Columns are decoded with sqlx's type check: SQLite's values carry their own types
/// whatever the column says, and a value of another type would be converted, not refused.
impl<T: for<'r> Decode<'r, Sqlite> + Type<Sqlite>> Reads<T> for SqliteRow {
    fn read(&self, index: usize) -> Result<T, sqlx::Error> {
        self.try_get(index)
    }
}

impl Backend for SqliteBackend {
    type Db = Sqlite;
    type Instant = i64;

    const BEGIN_WRITE: Option<&'static str> = Some("BEGIN IMMEDIATE");
    const SELECT_NUMBERS: &'static str = concat!(
        "SELECT ",
        task_columns!(),
        " FROM tasks t WHERE t.user_id = $1 AND t.number IN (SELECT value FROM json_each($2))"
    );
    // `BEGIN IMMEDIATE` already holds the write lock for the whole change.
    const SELECT_NUMBERS_FOR_UPDATE: &'static str = Self::SELECT_NUMBERS;
    const ORDER_BY_DUE: &'static str = "(t.due_key IS NULL), t.due_key, t.priority, t.number";
    const UPDATE_TASKS: &'static str = "UPDATE tasks SET title = v.title, description = v.description, \
         status = v.status, priority = v.priority, tags = v.tags, due_at = v.due_at, due_date = v.due_date, \
         due_key = v.due_key, due_string = v.due_string, due_tz = v.due_tz, \
         recurrence_phrase = v.recurrence_phrase, recurrence_rule = v.recurrence_rule, \
         recurrence_from_completion = v.recurrence_from_completion, updated_at = v.updated_at, \
         completed_at = v.completed_at \
         FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.title') AS title, \
         json_extract(value, '$.description') AS description, json_extract(value, '$.status') AS status, \
         json_extract(value, '$.priority') AS priority, json_extract(value, '$.tags') AS tags, \
         json_extract(value, '$.due_at') AS due_at, json_extract(value, '$.due_date') AS due_date, \
         json_extract(value, '$.due_key') AS due_key, json_extract(value, '$.due_string') AS due_string, \
         json_extract(value, '$.due_tz') AS due_tz, \
         json_extract(value, '$.recurrence_phrase') AS recurrence_phrase, \
         json_extract(value, '$.recurrence_rule') AS recurrence_rule, \
         json_extract(value, '$.recurrence_from_completion') AS recurrence_from_completion, \
         json_extract(value, '$.updated_at') AS updated_at, json_extract(value, '$.completed_at') AS completed_at \
         FROM json_each($2)) AS v \
         WHERE tasks.user_id = $1 AND tasks.id = v.id";
    const INSERT_COMPLETIONS: &'static str = "INSERT INTO task_completions (user_id, task_id, completed_at) \
         SELECT $1, value, $3 FROM json_each($2)";
    const INSERT_ONE_TASK: Option<&'static str> = None;
    const INSERT_REMINDERS: &'static str = "INSERT INTO reminders (user_id, task_id, remind_at, phrase, created_at) \
         SELECT $1, json_extract(value, '$.task_id'), json_extract(value, '$.remind_at'), \
         json_extract(value, '$.phrase'), $3 FROM json_each($2) WHERE true \
         RETURNING id, task_id, remind_at";

    /// Opens (creating if missing) the database at `url`, e.g. `sqlite:///path/tasks.db`.
    async fn connect(url: &str) -> Result<SqlitePool, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        // An in-memory database lives in one connection; a file serves several readers.
        SqlitePoolOptions::new().max_connections(if in_memory { 1 } else { 8 }).connect_with(options).await
    }

    fn migrator() -> Migrator {
        sqlx::migrate!("../migrations/tasks/sqlite")
    }

    fn instant(at: DateTime<Utc>) -> i64 {
        at.timestamp_millis()
    }

    fn instant_json(at: DateTime<Utc>) -> serde_json::Value {
        serde_json::Value::from(Self::instant(at))
    }

    fn read_instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
        DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("instant {ms}")))
    }

    fn bind_numbers<'q>(statement: Statement<'q, Sqlite>, numbers: &[i64]) -> Statement<'q, Sqlite> {
        statement.bind(serde_json::to_string(numbers).unwrap_or_else(|_| "[]".into()))
    }

    fn search(words: &[String], _top: Option<i64>, bind: &mut dyn FnMut(String) -> String) -> Search {
        let param = bind(words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "));
        Search {
            from: "tasks t JOIN tasks_fts ON tasks_fts.rowid = t.id".to_owned(),
            filter: Some(format!("tasks_fts MATCH {param}")),
            order: "bm25(tasks_fts), t.number DESC".to_owned(),
        }
    }
}
