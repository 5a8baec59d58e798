//! A row's Move control and "all" batches, end to end over real HTTP (the real gateway and
//! the real mcp-tasks on port 0, the offline agent or a scripted model). Move: the row's
//! `DatePicker` sends `tasks.move` with the picked day, the task's due date changes in
//! mcp-tasks as that user, the row updates in place and the model is told; another user's
//! number is "not found" and a malformed day a 400. "All" batches: "delete all completed
//! tasks" (in English, Roman Urdu and Urdu) and a model's approval step first show a card
//! naming exactly the tasks resolved when asked; Cancel changes nothing, Confirm changes
//! exactly those (a task added in between is untouched).
#![allow(clippy::unwrap_used)]

mod support;

use chrono::{Days, Utc};
use serde_json::{Value, json};
use support::product::Stack;
use support::stack;

async fn offline() -> (Stack, tempfile::TempDir) {
    let (store, dir) = support::sqlite_store().await;
    (Stack::start(store).await, dir)
}

/// Says `text` as `user`, in `thread` or a new one; returns the thread id and the events.
async fn say(stack: &Stack, user: &str, text: &str, thread: Option<&str>) -> (String, Vec<Value>) {
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
fn last_widget(events: &[Value]) -> Value {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .map(|e| e["item"].clone())
        .unwrap_or_else(|| panic!("no widget item in {events:#?}"))
}

/// The row of task `number` in a task-list widget root.
fn row(widget: &Value, number: i64) -> Option<Value> {
    widget["children"].as_array().unwrap().iter().find(|r| r["key"] == format!("task-{number}")).cloned()
}

/// What the row's date picker sends when `day` is picked: its action, with the day under the
/// picker's field name.
fn pick(row: &Value, day: &str) -> Value {
    let picker = row["children"].as_array().unwrap().iter().find(|c| c["type"] == "DatePicker").unwrap();
    let action = &picker["onChangeAction"];
    let mut payload = action["payload"].clone();
    payload[picker["name"].as_str().unwrap()] = json!(day);
    json!({"type": action["type"], "payload": payload})
}

fn action_body(op: &str, thread: &str, item: Option<&str>, action: Value) -> Value {
    let mut body = json!({"type": op, "params": {"thread_id": thread, "item_id": item}});
    body["params"]["action"] = action;
    body
}

fn in_days(n: u64) -> String {
    (Utc::now().date_naive() + Days::new(n)).format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_task_moved_with_its_rows_date_picker_is_due_that_day_in_mcp_tasks() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add buy milk tomorrow", None).await;
    say(&stack, "alice", "add call mom today at 5pm", Some(&thread)).await;
    let (_, listed) = say(&stack, "alice", "show my tasks", Some(&thread)).await;
    let item = last_widget(&listed);
    let item_id = item["id"].as_str().unwrap();

    // Streamed: #2 moves to a day ten days on, keeping its time of day.
    let day = in_days(10);
    let moved = pick(&row(&item["widget"], 2).unwrap(), &day);
    assert_eq!(moved["type"], "tasks.move");
    let events = stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, Some(item_id), moved),
    )
    .await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["stream_options", "thread.item.updated", "client_effect"], "{events:#?}");
    assert_eq!(events[2]["data"], json!({"action": "move", "numbers": [2]}));
    let updated = &events[1]["update"]["widget"];
    let picker = row(updated, 2).unwrap()["children"].to_string();
    assert!(
        picker.contains(&format!("\"defaultValue\":\"{day}T00:00:00\"")),
        "the row shows the new day: {picker}"
    );
    let task = stack.tasks.get_tasks("alice", &[2]).await.unwrap().remove(0);
    let due = format!("{:?}", task.due);
    assert!(due.contains(&format!("{day}T17:00")), "due that day at the same time: {due}");
    let raw = stack.store.list_items("alice", &thread, None, 100, Default::default()).await.unwrap();
    let context: Vec<String> = raw
        .data
        .iter()
        .filter(|i| i.kind == "hidden_context_item")
        .map(|i| i.json["content"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        context.iter().any(|c| c.contains(&format!("moved task #2 \"call mom\" to")) && c.contains(&day)),
        "{context:?}"
    );

    // Sync: #1 moves to a day with no time.
    let day = in_days(3);
    let moved = pick(&row(updated, 1).unwrap(), &day);
    let body = action_body("threads.sync_custom_action", &thread, Some(item_id), moved);
    let (status, answer) = stack::json_op(&stack.base, "alice", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["updated_item"]["id"], item_id);
    let task = stack.tasks.get_tasks("alice", &[1]).await.unwrap().remove(0);
    assert!(format!("{:?}", task.due).contains(&day), "{:?}", task.due);

    // Malformed or far-off days are 400s that change nothing.
    let before = format!("{:?}", stack.tasks.get_tasks("alice", &[1]).await.unwrap()[0].due);
    for (date, says) in [
        (json!("2026-02-30"), "calendar day"),
        (json!("next tuesday"), "calendar day"),
        (json!(20_261_210), "payload.date"),
        (json!("1999-12-31"), "too far"),
        (Value::Null, "payload.date"),
    ] {
        for op in ["threads.custom_action", "threads.sync_custom_action"] {
            let action = json!({"type": "tasks.move", "payload": {"number": 1, "date": date}});
            let (status, error) =
                stack::json_op(&stack.base, "alice", &action_body(op, &thread, Some(item_id), action)).await;
            assert_eq!(status, 400, "{op} {date}: {error}");
            assert!(error["error"]["message"].as_str().unwrap().contains(says), "{op} {date}: {error}");
        }
    }
    assert_eq!(format!("{:?}", stack.tasks.get_tasks("alice", &[1]).await.unwrap()[0].due), before);

    // Bob: alice's widget is not found, and alice's number from his own thread is not his.
    let (bobs_thread, _) = say(&stack, "bob", "show my tasks", None).await;
    let action = json!({"type": "tasks.move", "payload": {"number": 2, "date": in_days(5)}});
    for (thread, item) in [(thread.as_str(), Some(item_id)), (bobs_thread.as_str(), None)] {
        let body = action_body("threads.sync_custom_action", thread, item, action.clone());
        let (status, error) = stack::json_op(&stack.base, "bob", &body).await;
        assert_eq!(status, 404, "{error}");
    }
    let task = stack.tasks.get_tasks("alice", &[2]).await.unwrap().remove(0);
    assert!(format!("{:?}", task.due).contains(&in_days(10)), "alice's task did not move");
}
