//! Time-based tools: `schedule_reminder` and `get_recurring_tasks`.

use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use shared::contract::{NotScheduled, ReminderView, TaskView, task_numbers};

use super::input;
use super::view;
use super::{Caller, Reply, TaskServer, ToolError, now};
use crate::dates::{self, Due};
use crate::store::{NewReminder, Sort, StatusFilter, StoreError, Task, TaskQuery};

/// Schedule a reminder for one task (`task`), or the same reminder for many (`tasks`, up to 100) in one call.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScheduleReminderArgs {
    /// The task number, e.g. 3 (one task; the result is `task` and all its `reminders`).
    pub task: Option<i64>,
    /// Several task numbers, e.g. [1, 2, 3] (up to 100), each given the same reminder in this one
    /// call: use it instead of one call per task ("remind me about 1-40 tomorrow at 9" is one call).
    /// An offset ("1 hour before") counts from each task's own due time. The result lists the
    /// reminders `scheduled`, the tasks `not_scheduled` (with the reason) and the `not_found` numbers.
    pub tasks: Option<Vec<i64>>,
    /// When: "tomorrow 9am", "in 2 hours", "friday at 17:00", "2026-12-01T09:00", or an offset from the
    /// due time such as "30 minutes before" or "1 hour before". Must be in the future.
    pub at: String,
}

/// List recurring tasks.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RecurringArgs {
    /// How many upcoming occurrences to show per task, 1-10 (default 3).
    pub occurrences: Option<i64>,
    /// Page size, 1-100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// Output of `schedule_reminder`: `task` and `reminders` for one task (`task`), or
/// `scheduled`, `not_scheduled` and `not_found` for many (`tasks`).
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct ReminderOutput {
    /// One task: the task number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<i64>,
    /// One task: all of the task's reminders, soonest first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminders: Option<Vec<ReminderView>>,
    /// Many tasks: the reminders this call set, one per task, in the order asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<Vec<ReminderView>>,
    /// Many tasks: tasks found that got no reminder, and why (e.g. no due date to count back from).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_scheduled: Option<Vec<NotScheduled>>,
    /// Many tasks: numbers with no task of the user's (nothing was set for them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_found: Option<Vec<i64>>,
}

/// Output of `get_recurring_tasks`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecurringOutput {
    /// Recurring tasks with their next occurrences.
    pub tasks: Vec<RecurringTask>,
    /// Whether more follow.
    pub has_more: bool,
    /// Pass as `cursor` for the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A recurring task and where it goes next.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RecurringTask {
    /// The task.
    pub task: TaskView,
    /// The rule in words.
    pub rule: String,
    /// The next occurrences after the current one, as local YYYY-MM-DD or YYYY-MM-DD HH:MM.
    pub next: Vec<String>,
}

#[tool_router(router = schedule_router, vis = "pub(crate)")]
impl TaskServer {
    /// Set a reminder on a task at a time, or some minutes/hours before its due time. Lists its reminders.
    /// To remind about several tasks, give their numbers as `tasks` in ONE call (up to 100),
    /// not one call per task.
    #[tool(
        annotations(title = "Schedule reminder", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false),
        output_schema = schema_for_output::<ReminderOutput>()
    )]
    pub(super) async fn schedule_reminder(
        &self,
        Parameters(args): Parameters<ScheduleReminderArgs>,
        caller: Caller,
    ) -> Result<Reply<ReminderOutput>, ToolError> {
        match (args.task, args.tasks.as_ref()) {
            (Some(number), None) => self.remind(number, &args.at, &caller).await,
            _ => self.remind_many(&args, &caller).await,
        }
    }

    /// List recurring tasks with their rule in words and their next occurrences.
    #[tool(
        annotations(title = "Recurring tasks", read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<RecurringOutput>()
    )]
    pub(super) async fn get_recurring_tasks(
        &self,
        Parameters(args): Parameters<RecurringArgs>,
        caller: Caller,
    ) -> Result<Reply<RecurringOutput>, ToolError> {
        let now = now();
        let occurrences = match args.occurrences {
            None => 3,
            Some(n) if (1..=10).contains(&n) => usize::try_from(n).unwrap_or(3),
            Some(n) => return Err(ToolError::Invalid(format!("`occurrences` must be 1-10; {n} was given."))),
        };
        let limit = input::limit(args.limit)?;
        let offset = input::cursor(args.cursor.as_deref())?;
        let query = TaskQuery {
            status: StatusFilter::Pending,
            recurring_only: true,
            sort: Sort::Due,
            offset,
            limit,
            ..TaskQuery::default()
        };
        let page = self.store().query_tasks(&caller.user, &query).await?;
        let mut tasks = Vec::with_capacity(page.tasks.len());
        for task in &page.tasks {
            let Some(rule) = &task.recurrence else { continue };
            let zone = task.due.as_ref().and_then(|d| d.tz.parse().ok()).unwrap_or(caller.tz);
            let current = task.due.as_ref().map(|d| d.due);
            // Occurrences after the current one (or after now, when that is later).
            let after = current.map_or(now, |due| dates::due_start_utc(due, zone).max(now));
            let next = dates::upcoming(rule, current, after, zone, occurrences)
                .into_iter()
                .map(|d| match d {
                    Due::At(at) => at.with_timezone(&caller.tz).format("%Y-%m-%d %H:%M").to_string(),
                    Due::Day(day) => day.format("%Y-%m-%d").to_string(),
                })
                .collect();
            tasks.push(RecurringTask {
                task: view::task_view(task, caller.tz, now),
                rule: dates::describe(rule),
                next,
            });
        }
        let text = if tasks.is_empty() {
            "No recurring tasks. Add one with a phrase like 'every monday at 9am'.".to_owned()
        } else {
            tasks
                .iter()
                .map(|t| format!("{} — next: {}", t.task.line(), t.next.join(", ")))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let next_cursor = input::next_cursor(offset, limit, page.has_more);
        Ok(Reply { data: RecurringOutput { tasks, has_more: page.has_more, next_cursor }, text })
    }
}

