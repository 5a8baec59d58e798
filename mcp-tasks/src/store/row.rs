//! Turning stored columns into a [`Task`] (and back), the same for both backends once
//! each has decoded its own instant representation; a database row into a task, a due
//! reminder or pending facts; a changed task as the JSON row a many-row update reads.

use chrono::{DateTime, NaiveDate, Utc};

use sqlx::Database;

use super::backend::{Backend, BindArg, Reads, Statement};
use super::{DueReminder, DueSpec, NewTask, PendingFacts, Priority, Reminder, Status, StoreError, Task};
use crate::dates::{self, Due, Recurrence};

/// A task's columns as decoded by a backend.
pub(super) struct RawTask {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub description: Option<String>,
    pub status: String,
    pub priority: i16,
    pub tags: String,
    pub due_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub due_string: Option<String>,
    pub due_tz: Option<String>,
    pub recurrence_phrase: Option<String>,
    pub recurrence_rule: Option<String>,
    pub recurrence_from_completion: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

impl RawTask {
    pub fn into_task(self) -> Result<Task, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("task {}: {what}", self.id));
        let status = match self.status.as_str() {
            "pending" => Status::Pending,
            "completed" => Status::Completed,
            _ => return Err(corrupt("status")),
        };
        let priority =
            u8::try_from(self.priority).ok().and_then(Priority::new).ok_or_else(|| corrupt("priority"))?;
        let due = match (self.due_at, self.due_date) {
            (Some(at), _) => Some(Due::At(at)),
            (None, Some(day)) => Some(Due::Day(day)),
            (None, None) => None,
        }
        .map(|due| DueSpec {
            due,
            phrase: self.due_string,
            tz: self.due_tz.unwrap_or_else(|| "UTC".into()),
        });
        let recurrence = match (self.recurrence_rule, self.recurrence_phrase) {
            (Some(rrule), phrase) => Some(Recurrence {
                phrase: phrase.unwrap_or_default(),
                rrule,
                from_completion: self.recurrence_from_completion,
            }),
            (None, _) => None,
        };
        Ok(Task {
            id: self.id,
            number: self.number,
            title: self.title,
            description: self.description,
            status,
            priority,
            tags: split_tags(&self.tags),
            due,
            recurrence,
            created_at: self.created_at,
            updated_at: self.updated_at,
            completed_at: self.completed_at,
        })
    }
}

/// The stored form of a task's mutable columns.
pub(super) struct TaskColumns<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub status: &'static str,
    pub priority: i16,
    pub tags: String,
    pub due_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    pub due_key: Option<DateTime<Utc>>,
    pub due_string: Option<&'a str>,
    pub due_tz: Option<&'a str>,
    pub recurrence_phrase: Option<&'a str>,
    pub recurrence_rule: Option<&'a str>,
    pub recurrence_from_completion: bool,
}

impl<'a> TaskColumns<'a> {
    pub fn of(
        title: &'a str,
        description: Option<&'a str>,
        status: Status,
        priority: Priority,
        tags: &[String],
        due: Option<&'a DueSpec>,
        recurrence: Option<&'a Recurrence>,
    ) -> Self {
        let (due_at, due_date) = match due.map(|d| d.due) {
            Some(Due::At(at)) => (Some(at), None),
            Some(Due::Day(day)) => (None, Some(day)),
            None => (None, None),
        };
        let due_key = due.map(|d| dates::due_start_utc(d.due, d.tz.parse().unwrap_or(chrono_tz::UTC)));
        Self {
            title,
            description,
            status: status.as_str(),
            priority: i16::from(priority.level()),
            tags: tags.join(" "),
            due_at,
            due_date,
            due_key,
            due_string: due.and_then(|d| d.phrase.as_deref()),
            due_tz: due.map(|d| d.tz.as_str()),
            recurrence_phrase: recurrence.map(|r| r.phrase.as_str()),
            recurrence_rule: recurrence.map(|r| r.rrule.as_str()),
            recurrence_from_completion: recurrence.is_some_and(|r| r.from_completion),
        }
    }

    /// The columns of a new (pending) task.
    pub fn of_new(new: &'a NewTask) -> Self {
        Self::of(
            &new.title,
            new.description.as_deref(),
            Status::Pending,
            new.priority,
            &new.tags,
            new.due.as_ref(),
            new.recurrence.as_ref(),
        )
    }

    pub fn of_task(task: &'a Task) -> Self {
        Self::of(
            &task.title,
            task.description.as_deref(),
            task.status,
            task.priority,
            &task.tags,
            task.due.as_ref(),
            task.recurrence.as_ref(),
        )
    }
}

/// Orders `found` as `numbers` asks (duplicates collapsed); `NotFound` lists what is missing.
pub(super) fn in_requested_order(found: Vec<Task>, numbers: &[i64]) -> Result<Vec<Task>, StoreError> {
    let (ordered, missing) = found_in_requested_order(found, numbers);
    if missing.is_empty() { Ok(ordered) } else { Err(StoreError::NotFound(missing)) }
}

