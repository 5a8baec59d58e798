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

use std::sync::{Arc, Mutex};

use chrono::{Days, Utc};
use serde_json::{Value, json};
use support::model::{self, text_chunks, tool_chunks};
use support::product::{Mind, Stack};
use support::stack;
use support::widgets::{last_widget, offline, row, say};

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
    let step =
        listed.iter().find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "workflow").unwrap();
    let step = step["item"]["workflow"]["tasks"][0].to_string();
    assert!(!step.contains("buy milk") && !step.contains("call mom"), "the step repeats no row: {step}");

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
        context.iter().any(|c| c.contains("moved task #2 \"call mom\" to") && c.contains(&day)),
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

/// Every task of `user` as (number, title, completed), in number order.
async fn tasks_of(stack: &Stack, user: &str) -> Vec<(i64, String, bool)> {
    let query = mcp_tasks::store::TaskQuery {
        limit: 50,
        status: mcp_tasks::store::StatusFilter::All,
        ..Default::default()
    };
    let mut tasks: Vec<(i64, String, bool)> = stack
        .tasks
        .query_tasks(user, &query)
        .await
        .unwrap()
        .tasks
        .into_iter()
        .map(|t| (t.number, t.title, t.status == mcp_tasks::store::Status::Completed))
        .collect();
    tasks.sort();
    tasks
}

fn numbers_and_titles(tasks: &[(i64, String, bool)]) -> Vec<(i64, &str)> {
    tasks.iter().map(|(n, t, _)| (*n, t.as_str())).collect()
}

/// Answers the card in `asked` with its `confirm` or `cancel` action; returns the events.
async fn answer(stack: &Stack, thread: &str, asked: &[Value], key: &str) -> Vec<Value> {
    let card = last_widget(asked);
    assert_eq!(card["widget"]["type"], "Card", "{card}");
    let action = card["widget"][key]["action"].clone();
    stack::stream(
        &stack.base,
        "alice",
        &action_body("threads.custom_action", thread, card["id"].as_str(), action),
    )
    .await
}

#[tokio::test]
async fn deleting_all_completed_tasks_asks_first_in_three_languages_and_deletes_exactly_the_tasks_named() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add alpha", None).await;
    for said in ["add beta", "add gamma", "add delta", "complete 1", "complete 2"] {
        say(&stack, "alice", said, Some(&thread)).await;
    }
    let before = tasks_of(&stack, "alice").await;
    assert_eq!(before.iter().filter(|t| t.2).count(), 2, "{before:?}");

    // English: the card names #1 and #2 with their titles; nothing ran; Cancel changes nothing.
    let (_, asked) = say(&stack, "alice", "delete all completed tasks", Some(&thread)).await;
    assert!(asked.iter().all(|e| e["item"]["type"] != "workflow"), "no tool shown as run: {asked:#?}");
    let card = last_widget(&asked);
    let copy = card["copy_text"].as_str().unwrap();
    assert!(
        copy.contains("#1, #2 will be deleted") && copy.contains("alpha") && copy.contains("beta"),
        "{copy}"
    );
    assert!(!copy.contains("gamma") && !copy.contains("delta"), "only the completed tasks: {copy}");
    assert!(stack::reply(&asked).contains("alpha"), "the message names them too: {}", stack::reply(&asked));
    let events = answer(&stack, &thread, &asked, "cancel").await;
    assert!(events.iter().all(|e| e["type"] != "client_effect"), "{events:#?}");
    assert_eq!(tasks_of(&stack, "alice").await, before, "cancel changes nothing");

    // Roman Urdu: asked, then #3 is completed before Confirm: only #1 and #2 go.
    let (_, asked) = say(&stack, "alice", "sab mukammal kaam hata do", Some(&thread)).await;
    let card = last_widget(&asked);
    assert_eq!(card["widget"]["confirm"]["action"]["payload"]["lang"], "ur-Latn", "{card}");
    assert!(card["copy_text"].as_str().unwrap().contains("#1, #2 delete ho jayenge"), "{card}");
    say(&stack, "alice", "complete 3", Some(&thread)).await;
    let events = answer(&stack, &thread, &asked, "confirm").await;
    assert_eq!(events.last().unwrap()["data"], json!({"action": "delete", "numbers": [1, 2]}), "{events:#?}");
    let left = tasks_of(&stack, "alice").await;
    assert_eq!(numbers_and_titles(&left), [(3, "gamma"), (4, "delta")], "exactly the named tasks went");
    assert!(left[0].2, "#3, completed after the question, is still there");

    // Urdu, answered by typing ہاں: #3 (the only completed task now) goes.
    let (_, asked) = say(&stack, "alice", "تمام مکمل کام حذف کریں", Some(&thread)).await;
    let card = last_widget(&asked);
    assert!(card["copy_text"].as_str().unwrap().contains("کام #3 حذف ہو جائیں گے"), "{card}");
    assert_eq!(tasks_of(&stack, "alice").await.len(), 2, "nothing deleted before the answer");
    let (_, yes) = say(&stack, "alice", "ہاں", Some(&thread)).await;
    assert!(stack::reply(&yes).contains("#3 حذف کر دیے گئے"), "{}", stack::reply(&yes));
    assert_eq!(numbers_and_titles(&tasks_of(&stack, "alice").await), [(4, "delta")]);

    // Nothing matches: said so, no card.
    let (_, asked) = say(&stack, "alice", "delete all completed tasks", Some(&thread)).await;
    assert!(stack::reply(&asked).contains("nothing changed"), "{}", stack::reply(&asked));
    assert!(asked.iter().all(|e| e["item"]["type"] != "widget"), "{asked:#?}");
}

