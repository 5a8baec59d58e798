//! The one SQL engine behind [`Store`]: every statement and transaction of
//! the task store, written once over a [`Backend`] (PostgreSQL or SQLite); rows are read in `row`.

use std::marker::PhantomData;

use chrono::{DateTime, Utc};
use sqlx::{Database, Executor, Pool, Transaction};

use super::backend::{Backend, BindArg, Reads};
use super::query::{self, Arg};
use super::row::{
    TaskColumns, bind_columns, created_task, found_in_requested_order, in_requested_order, pending_from_row,
    reminder_from_row, task_from_row, task_json,
};
use super::{
    AnalyticsData, Change, DueReminder, Modify, NewReminder, NewTask, Page, PlanReminder, Reminder,
    RemindersAdded, Store, StoreError, Task, TaskQuery, sql,
};

/// Tasks in the database of backend `B` (see the `PgStore` and `SqliteStore` aliases).
#[derive(Debug, Clone)]
pub struct SqlStore<B: Backend> {
    pool: Pool<B::Db>,
    backend: PhantomData<B>,
}

type Tx<B> = Transaction<'static, <B as Backend>::Db>;

impl<B: Backend> SqlStore<B> {
    /// Connects a pool to `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Ok(Self::from_pool(B::connect(url).await?))
    }

    /// Wraps an existing pool (tests).
    pub fn from_pool(pool: Pool<B::Db>) -> Self {
        Self { pool, backend: PhantomData }
    }
}

/// The changes of one `modify` call: (before, after) pairs, and the numbers not found.
type Modified = (Vec<(Task, Task)>, Vec<i64>);

impl<B: Backend> SqlStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
{
    /// A transaction for a read-modify-write change, begun as the backend asks.
    async fn begin_write(&self) -> Result<Tx<B>, StoreError> {
        Ok(match B::BEGIN_WRITE {
            Some(begin) => self.pool.begin_with(begin).await?,
            None => self.pool.begin().await?,
        })
    }

    /// The tasks with these numbers, in the order asked (rows locked when `lock`).
    async fn load(tx: &mut Tx<B>, user: &str, numbers: &[i64], lock: bool) -> Result<Vec<Task>, StoreError> {
        in_requested_order(Self::select(tx, user, numbers, lock).await?, numbers)
    }

    /// The rows of these numbers that exist for `user`, in no particular order.
    async fn select(
        tx: &mut Tx<B>,
        user: &str,
        numbers: &[i64],
        lock: bool,
    ) -> Result<Vec<Task>, StoreError> {
        let select = if lock { B::SELECT_NUMBERS_FOR_UPDATE } else { B::SELECT_NUMBERS };
        let statement = B::bind_numbers(sqlx::query(select).arg(user), numbers);
        let rows = statement.fetch_all(&mut **tx).await?;
        rows.iter().map(task_from_row::<B>).collect()
    }

