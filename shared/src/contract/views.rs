//! How tasks and reminders look in tool output: the structured views mcp-tasks returns
//! (their JSON schemas are the tools' output schemas) and the one-line text a person reads.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Task status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not done yet.
    Pending,
    /// Done.
    Completed,
}

impl Status {
    /// The stored and shown name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Completed => "completed",
        }
    }
}

/// A task as tools return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    pub priority_name: String,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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

impl TaskView {
    /// One line: `#3 Buy milk — due tomorrow 17:00 · p1 · #errands · repeats every day`.
    #[must_use]
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
