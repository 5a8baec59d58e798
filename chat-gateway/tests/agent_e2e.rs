//! The agent end to end: the real gateway, the real mcp-tasks over HTTP, and a scripted
//! OpenAI-compatible model server streaming SSE chunks. Checks the ChatKit events, the
//! tasks actually written (for two users who never see each other's), the offline agent,
//! and faults: a failing model, malformed tool arguments, and a dead task server.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use chat_gateway::agent::{Agent, Brain};
use serde_json::{Value, json};
use support::model::{self, text_chunks, tool_chunks};
use support::product::Stack;
use support::stack::{self, GatewayOptions};

/// A scripted model: reads the conversation and answers as a tool-using model would.
async fn model_server(requests: Arc<Mutex<Vec<Value>>>) -> String {
    model::serve(requests, |body| {
        let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or(Value::Null);
        if last["role"] == "tool" {
            return Ok(text_chunks(&["All ", "done."]));
        }
        let said = last["content"].as_str().unwrap_or_default();
        if said == "fail" {
            return Err((StatusCode::INTERNAL_SERVER_ERROR, "boom"));
        }
        Ok(if let Some(title) = said.strip_prefix("add ") {
            tool_chunks("add_task", &json!({"title": title}).to_string())
        } else if said == "list" {
            tool_chunks("list_tasks", "{}")
        } else if said == "garble" {
            tool_chunks("add_task", "{\"title\": ")
        } else {
            text_chunks(&["I can ", "help with tasks."])
        })
    })
    .await
}

/// The product with `brain` behind the agent, whose task client gives up after 3 s.
async fn start(brain: Brain) -> (Stack, tempfile::TempDir) {
    let (chat_store, chat_dir) = support::sqlite_store().await;
    let stack = Stack::build(chat_store, GatewayOptions::default(), |tasks_base| {
        Arc::new(Agent::new(stack::tasks_client(tasks_base, Duration::from_secs(3)), brain, 8))
    })
    .await;
    (stack, chat_dir)
}

async fn say(stack: &Stack, user: &str, text: &str) -> Vec<Value> {
    let body = json!({"type": "threads.create", "params": {"input": stack::input(text)}});
    let response = stack::post(&stack.base, user, &body).await;
    assert_eq!(response.status(), 200);
    stack::events(response).await
}

fn done_items<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|e| e["type"] == "thread.item.done" && e["item"]["type"] == kind)
        .map(|e| &e["item"])
        .collect()
}

#[tokio::test]
async fn the_model_adds_a_task_through_mcp_and_the_user_sees_each_step() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model_server(requests.clone()).await;
    let (stack, _chat_dir) = start(stack::llm(&base, "scripted")).await;
    let events = say(&stack, "alice", "add buy oat milk").await;
    let workflow = done_items(&events, "workflow");
    assert_eq!(workflow.len(), 1, "one workflow item for the tool step");
    assert_eq!(workflow[0]["workflow"]["tasks"][0]["status_indicator"], "complete");
    assert!(
        events.iter().any(|e| e["update"]["type"] == "workflow.task.added"),
        "the call is shown while it runs"
    );
    let replies = done_items(&events, "assistant_message");
    assert_eq!(replies.last().unwrap()["content"][0]["text"], "All done.");
    assert_eq!(stack.task_titles("alice").await, vec!["buy oat milk"], "the task really exists");

    let bob = say(&stack, "bob", "list").await;
    assert_eq!(done_items(&bob, "assistant_message").last().unwrap()["content"][0]["text"], "All done.");
    assert!(stack.task_titles("bob").await.is_empty());
    let sent = requests.lock().unwrap().clone();
    let bobs_tool_result = sent
        .iter()
        .rev()
        .find_map(|r| r["messages"].as_array().unwrap().iter().rev().find(|m| m["role"] == "tool").cloned());
    let content = bobs_tool_result.unwrap()["content"].as_str().unwrap().to_owned();
    assert!(content.contains("\"tasks\":[]"), "bob's list is empty: {content}");
    assert!(sent.iter().all(|r| r["stream"] == true && r["tools"].as_array().is_some_and(|t| t.len() == 11)));
    let system = sent[0]["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("English") || system.contains("language"), "the system prompt is sent");
}

