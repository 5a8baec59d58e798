//! Task widgets and their actions end to end, over real HTTP: the real gateway and the real
//! mcp-tasks (both on port 0), the offline agent or a scripted model. A list shows a
//! `ListView` widget; the action its Complete button carries, sent back as
//! `threads.custom_action`, completes the task in mcp-tasks, updates the widget in place
//! (`widget.root.updated`, stored), records hidden context the model reads next turn and
//! emits `tasks.changed`; `threads.sync_custom_action` answers with the updated item. Another
//! user's thread or item is "not found"; malformed actions are 400s.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};

use mcp_tasks::store::Status;
use serde_json::{Value, json};
use support::model::{self, text_chunks, tool_chunks};
use support::product::{Mind, Stack};
use support::stack;
use support::widgets::{last_widget, offline, row, say};

/// The action of the button in `row` whose action type is `kind`, as the widget would send it.
fn button_action(row: &Value, kind: &str) -> Option<Value> {
    row["children"].as_array().unwrap().iter().find_map(|c| {
        let action = &c["onClickAction"];
        (action["type"] == kind).then(|| json!({"type": action["type"], "payload": action["payload"]}))
    })
}

fn action_body(op: &str, thread: &str, item: Option<&str>, action: Value) -> Value {
    let mut body = json!({"type": op, "params": {"thread_id": thread, "item_id": item}});
    body["params"]["action"] = action;
    body
}

#[tokio::test]
async fn a_task_completed_from_the_list_widget_is_done_in_mcp_tasks_and_the_widget_updates() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add buy milk tomorrow #errands", None).await;
    say(&stack, "alice", "add call mom today at 5pm", Some(&thread)).await;
    let (_, listed) = say(&stack, "alice", "show my tasks", Some(&thread)).await;
    let item = last_widget(&listed);
    let widget = &item["widget"];
    assert_eq!(widget["type"], "ListView");
    assert_eq!(widget["children"].as_array().unwrap().len(), 2, "{widget}");
    let copy = item["copy_text"].as_str().unwrap();
    assert!(copy.contains("#1 buy milk") && copy.contains("#2 call mom"), "{copy}");
    assert!(stack::reply(&listed).contains("buy milk"), "the assistant message keeps the plain text");

    // Complete #1 with exactly the action its button carries.
    let complete = button_action(&row(widget, 1).unwrap(), "tasks.complete").unwrap();
    let item_id = item["id"].as_str().unwrap();
    let events = stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, Some(item_id), complete),
    )
    .await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["stream_options", "thread.item.updated", "client_effect"], "{events:#?}");
    assert_eq!(events[1]["item_id"], item_id);
    assert_eq!(events[1]["update"]["type"], "widget.root.updated");
    let updated = &events[1]["update"]["widget"];
    assert!(button_action(&row(updated, 1).unwrap(), "tasks.reopen").is_some(), "#1 now offers Reopen");
    assert!(button_action(&row(updated, 2).unwrap(), "tasks.complete").is_some(), "#2 is untouched");
    assert_eq!(
        events[2],
        json!({"type": "client_effect", "name": "tasks.changed", "data": {"action": "complete", "numbers": [1]}})
    );
    let task = stack.tasks.get_tasks("alice", &[1]).await.unwrap().remove(0);
    assert_eq!(task.status, Status::Completed, "completed in mcp-tasks");

    // Stored: the widget as updated, and hidden context that the client never sees.
    let (status, page) = stack::json_op(
        &stack.base,
        "alice",
        &json!({"type": "items.list", "params": {"thread_id": thread, "order": "asc", "limit": 100}}),
    )
    .await;
    assert_eq!(status, 200);
    let stored = page["data"].as_array().unwrap().iter().find(|i| i["id"] == item_id).unwrap();
    assert_eq!(&stored["widget"], updated);
    assert!(stored["copy_text"].as_str().unwrap().contains("#1 buy milk · done"), "{stored}");
    assert!(page["data"].as_array().unwrap().iter().all(|i| i["type"] != "hidden_context_item"));
    let raw = stack.store.list_items("alice", &thread, None, 100, Default::default()).await.unwrap();
    let context: Vec<&Value> =
        raw.data.iter().filter(|i| i.kind == "hidden_context_item").map(|i| &i.json["content"]).collect();
    assert_eq!(context.len(), 1);
    assert!(context[0].as_str().unwrap().contains("completed task #1 \"buy milk\""), "{context:?}");

    // Snooze #2 with the sync op: the answer is the updated item.
    let snooze = button_action(&row(updated, 2).unwrap(), "tasks.snooze").unwrap();
    let (status, answer) = stack::json_op(
        &stack.base,
        "alice",
        &action_body("threads.sync_custom_action", &thread, Some(item_id), snooze),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["updated_item"]["id"], item_id);
    let tomorrow = chrono::Utc::now().date_naive() + chrono::Days::new(1);
    let task = stack.tasks.get_tasks("alice", &[2]).await.unwrap().remove(0);
    let due = format!("{:?}", task.due);
    assert!(due.contains(&format!("{tomorrow}T17:00")), "due tomorrow at the same time: {due}");

    // Delete #2: its row goes, and so does the task.
    let delete = button_action(&row(&answer["updated_item"]["widget"], 2).unwrap(), "tasks.delete").unwrap();
    let events = stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, Some(item_id), delete),
    )
    .await;
    let widget = &events[1]["update"]["widget"];
    assert!(row(widget, 2).is_none() && row(widget, 1).is_some(), "{widget}");
    assert_eq!(stack.task_titles("alice").await, vec!["buy milk"]);
}

