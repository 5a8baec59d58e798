//! Both services are stateless: two gateways and two mcp-tasks servers, all sharing one
//! PostgreSQL database (chat tables and task tables side by side), serve one conversation
//! whose consecutive turns land on different replicas, as behind a round-robin load
//! balancer. Real HTTP, real SSE parsing, the offline agent calling tools over MCP.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::TestPg;
use support::stack::{self, GatewayOptions, reply};

/// The gateways here let open streams finish for up to 5 s on shutdown.
fn draining() -> GatewayOptions {
    GatewayOptions::with_grace(Duration::from_secs(5))
}

fn user_texts(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter(|i| i["type"] == "user_message")
        .map(|i| i["content"][0]["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn one_conversation_moves_between_two_gateways_and_two_task_servers_on_one_database() {
    let Some(pg) = TestPg::create().await else { return };
    let tasks_store = || async {
        let store = mcp_tasks::store::connect(&pg.url).await.unwrap();
        store.migrate().await.unwrap();
        store
    };
    let tasks_a = stack::start_tasks(tasks_store().await).await;
    let tasks_b = stack::start_tasks(tasks_store().await).await;
    let gateway_a =
        stack::start_gateway(pg.store().await, stack::offline_agent(&tasks_a.base), draining()).await;
    let gateway_b =
        stack::start_gateway(pg.store().await, stack::offline_agent(&tasks_b.base), draining()).await;
    let (a, b) = (gateway_a.base.as_str(), gateway_b.base.as_str());

    // Turn 1 on A (→ mcp-tasks A).
    let create =
        json!({"type": "threads.create", "params": {"input": stack::input("add buy milk tomorrow")}});
    let first = stack::stream(a, "alice", &create).await;
    let thread = first.iter().find(|e| e["type"] == "thread.created").unwrap()["thread"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(reply(&first).contains("buy milk"), "{first:?}");

    // Turn 2 on B (→ mcp-tasks B), same thread: the task written through A is there.
    let say = |text: &str| json!({"type": "threads.add_user_message", "params": {"thread_id": thread, "input": stack::input(text)}});
    let second = stack::stream(b, "alice", &say("show my tasks")).await;
    assert!(reply(&second).contains("buy milk"), "B lists the task A added: {second:?}");

    // Turn 3 back on A.
    let third = stack::stream(a, "alice", &say("complete task 1")).await;
    assert!(events_ok(&third), "{third:?}");
    let done = stack::stream(b, "alice", &say("completed tasks")).await;
    assert!(reply(&done).contains("buy milk"), "B sees A's completion: {done:?}");

    // B lists every item of the conversation, in order, whichever replica wrote it.
    let list = json!({"type": "items.list", "params": {"thread_id": thread, "order": "asc", "limit": 100}});
    let (status, page) = stack::json_op(b, "alice", &list).await;
    assert_eq!(status, 200, "{page}");
    let items = page["data"].as_array().unwrap();
    assert_eq!(
        user_texts(items),
        ["add buy milk tomorrow", "show my tasks", "complete task 1", "completed tasks"],
        "{page}"
    );
    let kinds: Vec<&str> =
        items.iter().map(|i| i["type"].as_str().unwrap()).filter(|k| *k != "workflow").collect();
    assert_eq!(kinds.iter().filter(|k| **k == "assistant_message").count(), 4, "{kinds:?}");
    assert!(
        kinds.windows(2).all(|w| !(w[0] == "user_message" && w[1] == "user_message")),
        "every message is followed by its answer: {kinds:?}"
    );
    let (status, on_a) = stack::json_op(a, "alice", &list).await;
    assert_eq!((status, &on_a["data"]), (200, &page["data"]), "both replicas give the same answer");

    // Another user sees none of it, on either replica.
    for base in [a, b] {
        let (status, _) = stack::json_op(base, "bob", &list).await;
        assert_eq!(status, 404, "bob cannot read alice's thread");
        let (_, threads) = stack::json_op(base, "bob", &json!({"type": "threads.list", "params": {}})).await;
        assert_eq!(threads["data"], json!([]), "bob has no threads");
    }
    let create = json!({"type": "threads.create", "params": {"input": stack::input("show my tasks")}});
    let bobs = stack::stream(b, "bob", &create).await;
    assert!(!reply(&bobs).contains("milk"), "bob's tasks are his own: {bobs:?}");

    for server in [gateway_a, gateway_b, tasks_a, tasks_b] {
        server.stop().await;
    }
}

fn events_ok(events: &[Value]) -> bool {
    events.iter().all(|e| e["type"] != "error") && !reply(events).is_empty()
}
