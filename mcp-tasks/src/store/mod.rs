//! Storage: the [`Store`] trait in domain types, with [`PgStore`] and [`SqliteStore`]
//! behind it, picked from the database URL. SQL lives only under this module.
//!
//! One SQL engine (`engine`) implements the trait once, generic over a small `backend`
//! trait that `pg` and `sqlite` implement: the sqlx database, how an instant is stored,
//! how a write transaction begins, and the few fragments that truly differ (number lists,
//! full-text search, undated-last ordering). Shared statements are in `sql`, the list and
//! search builder in `query`, and the mapping between rows and tasks in `row`.
//!
//! Every method takes the caller's user id and every statement filters by it, so no
//! path through the store can reach another user's rows. Multi-row changes run in one
//! transaction: all or nothing.

mod backend;
mod engine;
mod pg;
mod query;
mod row;
mod sql;
mod sqlite;

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use shared::config::DatabaseKind;

use crate::dates::{Due, Recurrence};
pub use query::{DueFilter, Sort, StatusFilter, TaskQuery, search_words};

/// Tasks in PostgreSQL: `timestamptz` instants, `task_words` search, row locks around changes.
pub type PgStore = engine::SqlStore<pg::PgBackend>;

/// Tasks in an SQLite file: Unix-millisecond instants, FTS5 search, `BEGIN IMMEDIATE` changes.
pub type SqliteStore = engine::SqlStore<sqlite::SqliteBackend>;

/// A task as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    /// Internal row id; never shown to users (they use `number`).
    pub id: i64,
    /// Per-user number, 1, 2, 3 … never reused.
    pub number: i64,
    /// 1–500 characters.
    pub title: String,
    /// Up to 5,000 characters.
    pub description: Option<String>,
    /// Pending or completed.
    pub status: Status,
    /// 1 (urgent) … 4 (default).
    pub priority: Priority,
    /// Lower-case labels without `#`, sorted, no duplicates.
    pub tags: Vec<String>,
    /// When it is due, if ever.
    pub due: Option<DueSpec>,
    /// How it repeats, if it does.
    pub recurrence: Option<Recurrence>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// When it was completed (for good), if it is.
    pub completed_at: Option<DateTime<Utc>>,
}

/// A due date with the phrase it came from and the zone it was read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueSpec {
    /// The instant or day.
    pub due: Due,
    /// The user's words ("tomorrow 5pm"), if any.
    pub phrase: Option<String>,
    /// IANA zone the phrase was interpreted in.
    pub tz: String,
}

/// Task status: the contract's type, so what is stored is what tools show.
pub use shared::contract::Status;

/// Priority 1 (urgent) to 4 (low, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Priority(u8);

impl Priority {
    /// The default priority, p4.
    pub const DEFAULT: Self = Self(4);

    /// A priority from its level 1–4.
    pub fn new(level: u8) -> Option<Self> {
        (1..=4).contains(&level).then_some(Self(level))
    }

    /// The level, 1–4.
    pub fn level(self) -> u8 {
        self.0
    }

    /// `p1` … `p4`.
    pub fn label(self) -> String {
        let mut label = String::with_capacity(2);
        label.push('p');
        label.push(char::from_digit(u32::from(self.0), 10).unwrap_or('?'));
        label
    }

    /// `urgent`, `high`, `medium` or `low`.
    pub fn word(self) -> &'static str {
        match self.0 {
            1 => "urgent",
            2 => "high",
            3 => "medium",
            _ => "low",
        }
    }
}

/// A task to create.
#[derive(Debug, Clone)]
pub struct NewTask {
    /// Trimmed title.
    pub title: String,
    /// Optional description.
    pub description: Option<String>,
    /// Priority.
    pub priority: Priority,
    /// Normalised tags.
    pub tags: Vec<String>,
    /// Due date.
    pub due: Option<DueSpec>,
    /// Recurrence.
    pub recurrence: Option<Recurrence>,
    /// Reminders to schedule with it.
    pub reminders: Vec<NewReminder>,
}

/// A reminder to schedule.
#[derive(Debug, Clone)]
pub struct NewReminder {
    /// When to remind.
    pub at: DateTime<Utc>,
    /// The user's words, if any.
    pub phrase: Option<String>,
}

/// A stored reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    /// Reminder id.
    pub id: i64,
    /// The task's number.
    pub task: i64,
    /// The task's title.
    pub title: String,
    /// When it falls due.
    pub remind_at: DateTime<Utc>,
    /// The user's words, if any.
    pub phrase: Option<String>,
    /// When the webhook accepted it, if it has.
    pub delivered_at: Option<DateTime<Utc>>,
    /// Failed delivery attempts so far.
    pub attempts: i32,
}

/// How to set a reminder on one task, given the task: the reminder, or why not (in words).
pub type PlanReminder<'a> = &'a (dyn Fn(&Task) -> Result<NewReminder, String> + Send + Sync);

/// What one [`Store::add_reminders`] call did, number by number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemindersAdded {
    /// The reminders added (one per task), in the order the numbers were given.
    pub added: Vec<Reminder>,
    /// Tasks found whose reminder was refused, with the reason; nothing was added to them.
    pub refused: Vec<(i64, String)>,
    /// Numbers with no task of the user's (another user's among them: never read or written).
    pub missing: Vec<i64>,
}

