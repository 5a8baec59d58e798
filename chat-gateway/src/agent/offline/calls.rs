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

/// The calls for these tasks: one per tool, with every number in `tasks`, where the tool
/// takes many numbers ("reopen 1-40" and "remind me about 1-40 tomorrow at 9" are one call
/// each, not forty); one per task for any tool that would take a single `task`.
pub(super) fn each(nums: &[i64], one: impl Fn(i64) -> PlannedCall) -> Vec<PlannedCall> {
    merge(nums.iter().map(|n| one(*n)).collect())
}

/// Tools that accept `tasks`, a list of numbers, besides `task`.
const TAKE_MANY: [&str; 6] = [
    tools::UPDATE_TASK,
    tools::COMPLETE_TASK,
    tools::DELETE_TASK,
    tools::SET_PRIORITY,
    tools::ADD_TAGS,
    tools::SCHEDULE_REMINDER,
];

/// Calls to a tool that takes many numbers, alike but for their one `task`, as one call
/// with `tasks` (in the order first named); other calls are kept as they are.
fn merge(calls: Vec<PlannedCall>) -> Vec<PlannedCall> {
    let mut merged: Vec<(PlannedCall, Vec<i64>)> = Vec::with_capacity(calls.len());
    for c in calls {
        let number = c.arguments.get("task").and_then(Value::as_i64);
        let (Some(n), true) = (number, TAKE_MANY.contains(&c.tool)) else {
            merged.push((c, vec![]));
            continue;
        };
        let same = |m: &PlannedCall| {
            m.tool == c.tool
                && m.arguments.as_object().map(|a| a.iter().filter(|(k, _)| *k != "task").collect::<Vec<_>>())
                    == c.arguments.as_object().map(|a| a.iter().filter(|(k, _)| *k != "task").collect())
        };
        match merged.iter_mut().find(|(m, nums)| !nums.is_empty() && same(m)) {
            Some((_, nums)) if !nums.contains(&n) => nums.push(n),
            Some(_) => {}
            None => merged.push((c, vec![n])),
        }
    }
    merged
        .into_iter()
        .map(|(mut c, nums)| {
            if let (Value::Object(args), [_, _, ..]) = (&mut c.arguments, nums.as_slice()) {
                args.remove("task");
                args.insert("tasks".into(), json!(nums));
            }
            c
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_to_many_tasks_is_one_call_with_all_their_numbers() {
        let calls = each(&[1, 2, 3, 2], |n| update(n, &[("status", json!("pending"))]));
        assert_eq!(calls, vec![call(tools::UPDATE_TASK, selector_with(&[1, 2, 3], "status", "pending"))]);
    }

    #[test]
    fn one_task_keeps_the_single_form_and_reminders_for_many_are_one_call() {
        let one = each(&[7], |n| update(n, &[("due", json!("friday"))]));
        assert_eq!(one[0].arguments, json!({"task": 7, "due": "friday"}));
        let numbers: Vec<i64> = (1..=40).collect();
        let reminders = each(&numbers, |n| {
            let mut args = Map::new();
            args.insert("task".into(), json!(n));
            args.insert("at".into(), json!("tomorrow 9am"));
            call(tools::SCHEDULE_REMINDER, args)
        });
        assert_eq!(reminders.len(), 1);
        assert_eq!(reminders[0].arguments, json!({"tasks": numbers, "at": "tomorrow 9am"}));
    }

    fn selector_with(nums: &[i64], field: &str, value: &str) -> Map<String, Value> {
        let mut args = selector(nums);
        args.insert(field.into(), json!(value));
        args
    }
}
