//! [`Store`] on PostgreSQL: `timestamptz` instants, `tsvector` + GIN search, row locks
//! (`FOR UPDATE`) around read-modify-write changes.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{Postgres, Row, Transaction};

use super::query::{self, Arg, Dialect, task_columns};
use super::row::{RawTask, TaskColumns, in_requested_order, split_tags, sql};
use super::{
    AnalyticsData, Change, DueReminder, Modify, NewReminder, NewTask, Page, PendingFacts, Priority, Reminder,
    Status, Store, StoreError, Task, TaskQuery,
};
use crate::dates::Due;

/// Tasks in PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects a pool to `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().max_connections(16).connect(url).await?;
        Ok(Self { pool })
    }

    /// Wraps an existing pool (tests).
    pub fn from_pool(pool: PgPool) -> Self {
        Self { pool }
    }

    async fn load(
        tx: &mut Transaction<'static, Postgres>,
        user: &str,
        numbers: &[i64],
        lock: bool,
    ) -> Result<Vec<Task>, StoreError> {
        const SELECT: &str =
            concat!("SELECT ", task_columns!(), " FROM tasks t WHERE t.user_id = $1 AND t.number = ANY($2)");
        const SELECT_FOR_UPDATE: &str = concat!(
            "SELECT ",
            task_columns!(),
            " FROM tasks t WHERE t.user_id = $1 AND t.number = ANY($2) FOR UPDATE"
        );
        let rows = sqlx::query(if lock { SELECT_FOR_UPDATE } else { SELECT })
            .bind(user)
            .bind(numbers)
            .fetch_all(&mut **tx)
            .await?;
        let found: Vec<Task> = rows.iter().map(task_from_row).collect::<Result<_, _>>()?;
        in_requested_order(found, numbers)
    }
}

fn task_from_row(row: &PgRow) -> Result<Task, StoreError> {
    RawTask {
        id: row.try_get(0)?,
        number: row.try_get(1)?,
        title: row.try_get(2)?,
        description: row.try_get(3)?,
        status: row.try_get(4)?,
        priority: i64::from(row.try_get::<i16, _>(5)?),
        tags: row.try_get(6)?,
        due_at: row.try_get(7)?,
        due_date: row.try_get(8)?,
        due_string: row.try_get(9)?,
        due_tz: row.try_get(10)?,
        recurrence_phrase: row.try_get(11)?,
        recurrence_rule: row.try_get(12)?,
        recurrence_from_completion: row.try_get(13)?,
        created_at: row.try_get(14)?,
        updated_at: row.try_get(15)?,
        completed_at: row.try_get(16)?,
    }
    .into_task()
}

fn reminder_from_row(row: &PgRow) -> Result<DueReminder, StoreError> {
    Ok(DueReminder {
        user_id: row.try_get(7)?,
        reminder: Reminder {
            id: row.try_get(0)?,
            task: row.try_get(1)?,
            title: row.try_get(2)?,
            remind_at: row.try_get(3)?,
            phrase: row.try_get(4)?,
            delivered_at: row.try_get(5)?,
            attempts: row.try_get(6)?,
        },
    })
}

