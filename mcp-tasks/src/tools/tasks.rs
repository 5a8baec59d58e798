//! The core task tools: `add_task`, `list_tasks`, `search_tasks`, `complete_task`,
//! `delete_task` and `update_task` (their arguments and outputs are in `task_io`).

use chrono::{DateTime, Utc};
use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use shared::contract::{TaskView, task_numbers};

use super::filters::{Filters, StatusInput};
use super::input::{self, PriorityInput};
use super::task_io::{
    AddTaskArgs, AddTaskOutput, CompleteOutput, DeleteOutput, DeletedTask, ListTasksArgs, NewTaskInput,
    SearchTasksArgs, SelectArgs, TaskPage, UpdateOutput, UpdateTaskArgs,
};
use super::view;
use super::{Caller, Reply, TaskServer, ToolError, now};
use crate::dates;
use crate::store::{Change, NewReminder, NewTask, Priority, Status, StoreError, Task, search_words};

#[tool_router(router = task_router, vis = "pub(crate)")]
impl TaskServer {
    /// Create a task (or several with `tasks`). Dates are read in the user's time zone.
    #[tool(
        annotations(title = "Add task", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false),
        output_schema = schema_for_output::<AddTaskOutput>()
    )]
    pub(super) async fn add_task(
        &self,
        Parameters(args): Parameters<AddTaskArgs>,
        caller: Caller,
    ) -> Result<Reply<AddTaskOutput>, ToolError> {
        let inputs = match (args.tasks, args.title) {
            (Some(_), Some(_)) => {
                return Err(ToolError::Invalid(
                    "Give either `title` (one task) or `tasks` (several), not both.".into(),
                ));
            }
            (Some(tasks), None) if tasks.is_empty() => {
                return Err(ToolError::Invalid("`tasks` is empty; give at least one task.".into()));
            }
            (Some(tasks), None) if tasks.len() > input::MAX_BATCH => {
                return Err(ToolError::Invalid(format!("At most {} tasks per call.", input::MAX_BATCH)));
            }
            (Some(tasks), None) => tasks,
            (None, Some(title)) => vec![NewTaskInput {
                title,
                description: args.description,
                priority: args.priority,
                tags: args.tags,
                due: args.due,
                recurrence: args.recurrence,
                reminder: args.reminder,
            }],
            (None, None) => return Err(ToolError::Invalid("A task needs a `title`.".into())),
        };
        let now = now();
        let new = inputs.iter().map(|i| new_task(i, &caller, now)).collect::<Result<Vec<_>, _>>()?;
        let created = self.store().add_tasks(&caller.user, new, now).await?;
        let views: Vec<TaskView> = created.iter().map(|t| view::task_view(t, caller.tz, now)).collect();
        let hint = match views.as_slice() {
            [one] => format!("\nSay 'complete {}' when it is done.", one.number),
            _ => String::new(),
        };
        let text = format!("Added {}:\n{}{hint}", plural(views.len(), "task"), view::lines(&views, ""));
        Ok(Reply { data: AddTaskOutput { created: views }, text })
    }

    /// List tasks with filters (status, priority, tags, due window, recurring), sorted, one page at a time.
    #[tool(
        annotations(title = "List tasks", read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<TaskPage>()
    )]
    pub(super) async fn list_tasks(
        &self,
        Parameters(args): Parameters<ListTasksArgs>,
        caller: Caller,
    ) -> Result<Reply<TaskPage>, ToolError> {
        self.list(None, args.filters, &caller).await
    }

    /// Full-text search over titles, descriptions and tags (any language), best match first.
    #[tool(
        annotations(title = "Search tasks", read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<TaskPage>()
    )]
    pub(super) async fn search_tasks(
        &self,
        Parameters(args): Parameters<SearchTasksArgs>,
        caller: Caller,
    ) -> Result<Reply<TaskPage>, ToolError> {
        self.list(Some(&args.query), args.filters, &caller).await
    }

    /// Complete tasks by number. A recurring task moves to its next occurrence instead of ending.
    #[tool(
        annotations(title = "Complete task", read_only_hint = false, destructive_hint = false, idempotent_hint = false, open_world_hint = false),
        output_schema = schema_for_output::<CompleteOutput>()
    )]
    pub(super) async fn complete_task(
        &self,
        Parameters(args): Parameters<SelectArgs>,
        caller: Caller,
    ) -> Result<Reply<CompleteOutput>, ToolError> {
        let numbers = input::selected(args.task, args.tasks.as_deref())?;
        let now = now();
        let tz = caller.tz;
        let changes = self
            .store()
            .modify_tasks(&caller.user, &numbers, now, &|task| {
                if task.status == Status::Completed {
                    return Ok(Change::Edited);
                }
                let next = task.recurrence.as_ref().and_then(|rule| {
                    let zone = task.due.as_ref().and_then(|d| d.tz.parse().ok()).unwrap_or(tz);
                    dates::next_occurrence(rule, task.due.as_ref().map(|d| d.due), now, zone)
                });
                match (next, task.due.as_mut()) {
                    (Some(next), Some(due)) => due.due = next,
                    _ => {
                        task.status = Status::Completed;
                        task.completed_at = Some(now);
                    }
                }
                Ok(Change::Completed)
            })
            .await?;
        let mut out = CompleteOutput { completed: vec![], rescheduled: vec![], already_completed: vec![] };
        let mut text = Vec::new();
        for (before, after) in &changes {
            let v = view::task_view(after, tz, now);
            if before.status == Status::Completed {
                text.push(format!("#{} {} was already completed; nothing changed.", v.number, v.title));
                out.already_completed.push(v.number);
            } else if after.status == Status::Pending {
                let next =
                    v.due.as_ref().map(|d| format!("{} {}", d.date, d.time.clone().unwrap_or_default()));
                text.push(format!(
                    "Completed this occurrence of #{} {}; next due {}.",
                    v.number,
                    v.title,
                    next.unwrap_or_default().trim()
                ));
                out.rescheduled.push(v);
            } else {
                text.push(format!("Completed #{} {}.", v.number, v.title));
                out.completed.push(v);
            }
        }
        Ok(Reply { data: out, text: text.join("\n") })
    }

    /// Delete tasks by number, permanently. Says exactly what was deleted.
    #[tool(
        annotations(title = "Delete task", read_only_hint = false, destructive_hint = true, idempotent_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<DeleteOutput>()
    )]
    pub(super) async fn delete_task(
        &self,
        Parameters(args): Parameters<SelectArgs>,
        caller: Caller,
    ) -> Result<Reply<DeleteOutput>, ToolError> {
        let numbers = input::selected(args.task, args.tasks.as_deref())?;
        let deleted = self.store().delete_tasks(&caller.user, &numbers).await?;
        let deleted: Vec<DeletedTask> =
            deleted.into_iter().map(|t| DeletedTask { number: t.number, title: t.title }).collect();
        let list =
            deleted.iter().map(|d| format!("#{} {}", d.number, d.title)).collect::<Vec<_>>().join("\n");
        let text = format!("Deleted {}:\n{list}", plural(deleted.len(), "task"));
        Ok(Reply { data: DeleteOutput { deleted }, text })
    }

    /// Change a task's title, description, due date, recurrence, status (reopen), priority or tags.
    /// To make the same change to several tasks, give their numbers as `tasks` in ONE call
    /// (up to 100), not one call per task.
    #[tool(
        annotations(title = "Update task", read_only_hint = false, destructive_hint = false, idempotent_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<UpdateOutput>()
    )]
    pub(super) async fn update_task(
        &self,
        Parameters(args): Parameters<UpdateTaskArgs>,
        caller: Caller,
    ) -> Result<Reply<UpdateOutput>, ToolError> {
        let now = now();
        let title = args.title.as_deref().map(input::title).transpose()?;
        let description = args.description.as_deref().map(|d| input::description(Some(d))).transpose()?;
        let priority = args.priority.as_ref().map(PriorityInput::parse).transpose()?;
        let tags = args.tags.as_deref().map(input::tags).transpose()?;
        let clear_due = args.due.as_deref().is_some_and(input::is_clear);
        let clear_recurrence = args.recurrence.as_deref().is_some_and(input::is_clear);
        let parsed = input::due_and_recurrence(
            args.due.as_deref().filter(|_| !clear_due),
            args.recurrence.as_deref().filter(|_| !clear_recurrence),
            &caller,
            now,
        )?;
        let due_given = args.due.is_some();
        let recurrence_given = args.recurrence.is_some() || parsed.recurrence.is_some();
        let change = |task: &mut Task| -> Result<Change, String> {
            if let Some(t) = &title {
                task.title.clone_from(t);
            }
            if let Some(d) = &description {
                task.description.clone_from(d);
            }
            if let Some(p) = priority {
                task.priority = p;
            }
            if let Some(t) = &tags {
                task.tags.clone_from(t);
            }
            if due_given {
                task.due.clone_from(&parsed.due);
            }
            if recurrence_given {
                task.recurrence.clone_from(&parsed.recurrence);
            }
            Ok(match args.status {
                Some(StatusInput::Pending) if task.status == Status::Completed => {
                    task.status = Status::Pending;
                    task.completed_at = None;
                    Change::Edited
                }
                Some(StatusInput::Completed) if task.status == Status::Pending => {
                    task.status = Status::Completed;
                    task.completed_at = Some(now);
                    Change::Completed
                }
                _ => Change::Edited,
            })
        };
        let (Some(number), None) = (args.task, args.tasks.as_ref()) else {
            // Many tasks (`tasks`): one transaction; the numbers not found are reported.
            let numbers = input::selected(args.task, args.tasks.as_deref())?;
            let (changes, missing) = self.store().modify_found(&caller.user, &numbers, now, &change).await?;
            return many_updated(&changes, missing, &caller, now);
        };
        let changes = self.store().modify_tasks(&caller.user, &[number], now, &change).await?;
        let Some((before, after)) = changes.into_iter().next() else {
            return Err(ToolError::Invalid(format!("No task #{number}.")));
        };
        let changed = changed_fields(&before, &after);
        let v = view::task_view(&after, caller.tz, now);
        let text = if changed.is_empty() {
            format!("Nothing changed: #{} already looks like that.\n{}", v.number, v.line())
        } else {
            format!("Updated {} of #{}:\n{}", changed.join(", "), v.number, v.line())
        };
        let data = UpdateOutput { task: Some(v), changed: Some(changed), ..UpdateOutput::default() };
        Ok(Reply { data, text })
    }
}