    /// Applies `modify` to the tasks of `numbers` that exist, in one transaction; with
    /// `all_or_none`, any missing number is `NotFound` and nothing is written.
    async fn modify(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
        all_or_none: bool,
    ) -> Result<Modified, StoreError> {
        let mut tx = self.begin_write().await?;
        let (tasks, missing) =
            found_in_requested_order(Self::select(&mut tx, user, numbers, true).await?, numbers);
        if all_or_none && !missing.is_empty() {
            return Err(StoreError::NotFound(missing));
        }
        let mut changed = Vec::with_capacity(tasks.len());
        let (mut rows, mut completed) = (Vec::new(), Vec::new());
        for before in tasks {
            let mut after = before.clone();
            let change = modify(&mut after).map_err(StoreError::Rejected)?;
            if after != before || change == Change::Completed {
                after.updated_at = now;
                rows.push(task_json::<B>(&after));
            }
            if change == Change::Completed {
                completed.push(after.id);
            }
            changed.push((before, after));
        }
        // One statement for every rewritten row and one for every completion, whatever their number.
        if !rows.is_empty() {
            let rows = serde_json::Value::Array(rows).to_string();
            sqlx::query(B::UPDATE_TASKS).arg(user).arg(rows).execute(&mut *tx).await?;
        }
        if !completed.is_empty() {
            let statement = B::bind_numbers(sqlx::query(B::INSERT_COMPLETIONS).arg(user), &completed);
            statement.arg(B::instant(now)).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok((changed, missing))
    }

    async fn insert_reminder(
        tx: &mut Tx<B>,
        user: &str,
        task_id: i64,
        reminder: &NewReminder,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(sql::INSERT_REMINDER)
            .arg(user)
            .arg(task_id)
            .arg(B::instant(reminder.at))
            .arg(reminder.phrase.as_deref())
            .arg(B::instant(now))
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl<B: Backend> Store for SqlStore<B>
where
    for<'c> &'c mut <B::Db as Database>::Connection: Executor<'c, Database = B::Db>,
{
    #[tracing::instrument(level = "debug", skip_all)]
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut migrator = B::migrator();
        migrator.dangerous_set_table_name("_mcp_tasks_migrations");
        migrator.run(&self.pool).await?;
        Ok(())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = tasks.len()))]
    async fn add_tasks(
        &self,
        user: &str,
        tasks: Vec<NewTask>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Task>, StoreError> {
        // One task without reminders (most adds): one statement where the backend has it,
        // instead of BEGIN, reserve, insert, COMMIT.
        if let (Some(insert), [new]) = (B::INSERT_ONE_TASK, tasks.as_slice())
            && new.reminders.is_empty()
        {
            let statement = bind_columns::<B>(sqlx::query(insert).arg(user), TaskColumns::of_new(new));
            let row = statement.arg(B::instant(now)).fetch_one(&self.pool).await?;
            let (id, number) = (row.read(0)?, row.read(1)?);
            return Ok(tasks.into_iter().map(|new| created_task(id, number, new, now)).collect());
        }
        let mut tx = self.begin_write().await?;
        let count = i64::try_from(tasks.len()).unwrap_or(i64::MAX);
        let last: i64 =
            sqlx::query(sql::RESERVE_NUMBERS).arg(user).arg(count).fetch_one(&mut *tx).await?.read(0)?;
        let mut created = Vec::with_capacity(tasks.len());
        for (number, new) in (last - count + 1..).zip(tasks) {
            let statement = sqlx::query(sql::INSERT_TASK).arg(user).arg(number);
            let id: i64 = bind_columns::<B>(statement, TaskColumns::of_new(&new))
                .arg(B::instant(now))
                .fetch_one(&mut *tx)
                .await?
                .read(0)?;
            for r in &new.reminders {
                Self::insert_reminder(&mut tx, user, id, r, now).await?;
            }
            created.push(created_task(id, number, new, now));
        }
        tx.commit().await?;
        Ok(created)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn get_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let tasks = Self::load(&mut tx, user, numbers, false).await?;
        tx.commit().await?;
        Ok(tasks)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn query_tasks(&self, user: &str, query: &TaskQuery) -> Result<Page, StoreError> {
        let (select, args) = query::build::<B>(user, query);
        let mut statement = sqlx::query(select);
        for arg in args {
            statement = match arg {
                Arg::Text(s) => statement.arg(s),
                Arg::Instant(t) => statement.arg(B::instant(t)),
            };
        }
        let rows = statement.fetch_all(&self.pool).await?;
        let mut tasks: Vec<Task> = rows.iter().map(task_from_row::<B>).collect::<Result<_, _>>()?;
        let has_more = tasks.len() > query.limit as usize;
        tasks.truncate(query.limit as usize);
        Ok(Page { tasks, has_more })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = numbers.len()))]
    async fn modify_tasks(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
    ) -> Result<Vec<(Task, Task)>, StoreError> {
        Ok(self.modify(user, numbers, now, modify, true).await?.0)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = numbers.len()))]
    async fn modify_found(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        modify: Modify<'_>,
    ) -> Result<Modified, StoreError> {
        self.modify(user, numbers, now, modify, false).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = numbers.len()))]
    async fn delete_tasks(&self, user: &str, numbers: &[i64]) -> Result<Vec<Task>, StoreError> {
        let mut tx = self.begin_write().await?;
        let tasks = Self::load(&mut tx, user, numbers, true).await?;
        for task in &tasks {
            sqlx::query(sql::DELETE_TASK).arg(user).arg(task.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(tasks)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, number))]
    async fn add_reminder(
        &self,
        user: &str,
        number: i64,
        reminder: NewReminder,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError> {
        let mut tx = self.begin_write().await?;
        let task = Self::load(&mut tx, user, &[number], true).await?.remove(0);
        Self::insert_reminder(&mut tx, user, task.id, &reminder, now).await?;
        let rows = sqlx::query(sql::TASK_REMINDERS).arg(user).arg(task.id).fetch_all(&mut *tx).await?;
        tx.commit().await?;
        rows.iter().map(|r| reminder_from_row::<B>(r).map(|d| d.reminder)).collect()
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user, count = numbers.len()))]
    async fn add_reminders(
        &self,
        user: &str,
        numbers: &[i64],
        now: DateTime<Utc>,
        plan: PlanReminder<'_>,
    ) -> Result<RemindersAdded, StoreError> {
        let mut tx = self.begin_write().await?;
        let (tasks, missing) =
            found_in_requested_order(Self::select(&mut tx, user, numbers, true).await?, numbers);
        let (mut planned, mut refused, mut rows) = (Vec::new(), Vec::new(), Vec::new());
        for task in tasks {
            match plan(&task) {
                Ok(r) => {
                    let at = B::instant_json(r.at);
                    rows.push(serde_json::json!({"task_id": task.id, "remind_at": at, "phrase": r.phrase}));
                    planned.push((task, r));
                }
                Err(why) => refused.push((task.number, why)),
            }
        }
        // One statement for every reminder, whatever their number; ids come back per task.
        let mut added = Vec::with_capacity(planned.len());
        if !rows.is_empty() {
            let rows = serde_json::Value::Array(rows).to_string();
            let statement = sqlx::query(B::INSERT_REMINDERS).arg(user).arg(rows).arg(B::instant(now));
            let inserted = statement.fetch_all(&mut *tx).await?;
            let mut ids = Vec::with_capacity(inserted.len());
            for row in &inserted {
                let (id, task_id): (i64, i64) = (row.read(0)?, row.read(1)?);
                ids.push((task_id, id, B::read_instant(row.read(2)?)?));
            }
            for (task, r) in planned {
                let &(_, id, remind_at) = ids.iter().find(|(t, ..)| *t == task.id).ok_or_else(|| {
                    StoreError::Corrupt(format!("no reminder came back for task {}", task.number))
                })?;
                let (task, title, phrase) = (task.number, task.title, r.phrase);
                added.push(Reminder { id, task, title, remind_at, phrase, delivered_at: None, attempts: 0 });
            }
        }
        tx.commit().await?;
        Ok(RemindersAdded { added, refused, missing })
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn user_due_reminders(
        &self,
        user: &str,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Reminder>, StoreError> {
        let rows = sqlx::query(sql::USER_DUE_REMINDERS)
            .arg(user)
            .arg(B::instant(since))
            .arg(B::instant(now))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| reminder_from_row::<B>(r).map(|d| d.reminder)).collect()
    }

    async fn pending_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueReminder>, StoreError> {
        let rows = sqlx::query(sql::PENDING_DELIVERIES)
            .arg(B::instant(now))
            .arg(limit)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(reminder_from_row::<B>).collect()
    }

    async fn record_delivery(
        &self,
        reminder_id: i64,
        now: DateTime<Utc>,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let statement = match retry_at {
            None => sqlx::query(sql::MARK_DELIVERED).arg(reminder_id).arg(B::instant(now)),
            Some(at) => sqlx::query(sql::MARK_FAILED).arg(reminder_id).arg(B::instant(at)),
        };
        statement.execute(&self.pool).await?;
        Ok(())
    }

    async fn give_up_delivery(&self, reminder_id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        sqlx::query(sql::MARK_GAVE_UP).arg(reminder_id).arg(B::instant(now)).execute(&self.pool).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user))]
    async fn analytics(&self, user: &str, since: DateTime<Utc>) -> Result<AnalyticsData, StoreError> {
        let pending = sqlx::query(sql::ANALYTICS_PENDING).arg(user).fetch_all(&self.pool).await?;
        let pending = pending.iter().map(pending_from_row::<B>).collect::<Result<_, _>>()?;
        let completed_total: i64 =
            sqlx::query(sql::ANALYTICS_COMPLETED_TOTAL).arg(user).fetch_one(&self.pool).await?.read(0)?;
        let completions = sqlx::query(sql::ANALYTICS_COMPLETIONS)
            .arg(user)
            .arg(B::instant(since))
            .fetch_all(&self.pool)
            .await?;
        let completions =
            completions.iter().map(|row| B::read_instant(row.read(0)?)).collect::<Result<_, _>>()?;
        Ok(AnalyticsData { pending, completed_total, completions })
    }
}
