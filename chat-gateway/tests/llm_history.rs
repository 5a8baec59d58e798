//! What the LLM agent sends its model about the conversation so far, over real HTTP: the real
//! gateway and the real mcp-tasks, and a scripted OpenAI-compatible model that can only
//! answer "complete the second one" by reading the list an earlier `list_tasks` call gave it
//! (an `assistant` message with that call, then its `tool` result). A widget action is hidden
//! context in the next turn's input; a long thread stays within the history budget, oldest
//! dropped first, and no `tool` message is sent without the call it answers.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::{Arc, Mutex};

use chat_gateway::store::ThreadStore;
use mcp_tasks::store::{NewTask, Priority, Status};
use serde_json::{Value, json};
use support::model::{self, text_chunks, tool_chunks};
use support::product::{Mind, Stack};
use support::stack;

/// The number on the second `#N …` line of the last `list_tasks` result in `messages`, found
/// through the call's id as a model would; `None` when no such result was sent.
fn second_listed(messages: &[Value]) -> Option<i64> {
    let call_id = messages
        .iter()
        .filter_map(|m| m["tool_calls"].as_array())
        .flatten()
        .filter(|c| c["function"]["name"] == "list_tasks")
        .filter_map(|c| c["id"].as_str())
        .next_back()?;
    let result = messages.iter().find(|m| m["role"] == "tool" && m["tool_call_id"] == call_id)?;
    let line = result["content"].as_str()?.lines().filter(|l| l.starts_with('#')).nth(1)?;
    line.trim_start_matches('#').split(' ').next()?.parse().ok()
}

/// A model that lists on "show my tasks", completes "the second one" from the list it was
/// given (or asks which, with none), and otherwise answers in a word.
fn script(body: &Value) -> model::Answer {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let last = messages.last().cloned().unwrap_or(Value::Null);
    Ok(match (last["role"].as_str(), last["content"].as_str()) {
        (Some("tool"), _) => text_chunks(&["Done."]),
        (_, Some("show my tasks")) => tool_chunks("list_tasks", "{}"),
        (_, Some("complete the second one")) => match second_listed(&messages) {
            Some(n) => tool_chunks("complete_task", &json!({"task": n}).to_string()),
            None => text_chunks(&["Which one do you mean?"]),
        },
        _ => text_chunks(&["Noted."]),
    })
}

/// The product with an LLM agent whose model is `script`; the requests the model received.
async fn with_model(store: Arc<dyn ThreadStore>) -> (Stack, Arc<Mutex<Vec<Value>>>) {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model::serve(requests.clone(), script).await;
    let stack = Stack::with(store, Mind::Model(base.clone()), (0, 0)).await;
    (stack, requests)
}

async fn add_tasks(stack: &Stack, user: &str, titles: &[String]) {
    let tasks = titles
        .iter()
        .map(|title| NewTask {
            title: title.clone(),
            description: None,
            priority: Priority::DEFAULT,
            tags: vec![],
            due: None,
            recurrence: None,
            reminders: vec![],
        })
        .collect();
    stack.tasks.add_tasks(user, tasks, chrono::Utc::now()).await.unwrap();
}

/// The messages of the request the model received when `said` was the newest message.
fn request_for(requests: &Mutex<Vec<Value>>, said: &str) -> Vec<Value> {
    let requests = requests.lock().unwrap();
    let request = requests
        .iter()
        .rfind(|r| r["messages"].as_array().and_then(|m| m.last()).is_some_and(|m| m["content"] == said))
        .unwrap_or_else(|| panic!("no request ended with {said:?}"));
    request["messages"].as_array().unwrap().clone()
}

async fn complete_the_second_one_completes_the_task_the_earlier_list_showed_second(
    store: Arc<dyn ThreadStore>,
) {
    let (stack, requests) = with_model(store).await;
    let titles: Vec<String> = ["alpha", "beta", "gamma", "delta"].map(String::from).to_vec();
    add_tasks(&stack, "alice", &titles).await;
    stack.tasks.delete_tasks("alice", &[2]).await.unwrap();
    // With no list in the conversation, the model cannot know which one is meant.
    stack.say("alice", "complete the second one", None).await;
    assert!(
        stack.tasks.get_tasks("alice", &[1, 3, 4]).await.unwrap().iter().all(|t| t.status == Status::Pending)
    );

    let thread = stack.say("alice", "show my tasks", None).await;
    stack.say("alice", "complete the second one", Some(&thread)).await;
    let tasks = stack.tasks.get_tasks("alice", &[1, 3, 4]).await.unwrap();
    let statuses: Vec<Status> = tasks.iter().map(|t| t.status).collect();
    assert_eq!(statuses, [Status::Pending, Status::Completed, Status::Pending], "the list was #1, #3, #4");

    let sent = request_for(&requests, "complete the second one");
    let roles: Vec<&str> = sent.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "tool", "assistant", "user"], "{sent:#?}");
    assert_eq!(sent[2]["tool_calls"][0]["function"]["name"], "list_tasks");
    assert_eq!(sent[3]["tool_call_id"], sent[2]["tool_calls"][0]["id"]);
    let listed = sent[3]["content"].as_str().unwrap();
    assert!(
        listed.contains("#1 alpha") && listed.contains("#3 gamma") && !listed.contains("beta"),
        "{listed}"
    );
}