#[tokio::test]
async fn another_users_widget_is_not_found_and_malformed_actions_are_400() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add buy milk", None).await;
    let (_, listed) = say(&stack, "alice", "show my tasks", Some(&thread)).await;
    let item = last_widget(&listed);
    let item_id = item["id"].as_str().unwrap();
    let complete = json!({"type": "tasks.complete", "payload": {"number": 1}});
    let (bobs_thread, _) = say(&stack, "bob", "show my tasks", None).await;

    for op in ["threads.custom_action", "threads.sync_custom_action"] {
        // Alice's thread, and alice's item from bob's own thread: both "not found".
        for (thread, item) in [(thread.as_str(), Some(item_id)), (bobs_thread.as_str(), Some(item_id))] {
            let (status, error) =
                stack::json_op(&stack.base, "bob", &action_body(op, thread, item, complete.clone())).await;
            assert_eq!(status, 404, "{op}: {error}");
            assert_eq!(error["error"]["code"], "not_found");
        }
    }
    // Bob naming alice's number outside any widget: mcp-tasks scopes it to bob.
    let (status, error) = stack::json_op(
        &stack.base,
        "bob",
        &action_body("threads.sync_custom_action", &bobs_thread, None, complete.clone()),
    )
    .await;
    assert_eq!(status, 404, "{error}");
    let events = stack::stream(
        &stack.base,
        "bob",
        &action_body("threads.custom_action", &bobs_thread, None, complete.clone()),
    )
    .await;
    assert_eq!(events.last().unwrap()["type"], "error", "{events:?}");
    assert_eq!(events.last().unwrap()["message"], "task not found");
    let task = stack.tasks.get_tasks("alice", &[1]).await.unwrap().remove(0);
    assert_eq!(task.status, Status::Pending, "alice's task is untouched");

    for (action, code, says) in [
        (json!({"type": "tasks.complete", "payload": {"number": "one"}}), 400, "payload.number"),
        (json!({"type": "tasks.complete"}), 400, "payload object"),
        (json!({"type": "tasks.explode", "payload": {"number": 1}}), 400, "unknown action type"),
        (json!({"type": "tasks.complete", "payload": {"number": 7}}), 404, "task not found"),
    ] {
        for op in ["threads.custom_action", "threads.sync_custom_action"] {
            let body = action_body(op, &thread, Some(item_id), action.clone());
            let (status, error) = stack::json_op(&stack.base, "alice", &body).await;
            assert_eq!(status, code, "{op} {action}: {error}");
            assert!(error["error"]["message"].as_str().unwrap().contains(says), "{op} {action}: {error}");
        }
    }
}