async fn write_task(
    tx: &mut Transaction<'static, Postgres>,
    user: &str,
    task: &Task,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let c = TaskColumns::of_task(task);
    sqlx::query(sql::UPDATE_TASK)
        .bind(user)
        .bind(task.id)
        .bind(c.title)
        .bind(c.description)
        .bind(c.status)
        .bind(i16::from(task.priority.level()))
        .bind(c.tags)
        .bind(c.due_at)
        .bind(c.due_date)
        .bind(c.due_key)
        .bind(c.due_string)
        .bind(c.due_tz)
        .bind(c.recurrence_phrase)
        .bind(c.recurrence_rule)
        .bind(c.recurrence_from_completion)
        .bind(now)
        .bind(task.completed_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl Store for PgStore {
    #[tracing::instrument(skip_all)]
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = sqlx::migrate!("../migrations/tasks/postgres");
        migrator.dangerous_set_table_name("_mcp_tasks_migrations");
        migrator.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user, count = tasks.len()))]
    async fn add_tasks(
        &self,
        user: &str,
        tasks: Vec<NewTask>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let count = i64::try_from(tasks.len()).unwrap_or(i64::MAX);
        let last: i64 =
            sqlx::query_scalar(sql::RESERVE_NUMBERS).bind(user).bind(count).fetch_one(&mut *tx).await?;
        let mut created = Vec::with_capacity(tasks.len());
        for (number, new) in (last - count + 1..).zip(tasks) {
            let c = TaskColumns::of(
                &new.title,
                new.description.as_deref(),
                Status::Pending,
                new.priority,
                &new.tags,
                new.due.as_ref(),
                new.recurrence.as_ref(),
            );
            let id: i64 = sqlx::query_scalar(sql::INSERT_TASK)
                .bind(user)
                .bind(number)
                .bind(c.title)
                .bind(c.description)
                .bind(c.status)
                .bind(i16::from(new.priority.level()))
                .bind(c.tags)
                .bind(c.due_at)
                .bind(c.due_date)
                .bind(c.due_key)
                .bind(c.due_string)
                .bind(c.due_tz)
                .bind(c.recurrence_phrase)
                .bind(c.recurrence_rule)
                .bind(c.recurrence_from_completion)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
            for r in &new.reminders {
                sqlx::query(sql::INSERT_REMINDER)
                    .bind(user)
                    .bind(id)
                    .bind(r.at)
                    .bind(r.phrase.as_deref())
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            created.push(Task {
                id,
                number,
                title: new.title,
                description: new.description,
                status: Status::Pending,
                priority: new.priority,
                tags: new.tags,
                due: new.due,
                recurrence: new.recurrence,
                created_at: now,
                updated_at: now,
                completed_at: None,
            });
        }
        tx.commit().await?;
        Ok(created)
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn get_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let tasks = Self::load(&mut tx, user, numbers, false).await?;
        tx.commit().await?;
        Ok(tasks)
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn query_tasks(&self, user: &str, query: &TaskQuery) -> Result<Page, StoreError> {
        let (sql, args) = query::build(Dialect::Postgres, user, query);
        let mut q = sqlx::query(sql);
        for arg in args {
            q = match arg {
                Arg::Text(s) => q.bind(s),
                Arg::Instant(t) => q.bind(t),
            };
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut tasks: Vec<Task> = rows.iter().map(task_from_row).collect::<Result<_, _>>()?;
        let has_more = tasks.len() > query.limit as usize;
        tasks.truncate(query.limit as usize);
        Ok(Page { tasks, has_more })
    }

    #[tracing::instrument(skip_all, fields(user, count = numbers.len()))]
    async fn modify_tasks(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
    ) -> Result<Vec<(Task, Task)>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let tasks = Self::load(&mut tx, user, numbers, true).await?;
        let mut changed = Vec::with_capacity(tasks.len());
        for before in tasks {
            let mut after = before.clone();
            let change = modify(&mut after).map_err(StoreError::Rejected)?;
            if after != before || change == Change::Completed {
                after.updated_at = now;
                write_task(&mut tx, user, &after, now).await?;
            }
            if change == Change::Completed {
                sqlx::query(sql::INSERT_COMPLETION)
                    .bind(user)
                    .bind(after.id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            changed.push((before, after));
        }
        tx.commit().await?;
        Ok(changed)
    }

    #[tracing::instrument(skip_all, fields(user, count = numbers.len()))]
    async fn delete_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let tasks = Self::load(&mut tx, user, numbers, true).await?;
        for task in &tasks {
            sqlx::query(sql::DELETE_TASK).bind(user).bind(task.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(tasks)
    }

    #[tracing::instrument(skip_all, fields(user, number))]
    async fn add_reminder(
        &self,
        user: &str,
        number: i64,
        reminder: NewReminder,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let task = Self::load(&mut tx, user, &[number], true).await?.remove(0);
        sqlx::query(sql::INSERT_REMINDER)
            .bind(user)
            .bind(task.id)
            .bind(reminder.at)
            .bind(reminder.phrase)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let rows = sqlx::query(sql::TASK_REMINDERS).bind(user).bind(task.id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(|r| reminder_from_row(r).map(|d| d.reminder)).collect()
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn user_due_reminders(
        &self,
        user: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError> {
        let rows = sqlx::query(sql::USER_DUE_REMINDERS)
            .bind(user)
            .bind(since)
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| reminder_from_row(r).map(|d| d.reminder)).collect()
    }

    async fn pending_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueReminder>, StoreError> {
        let rows = sqlx::query(sql::PENDING_DELIVERIES).bind(now).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(reminder_from_row).collect()
    }

    async fn record_delivery(
        &self,
        reminder_id: i64,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let q = match retry_at {
            None => sqlx::query(sql::MARK_DELIVERED).bind(reminder_id).bind(now),
            Some(at) => sqlx::query(sql::MARK_FAILED).bind(reminder_id).bind(at),
        };
        q.execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(user))]
    async fn analytics(&self, user: &str, since: DateTime<Utc>) -> Result<AnalyticsData, StoreError> {
        let pending = sqlx::query(sql::ANALYTICS_PENDING).bind(user).fetch_all(&self.pool).await?;
        let pending = pending
            .iter()
            .map(|row| {
                let level = u8::try_from(row.try_get::<i16, _>(0)?).ok();
                let due_at: Option<DateTime<Utc>> = row.try_get(2)?;
                let due_date: Option<NaiveDate> = row.try_get(3)?;
                Ok(PendingFacts {
                    priority: level.and_then(Priority::new).unwrap_or(Priority::DEFAULT),
                    tags: split_tags(row.try_get(1)?),
                    due: due_at.map(Due::At).or(due_date.map(Due::Day)),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        let completed_total: i64 =
            sqlx::query_scalar(sql::ANALYTICS_COMPLETED_TOTAL).bind(user).fetch_one(&self.pool).await?;
        let completions: Vec<DateTime<Utc>> = sqlx::query_scalar(sql::ANALYTICS_COMPLETIONS)
            .bind(user)
            .bind(since)
            .fetch_all(&self.pool)
            .await?;
        Ok(AnalyticsData { pending, completed_total, completions })
    }
}