#[tokio::test]
async fn completing_everything_due_today_completes_the_tasks_named_and_not_one_added_after() {
    let (stack, _dir) = offline().await;
    let (thread, _) = say(&stack, "alice", "add pay rent today", None).await;
    for said in ["add buy milk tomorrow", "add call mom today", "add someday maybe"] {
        say(&stack, "alice", said, Some(&thread)).await;
    }
    let (_, asked) = say(&stack, "alice", "complete everything due today", Some(&thread)).await;
    let copy = last_widget(&asked)["copy_text"].as_str().unwrap().to_owned();
    assert!(copy.contains("#1, #3 will be marked done"), "{copy}");
    say(&stack, "alice", "add water plants today", Some(&thread)).await;
    assert!(tasks_of(&stack, "alice").await.iter().all(|t| !t.2), "nothing completed before Confirm");
    let events = answer(&stack, &thread, &asked, "confirm").await;
    assert_eq!(
        events.last().unwrap()["data"],
        json!({"action": "complete", "numbers": [1, 3]}),
        "{events:#?}"
    );
    let done: Vec<i64> = tasks_of(&stack, "alice").await.iter().filter(|t| t.2).map(|t| t.0).collect();
    assert_eq!(done, [1, 3], "#5, added after the question, is still open");

    // "Delete everything" names no status: completed tasks are included; Cancel keeps them all.
    let (_, asked) = say(&stack, "alice", "delete everything", Some(&thread)).await;
    let copy = last_widget(&asked)["copy_text"].as_str().unwrap().to_owned();
    assert!(copy.contains("#1, #2, #3, #4, #5 will be deleted"), "{copy}");
    answer(&stack, &thread, &asked, "cancel").await;
    assert_eq!(tasks_of(&stack, "alice").await.len(), 5);
}

#[tokio::test]
async fn a_models_delete_by_filter_or_after_all_waits_for_approval_of_the_tasks_it_resolved_to() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model::serve(requests.clone(), |body| {
        let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or(Value::Null);
        Ok(match (last["role"].as_str(), last["content"].as_str()) {
            (Some("tool"), _) => text_chunks(&["Please confirm in the card."]),
            (_, Some(said)) if said.starts_with("add ") => {
                tool_chunks("add_task", &json!({"title": &said[4..]}).to_string())
            }
            (_, Some(said)) if said.starts_with("done ") => {
                tool_chunks("complete_task", &json!({"task": said[5..].parse::<i64>().unwrap()}).to_string())
            }
            (_, Some("clear out my finished tasks")) => {
                tool_chunks("delete_task", r#"{"status": "completed"}"#)
            }
            (_, Some("delete all completed tasks")) => tool_chunks("delete_task", r#"{"task": 3}"#),
            _ => text_chunks(&["Noted."]),
        })
    })
    .await;
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::with(store, Mind::Model(base.clone()), (0, 0)).await;
    let (thread, _) = say(&stack, "alice", "add alpha", None).await;
    for said in ["add beta", "add gamma", "done 1", "done 2"] {
        say(&stack, "alice", said, Some(&thread)).await;
    }

    // A delete by filter: resolved now to #1 and #2, shown, and the model told so.
    let (_, asked) = say(&stack, "alice", "clear out my finished tasks", Some(&thread)).await;
    let card = last_widget(&asked);
    let copy = card["copy_text"].as_str().unwrap();
    assert!(copy.contains("#1, #2 will be deleted") && copy.contains("alpha"), "{copy}");
    let told =
        requests.lock().unwrap().last().unwrap()["messages"].as_array().unwrap().last().cloned().unwrap();
    assert!(told["content"].as_str().unwrap().contains("needs the user's approval"), "{told}");
    assert!(told["content"].as_str().unwrap().contains("#1, #2"), "{told}");
    assert_eq!(tasks_of(&stack, "alice").await.len(), 3, "nothing deleted before approval");
    say(&stack, "alice", "done 3", Some(&thread)).await;
    let events = answer(&stack, &thread, &asked, "confirm").await;
    assert_eq!(events.last().unwrap()["data"], json!({"action": "delete", "numbers": [1, 2]}), "{events:#?}");
    assert_eq!(numbers_and_titles(&tasks_of(&stack, "alice").await), [(3, "gamma")], "#3 was not named");

    // After "delete all …", even a one-task delete waits; Cancel keeps it.
    let (_, asked) = say(&stack, "alice", "delete all completed tasks", Some(&thread)).await;
    assert!(last_widget(&asked)["copy_text"].as_str().unwrap().contains("#3"), "{asked:#?}");
    answer(&stack, &thread, &asked, "cancel").await;
    assert_eq!(numbers_and_titles(&tasks_of(&stack, "alice").await), [(3, "gamma")]);
}
