//! How tasks look in tool output: builds the structured views declared in
//! `shared::contract` (whose JSON schemas are the output schemas) from stored tasks and
//! reminders, and joins their one-line texts for people.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
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
            (
                local.date_naive(),
                Some(digits(&[(local.hour(), 2), (local.minute(), 2)], ':')),
                Some(at),
                at < now,
            )
        }
        Due::Day(day) => (day, None, None, day < today),
    };
    DueView {
        date: iso_date(date),
        time,
        utc,
        timezone: tz.name().to_owned(),
        phrase: d.phrase.clone(),
        overdue: overdue && status == Status::Pending,
    }
}

/// `date` as `YYYY-MM-DD`, as `format("%Y-%m-%d")` writes it, without the formatting
/// machinery for every task of a list.
fn iso_date(date: NaiveDate) -> String {
    match u32::try_from(date.year()) {
        Ok(year @ 0..=9999) => digits(&[(year, 4), (date.month(), 2), (date.day(), 2)], '-'),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

/// Numbers zero-padded to their widths, joined by `separator` (`17:05`, `2026-12-03`).
fn digits(parts: &[(u32, u32)], separator: char) -> String {
    let mut out = String::with_capacity(10);
    for (i, &(number, width)) in parts.iter().enumerate() {
        if i > 0 {
            out.push(separator);
        }
        for place in (0..width).rev() {
            let digit = number / 10u32.pow(place) % 10;
            out.push(char::from_digit(digit, 10).unwrap_or('0'));
        }
    }
    out
}

/// Lines for a list of tasks, or `empty` when there are none.
pub fn lines(tasks: &[TaskView], empty: &str) -> String {
    if tasks.is_empty() {
        return empty.to_owned();
    }
    let mut text = String::with_capacity(tasks.len() * 96);
    for (i, task) in tasks.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        task.write_line(&mut text);
    }
    text
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::iso_date;

    #[test]
    fn times_are_zero_padded_hours_and_minutes() {
        assert_eq!(super::digits(&[(7, 2), (5, 2)], ':'), "07:05");
        assert_eq!(super::digits(&[(23, 2), (59, 2)], ':'), "23:59");
    }

    #[test]
    fn iso_dates_read_as_chrono_writes_them_for_any_year() {
        for (y, m, d) in [(2026, 12, 3), (5, 1, 9), (9999, 12, 31), (10_000, 1, 1), (-44, 3, 15)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("a real date");
            assert_eq!(iso_date(date), date.format("%Y-%m-%d").to_string());
        }
    }
}
