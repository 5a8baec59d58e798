//! What the one SQL engine needs to know about a database, and nothing more: its sqlx
//! type, how an instant is stored, how a write transaction begins, how a list of task
//! numbers is matched, how many rows (tasks, reminders) are written in one statement, and the search and
//! ordering fragments that differ. `pg` and
//! `sqlite` implement [`Backend`]; the engine is written once over it.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::migrate::{Migrate, Migrator};
use sqlx::query::Query;
use sqlx::{Database, Encode, IntoArguments, Pool, Row, Type};

use super::StoreError;

/// A statement being built for database `DB`.
pub type Statement<'q, DB> = Query<'q, DB, <DB as Database>::Arguments>;

/// One database the task store runs on.
pub trait Backend: Send + Sync + 'static {
    /// The sqlx database.
    type Db: Columns
        + Binds<Self::Instant>
        + Binds<Option<Self::Instant>>
        + Database<Row: Reads<Self::Instant> + Reads<Option<Self::Instant>>, Connection: Migrate>;

    /// How an instant is stored (`timestamptz`, or Unix milliseconds).
    type Instant: Copy + Send + 'static;

    /// The statement that begins a write transaction (`None`: the database's own `BEGIN`).
    const BEGIN_WRITE: Option<&'static str>;

    /// Selects user `$1`'s tasks whose numbers are in the list [`Backend::bind_numbers`]
    /// binds as `$2`.
    const SELECT_NUMBERS: &'static str;

    /// [`Backend::SELECT_NUMBERS`], locking the rows for a read-modify-write where the
    /// database locks rows (else the same statement).
    const SELECT_NUMBERS_FOR_UPDATE: &'static str;

    /// Rewrites user `$1`'s tasks given as `$2`, a JSON array of rows (one object per task:
    /// `id` and every mutable column, instants as [`Backend::instant_json`]), in one statement.
    const UPDATE_TASKS: &'static str;

    /// Records that user `$1` completed the tasks whose ids [`Backend::bind_numbers`] binds as
    /// `$2`, at `$3`, in one statement.
    const INSERT_COMPLETIONS: &'static str;

    /// Schedules reminders for user `$1` given as `$2`, a JSON array of rows (`task_id`,
    /// `remind_at` as [`Backend::instant_json`], `phrase`), created at `$3`, in one statement;
    /// returns `id, task_id, remind_at` of each.
    const INSERT_REMINDERS: &'static str;

    /// Reserves user `$1`'s next number and inserts one task with it (columns `$2`…`$14` as
    /// [`super::sql::INSERT_TASK`] takes them, created and updated `$15`) in one statement,
    /// returning `id, number`; `None` where the database cannot (SQLite: no writes in a
    /// `WITH`), and a transaction does it there.
    const INSERT_ONE_TASK: Option<&'static str>;

    /// `ORDER BY` terms for "by due date, undated last, then priority, then number".
    const ORDER_BY_DUE: &'static str;

    /// Opens a pool on `url`.
    fn connect(url: &str) -> impl Future<Output = Result<Pool<Self::Db>, sqlx::Error>> + Send;

    /// The embedded migrations for this database.
    fn migrator() -> Migrator;

    /// An instant as this database stores it.
    fn instant(at: DateTime<Utc>) -> Self::Instant;

    /// An instant as a row of [`Backend::UPDATE_TASKS`] carries it in JSON.
    fn instant_json(at: DateTime<Utc>) -> serde_json::Value;

    /// A stored instant read back; `Corrupt` if it is out of range.
    fn read_instant(stored: Self::Instant) -> Result<DateTime<Utc>, StoreError>;

    /// Binds a list of task numbers for [`Backend::SELECT_NUMBERS`].
    fn bind_numbers<'q>(statement: Statement<'q, Self::Db>, numbers: &[i64]) -> Statement<'q, Self::Db>;

    /// A full-text search for all of `words` (each as a prefix): `bind` binds a value and
    /// returns its placeholder (`$1` is the user). `top`, when set, is how many of the best
    /// matches the page can use (no other filter, best match first), so the backend may stop
    /// reading there.
    fn search(words: &[String], top: Option<i64>, bind: &mut dyn FnMut(String) -> String) -> Search;
}

/// The SQL fragments of a full-text search.
#[derive(Debug)]
pub struct Search {
    /// What the statement selects from instead of `tasks t` (still naming the tasks `t`).
    pub from: String,
    /// A `WHERE` condition, unless `from` holds only matches.
    pub filter: Option<String>,
    /// The `ORDER BY` terms, best match first.
    pub order: String,
}

/// The column types the engine binds and reads on every database (implemented, empty,
/// for each sqlx database a backend uses; the compiler checks the list).
pub trait Columns:
    Database<
        Arguments: IntoArguments<Self>,
        Row: Reads<i64>
                 + Reads<i16>
                 + Reads<i32>
                 + Reads<bool>
                 + Reads<String>
                 + Reads<Option<String>>
                 + Reads<Option<NaiveDate>>,
    > + Binds<i64>
    + Binds<i16>
    + Binds<bool>
    + Binds<String>
    + for<'a> Binds<&'a str>
    + for<'a> Binds<Option<&'a str>>
    + Binds<Option<NaiveDate>>
{
}

/// A parameter type this database binds.
pub trait Binds<T>: Database {
    /// `statement` with `value` as its next parameter.
    fn bind_value(statement: Statement<'_, Self>, value: T) -> Statement<'_, Self>;
}

impl<'t, DB: Database, T: Encode<'t, DB> + Type<DB>> Binds<T> for DB {
    fn bind_value(statement: Statement<'_, Self>, value: T) -> Statement<'_, Self> {
        statement.bind(value)
    }
}

/// A column type this row decodes (each backend says how carefully: see `pg` and `sqlite`).
pub trait Reads<T>: Row {
    /// The value of column `index`.
    fn read(&self, index: usize) -> Result<T, sqlx::Error>;
}

/// Binding a parameter whatever the database, where [`Binds`] allows it.
pub trait BindArg<DB: Database> {
    /// This statement with `value` as its next parameter.
    fn arg<T>(self, value: T) -> Self
    where
        DB: Binds<T>;
}

impl<DB: Database> BindArg<DB> for Statement<'_, DB> {
    fn arg<T>(self, value: T) -> Self
    where
        DB: Binds<T>,
    {
        <DB as Binds<T>>::bind_value(self, value)
    }
}
