//! What operators see, over real HTTP: `/readyz` is 200 while the database and mcp-tasks
//! answer and 503 naming mcp-tasks once it is gone; `/metrics` (no token needed) after
//! real turns shows HTTP requests by route, turns, tool calls by tool and outcome, model
//! calls with their tokens, and open streams going up and back down.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use chat_gateway::agent::Agent;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use support::model;
use support::stack::{self, Gated, GatewayOptions, metric, scrape};
use tokio::sync::Semaphore;

/// The gateways here let open streams finish for up to 5 s on shutdown.
fn draining() -> GatewayOptions {
    GatewayOptions::with_grace(Duration::from_secs(5))
}

#[tokio::test]
async fn readiness_names_mcp_tasks_when_it_is_down() {
    let (tasks_store, _tasks_dir) = stack::tasks_sqlite().await;
    let tasks = stack::start_tasks(tasks_store).await;
    let (chat_store, _chat_dir) = support::sqlite_store().await;
    let gateway = stack::start_gateway(chat_store, stack::offline_agent(&tasks.base), draining()).await;

    let ready = reqwest::get(format!("{}/readyz", gateway.base)).await.unwrap();
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["checks"], json!({"database": "ok", "mcp_tasks": "ok"}), "{body}");

    tasks.stop().await;
    let health = reqwest::get(format!("{}/healthz", gateway.base)).await.unwrap();
    assert_eq!(health.status(), 200, "the process is still up");
    let ready = reqwest::get(format!("{}/readyz", gateway.base)).await.unwrap();
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.unwrap();
    assert_eq!(body["down"], json!(["mcp_tasks"]), "{body}");
    assert_eq!(body["checks"]["database"], "ok", "{body}");
}

/// Scrapes until `check` holds (streams close a moment after their last byte), at most ~5 s.
async fn eventually(base: &str, check: impl Fn(&str) -> bool) -> String {
    for _ in 0..250 {
        let text = scrape(base).await;
        if check(&text) {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never held:\n{}", scrape(base).await);
}

/// Only this test opens streams in this binary, so the gauge's value is known.
#[tokio::test]
async fn metrics_show_requests_turns_tool_calls_model_tokens_and_open_streams() {
    let (tasks_store, _tasks_dir) = stack::tasks_sqlite().await;
    let tasks = stack::start_tasks(tasks_store).await;

    // Open streams: one held open by the gated responder, then released.
    let gate = Arc::new(Semaphore::new(0));
    let (chat_store, _chat_dir) = support::sqlite_store().await;
    let gated = stack::start_gateway(chat_store, Arc::new(Gated(gate.clone())), draining()).await;
    let body = json!({"type": "threads.create", "params": {"input": stack::input("hold on")}});
    let response = stack::post(&gated.base, "alice", &body).await;
    let mut events = response.bytes_stream().eventsource();
    while let Some(event) = events.next().await {
        if event.unwrap().data.contains("stream_options") {
            break;
        }
    }
    let open = scrape(&gated.base).await;
    assert_eq!(metric(&open, "chat_gateway_active_streams", &[]), Some(1.0), "{open}");
    gate.add_permits(1);
    while events.next().await.is_some() {}
    eventually(&gated.base, |t| metric(t, "chat_gateway_active_streams", &[]) == Some(0.0)).await;

    // A client that leaves mid-stream: the gauge comes back down too.
    let response = stack::post(&gated.base, "alice", &body).await;
    assert_eq!(response.status(), 200);
    drop(response);
    gate.add_permits(1);
    eventually(&gated.base, |t| metric(t, "chat_gateway_active_streams", &[]) == Some(0.0)).await;

    // Tool calls through the offline agent.
    let (chat_store, _chat_dir2) = support::sqlite_store().await;
    let offline = stack::start_gateway(chat_store, stack::offline_agent(&tasks.base), draining()).await;
    let add = json!({"type": "threads.create", "params": {"input": stack::input("add buy milk tomorrow")}});
    let events = stack::stream(&offline.base, "bob", &add).await;
    assert!(stack::reply(&events).contains("buy milk"), "{events:?}");

    // Model calls and tokens through a scripted provider that reports usage.
    let requests = Arc::new(Mutex::new(Vec::new()));
    let model = model_server(requests.clone()).await;
    let (chat_store, _chat_dir3) = support::sqlite_store().await;
    let client = stack::tasks_client(&tasks.base, Duration::from_secs(5));
    let agent = Arc::new(Agent::new(client, stack::llm(&model, "scripted"), 4));
    let with_model = stack::start_gateway(chat_store, agent, draining()).await;
    let hello = json!({"type": "threads.create", "params": {"input": stack::input("hello")}});
    assert_eq!(stack::reply(&stack::stream(&with_model.base, "carol", &hello).await), "Hi there.");
    let refused = json!({"type": "threads.create", "params": {"input": stack::input("refuse")}});
    let events = stack::stream(&with_model.base, "carol", &refused).await;
    assert!(events.iter().any(|e| e["type"] == "error"), "{events:?}");
    let sent = requests.lock().unwrap().clone();
    assert_eq!(sent[0]["stream_options"]["include_usage"], true, "usage is asked for");

    let text = scrape(&offline.base).await;
    let at_least = |name: &str, labels: &[&str], n: f64| {
        let v = metric(&text, name, labels).unwrap_or_else(|| panic!("no {name} {labels:?}:\n{text}"));
        assert!(v >= n, "{name} {labels:?} = {v}, expected at least {n}");
    };
    at_least("http_requests_total", &["method=\"POST\"", "route=\"/chatkit\"", "status=\"200\""], 5.0);
    at_least("http_request_duration_seconds_count", &["route=\"/chatkit\""], 5.0);
    at_least("http_requests_total", &["route=\"/metrics\""], 1.0);
    at_least("chat_gateway_turns_total", &["outcome=\"ok\""], 3.0);
    at_least("chat_gateway_turns_total", &["outcome=\"failed\""], 1.0);
    at_least("chat_gateway_tool_calls_total", &["tool=\"add_task\"", "outcome=\"ok\""], 1.0);
    at_least("chat_gateway_tool_call_duration_seconds_count", &["tool=\"add_task\""], 1.0);
    at_least("mcp_tasks_tool_calls_total", &["tool=\"add_task\"", "outcome=\"ok\""], 1.0);
    at_least("chat_gateway_llm_calls_total", &["outcome=\"ok\""], 1.0);
    at_least("chat_gateway_llm_calls_total", &["outcome=\"unauthorized\""], 1.0);
    at_least("chat_gateway_llm_call_duration_seconds_count", &["outcome=\"ok\""], 1.0);
    at_least("chat_gateway_llm_tokens_total", &["kind=\"prompt\""], 120.0);
    at_least("chat_gateway_llm_tokens_total", &["kind=\"completion\""], 7.0);
    assert!(!text.contains("thr_"), "no thread ids in labels");
}

/// A scripted model: "refuse" gets a 401; anything else a short reply, then usage.
async fn model_server(requests: Arc<Mutex<Vec<Value>>>) -> String {
    model::serve(requests, |body| {
        let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or_default();
        if last["content"] == "refuse" {
            return Err((StatusCode::UNAUTHORIZED, "bad key"));
        }
        let mut chunks = model::text_chunks(&["Hi ", "there."]);
        chunks.push(json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "scripted",
            "choices": [], "usage": {"prompt_tokens": 120, "completion_tokens": 7, "total_tokens": 127}}));
        Ok(chunks)
    })
    .await
}