/// The tasks found in the order asked (each once), and the numbers asked that were not found.
pub(super) fn found_in_requested_order(mut found: Vec<Task>, numbers: &[i64]) -> (Vec<Task>, Vec<i64>) {
    let mut missing = Vec::new();
    let mut ordered = Vec::with_capacity(found.len());
    for n in numbers {
        if ordered.iter().any(|t: &Task| t.number == *n) || missing.contains(n) {
            continue;
        }
        match found.iter().position(|t| t.number == *n) {
            Some(i) => ordered.push(found.swap_remove(i)),
            None => missing.push(*n),
        }
    }
    (ordered, missing)
}

/// Tags from their stored, space-separated form.
pub(super) fn split_tags(stored: &str) -> Vec<String> {
    stored.split_whitespace().map(str::to_owned).collect()
}

/// A task's row for [`Backend::UPDATE_TASKS`]: its id and every mutable column, as stored.
pub(super) fn task_json<B: Backend>(task: &Task) -> serde_json::Value {
    let c = TaskColumns::of_task(task);
    let instant = |at: Option<DateTime<Utc>>| at.map_or(serde_json::Value::Null, B::instant_json);
    serde_json::json!({
        "id": task.id,
        "title": c.title,
        "description": c.description,
        "status": c.status,
        "priority": c.priority,
        "tags": c.tags,
        "due_at": instant(c.due_at),
        "due_date": c.due_date.map(|d| d.format("%Y-%m-%d").to_string()),
        "due_key": instant(c.due_key),
        "due_string": c.due_string,
        "due_tz": c.due_tz,
        "recurrence_phrase": c.recurrence_phrase,
        "recurrence_rule": c.recurrence_rule,
        "recurrence_from_completion": c.recurrence_from_completion,
        "updated_at": B::instant_json(task.updated_at),
        "completed_at": instant(task.completed_at),
    })
}

/// A row of backend `B`.
pub(super) type DbRow<B> = <<B as Backend>::Db as Database>::Row;

/// Binds a task's columns as `$3`…`$15` of [`sql::INSERT_TASK`].
pub(super) fn bind_columns<'q, B: Backend>(
    statement: Statement<'q, B::Db>,
    c: TaskColumns<'_>,
) -> Statement<'q, B::Db> {
    statement
        .arg(c.title)
        .arg(c.description)
        .arg(c.status)
        .arg(c.priority)
        .arg(c.tags)
        .arg(c.due_at.map(B::instant))
        .arg(c.due_date)
        .arg(c.due_key.map(B::instant))
        .arg(c.due_string)
        .arg(c.due_tz)
        .arg(c.recurrence_phrase)
        .arg(c.recurrence_rule)
        .arg(c.recurrence_from_completion)
}

pub(super) fn opt_instant<B: Backend>(
    stored: Option<B::Instant>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    stored.map(B::read_instant).transpose()
}

pub(super) fn task_from_row<B: Backend>(row: &DbRow<B>) -> Result<Task, StoreError> {
    // Grouped by meaning (each index names its column): what, when, how urgent, due, repeat.
    RawTask {
        id: row.read(0)?,
        number: row.read(1)?,
        title: row.read(2)?,
        description: row.read(3)?,
        status: row.read(4)?,
        created_at: B::read_instant(row.read(14)?)?,
        updated_at: B::read_instant(row.read(15)?)?,
        completed_at: opt_instant::<B>(row.read(16)?)?,
        priority: row.read(5)?,
        tags: row.read(6)?,
        due_date: row.read(8)?,
        due_string: row.read(9)?,
        due_tz: row.read(10)?,
        due_at: opt_instant::<B>(row.read(7)?)?,
        recurrence_phrase: row.read(11)?,
        recurrence_rule: row.read(12)?,
        recurrence_from_completion: row.read(13)?,
    }
    .into_task()
}

/// The task `new` became, stored as `id` with `number` at `now`.
pub(super) fn created_task(id: i64, number: i64, new: NewTask, now: DateTime<Utc>) -> Task {
    Task {
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
    }
}

pub(super) fn reminder_from_row<B: Backend>(row: &DbRow<B>) -> Result<DueReminder, StoreError> {
    Ok(DueReminder {
        user_id: row.read(7)?,
        reminder: Reminder {
            id: row.read(0)?,
            task: row.read(1)?,
            title: row.read(2)?,
            remind_at: B::read_instant(row.read(3)?)?,
            phrase: row.read(4)?,
            delivered_at: opt_instant::<B>(row.read(5)?)?,
            attempts: row.read(6)?,
        },
    })
}

pub(super) fn pending_from_row<B: Backend>(row: &DbRow<B>) -> Result<PendingFacts, StoreError> {
    let level: i16 = row.read(0)?;
    let tags: String = row.read(1)?;
    let due_at = opt_instant::<B>(row.read(2)?)?;
    let due_date: Option<NaiveDate> = row.read(3)?;
    Ok(PendingFacts {
        priority: u8::try_from(level).ok().and_then(Priority::new).unwrap_or(Priority::DEFAULT),
        tags: split_tags(&tags),
        due: due_at.map(Due::At).or(due_date.map(Due::Day)),
    })
}
