//! Driving task widgets over ChatKit: a product on SQLite with the offline agent, a message
//! said in a thread, and the widget items and rows it answered with.

use serde_json::{Value, json};

use super::product::Stack;
use super::stack;

/// The whole product on a fresh SQLite file, the offline agent answering.
pub async fn offline() -> (Stack, tempfile::TempDir) {
    let (store, dir) = super::sqlite_store().await;
    (Stack::start(store).await, dir)
}

/// Says `text` as `user`, in `thread` or a new one; returns the thread id and the events.
pub async fn say(stack: &Stack, user: &str, text: &str, thread: Option<&str>) -> (String, Vec<Value>) {
    let body = match thread {
        None => json!({"type": "threads.create", "params": {"input": stack::input(text)}}),
        Some(id) => {
            json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": stack::input(text)}})
        }
    };
    let events = stack::stream(&stack.base, user, &body).await;
    let id = thread.map_or_else(|| events[0]["thread"]["id"].as_str().unwrap().to_owned(), str::to_owned);
    (id, events)
}

/// The last widget item among `events`.
pub fn last_widget(events: &[Value]) -> Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .map(|e| e["item"].clone())
        .unwrap_or_else(|| panic!("no widget item in {events:#?}"))
}

/// The row of task `number` in a task-list widget root.
pub fn row(widget: &Value, number: i64) -> Option<Value> {
    widget["children"].as_array().unwrap().iter().find(|r| r["key"] == format!("task-{number}")).cloned()
}
