//! The everyday-talk rows' vocabulary: what the thread showed, what a message should plan
//! to, and short ways to write the calls (`Want` and `call` serve the utterance table in
//! `tests_table` too).

use serde_json::{Value, json};

use crate::agent::offline::reply::Say;

/// What the thread showed before the message.
#[derive(Clone, Copy)]
pub(super) enum Seen {
    /// Nothing: a new thread.
    Nothing,
    /// The seven-task list of list in `tests_talk`.
    List,
    /// A one-task answer (#8 "book flight") after that list.
    One,
    /// The list, and a title search that found these tasks.
    Found(&'static [(i64, &'static str)]),
}

/// What one message should plan to.
pub(in crate::agent::offline) enum Want {
    Calls(Vec<(&'static str, Value)>),
    Say(Say),
    Find(&'static str, &'static str),
    Choose(Vec<i64>),
    Confirm(&'static str, Value),
}

/// A table row: the message, what the thread showed, what it should plan to.
pub(super) type Row = (&'static str, Seen, Want);

pub(in crate::agent::offline) fn call(tool: &'static str, arguments: Value) -> Want {
    Want::Calls(vec![(tool, arguments)])
}
pub(super) fn add(title: &str, due: Option<&str>) -> Want {
    let mut args = json!({"title": title});
    if let Some(due) = due {
        args["due"] = json!(due);
    }
    call("add_task", args)
}
pub(super) fn list(filters: Value) -> Want {
    call("list_tasks", filters)
}
pub(super) fn search(query: &str) -> Want {
    call("search_tasks", json!({"query": query}))
}
pub(super) fn done(n: i64) -> Want {
    call("complete_task", json!({"task": n}))
}
pub(super) fn delete(n: i64) -> Want {
    call("delete_task", json!({"task": n}))
}
pub(super) fn confirm_delete(n: i64) -> Want {
    Want::Confirm("delete_task", json!({"task": n}))
}
pub(super) fn due(n: i64, due: &str) -> Want {
    call("update_task", json!({"task": n, "due": due}))
}
pub(super) fn priority(n: i64, p: &str) -> Want {
    call("set_priority", json!({"task": n, "priority": p}))
}
