//! The arguments and outputs of the core task tools (`add_task`, `list_tasks`,
//! `search_tasks`, `complete_task`, `delete_task`, `update_task`): their doc comments are
//! the schema the model reads.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use shared::contract::TaskView;

use super::filters::{Filters, StatusInput};
use super::input::PriorityInput;

/// Fields of one new task.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct NewTaskInput {
    /// Short title, 1-500 characters, any language.
    pub title: String,
    /// Optional longer notes, up to 5,000 characters.
    pub description: Option<String>,
    /// p1 (urgent), p2 (high), p3 (medium) or p4 (low, the default); words and 1-4 also work.
    pub priority: Option<PriorityInput>,
    /// Labels such as ["work", "errands"]; a leading # is dropped, stored lower-case.
    pub tags: Option<Vec<String>>,
    /// When it is due, in the user's time zone: "tomorrow 5pm", "friday", "in 3 days", "jan 27",
    /// "2026-12-01", "2026-12-01T17:00". A recurring phrase ("every monday 9am") also works here.
    pub due: Option<String>,
    /// How it repeats: "every day", "every weekday", "every monday at 9am", "every 2 weeks",
    /// "every month on the 15th", "every last day", "every! 3 days" (counted from completion),
    /// with optional bounds "until dec 31" or "for 8 weeks".
    pub recurrence: Option<String>,
    /// A reminder: a time ("tomorrow 9am", "in 2 hours") or "30 minutes before" the due time.
    pub reminder: Option<String>,
}

/// Create one task, or several with `tasks`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct AddTaskArgs {
    /// Title of the task to create (omit when using `tasks`).
    pub title: Option<String>,
    /// Optional longer notes, up to 5,000 characters.
    pub description: Option<String>,
    /// p1 (urgent), p2 (high), p3 (medium) or p4 (low, the default); words and 1-4 also work.
    pub priority: Option<PriorityInput>,
    /// Labels such as ["work", "errands"].
    pub tags: Option<Vec<String>>,
    /// When it is due, in the user's time zone ("tomorrow 5pm", "next friday", "2026-12-01T17:00").
    pub due: Option<String>,
    /// How it repeats ("every monday at 9am", "every! 3 days").
    pub recurrence: Option<String>,
    /// A reminder time ("tomorrow 9am") or offset ("30 minutes before").
    pub reminder: Option<String>,
    /// Several tasks at once (up to 100), instead of the single-task fields.
    pub tasks: Option<Vec<NewTaskInput>>,
}

/// List tasks.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct ListTasksArgs {
    #[serde(flatten)]
    pub filters: Filters,
}

/// Search tasks.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SearchTasksArgs {
    /// Words to find in titles, descriptions and tags (any language; word prefixes match).
    pub query: String,
    #[serde(flatten)]
    pub filters: Filters,
}

/// Tasks to act on.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct SelectArgs {
    /// One task number, e.g. 3.
    pub task: Option<i64>,
    /// Several task numbers, e.g. [3, 5].
    pub tasks: Option<Vec<i64>>,
}

/// Change one task (`task`), or apply the same change to many (`tasks`, up to 100) in one call.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct UpdateTaskArgs {
    /// The task number, e.g. 3 (one task; the result is `task` and `changed`).
    pub task: Option<i64>,
    /// Several task numbers, e.g. [1, 2, 3] (up to 100), all changed the same way in this one
    /// call: use it instead of one call per task ("reopen 1-40" is one call). The result lists
    /// `updated`, `unchanged` and `not_found` numbers; found tasks change even when some are not found.
    pub tasks: Option<Vec<i64>>,
    /// New title.
    pub title: Option<String>,
    /// New description; "" removes it.
    pub description: Option<String>,
    /// New due date or time ("tomorrow 5pm"); "no date" removes it. A recurring task keeps its rule.
    pub due: Option<String>,
    /// New recurrence ("every monday"); "none" stops it repeating.
    pub recurrence: Option<String>,
    /// `pending` reopens a completed task; `completed` completes it for good.
    pub status: Option<StatusInput>,
    /// New priority p1-p4.
    pub priority: Option<PriorityInput>,
    /// Replaces all tags (use add_tags to add or remove some).
    pub tags: Option<Vec<String>>,
}

/// Output of `add_task`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AddTaskOutput {
    /// The tasks created, with their numbers.
    pub created: Vec<TaskView>,
}

/// Output of `list_tasks` and `search_tasks`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct TaskPage {
    /// The tasks on this page.
    pub tasks: Vec<TaskView>,
    /// Whether more tasks follow.
    pub has_more: bool,
    /// Pass as `cursor` to get the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Output of `complete_task`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CompleteOutput {
    /// Tasks completed for good.
    pub completed: Vec<TaskView>,
    /// Recurring tasks moved to their next occurrence.
    pub rescheduled: Vec<TaskView>,
    /// Numbers of tasks that were already completed (nothing changed).
    pub already_completed: Vec<i64>,
}

/// Output of `delete_task`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeleteOutput {
    /// The tasks deleted.
    pub deleted: Vec<DeletedTask>,
}

/// A deleted task.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DeletedTask {
    /// Its number (never reused).
    pub number: i64,
    /// Its title.
    pub title: String,
}

/// Output of `update_task`: `task` and `changed` for one task (`task`), or `updated`,
/// `unchanged` and `not_found` for many (`tasks`).
#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct UpdateOutput {
    /// One task: the task after the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<TaskView>,
    /// One task: names of the fields that changed (empty: nothing changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed: Option<Vec<String>>,
    /// Many tasks: the tasks that changed, after the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<Vec<TaskView>>,
    /// Many tasks: numbers of tasks that already looked like that (nothing changed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchanged: Option<Vec<i64>>,
    /// Many tasks: numbers with no task of the user's (nothing changed for them).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_found: Option<Vec<i64>>,
}
