//! What the gateway reads back from a tool's structured result: the tasks it lists, each
//! as a [`TaskHeadline`] (the part of a [`TaskView`](super::TaskView) one line needs).
//! Which field holds the tasks depends on the tool; that mapping is here, next to the
//! tool names, instead of as string keys in the gateway. [`listed_views`] reads the same
//! fields as whole [`TaskView`]s (what a task widget shows).

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::tools;
use super::views::{Status, TaskView};

/// The part of a task the gateway needs to write one line about it: a subset of
/// [`TaskView`](super::TaskView) that a deleted task (number and title only) also fills.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct TaskHeadline {
    /// The task's number.
    pub number: i64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// `pending` or `completed` (absent for a deleted task).
    pub status: Option<Status>,
    /// When it is due, if ever.
    pub due: Option<DueDay>,
}

/// The local date and time of a [`DueView`](super::DueView).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DueDay {
    /// The local date, YYYY-MM-DD.
    pub date: String,
    /// The local time HH:MM, when due at a time.
    pub time: Option<String>,
}

/// The tasks in `tool`'s structured result, in the order the tool gives them. `None` for
/// tools whose result lists no tasks (`schedule_reminder`, `analytics_summary`), for
/// unknown tools, and for a result that does not have the tool's shape.
#[must_use]
pub fn listed_tasks(tool: &str, structured: &Value) -> Option<Vec<TaskHeadline>> {
    listed(tool, structured)
}

/// The tasks in `tool`'s structured result as whole [`TaskView`]s, in the order the tool
/// gives them. `None` where [`listed_tasks`] is `None`, and for `delete_task`, whose
/// result names deleted tasks by number and title only.
#[must_use]
pub fn listed_views(tool: &str, structured: &Value) -> Option<Vec<TaskView>> {
    listed(tool, structured)
}

fn listed<T: DeserializeOwned>(tool: &str, structured: &Value) -> Option<Vec<T>> {
    let tasks = match tool {
        tools::ADD_TASK => Created::deserialize(structured).ok()?.created,
        tools::LIST_TASKS | tools::SEARCH_TASKS => Page::deserialize(structured).ok()?.tasks,
        tools::COMPLETE_TASK => {
            let done = Completed::deserialize(structured).ok()?;
            done.completed.into_iter().chain(done.rescheduled).collect()
        }
        tools::DELETE_TASK => Deleted::deserialize(structured).ok()?.deleted,
        tools::UPDATE_TASK => {
            let Updated { task, updated } = Updated::deserialize(structured).ok()?;
            if task.is_none() && updated.is_none() {
                return None;
            }
            task.into_iter().chain(updated.unwrap_or_default()).collect()
        }
        tools::SET_PRIORITY | tools::ADD_TAGS => Bulk::deserialize(structured).ok()?.updated,
        tools::GET_RECURRING_TASKS => {
            Recurring::deserialize(structured).ok()?.tasks.into_iter().map(|r| r.task).collect()
        }
        _ => return None,
    };
    Some(tasks)
}

/// `add_task`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Created<T> {
    created: Vec<T>,
}

/// `list_tasks`, `search_tasks`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Page<T> {
    tasks: Vec<T>,
}

/// `complete_task`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Completed<T> {
    completed: Vec<T>,
    rescheduled: Vec<T>,
}

/// `delete_task`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Deleted<T> {
    deleted: Vec<T>,
}

/// `update_task`: `task` for one task, `updated` for many.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Updated<T> {
    task: Option<T>,
    updated: Option<Vec<T>>,
}

/// `set_priority`, `add_tags`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Bulk<T> {
    updated: Vec<T>,
}

/// `get_recurring_tasks`: each task comes as `{task, rule, next}`.
#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct Recurring<T> {
    tasks: Vec<RecurringEntry<T>>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct RecurringEntry<T> {
    task: T,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{DueDay, TaskHeadline, listed_tasks, listed_views};
    use crate::contract::{DueView, Status, TaskView, tools};

    fn view(number: i64) -> TaskView {
        TaskView {
            number,
            title: format!("task {number}"),
            description: None,
            status: Status::Pending,
            priority: "p4".into(),
            priority_name: "low".into(),
            tags: vec![],
            due: Some(DueView {
                date: "2026-11-23".into(),
                time: Some("17:00".into()),
                utc: None,
                timezone: "UTC".into(),
                phrase: None,
                overdue: false,
            }),
            recurrence: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
            completed_at: None,
        }
    }

    fn headline(number: i64) -> TaskHeadline {
        TaskHeadline {
            number,
            title: format!("task {number}"),
            status: Some(Status::Pending),
            due: Some(DueDay { date: "2026-11-23".into(), time: Some("17:00".into()) }),
        }
    }

    #[test]
    fn each_listing_tool_yields_its_tasks_in_order() {
        let (one, two) = (view(1), view(2));
        let cases = [
            (tools::ADD_TASK, json!({"created": [one, two]})),
            (tools::LIST_TASKS, json!({"tasks": [one, two], "has_more": false})),
            (tools::SEARCH_TASKS, json!({"tasks": [one, two], "has_more": false})),
            (
                tools::COMPLETE_TASK,
                json!({"completed": [one], "rescheduled": [two], "already_completed": [5]}),
            ),
            (tools::SET_PRIORITY, json!({"updated": [one, two], "unchanged": []})),
            (tools::ADD_TAGS, json!({"updated": [one, two], "unchanged": []})),
            (tools::UPDATE_TASK, json!({"updated": [one, two], "unchanged": [4], "not_found": [9]})),
            (
                tools::GET_RECURRING_TASKS,
                json!({"tasks": [{"task": one, "rule": "every day", "next": []},
                                 {"task": two, "rule": "every day", "next": []}], "has_more": false}),
            ),
        ];
        for (tool, result) in cases {
            assert_eq!(listed_tasks(tool, &result), Some(vec![headline(1), headline(2)]), "{tool}");
        }
        let updated = json!({"task": one, "changed": ["title"]});
        assert_eq!(listed_tasks(tools::UPDATE_TASK, &updated), Some(vec![headline(1)]));
    }

    #[test]
    fn whole_views_come_back_and_a_deletion_has_none() {
        let (one, two) = (view(1), view(2));
        let listed = json!({"tasks": [one, two], "has_more": false});
        assert_eq!(listed_views(tools::LIST_TASKS, &listed), Some(vec![view(1), view(2)]));
        let updated = json!({"task": one, "changed": ["due"]});
        assert_eq!(listed_views(tools::UPDATE_TASK, &updated), Some(vec![view(1)]));
        let deleted = json!({"deleted": [{"number": 7, "title": "gone"}]});
        assert_eq!(listed_views(tools::DELETE_TASK, &deleted), None);
    }

    #[test]
    fn a_deleted_task_has_only_a_number_and_a_title() {
        let deleted = json!({"deleted": [{"number": 7, "title": "gone"}]});
        let want = TaskHeadline { number: 7, title: "gone".into(), status: None, due: None };
        assert_eq!(listed_tasks(tools::DELETE_TASK, &deleted), Some(vec![want]));
    }

    #[test]
    fn tools_that_list_no_tasks_and_foreign_shapes_yield_none() {
        assert_eq!(listed_tasks(tools::SCHEDULE_REMINDER, &json!({"task": 3, "reminders": []})), None);
        assert_eq!(listed_tasks(tools::ANALYTICS_SUMMARY, &json!({"completed": 4})), None);
        assert_eq!(listed_tasks("made_up", &json!({"tasks": []})), None);
        assert_eq!(listed_tasks(tools::LIST_TASKS, &json!({"task": 3})), None);
    }
}