#[tokio::test]
async fn the_model_is_told_next_turn_what_the_user_did_with_the_widget() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model::serve(requests.clone(), |body| {
        let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or(Value::Null);
        Ok(match (last["role"].as_str(), last["content"].as_str()) {
            (Some("tool"), _) => text_chunks(&["Added."]),
            (_, Some(said)) if said.starts_with("add ") => {
                tool_chunks("add_task", &json!({"title": &said[4..]}).to_string())
            }
            _ => text_chunks(&["Noted."]),
        })
    })
    .await;
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::with(store, Mind::Model(base.clone()), (0, 0)).await;
    let (thread, events) = say(&stack, "alice", "add water the plants", None).await;
    let item = last_widget(&events);
    assert_eq!(
        row(&item["widget"], 1).unwrap()["children"][1]["children"][0]["value"],
        "#1 water the plants"
    );
    let complete = button_action(&row(&item["widget"], 1).unwrap(), "tasks.complete").unwrap();
    let body = action_body("threads.custom_action", &thread, item["id"].as_str(), complete);
    stack::stream(&stack.base, "alice", &body).await;
    say(&stack, "alice", "what now?", Some(&thread)).await;

    let sent = requests.lock().unwrap().clone();
    let last: Vec<String> = sent.last().unwrap()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect();
    let context = last.iter().position(|m| m.contains("completed task #1 \"water the plants\"")).unwrap();
    assert!(last[context].starts_with("[context, not typed by the user]"), "{last:?}");
    assert_eq!(last.last().unwrap(), "what now?", "the context comes before the new message");
}

#[tokio::test]
async fn a_batch_delete_waits_for_confirm_and_runs_only_what_the_card_showed() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add alpha", None).await;
    say(&stack, "alice", "add beta", Some(&thread)).await;
    say(&stack, "alice", "add gamma", Some(&thread)).await;

    // Asked, then cancelled: nothing changes, and the card cannot be answered twice.
    let (_, asked) = say(&stack, "alice", "delete 1 and 2", Some(&thread)).await;
    assert!(asked.iter().all(|e| e["item"]["type"] != "workflow"), "no tool ran: {asked:#?}");
    let card = last_widget(&asked);
    assert_eq!(card["widget"]["type"], "Card");
    assert!(stack::reply(&asked).contains("#1, #2"), "{}", stack::reply(&asked));
    let cancel = card["widget"]["cancel"]["action"].clone();
    let card_id = card["id"].as_str().unwrap();
    let events = stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, Some(card_id), cancel.clone()),
    )
    .await;
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["stream_options", "thread.item.updated"], "no tasks.changed: {events:#?}");
    let answered = &events[1]["update"]["widget"];
    assert!(
        answered.get("confirm").is_none() && answered.to_string().contains("nothing changed"),
        "{answered}"
    );
    assert_eq!(stack.task_titles("alice").await.len(), 3, "cancel deletes nothing");
    let (status, _) = stack::json_op(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, Some(card_id), cancel),
    )
    .await;
    assert_eq!(status, 400, "an answered card takes no second answer");

    // Asked again, confirmed with a doctored payload: what runs is what the card showed.
    let (_, asked) = say(&stack, "alice", "delete 1 and 2", Some(&thread)).await;
    let card = last_widget(&asked);
    let mut confirm = card["widget"]["confirm"]["action"].clone();
    confirm["payload"]["numbers"] = json!([3]);
    let body = action_body("threads.sync_custom_action", &thread, card["id"].as_str(), confirm.clone());
    let (status, answer) = stack::json_op(&stack.base, "alice", &body).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["updated_item"]["copy_text"], "Deleted #1, #2.");
    assert_eq!(stack.task_titles("alice").await, vec!["gamma"]);
    let (status, _) = stack::json_op(&stack.base, "alice", &body).await;
    assert_eq!(status, 400, "confirmed once only");
    assert_eq!(stack.task_titles("alice").await, vec!["gamma"]);
}

