//! The gateway's MCP client against the real mcp-tasks HTTP server: one connection serves
//! many users, each request carrying a token minted for its user; a dead server is a
//! prompt error, not a hang.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use chat_gateway::auth::User;
use chat_gateway::tasks_client::{TasksClient, TasksError};
use serde_json::{Value, json};
use shared::identity::TokenKey;
use test_support::tasks::SECRET;

/// mcp-tasks on port 0 over a fresh SQLite store: its MCP URL, the store's guard, and the
/// token that stops it.
async fn start_tasks() -> (reqwest::Url, tempfile::TempDir, tokio_util::sync::CancellationToken) {
    let (store, dir) = test_support::tasks::sqlite_store().await;
    let server = test_support::tasks::start(store).await;
    (format!("{}/mcp", server.base).parse().unwrap(), dir, server.shutdown)
}

fn user(id: &str, tz: Option<&str>) -> User {
    User { id: id.into(), tz: tz.map(str::to_owned), locale: None }
}

fn args(v: Value) -> rmcp::model::JsonObject {
    let Value::Object(map) = v else { panic!("not an object") };
    map
}

#[tokio::test]
async fn each_call_acts_as_its_own_user_over_one_connection() {
    let (url, _dir, _stop) = start_tasks().await;
    let client = Arc::new(TasksClient::new(url, TokenKey::new(SECRET).unwrap(), Duration::from_secs(5)));
    let tools = client.tools().await.unwrap();
    assert_eq!(tools.len(), 11);
    assert!(Arc::ptr_eq(&tools, &client.tools().await.unwrap()), "the tool list is cached");

    let alice = user("alice", Some("Asia/Karachi"));
    let added = client
        .call(&alice, "add_task", args(json!({"title": "tea", "due": "2030-01-15 17:00"})))
        .await
        .unwrap();
    let due = &added.structured_content.unwrap()["created"][0]["due"];
    assert_eq!(due["utc"], "2030-01-15T12:00:00Z", "the token carries the user's zone");

    let bob = user("bob", None);
    let (a, b) = tokio::join!(
        client.call(&alice, "list_tasks", args(json!({}))),
        client.call(&bob, "list_tasks", args(json!({})))
    );
    assert_eq!(a.unwrap().structured_content.unwrap()["tasks"].as_array().unwrap().len(), 1);
    assert!(
        b.unwrap().structured_content.unwrap()["tasks"].as_array().unwrap().is_empty(),
        "bob sees nothing of alice's"
    );
    let refused = client.call(&bob, "complete_task", args(json!({"task": 1}))).await.unwrap();
    assert_eq!(refused.is_error, Some(true), "a tool error is a result the model can read");
    assert!(client.due_reminders(&alice).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_dead_task_server_is_a_prompt_error_not_a_hang() {
    let (url, _dir, stop) = start_tasks().await;
    let client = TasksClient::new(url, TokenKey::new(SECRET).unwrap(), Duration::from_secs(2));
    let alice = user("alice", None);
    client.call(&alice, "list_tasks", args(json!({}))).await.unwrap();
    stop.cancel();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let err = client.call(&alice, "list_tasks", args(json!({}))).await.unwrap_err();
    assert!(matches!(err, TasksError::Unavailable(_) | TasksError::Timeout(_)), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "no hang");

    let nowhere = TasksClient::new(
        "http://127.0.0.1:9/mcp".parse().unwrap(),
        TokenKey::new(SECRET).unwrap(),
        Duration::from_secs(2),
    );
    assert!(nowhere.tools().await.is_err());
}

/// The handshake and `tools/list` act for no user; their token must be minted for each
/// message, not once per connection: a connection outliving that token would otherwise fail
/// every tool listing after it expired (here: tokens live one second, and mcp-tasks allows
/// its clock leeway past that).
#[tokio::test]
async fn the_tool_list_still_loads_after_the_connections_first_token_has_expired() {
    let (url, _dir, _stop) = start_tasks().await;
    let client = TasksClient::new(url, TokenKey::new(SECRET).unwrap(), Duration::from_secs(5))
        .with_token_ttl(Duration::from_secs(1))
        .with_tools_ttl(Duration::ZERO);
    assert_eq!(client.tools().await.unwrap().len(), 11);
    tokio::time::sleep(Duration::from_secs(shared::identity::CLOCK_LEEWAY_SECS + 3)).await;
    assert_eq!(client.tools().await.unwrap().len(), 11, "listed again over the same connection");
    let listed = client.call(&user("alice", None), "list_tasks", args(json!({}))).await.unwrap();
    assert_ne!(listed.is_error, Some(true), "{listed:?}");
}
