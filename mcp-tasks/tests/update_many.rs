//! `update_task`'s many-task form over real MCP HTTP, on SQLite and PostgreSQL: one call
//! changes every task it names the same way and says, number by number, what changed, what
//! already looked like that and what is not the caller's; another user's numbers are "not
//! found" and untouched; more than 100 numbers is a clear tool error that changes nothing;
//! the one-task form answers as it always did. `schedule_reminder`'s many form likewise: one
//! call sets the same reminder phrase on every task named, resolved per task.
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

fn reminder_times(list: &Value) -> Vec<(i64, String)> {
    let list = list.as_array().unwrap();
    list.iter().map(|r| (r["task"].as_i64().unwrap(), r["at_local"].as_str().unwrap().to_owned())).collect()
}

async fn reminding_about_many_tasks_is_one_call_resolved_per_task(store: Arc<dyn Store>) {
    let server = TestServer::start(store).await;
    let alice = server.client("alice").await;
    let dues = ["2030-05-01T10:00", "2030-05-02T10:00", "2030-06-01T18:30"];
    let mut tasks: Vec<Value> = dues.iter().map(|d| json!({"title": format!("due {d}"), "due": d})).collect();
    tasks.push(json!({"title": "no date"}));
    ok(&alice, "add_task", json!({"tasks": tasks})).await;

    // "1 hour before" counts from each task's own due time; #4 has none; #40 is nobody's.
    let out =
        ok(&alice, "schedule_reminder", json!({"tasks": [3, 1, 2, 4, 40], "at": "1 hour before"})).await;
    let expected = [(3, "2030-06-01 17:30"), (1, "2030-05-01 09:00"), (2, "2030-05-02 09:00")];
    let expected: Vec<(i64, String)> = expected.iter().map(|(n, at)| (*n, (*at).to_owned())).collect();
    assert_eq!(reminder_times(&out["scheduled"]), expected, "{out}");
    assert_eq!(out["not_scheduled"][0]["task"], 4, "{out}");
    assert!(out["not_scheduled"][0]["reason"].as_str().unwrap().contains("no due date"), "{out}");
    assert_eq!(numbers(&out["not_found"]), vec![40], "{out}");
    assert!(out.get("task").is_none() && out.get("reminders").is_none(), "{out}");

    // A time is the same for all; the one-task form answers as it always did.
    let out = ok(&alice, "schedule_reminder", json!({"tasks": [1, 2, 3, 4], "at": "2030-01-01T09:00"})).await;
    let at = "2030-01-01 09:00".to_owned();
    assert_eq!(reminder_times(&out["scheduled"]), (1..=4).map(|n| (n, at.clone())).collect::<Vec<_>>());
    assert_eq!(out["not_scheduled"], json!([]), "{out}");
    let one = ok(&alice, "schedule_reminder", json!({"task": 1, "at": "2029-12-31T09:00"})).await;
    assert_eq!(one["task"], 1, "{one}");
    let times: Vec<_> = reminder_times(&one["reminders"]).into_iter().map(|(_, at)| at).collect();
    assert_eq!(times, vec!["2029-12-31 09:00", "2030-01-01 09:00", "2030-05-01 09:00"], "all of #1's: {one}");
    assert!(one.get("scheduled").is_none(), "the one-task form keeps its shape: {one}");

    // A phrase no task can take sets nothing and says why.
    let said = tool_error(&alice, "schedule_reminder", json!({"tasks": [4], "at": "1 hour before"})).await;
    assert!(said.contains("no due date"), "{said}");
    let said = tool_error(&alice, "schedule_reminder", json!({"tasks": [1, 2], "at": "soonish"})).await;
    assert!(said.contains("soonish"), "{said}");
}

async fn reminders_never_reach_another_users_tasks(store: Arc<dyn Store>) {
    let server = TestServer::start(Arc::clone(&store)).await;
    let (alice, bob) = (server.client("alice").await, server.client("bob").await);
    let five: Vec<Value> = (1..=5).map(|i| json!({"title": format!("alice {i}")})).collect();
    ok(&alice, "add_task", json!({"tasks": five})).await;
    ok(&bob, "add_task", json!({"title": "bob 1"})).await;

    let out = ok(&bob, "schedule_reminder", json!({"tasks": [1, 2, 3, 4, 5], "at": "in 10 minutes"})).await;
    let scheduled: Vec<_> = reminder_times(&out["scheduled"]).into_iter().map(|(task, _)| task).collect();
    assert_eq!(scheduled, [1], "{out}");
    assert_eq!(out["scheduled"][0]["title"], "bob 1", "{out}");
    assert_eq!(numbers(&out["not_found"]), vec![2, 3, 4, 5], "{out}");
    let said = tool_error(&bob, "schedule_reminder", json!({"tasks": [2, 3], "at": "in 10 minutes"})).await;
    assert!(said.contains("No task #2, #3"), "{said}");
    let (from, to) = (chrono::Utc::now(), chrono::Utc::now() + chrono::Duration::days(1));
    assert!(store.user_due_reminders("alice", from, to).await.unwrap().is_empty(), "alice has no reminders");
    assert_eq!(store.user_due_reminders("bob", from, to).await.unwrap().len(), 1);
}

async fn more_than_a_hundred_reminders_is_a_clear_error_that_sets_nothing(store: Arc<dyn Store>) {
    let server = TestServer::start(Arc::clone(&store)).await;
    let client = server.client("mallory").await;
    ok(&client, "add_task", json!({"title": "keep me"})).await;
    let numbers: Vec<i64> = (1..=101).collect();
    let said = tool_error(&client, "schedule_reminder", json!({"tasks": numbers, "at": "in 1 hour"})).await;
    assert!(said.contains("At most 100 tasks per call; 101 were given"), "{said}");
    let said = tool_error(&client, "schedule_reminder", json!({"at": "in 1 hour"})).await;
    assert!(said.contains("Say which task"), "{said}");
    let (from, to) = (chrono::Utc::now(), chrono::Utc::now() + chrono::Duration::days(1));
    assert!(store.user_due_reminders("mallory", from, to).await.unwrap().is_empty(), "nothing was set");
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
    reminding_about_many_tasks_is_one_call_resolved_per_task,
    reminders_never_reach_another_users_tasks,
    more_than_a_hundred_reminders_is_a_clear_error_that_sets_nothing,
);