/// A reminder due for delivery, with its owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    /// Whose reminder.
    pub user_id: String,
    /// The reminder.
    pub reminder: Reminder,
}

/// What a change to a task means for its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Fields changed.
    Edited,
    /// The task was completed (a recurring one may have moved on): recorded in history.
    Completed,
}

/// A page of tasks.
#[derive(Debug, Clone)]
pub struct Page {
    /// The tasks, in the requested order.
    pub tasks: Vec<Task>,
    /// Whether more follow.
    pub has_more: bool,
}

/// Raw numbers for `analytics_summary`; the tool turns them into a report.
#[derive(Debug, Clone, Default)]
pub struct AnalyticsData {
    /// Pending tasks as (priority, tags, due instant key, is whole-day due).
    pub pending: Vec<PendingFacts>,
    /// Tasks completed for good.
    pub completed_total: i64,
    /// Completion instants since the window start (recurring completions included).
    pub completions: Vec<DateTime<Utc>>,
}

/// What analytics needs of one pending task.
#[derive(Debug, Clone)]
pub struct PendingFacts {
    /// Priority.
    pub priority: Priority,
    /// Tags.
    pub tags: Vec<String>,
    /// Due instant (`due_at`) or day.
    pub due: Option<Due>,
}

/// What can go wrong in the store. `NotFound` is the caller's mistake; the rest are not.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// These task numbers do not exist for this user.
    #[error("no task with number {}", shared::contract::task_numbers(.0))]
    NotFound(Vec<i64>),
    /// A change was refused by the caller's rule; nothing was written.
    #[error("{0}")]
    Rejected(String),
    /// A stored value could not be read back.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// A closure that changes one task in place and says what the change means, or refuses
/// the change with a message for the caller (then nothing at all is written).
pub type Modify<'a> = &'a (dyn Fn(&mut Task) -> Result<Change, String> + Send + Sync);

/// Task storage for every user. Every method is scoped to `user`.
#[async_trait::async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// Checks the database answers.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates tasks (numbered in order) with their reminders, in one transaction.
    async fn add_tasks(
        &self,
        user: &str,
        tasks: Vec<NewTask>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Task>, StoreError>;

    /// The tasks with these numbers, in the order asked; `NotFound` lists any missing.
    async fn get_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError>;

    /// Lists or searches tasks.
    async fn query_tasks(&self, user: &str, query: &TaskQuery) -> Result<Page, StoreError>;

    /// Changes the tasks with these numbers in one transaction and returns (before, after)
    /// pairs; unchanged tasks are not written. `NotFound` (and no write) if any is missing.
    async fn modify_tasks(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
    ) -> Result<Vec<(Task, Task)>, StoreError>;

    /// Changes those of these tasks that exist for `user`, in one transaction, and returns
    /// the (before, after) pairs and the numbers not found (another user's numbers among them:
    /// they are neither read nor written).
    async fn modify_found(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
    ) -> Result<(Vec<(Task, Task)>, Vec<i64>), StoreError>;

    /// Deletes the tasks with these numbers (all or none) and returns them.
    async fn delete_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError>;

    /// Adds a reminder to a task and returns all its reminders.
    async fn add_reminder(
        &self,
        user: &str,
        number: i64,
        reminder: NewReminder,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Adds one reminder, planned from the task by `plan`, to each of these tasks that exists
    /// for `user`, in one transaction and a bounded number of statements whatever the count.
    async fn add_reminders(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        plan: PlanReminder<'_>,
    ) -> Result<RemindersAdded, StoreError>;

    /// A user's reminders that fell due in `[since, now]` on pending tasks, oldest first.
    async fn user_due_reminders(
        &self,
        user: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError>;

    /// Undelivered reminders (any user) due by `now` whose next attempt is due, oldest first.
    async fn pending_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueReminder>, StoreError>;

    /// Records a delivery attempt: delivered now, or failed with a retry time.
    async fn record_delivery(
        &self,
        reminder_id: i64,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;

    /// Records a last failed attempt: the reminder is given up on at `now` and no longer
    /// pending (its attempts stay counted).
    async fn give_up_delivery(&self, reminder_id: i64, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Raw figures for analytics: pending tasks, completions since `since`.
    async fn analytics(&self, user: &str, since: DateTime<Utc>) -> Result<AnalyticsData, StoreError>;
}

/// Opens the store for a URL: `postgres://…` / `postgresql://…` or `sqlite://…` (file
/// created if missing, `sqlite::memory:` for tests).
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    match DatabaseKind::of(url) {
        Some(DatabaseKind::Postgres) => Ok(Arc::new(PgStore::connect(url).await?)),
        Some(DatabaseKind::Sqlite) => Ok(Arc::new(SqliteStore::connect(url).await?)),
        None => Err(StoreError::Database(sqlx::Error::Configuration(
            format!("the URL must start with {}", DatabaseKind::EXPECTED).into(),
        ))),
    }
}

/// Normalises a tag: trimmed, `#` stripped, lower-case, inner spaces as `-`.
pub fn normalise_tag(tag: &str) -> String {
    tag.trim().trim_start_matches('#').trim().to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// The date part of a due, if it is a whole day.
pub fn due_day(due: Option<&DueSpec>) -> Option<NaiveDate> {
    match due?.due {
        Due::Day(d) => Some(d),
        Due::At(_) => None,
    }
}