impl TaskServer {
    async fn list(
        &self,
        query: Option<&str>,
        f: Filters,
        caller: &Caller,
    ) -> Result<Reply<TaskPage>, ToolError> {
        let now = now();
        let words = match query {
            None => None,
            Some(q) if q.chars().count() > 200 => {
                return Err(ToolError::Invalid(
                    "The search query is too long (at most 200 characters).".into(),
                ));
            }
            Some(q) => {
                input::printable(q, "search query")?;
                let words = search_words(q);
                if words.is_empty() {
                    return Err(ToolError::Invalid(
                        "The search query has no words to look for; give one or more words.".into(),
                    ));
                }
                Some(words)
            }
        };
        let searching = words.is_some();
        let q = f.query(words, caller, now)?;
        let (offset, limit) = (q.offset, q.limit);
        let page = self.store().query_tasks(&caller.user, &q).await?;
        let tasks: Vec<TaskView> = page.tasks.iter().map(|t| view::task_view(t, caller.tz, now)).collect();
        let next_cursor = input::next_cursor(offset, limit, page.has_more);
        let empty = if searching { "No tasks match." } else { "No tasks match these filters." };
        let mut text = view::lines(&tasks, empty);
        if page.has_more {
            text.push_str("\nMore tasks follow: pass next_cursor to see them.");
        }
        Ok(Reply { data: TaskPage { tasks, has_more: page.has_more, next_cursor }, text })
    }
}

