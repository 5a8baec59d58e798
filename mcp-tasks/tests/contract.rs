//! The contract in `shared::contract`, checked against what the real server sends: every
//! tool result the gateway reads yields its tasks through `listed_tasks`, every task view
//! reads back as a `TaskView`, a reminder result in either form reads through `reminders_set`,
//! and the due-reminders resource reads as `DueReminders`.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::{Value, json};
use shared::contract::resources::{DUE_REMINDERS, DueReminders};
use shared::contract::{Status, TaskView, listed_tasks, reminders_set, tools};
use support::{TestServer, ok};

/// The numbers of the tasks `tool`'s result lists, sorted (list order is the tool's business).
fn numbers(tool: &str, result: &Value) -> Vec<i64> {
    let listed = listed_tasks(tool, result).unwrap_or_else(|| panic!("{tool}: {result}"));
    let mut numbers: Vec<i64> = listed.iter().map(|t| t.number).collect();
    numbers.sort_unstable();
    numbers
}

#[tokio::test]
async fn every_result_the_gateway_reads_parses_as_the_shared_contract() {
    let (store, _dir) = support::sqlite_store().await;
    let srv = TestServer::start(store.clone()).await;
    let c = srv.client("alice").await;

    let added = ok(
        &c,
        tools::ADD_TASK,
        json!({"tasks": [
            {"title": "milk", "due": "2030-05-01T10:00", "tags": ["errands"], "priority": "p1"},
            {"title": "gym", "recurrence": "every monday at 9am"},
            {"title": "call mom"}
        ]}),
    )
    .await;
    assert_eq!(numbers(tools::ADD_TASK, &added), [1, 2, 3]);
    let views: Vec<TaskView> = serde_json::from_value(added["created"].clone()).unwrap();
    assert_eq!(serde_json::to_value(&views).unwrap(), added["created"], "a view reads back unchanged");
    let milk = listed_tasks(tools::ADD_TASK, &added).unwrap().remove(0);
    assert_eq!((milk.title.as_str(), milk.status), ("milk", Some(Status::Pending)));
    let due = milk.due.unwrap();
    assert_eq!((due.date.as_str(), due.time.as_deref()), ("2030-05-01", Some("10:00")));

    let listed = ok(&c, tools::LIST_TASKS, json!({})).await;
    assert_eq!(numbers(tools::LIST_TASKS, &listed), [1, 2, 3]);
    let found = ok(&c, tools::SEARCH_TASKS, json!({"query": "milk"})).await;
    assert_eq!(numbers(tools::SEARCH_TASKS, &found), [1]);
    let tagged = ok(&c, tools::ADD_TAGS, json!({"task": 3, "tags": ["family"]})).await;
    assert_eq!(numbers(tools::ADD_TAGS, &tagged), [3]);
    let urgent = ok(&c, tools::SET_PRIORITY, json!({"task": 3, "priority": "p1"})).await;
    assert_eq!(numbers(tools::SET_PRIORITY, &urgent), [3]);
    let renamed = ok(&c, tools::UPDATE_TASK, json!({"task": 3, "title": "call mum"})).await;
    assert_eq!(numbers(tools::UPDATE_TASK, &renamed), [3]);
    let recurring = ok(&c, tools::GET_RECURRING_TASKS, json!({})).await;
    assert_eq!(numbers(tools::GET_RECURRING_TASKS, &recurring), [2]);
    let done = ok(&c, tools::COMPLETE_TASK, json!({"tasks": [1, 2]})).await;
    assert_eq!(numbers(tools::COMPLETE_TASK, &done), [1, 2]);
    let deleted = ok(&c, tools::DELETE_TASK, json!({"task": 3})).await;
    assert_eq!(numbers(tools::DELETE_TASK, &deleted), [3]);

    let reminder = ok(&c, tools::SCHEDULE_REMINDER, json!({"task": 2, "at": "in 2 hours"})).await;
    assert_eq!(listed_tasks(tools::SCHEDULE_REMINDER, &reminder), None);
    let one = reminders_set(&reminder).unwrap();
    assert_eq!(one.reminders.iter().map(|r| r.task).collect::<Vec<_>>(), [2], "{reminder}");
    let many = ok(&c, tools::SCHEDULE_REMINDER, json!({"tasks": [1, 2, 9], "at": "in 3 hours"})).await;
    let many = reminders_set(&many).unwrap();
    assert_eq!(many.reminders.iter().map(|r| r.task).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(many.not_found, [9]);
    let summary = ok(&c, tools::ANALYTICS_SUMMARY, json!({})).await;
    assert_eq!(listed_tasks(tools::ANALYTICS_SUMMARY, &summary), None);

    // A reminder that is already due, written below the tool (which refuses past times).
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let due = mcp_tasks::store::NewReminder { at: past, phrase: None };
    store.add_reminder("alice", 2, due, past - chrono::Duration::hours(1)).await.unwrap();
    let read = c.read_resource(rmcp::model::ReadResourceRequestParams::new(DUE_REMINDERS)).await.unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!("the due reminders are JSON text")
    };
    let body: DueReminders = serde_json::from_str(text).unwrap();
    assert_eq!(body.reminders.len(), 1, "{text}");
    assert_eq!((body.reminders[0].task, body.reminders[0].delivered), (2, false));
}
