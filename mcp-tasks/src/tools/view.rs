//! How tasks look in tool output: builds the structured views declared in
//! `shared::contract` (whose JSON schemas are the output schemas) from stored tasks and
//! reminders, and joins their one-line texts for people.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use shared::contract::{DueView, RecurrenceView, ReminderView, Status, TaskView};

use crate::dates::{self, Due};
use crate::store::{DueSpec, Reminder, Task};

/// The view of reminder `r` for a caller in `tz`.
pub fn reminder_view(r: &Reminder, tz: Tz) -> ReminderView {
    ReminderView {
        id: r.id,
        task: r.task,
        title: r.title.clone(),
        at: r.remind_at,
        at_local: r.remind_at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        phrase: r.phrase.clone(),
        delivered: r.delivered_at.is_some(),
    }
}

/// The view of `task` for a caller in `tz` at `now`.
pub fn task_view(task: &Task, tz: Tz, now: DateTime<Utc>) -> TaskView {
    TaskView {
        number: task.number,
        title: task.title.clone(),
        description: task.description.clone(),
        status: task.status,
        priority: task.priority.label(),
        priority_name: task.priority.word().to_owned(),
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