/// The result of one change made to many tasks: what changed, what already looked like
/// that, and which numbers are not the user's. None found at all is the usual "No task" error.
fn many_updated(
    changes: &[(Task, Task)],
    missing: Vec<i64>,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Reply<UpdateOutput>, ToolError> {
    if changes.is_empty() {
        return Err(ToolError::Store(StoreError::NotFound(missing)));
    }
    let (mut updated, mut unchanged, mut lines) = (Vec::new(), Vec::new(), Vec::new());
    for (before, after) in changes {
        let v = view::task_view(after, caller.tz, now);
        let changed = changed_fields(before, after);
        if changed.is_empty() {
            lines.push(format!("Nothing changed: #{} already looks like that.", v.number));
            unchanged.push(v.number);
        } else {
            lines.push(format!("Updated {}: {}", changed.join(", "), v.line()));
            updated.push(v);
        }
    }
    let asked = changes.len() + missing.len();
    let heading = format!("Updated {} of {asked}:", plural(updated.len(), "task"));
    if !missing.is_empty() {
        let list = task_numbers(&missing);
        lines.push(format!("No task {list}; nothing changed for them."));
    }
    let text = format!("{heading}\n{}", lines.join("\n"));
    let data = UpdateOutput {
        updated: Some(updated),
        unchanged: Some(unchanged),
        not_found: Some(missing),
        ..UpdateOutput::default()
    };
    Ok(Reply { data, text })
}

fn new_task(i: &NewTaskInput, caller: &Caller, now: DateTime<Utc>) -> Result<NewTask, ToolError> {
    let parsed = input::due_and_recurrence(i.due.as_deref(), i.recurrence.as_deref(), caller, now)?;
    let reminders = match i.reminder.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => vec![NewReminder {
            at: input::reminder_time(r, parsed.due.as_ref(), caller.tz, now)?,
            phrase: Some(r.to_owned()),
        }],
        None => vec![],
    };
    Ok(NewTask {
        title: input::title(&i.title)?,
        description: input::description(i.description.as_deref())?,
        priority: i.priority.as_ref().map(PriorityInput::parse).transpose()?.unwrap_or(Priority::DEFAULT),
        tags: input::tags(i.tags.as_deref().unwrap_or_default())?,
        due: parsed.due,
        recurrence: parsed.recurrence,
        reminders,
    })
}

fn changed_fields(before: &crate::store::Task, after: &crate::store::Task) -> Vec<String> {
    let checks = [
        ("title", before.title != after.title),
        ("description", before.description != after.description),
        ("due", before.due != after.due),
        ("recurrence", before.recurrence != after.recurrence),
        ("status", before.status != after.status),
        ("priority", before.priority != after.priority),
        ("tags", before.tags != after.tags),
    ];
    checks.iter().filter(|(_, changed)| *changed).map(|(name, _)| (*name).to_owned()).collect()
}

/// "1 task", "3 tasks".
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}