#[tokio::test]
async fn without_buttons_a_batch_is_confirmed_by_saying_yes_and_dropped_by_saying_no() {
    let (stack, _dir) = offline().await;
    let chat = |text: &str, thread: Option<&str>| {
        let body = json!({"message": text, "thread_id": thread});
        let stack = &stack;
        async move {
            let (status, reply) = stack.call("alice", reqwest::Method::POST, "/api/chat", Some(body)).await;
            assert_eq!(status, 200, "{reply}");
            reply
        }
    };
    let thread = chat("add alpha", None).await["thread_id"].as_str().unwrap().to_owned();
    for title in ["beta", "gamma"] {
        chat(&format!("add {title}"), Some(&thread)).await;
    }
    let asked = chat("delete 1 and 2", Some(&thread)).await;
    assert!(asked["reply"].as_str().unwrap().contains("Nothing changes until you confirm"), "{asked}");
    let no = chat("nahi", Some(&thread)).await;
    assert!(no["reply"].as_str().unwrap().contains("nothing changed"), "{no}");
    assert_eq!(stack.task_titles("alice").await.len(), 3);
    let yes = chat("yes", Some(&thread)).await;
    assert!(!yes["reply"].as_str().unwrap().contains("Deleted"), "the card was answered already: {yes}");
    assert_eq!(stack.task_titles("alice").await.len(), 3);

    chat("delete 1 and 2", Some(&thread)).await;
    let yes = chat("ہاں", Some(&thread)).await;
    assert_eq!(yes["reply"], "Deleted #1, #2.", "{yes}");
    assert_eq!(stack.task_titles("alice").await, vec!["gamma"]);
}

#[tokio::test]
async fn a_batch_delete_the_model_asks_for_waits_for_the_users_approval() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model::serve(requests.clone(), |body| {
        let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or(Value::Null);
        Ok(match (last["role"].as_str(), last["content"].as_str()) {
            (Some("tool"), _) => text_chunks(&["Please confirm in the card."]),
            (_, Some(said)) if said.starts_with("add ") => {
                tool_chunks("add_task", &json!({"title": &said[4..]}).to_string())
            }
            (_, Some("delete both")) => tool_chunks("delete_task", r#"{"tasks": [1, 2]}"#),
            (_, Some("delete the new ones")) => tool_chunks("delete_task", r#"{"tasks": [3, 4]}"#),
            _ => text_chunks(&["Noted."]),
        })
    })
    .await;
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::with(store, Mind::Model(base.clone()), (0, 0)).await;
    let (thread, _) = say(&stack, "alice", "add alpha", None).await;
    say(&stack, "alice", "add beta", Some(&thread)).await;
    let (_, events) = say(&stack, "alice", "delete both", Some(&thread)).await;
    let card = last_widget(&events);
    assert_eq!(card["widget"]["type"], "Card", "{card}");
    assert!(card["copy_text"].as_str().unwrap().contains("#1, #2"), "{card}");
    assert_eq!(stack.task_titles("alice").await.len(), 2, "nothing deleted before approval");
    let told =
        requests.lock().unwrap().last().unwrap()["messages"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(told["role"], "tool");
    assert!(told["content"].as_str().unwrap().contains("needs the user's approval"), "{told}");

    let confirm = card["widget"]["confirm"]["action"].clone();
    let events = stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", &thread, card["id"].as_str(), confirm),
    )
    .await;
    assert_eq!(events.last().unwrap()["data"], json!({"action": "delete", "numbers": [1, 2]}), "{events:#?}");
    assert!(stack.task_titles("alice").await.is_empty(), "deleted on Confirm");
    say(&stack, "alice", "thanks", Some(&thread)).await;
    let sent = requests.lock().unwrap().clone();
    let last = sent.last().unwrap()["messages"].to_string();
    assert!(last.contains("The user confirmed deleting tasks #1, #2"), "{last}");

    // Over /api/chat (no buttons) the model's batch is approved by the next message.
    say(&stack, "alice", "add gamma", Some(&thread)).await;
    say(&stack, "alice", "add delta", Some(&thread)).await;
    let before = requests.lock().unwrap().len();
    let body = json!({"message": "delete the new ones", "thread_id": thread});
    let (_, asked) = stack.call("alice", reqwest::Method::POST, "/api/chat", Some(body)).await;
    assert!(asked["reply"].as_str().unwrap().contains("confirm"), "{asked}");
    let body = json!({"message": "haan", "thread_id": thread});
    let (status, answered) = stack.call("alice", reqwest::Method::POST, "/api/chat", Some(body)).await;
    assert_eq!((status, answered["reply"].as_str()), (200, Some("Deleted #3, #4.")), "{answered}");
    assert!(stack.task_titles("alice").await.is_empty());
    assert_eq!(requests.lock().unwrap().len(), before + 2, "the yes went to no model");
}