impl TaskServer {
    async fn remind(
        &self,
        number: i64,
        phrase: &str,
        caller: &Caller,
    ) -> Result<Reply<ReminderOutput>, ToolError> {
        let now = now();
        let task = self.store().get_tasks(&caller.user, &[number]).await?.remove(0);
        let at = input::reminder_time(phrase, task.due.as_ref(), caller.tz, now)?;
        let reminder = NewReminder { at, phrase: Some(phrase.trim().to_owned()) };
        let reminders = self.store().add_reminder(&caller.user, task.number, reminder, now).await?;
        let views: Vec<ReminderView> = reminders.iter().map(|r| view::reminder_view(r, caller.tz)).collect();
        let local = at.with_timezone(&caller.tz).format("%Y-%m-%d %H:%M %Z");
        let text = format!(
            "I'll remind you about #{} {} at {local}. It has {} now.",
            task.number,
            task.title,
            super::tasks::plural(views.len(), "reminder")
        );
        let data =
            ReminderOutput { task: Some(task.number), reminders: Some(views), ..ReminderOutput::default() };
        Ok(Reply { data, text })
    }

    /// The same reminder phrase for many tasks, resolved per task (an offset counts from each
    /// one's due time): one transaction; tasks not found or refused are reported by number.
    async fn remind_many(
        &self,
        args: &ScheduleReminderArgs,
        caller: &Caller,
    ) -> Result<Reply<ReminderOutput>, ToolError> {
        let now = now();
        let numbers = input::selected(args.task, args.tasks.as_deref())?;
        let phrase = args.at.trim().to_owned();
        let plan = |task: &Task| match input::reminder_time(&phrase, task.due.as_ref(), caller.tz, now) {
            Ok(at) => Ok(NewReminder { at, phrase: Some(phrase.clone()) }),
            Err(ToolError::Invalid(why)) => Err(why),
            Err(ToolError::Store(e)) => Err(e.to_string()),
        };
        let done = self.store().add_reminders(&caller.user, &numbers, now, &plan).await?;
        if done.added.is_empty() && done.refused.is_empty() {
            return Err(ToolError::Store(StoreError::NotFound(done.missing)));
        }
        let not_found_line = (!done.missing.is_empty()).then(|| {
            let list = task_numbers(&done.missing);
            format!("No task {list}; nothing was set for them.")
        });
        if done.added.is_empty() {
            // Nothing set: the same reason for all is said once, else one per task.
            let mut lines: Vec<String> = if done.refused.iter().all(|(_, why)| *why == done.refused[0].1) {
                vec![done.refused[0].1.clone()]
            } else {
                done.refused.iter().map(|(n, why)| format!("#{n}: {why}")).collect()
            };
            lines.extend(not_found_line);
            return Err(ToolError::Invalid(format!("No reminder was set. {}", lines.join("\n"))));
        }
        let scheduled: Vec<ReminderView> =
            done.added.iter().map(|r| view::reminder_view(r, caller.tz)).collect();
        let asked = done.added.len() + done.refused.len() + done.missing.len();
        let mut lines = vec![format!(
            "I'll remind you about {} of {asked}:",
            super::tasks::plural(scheduled.len(), "task")
        )];
        let local = |r: &ReminderView| r.at.with_timezone(&caller.tz).format("%Y-%m-%d %H:%M %Z").to_string();
        lines.extend(scheduled.iter().map(|r| format!("#{} {} at {}", r.task, r.title, local(r))));
        lines.extend(done.refused.iter().map(|(n, why)| format!("No reminder for #{n}: {why}")));
        lines.extend(not_found_line);
        let not_scheduled =
            done.refused.into_iter().map(|(task, reason)| NotScheduled { task, reason }).collect();
        let data = ReminderOutput {
            scheduled: Some(scheduled),
            not_scheduled: Some(not_scheduled),
            not_found: Some(done.missing),
            ..ReminderOutput::default()
        };
        Ok(Reply { data, text: lines.join("\n") })
    }
}
