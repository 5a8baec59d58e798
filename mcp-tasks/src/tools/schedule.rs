//! Time-based tools: `schedule_reminder` and `get_recurring_tasks`.

use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::CallToolResult;
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use shared::contract::{ReminderView, TaskView};

use super::input;
use super::view;
use super::{Caller, Reply, TaskServer, ToolError, finish, now};
use crate::dates::{self, Due};
use crate::store::{NewReminder, Sort, StatusFilter, TaskQuery};

/// Schedule a reminder for a task.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct ScheduleReminderArgs {
    /// The task number.
    pub task: i64,
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

/// Output of `schedule_reminder`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReminderOutput {
    /// The task number.
    pub task: i64,
    /// All of the task's reminders, soonest first.
    pub reminders: Vec<ReminderView>,
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
    #[tool(
        annotations(title = "Schedule reminder", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false),
        output_schema = schema_for_output::<ReminderOutput>()
    )]
    async fn schedule_reminder(
        &self,
        Parameters(args): Parameters<ScheduleReminderArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        let caller = self.caller(&ctx)?;
        finish(self.remind(&args, &caller).await)
    }

    /// List recurring tasks with their rule in words and their next occurrences.
    #[tool(
        annotations(title = "Recurring tasks", read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<RecurringOutput>()
    )]
    async fn get_recurring_tasks(
        &self,
        Parameters(args): Parameters<RecurringArgs>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResult, McpError> {
        let caller = self.caller(&ctx)?;
        finish(self.recurring(&args, &caller).await)
    }
}

impl TaskServer {
    async fn remind(
        &self,
        args: &ScheduleReminderArgs,
        caller: &Caller,
    ) -> Result<Reply<ReminderOutput>, ToolError> {
        let now = now();
        let task = self.store().get_tasks(&caller.user, &[args.task]).await?.remove(0);
        let at = input::reminder_time(&args.at, task.due.as_ref(), caller.tz, now)?;
        let reminder = NewReminder { at, phrase: Some(args.at.trim().to_owned()) };
        let reminders = self.store().add_reminder(&caller.user, task.number, reminder, now).await?;
        let views: Vec<ReminderView> = reminders.iter().map(|r| view::reminder_view(r, caller.tz)).collect();
        let local = at.with_timezone(&caller.tz).format("%Y-%m-%d %H:%M %Z");
        let text = format!(
            "I'll remind you about #{} {} at {local}. It has {} now.",
            task.number,
            task.title,
            super::tasks::plural(views.len(), "reminder")
        );
        Ok(Reply { data: ReminderOutput { task: task.number, reminders: views }, text })
    }

    async fn recurring(
        &self,
        args: &RecurringArgs,
        caller: &Caller,
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