#[tokio::test]
async fn the_offline_agent_understands_english_and_urdu() {
    let (stack, _chat_dir) = start(Brain::Offline).await;
    let events = say(&stack, "alice", "add buy milk tomorrow at 5pm #errands").await;
    assert_eq!(done_items(&events, "workflow").len(), 1);
    let task = stack.tasks.get_tasks("alice", &[1]).await.unwrap().remove(0);
    assert_eq!(task.title, "buy milk");
    assert_eq!(task.tags, vec!["errands"]);
    assert!(task.due.is_some());
    let urdu = say(&stack, "alice", "کام 1 مکمل کریں").await;
    let reply = done_items(&urdu, "assistant_message").last().unwrap()["content"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reply.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)), "answered in Urdu: {reply}");
    let task = stack.tasks.get_tasks("alice", &[1]).await.unwrap().remove(0);
    assert_eq!(task.status, mcp_tasks::store::Status::Completed);
    assert!(stack.tasks.get_tasks("bob", &[1]).await.is_err(), "bob has no task 1");
}

#[tokio::test]
async fn a_failing_model_is_an_error_event_with_retry_and_the_message_stays() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model_server(requests.clone()).await;
    let (stack, _chat_dir) = start(stack::llm(&base, "scripted")).await;
    let events = say(&stack, "alice", "fail").await;
    let error = events.iter().find(|e| e["type"] == "error").unwrap();
    assert_eq!(error["allow_retry"], true);
    assert_eq!(done_items(&events, "user_message").len(), 1, "the user message was stored and shown");
}

#[tokio::test]
async fn malformed_tool_arguments_go_back_to_the_model_as_a_tool_error() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model_server(requests.clone()).await;
    let (stack, _chat_dir) = start(stack::llm(&base, "scripted")).await;
    let events = say(&stack, "alice", "garble").await;
    assert!(events.iter().all(|e| e["type"] != "error"), "not a failure of the turn");
    assert_eq!(done_items(&events, "assistant_message").last().unwrap()["content"][0]["text"], "All done.");
    let sent = requests.lock().unwrap().clone();
    let tool = sent.last().unwrap()["messages"].as_array().unwrap().last().cloned().unwrap();
    assert!(tool["content"].as_str().unwrap().contains("not a JSON object"), "{tool}");
    assert!(stack.task_titles("alice").await.is_empty());
}

#[tokio::test]
async fn a_dead_task_server_is_a_clear_error_not_a_hang() {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let base = model_server(requests.clone()).await;
    let (stack, _chat_dir) = start(stack::llm(&base, "scripted")).await;
    stack.stop_tasks();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    let events = tokio::time::timeout(Duration::from_secs(20), say(&stack, "alice", "add x")).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(15));
    let error = events.iter().find(|e| e["type"] == "error").unwrap();
    assert_eq!(error["allow_retry"], true, "{error}");
}

#[tokio::test]
async fn a_due_reminder_is_shown_as_a_notice_once() {
    let (stack, _chat_dir) = start(Brain::Offline).await;
    say(&stack, "alice", "add water the plants").await;
    let due = chrono::Utc::now() - chrono::Duration::minutes(5);
    let reminder = mcp_tasks::store::NewReminder { at: due, phrase: None };
    stack.tasks.add_reminder("alice", 1, reminder, due - chrono::Duration::hours(1)).await.unwrap();

    let notices = |events: &[Value]| -> Vec<String> {
        events.iter().filter(|e| e["type"] == "notice").map(|e| e["message"].to_string()).collect()
    };
    let bobs = say(&stack, "bob", "show my tasks").await;
    assert!(notices(&bobs).is_empty(), "bob never sees alice's reminder");
    let first = say(&stack, "alice", "show my tasks").await;
    assert_eq!(notices(&first).len(), 1, "{first:?}");
    assert!(notices(&first)[0].contains("water the plants"));
    let second = say(&stack, "alice", "show my tasks").await;
    assert!(notices(&second).is_empty(), "shown once, not on every request: {second:?}");
}
