//! How tasks look in tool output: structured views (with JSON schemas for the output
//! schemas) and the one-line text a person reads.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use schemars::JsonSchema;
use serde::Serialize;

use crate::dates::{self, Due};
use crate::store::{DueSpec, Reminder, Status, Task};

/// A task as tools return it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct TaskView {
    /// The task's number; use it to refer to the task (#3).
    pub number: i64,
    /// Title.
    pub title: String,
    /// Description, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `pending` or `completed`.
    pub status: Status,
    /// `p1` (urgent) … `p4` (low).
    pub priority: String,
    /// `urgent`, `high`, `medium` or `low`.
    pub priority_name: &'static str,
    /// Tags, lower-case.
    pub tags: Vec<String>,
    /// When it is due, if ever.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<DueView>,
    /// How it repeats, if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<RecurrenceView>,
    /// When it was created (UTC).
    pub created_at: DateTime<Utc>,
    /// When it was completed (UTC), if it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
}

/// A due date in UTC and in the caller's zone.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct DueView {
    /// The local date, YYYY-MM-DD.
    pub date: String,
    /// The local time HH:MM, when the task is due at a time (absent for a whole day).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    /// The instant in UTC, when due at a time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utc: Option<DateTime<Utc>>,
    /// The zone `date` and `time` are in.
    pub timezone: String,
    /// The phrase the date came from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// Whether it is past due.
    pub overdue: bool,
}

/// A recurrence rule.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct RecurrenceView {
    /// The phrase it came from.
    pub phrase: String,
    /// In words, e.g. "every Monday at 09:00".
    pub description: String,
    /// The RFC 5545 RRULE.
    pub rrule: String,
    /// Whether the next date counts from completion (`every!`) rather than the schedule.
    pub from_completion: bool,
}

/// A reminder.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReminderView {
    /// Reminder id.
    pub id: i64,
    /// The task's number.
    pub task: i64,
    /// The task's title.
    pub title: String,
    /// When it fires (UTC).
    pub at: DateTime<Utc>,
    /// When it fires, in the caller's zone (YYYY-MM-DD HH:MM).
    pub at_local: String,
    /// The phrase it came from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phrase: Option<String>,
    /// Whether the webhook has delivered it.
    pub delivered: bool,
}

impl ReminderView {
    pub fn of(r: &Reminder, tz: Tz) -> Self {
        Self {
            id: r.id,
            task: r.task,
            title: r.title.clone(),
            at: r.remind_at,
            at_local: r.remind_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
            phrase: r.phrase.clone(),
            delivered: r.delivered_at.is_some(),
        }
    }
}

impl TaskView {
    /// The view of `task` for a caller in `tz` at `now`.
    pub fn of(task: &Task, tz: Tz, now: DateTime<Utc>) -> Self {
        Self {
            number: task.number,
            title: task.title.clone(),
            description: task.description.clone(),
            status: task.status,
            priority: task.priority.label(),
            priority_name: task.priority.word(),
            tags: task.tags.clone(),
            due: task.due.as_ref().map(|d| due_view(d, task.status, tz, now)),
            recurrence: task.recurrence.as_ref().map(|r| RecurrenceView {
                phrase: r.phrase.clone(),
                description: dates::describe(r),
                rrule: r.rrule.clone(),
                from_completion: r.from_completion,
            }),
            created_at: task.created_at,
            completed_at: task.completed_at,
        }
    }

    /// One line: `#3 Buy milk — due tomorrow 17:00 · p1 · #errands · repeats every day`.
    pub fn line(&self) -> String {
        let mut parts = vec![format!("#{} {}", self.number, self.title)];
        if self.status == Status::Completed {
            parts.push("done".into());
        }
        if let Some(due) = &self.due {
            let when = match &due.time {
                Some(t) => format!("{} {t}", due.date),
                None => due.date.clone(),
            };
            parts.push(if due.overdue { format!("OVERDUE since {when}") } else { format!("due {when}") });
        }
        if self.priority != "p4" {
            parts.push(format!("{} ({})", self.priority, self.priority_name));
        }
        if !self.tags.is_empty() {
            parts.push(self.tags.iter().map(|t| format!("#{t}")).collect::<Vec<_>>().join(" "));
        }
        if let Some(r) = &self.recurrence {
            parts.push(format!("repeats {}", r.description));
        }
        parts.join(" · ")
    }
}

fn due_view(d: &DueSpec, status: Status, tz: Tz, now: DateTime<Utc>) -> DueView {
    let today = now.with_timezone(&tz).date_naive();
    let (date, time, utc, overdue) = match d.due {
        Due::At(at) => {
            let local = at.with_timezone(&tz);
            (local.date_naive(), Some(local.format("%H:%M").to_string()), Some(at), at < now)
        }
        Due::Day(day) => (day, None, None, day < today),
    };
    DueView {
        date: date.format("%Y-%m-%d").to_string(),
        time,
        utc,
        timezone: tz.name().to_owned(),
        phrase: d.phrase.clone(),
        overdue: overdue && status == Status::Pending,
    }
}

/// Lines for a list of tasks, or `empty` when there are none.
pub fn lines(tasks: &[TaskView], empty: &str) -> String {
    if tasks.is_empty() {
        return empty.to_owned();
    }
    tasks.iter().map(TaskView::line).collect::<Vec<_>>().join("\n")
}
