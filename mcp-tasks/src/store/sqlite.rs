//! The SQLite [`Backend`]: an embedded file in WAL mode, instants as Unix milliseconds,
//! number lists through `json_each`, `BEGIN IMMEDIATE` around read-modify-write changes,
//! and FTS5 search.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::Sqlite;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use super::StoreError;
use super::backend::{Backend, Columns, Search, Statement};
use super::sql::task_columns;

/// Tasks in an SQLite file.
#[derive(Debug, Clone, Copy)]
pub struct SqliteBackend;

impl Columns for Sqlite {}

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

    fn read_instant(ms: i64) -> Result<DateTime<Utc>, StoreError> {
        DateTime::from_timestamp_millis(ms).ok_or_else(|| StoreError::Corrupt(format!("instant {ms}")))
    }

    fn bind_numbers<'q>(statement: Statement<'q, Sqlite>, numbers: &[i64]) -> Statement<'q, Sqlite> {
        statement.bind(serde_json::to_string(numbers).unwrap_or_else(|_| "[]".into()))
    }

    fn search(words: &[String], bind: &mut dyn FnMut(String) -> String) -> Search {
        let param = bind(words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "));
        Search {
            join: " JOIN tasks_fts ON tasks_fts.rowid = t.id",
            filter: format!("tasks_fts MATCH {param}"),
            rank: "bm25(tasks_fts)".to_owned(),
        }
    }
}
