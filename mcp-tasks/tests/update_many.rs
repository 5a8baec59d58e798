//! `update_task`'s many-task form over real MCP HTTP, on SQLite and PostgreSQL: one call
//! changes every task it names the same way and says, number by number, what changed, what
//! already looked like that and what is not the caller's; another user's numbers are "not
//! found" and untouched; more than 100 numbers is a clear tool error that changes nothing;
//! the one-task form answers as it always did.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;

use mcp_tasks::store::Store;
use serde_json::{Value, json};
use support::{TestServer, ok, tool_error};

fn numbers(list: &Value) -> Vec<i64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap_or_else(|| v["number"].as_i64().unwrap()))
        .collect()
}

async fn titles_and_statuses(client: &support::Client) -> Vec<(i64, String, String, String)> {
    let listed = ok(client, "list_tasks", json!({"status": "all", "limit": 100})).await;
    listed["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let field = |k: &str| t[k].as_str().unwrap_or_default().to_owned();
            (t["number"].as_i64().unwrap(), field("title"), field("status"), t["priority"].to_string())
        })
        .collect()
}

async fn reopening_many_tasks_is_one_call_with_results_per_number(store: Arc<dyn Store>) {
    let server = TestServer::start(store).await;
    let alice = server.client("alice").await;
    let titles: Vec<Value> = (1..=6).map(|i| json!({"title": format!("task {i}")})).collect();
    ok(&alice, "add_task", json!({"tasks": titles})).await;
    ok(&alice, "complete_task", json!({"tasks": [1, 2, 3, 4]})).await;

    let out = ok(&alice, "update_task", json!({"tasks": [1, 2, 3, 4, 5, 40], "status": "pending"})).await;
    assert_eq!(numbers(&out["updated"]), vec![1, 2, 3, 4], "{out}");
    assert_eq!(numbers(&out["unchanged"]), vec![5], "#5 was already pending: {out}");
    assert_eq!(numbers(&out["not_found"]), vec![40], "{out}");
    assert!(out["updated"].as_array().unwrap().iter().all(|t| t["status"] == "pending"), "{out}");
    let now = titles_and_statuses(&alice).await;
    assert!(now.iter().all(|(_, _, status, _)| status == "pending"), "{now:?}");

    // The same change to many fields at once, and the one-task form as before.
    let out = ok(&alice, "update_task", json!({"tasks": [5, 6], "priority": "p1", "due": "tomorrow"})).await;
    assert_eq!(numbers(&out["updated"]), vec![5, 6], "{out}");
    let one = ok(&alice, "update_task", json!({"task": 6, "title": "renamed"})).await;
    assert_eq!(one["task"]["title"], "renamed", "{one}");
    assert_eq!(one["changed"], json!(["title"]), "{one}");
    assert!(one.get("updated").is_none(), "the one-task form keeps its shape: {one}");
}

async fn another_users_numbers_are_not_found_and_untouched(store: Arc<dyn Store>) {
    let server = TestServer::start(store).await;
    let (alice, bob) = (server.client("alice").await, server.client("bob").await);
    let five: Vec<Value> = (1..=5).map(|i| json!({"title": format!("alice {i}")})).collect();
    ok(&alice, "add_task", json!({"tasks": five})).await;
    ok(&bob, "add_task", json!({"title": "bob 1"})).await;
    let before = titles_and_statuses(&alice).await;

    // Bob names his #1 and numbers only Alice has: his one task changes, hers do not.
    let out =
        ok(&bob, "update_task", json!({"tasks": [1, 2, 3, 4, 5], "title": "pwned", "priority": "p1"})).await;
    assert_eq!(numbers(&out["updated"]), vec![1], "{out}");
    assert_eq!(numbers(&out["not_found"]), vec![2, 3, 4, 5], "{out}");
    // Only numbers of hers: a tool error, nothing changed.
    let said = tool_error(&bob, "update_task", json!({"tasks": [2, 3], "status": "completed"})).await;
    assert!(said.contains("No task #2, #3"), "{said}");
    assert_eq!(titles_and_statuses(&alice).await, before, "alice's tasks are untouched");
}

async fn more_than_a_hundred_numbers_is_a_clear_error_that_changes_nothing(store: Arc<dyn Store>) {
    let server = TestServer::start(store).await;
    let client = server.client("mallory").await;
    ok(&client, "add_task", json!({"title": "keep me"})).await;
    let numbers: Vec<i64> = (1..=101).collect();
    let said = tool_error(&client, "update_task", json!({"tasks": numbers, "title": "x"})).await;
    assert!(said.contains("At most 100 tasks per call; 101 were given"), "{said}");
    let said = tool_error(&client, "update_task", json!({"title": "x"})).await;
    assert!(said.contains("Say which task"), "{said}");
    let listed = ok(&client, "list_tasks", json!({"status": "all"})).await;
    assert_eq!(listed["tasks"][0]["title"], "keep me");
}

macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$case(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::support::TestPg::create().await else { return };
                    super::$case(db.store().await).await;
                }
            )*
        }
    };
}

on_both_backends!(
    reopening_many_tasks_is_one_call_with_results_per_number,
    another_users_numbers_are_not_found_and_untouched,
    more_than_a_hundred_numbers_is_a_clear_error_that_changes_nothing,
);
