//! The tool calls the offline agent plans, and how each is made: one tool with its JSON
//! arguments, for one task or several.

use serde_json::{Map, Value, json};
use shared::contract::tools;

/// One tool call the offline agent wants made.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedCall {
    /// The `mcp-tasks` tool name, e.g. `add_task`.
    pub tool: &'static str,
    /// The tool's arguments; always a JSON object.
    pub arguments: Value,
}

/// A call with these arguments.
pub(super) fn call(tool: &'static str, arguments: Map<String, Value>) -> PlannedCall {
    PlannedCall { tool, arguments: Value::Object(arguments) }
}

/// `{"task": n}` for one task, `{"tasks": [..]}` for several.
pub(super) fn selector(nums: &[i64]) -> Map<String, Value> {
    let mut args = Map::new();
    match nums {
        [one] => args.insert("task".into(), json!(one)),
        many => args.insert("tasks".into(), json!(many)),
    };
    args
}

/// A tool that takes `task` or `tasks` and nothing else (complete, delete).
pub(super) fn select(tool: &'static str, nums: &[i64]) -> PlannedCall {
    call(tool, selector(nums))
}

/// One call per task, for tools that take a single `task`.
pub(super) fn each(nums: &[i64], one: impl Fn(i64) -> PlannedCall) -> Vec<PlannedCall> {
    nums.iter().map(|n| one(*n)).collect()
}

/// `update_task` on task `n` with these fields.
pub(super) fn update(n: i64, fields: &[(&str, Value)]) -> PlannedCall {
    let mut args = Map::new();
    args.insert("task".into(), json!(n));
    for (name, value) in fields {
        args.insert((*name).to_owned(), value.clone());
    }
    call(tools::UPDATE_TASK, args)
}