async fn a_widget_action_is_context_in_the_next_turns_input(store: Arc<dyn ThreadStore>) {
    let (stack, requests) = with_model(store).await;
    add_tasks(&stack, "bob", &["water the plants".into(), "pay rent".into()]).await;
    let body = json!({"type": "threads.create", "params": {"input": stack::input("show my tasks")}});
    let events = stack::stream(&stack.base, "bob", &body).await;
    let thread = events[0]["thread"]["id"].as_str().unwrap().to_owned();
    let widget = events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "widget")
        .map(|e| e["item"].clone())
        .unwrap_or_else(|| panic!("no widget in {events:#?}"));
    let row = widget["widget"]["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "task-2")
        .cloned()
        .unwrap();
    let action = row["children"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|c| {
            let a = &c["onClickAction"];
            (a["type"] == "tasks.complete").then(|| json!({"type": a["type"], "payload": a["payload"]}))
        })
        .unwrap();
    let body = json!({"type": "threads.custom_action",
        "params": {"thread_id": thread, "item_id": widget["id"], "action": action}});
    stack::stream(&stack.base, "bob", &body).await;
    assert_eq!(stack.tasks.get_tasks("bob", &[2]).await.unwrap()[0].status, Status::Completed);

    let body = json!({"type": "threads.add_user_message",
        "params": {"thread_id": thread, "input": stack::input("what is left?")}});
    stack::stream(&stack.base, "bob", &body).await;
    let sent = request_for(&requests, "what is left?");
    let context: Vec<&str> = sent
        .iter()
        .filter_map(|m| m["content"].as_str())
        .filter(|c| c.starts_with("[context, not typed by the user]"))
        .collect();
    assert_eq!(context.len(), 1, "{sent:#?}");
    assert!(context[0].contains("completed task #2 \"pay rent\""), "{}", context[0]);
    assert_eq!(sent.iter().filter(|m| m["role"] == "tool").count(), 1, "the list is there too");
}

async fn a_long_thread_stays_within_the_history_budget_with_no_orphan_results(store: Arc<dyn ThreadStore>) {
    let (stack, requests) = with_model(store).await;
    let titles: Vec<String> =
        (1..=30).map(|i| format!("task {i} {}", "with a long title ".repeat(5))).collect();
    add_tasks(&stack, "carol", &titles).await;
    let thread = stack.say("carol", "show my tasks", None).await;
    for _ in 0..14 {
        stack.say("carol", "show my tasks", Some(&thread)).await;
    }
    stack.say("carol", "how many?", Some(&thread)).await;
    let sent = request_for(&requests, "how many?");
    let history = &sent[1..];
    let size: usize = history.iter().map(|m| m.to_string().len()).sum();
    assert!(size <= 24_000, "the history is {size} characters");
    let asked = history.iter().filter(|m| m["content"] == "show my tasks").count();
    assert!((3..15).contains(&asked), "the oldest turns were dropped, the newest kept: {asked} of 15");
    assert_ne!(history[0]["role"], "tool", "{:#?}", history[0]);
    let mut calls: Vec<&str> = Vec::new();
    for m in history {
        if let Some(wire) = m["tool_calls"].as_array() {
            calls = wire.iter().map(|c| c["id"].as_str().unwrap()).collect();
        }
        if m["role"] == "tool" {
            assert!(calls.contains(&m["tool_call_id"].as_str().unwrap()), "orphan result: {m}");
            assert!(m["content"].as_str().unwrap().chars().count() <= 2_001, "results are clipped");
        }
    }
}

on_both_backends!(
    complete_the_second_one_completes_the_task_the_earlier_list_showed_second,
    a_widget_action_is_context_in_the_next_turns_input,
    a_long_thread_stays_within_the_history_budget_with_no_orphan_results,
);
