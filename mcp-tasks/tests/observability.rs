//! What operators see at `/metrics` (no token needed) after real MCP traffic over HTTP:
//! tool calls by tool and outcome, HTTP requests by matched route, reminder deliveries.
#![allow(clippy::unwrap_used)]

mod support;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use chrono::Utc;
use mcp_tasks::reminders;
use mcp_tasks::store::{NewReminder, NewTask, Priority};
use serde_json::json;
use support::{TestServer, ok, tool_error, try_call};

/// The value of the first series named `name` whose labels contain every `labels` pair.
fn value(scrape: &str, name: &str, labels: &[&str]) -> Option<f64> {
    scrape
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

async fn scrape(base: &str) -> String {
    let response = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(response.status(), 200, "no token needed");
    response.text().await.unwrap()
}

#[tokio::test]
async fn tool_calls_are_counted_by_tool_and_outcome() {
    let (store, _dir) = support::sqlite_store().await;
    let srv = TestServer::start(store).await;
    let client = srv.client("alice").await;
    ok(&client, "add_task", json!({"title": "water the plants"})).await;
    ok(&client, "add_task", json!({"title": "call the bank"})).await;
    tool_error(&client, "complete_task", json!({"task": 99})).await;
    assert!(try_call(&client, "launch_rockets", json!({})).await.is_err(), "no such tool");

    let text = scrape(&srv.base).await;
    let added = value(&text, "mcp_tasks_tool_calls_total", &["tool=\"add_task\"", "outcome=\"ok\""]);
    assert!(added.unwrap() >= 2.0, "{text}");
    let missing =
        value(&text, "mcp_tasks_tool_calls_total", &["tool=\"complete_task\"", "outcome=\"tool_error\""]);
    assert!(missing.unwrap() >= 1.0, "{text}");
    let unknown =
        value(&text, "mcp_tasks_tool_calls_total", &["tool=\"unknown\"", "outcome=\"protocol_error\""]);
    assert!(unknown.unwrap() >= 1.0, "{text}");
    assert!(!text.contains("launch_rockets"), "tool names from clients do not become labels");
    let timed = value(&text, "mcp_tasks_tool_call_duration_seconds_count", &["tool=\"add_task\""]);
    assert!(timed.unwrap() >= 2.0, "{text}");
    let posts = value(&text, "http_requests_total", &["method=\"POST\"", "route=\"/mcp\"", "status=\"200\""]);
    assert!(posts.unwrap() >= 4.0, "MCP requests are counted under their route:\n{text}");
}

#[tokio::test]
async fn reminder_deliveries_are_counted_by_outcome() {
    let (store, _dir) = support::sqlite_store().await;
    let past = Utc::now() - chrono::Duration::minutes(1);
    for user in ["alice", "bob"] {
        let task = NewTask {
            title: "stretch".into(),
            description: None,
            priority: Priority::DEFAULT,
            tags: vec![],
            due: None,
            recurrence: None,
            reminders: vec![NewReminder { at: past, phrase: None }],
        };
        store.add_tasks(user, vec![task], past - chrono::Duration::hours(1)).await.unwrap();
    }
    let hook = Router::new().route("/hook", post(|| async { StatusCode::NO_CONTENT }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let webhook: reqwest::Url = format!("http://{}/hook", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let srv = TestServer::start(store.clone()).await;
    let webhook = reminders::Webhook::new(webhook, "a-test-secret-of-some-length");
    let delivered = reminders::deliver_due(store.as_ref(), &reqwest::Client::new(), &webhook).await.unwrap();
    assert_eq!(delivered, 2);
    let text = scrape(&srv.base).await;
    let count = value(&text, "mcp_tasks_reminder_deliveries_total", &["outcome=\"delivered\""]);
    assert!(count.unwrap() >= 2.0, "{text}");
}

#[tokio::test]
async fn reminders_given_up_on_are_counted() {
    let (store, _dir) = support::sqlite_store().await;
    let past = Utc::now() - chrono::Duration::minutes(1);
    let task = NewTask {
        title: "stretch".into(),
        description: None,
        priority: Priority::DEFAULT,
        tags: vec![],
        due: None,
        recurrence: None,
        reminders: vec![NewReminder { at: past, phrase: None }],
    };
    store.add_tasks("frank", vec![task], past - chrono::Duration::hours(1)).await.unwrap();
    let hook = Router::new().route("/hook", post(|| async { StatusCode::BAD_GATEWAY }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url: reqwest::Url = format!("http://{}/hook", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, hook).await });
    let srv = TestServer::start(store.clone()).await;
    let mut webhook = reminders::Webhook::new(url, "a-test-secret-of-some-length");
    webhook.max_attempts = 1;
    let delivered = reminders::deliver_due(store.as_ref(), &reqwest::Client::new(), &webhook).await.unwrap();
    assert_eq!(delivered, 0);
    let text = scrape(&srv.base).await;
    let count = value(&text, "mcp_tasks_reminder_deliveries_total", &["outcome=\"gave_up\""]);
    assert!(count.unwrap() >= 1.0, "{text}");
}
