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
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it was completed (UTC), if it is.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_some")]
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
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "rfc3339_some")]
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
    #[serde(serialize_with = "rfc3339")]
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
        let mut line = String::with_capacity(96);
        self.write_line(&mut line);
        line
    }

    /// Appends [`TaskView::line`] to `out`, built in place (a list's lines go into one
    /// buffer, without a string per part).
    pub fn write_line(&self, out: &mut String) {
        use std::fmt::Write as _;
        const SEP: &str = " · ";
        let _ = write!(out, "#{} {}", self.number, self.title);
        if self.status == Status::Completed {
            out.push_str(SEP);
            out.push_str("done");
        }
        if let Some(due) = &self.due {
            out.push_str(SEP);
            out.push_str(if due.overdue { "OVERDUE since " } else { "due " });
            out.push_str(&due.date);
            if let Some(t) = &due.time {
                out.push(' ');
                out.push_str(t);
            }
        }
        if self.priority != "p4" {
            let _ = write!(out, "{SEP}{} ({})", self.priority, self.priority_name);
        }
        for (i, tag) in self.tags.iter().enumerate() {
            out.push_str(if i == 0 { SEP } else { " " });
            out.push('#');
            out.push_str(tag);
        }
        if let Some(r) = &self.recurrence {
            out.push_str(SEP);
            out.push_str("repeats ");
            out.push_str(&r.description);
        }
    }
}

/// An instant as chrono's `Serialize` writes it (RFC 3339, `Z`, 0/3/6/9 fractional digits),
/// built as one string first: through serde_json's `collect_str`, each of the ~20 pieces
/// chrono writes was escaped on its own, a few thousand instructions per instant, and a
/// list writes one to three per task.
fn rfc3339<S: serde::Serializer>(at: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// [`rfc3339`] for the optional instants (serde skips the `None`s before this is called).
#[expect(clippy::ref_option, reason = "serde's serialize_with passes &Option<T>")]
fn rfc3339_some<S: serde::Serializer>(at: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(number: i64, title: &str) -> TaskView {
        TaskView {
            number,
            title: title.to_owned(),
            description: None,
            status: Status::Pending,
            priority: "p4".to_owned(),
            priority_name: "normal".to_owned(),
            tags: Vec::new(),
            due: None,
            recurrence: None,
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            completed_at: None,
        }
    }

    #[test]
    fn instants_are_written_as_chrono_writes_them() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("a date");
        for nanos in [0, 120_000_000, 123_456_000, 123_456_789, 1_250_000_000] {
            let time = chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, nanos).expect("a time");
            let at = day.and_time(time).and_utc();
            let mut ours = serde_json::Serializer::new(Vec::new());
            rfc3339(&at, &mut ours).expect("written");
            let chrono = serde_json::to_vec(&at).expect("written");
            assert_eq!(String::from_utf8_lossy(&ours.into_inner()), String::from_utf8_lossy(&chrono));
        }
    }

    #[test]
    fn a_plain_task_is_its_number_and_title() {
        assert_eq!(task(3, "Buy milk").line(), "#3 Buy milk");
    }

    #[test]
    fn every_part_of_a_line_follows_the_title_separated_by_a_dot() {
        let mut view = task(7, "Pay rent");
        view.status = Status::Completed;
        view.priority = "p1".to_owned();
        view.priority_name = "urgent".to_owned();
        view.tags = vec!["home".to_owned(), "finance".to_owned()];
        view.due = Some(DueView {
            date: "2026-12-01".to_owned(),
            time: Some("17:00".to_owned()),
            utc: None,
            timezone: "UTC".to_owned(),
            phrase: None,
            overdue: true,
        });
        view.recurrence = Some(RecurrenceView {
            phrase: "every month".to_owned(),
            description: "every month".to_owned(),
            rrule: "FREQ=MONTHLY".to_owned(),
            from_completion: false,
        });
        assert_eq!(
            view.line(),
            "#7 Pay rent · done · OVERDUE since 2026-12-01 17:00 · p1 (urgent) · #home #finance · repeats every month"
        );
        view.due = view.due.map(|d| DueView { time: None, overdue: false, ..d });
        view.tags.truncate(1);
        assert!(view.line().contains(" · due 2026-12-01 · p1 (urgent) · #home · repeats"), "{}", view.line());
    }
}
