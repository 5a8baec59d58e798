//! The eleven tool names mcp-tasks serves (fixed: MCP hosts and the gateway's prompts and
//! offline agent call them by these names).

/// Add one task or several.
pub const ADD_TASK: &str = "add_task";
/// List tasks, filtered and paged.
pub const LIST_TASKS: &str = "list_tasks";
/// Mark tasks done (a recurring task moves to its next date).
pub const COMPLETE_TASK: &str = "complete_task";
/// Delete tasks.
pub const DELETE_TASK: &str = "delete_task";
/// Change a task's fields.
pub const UPDATE_TASK: &str = "update_task";
/// Full-text search over titles and descriptions.
pub const SEARCH_TASKS: &str = "search_tasks";
/// Set the priority of tasks.
pub const SET_PRIORITY: &str = "set_priority";
/// Add or remove tags on tasks.
pub const ADD_TAGS: &str = "add_tags";
/// Schedule a reminder on a task.
pub const SCHEDULE_REMINDER: &str = "schedule_reminder";
/// List recurring tasks with their next dates.
pub const GET_RECURRING_TASKS: &str = "get_recurring_tasks";
/// Counts, streaks and completion rate.
pub const ANALYTICS_SUMMARY: &str = "analytics_summary";

/// Every tool name, in the order mcp-tasks documents them.
pub const ALL: [&str; 11] = [
    ADD_TASK,
    LIST_TASKS,
    COMPLETE_TASK,
    DELETE_TASK,
    UPDATE_TASK,
    SEARCH_TASKS,
    SET_PRIORITY,
    ADD_TAGS,
    SCHEDULE_REMINDER,
    GET_RECURRING_TASKS,
    ANALYTICS_SUMMARY,
];
