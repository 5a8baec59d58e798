//! The direct path for `tools/call` (`mcp_tasks::direct`): it answers exactly what rmcp
//! would, and hands everything it does not take back to rmcp untouched.
//!
//! Over real HTTP, the same calls go once the direct way and once through rmcp (a request
//! with `"_meta": {}` in its params is one the direct path leaves to rmcp, which ignores an
//! empty `_meta`), for two users with the same history, and the answers must be the same
//! JSON. The decisions themselves are checked on `Direct::answer`.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use mcp_tasks::direct::Direct;
use mcp_tasks::tools::TaskServer;
use rmcp::transport::StreamableHttpServerConfig;
use serde_json::{Value, json};
use shared::identity::Identity;
use support::TestServer;
use tokio_util::sync::CancellationToken;

/// Posts one JSON-RPC body to `/mcp` as `user` and returns the JSON answer.
async fn rpc(srv: &TestServer, user: &str, body: &Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/mcp", srv.base))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .bearer_auth(srv.token(user, Some("Asia/Karachi")))
        .body(body.to_string())
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{body}");
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

fn call(id: u64, tool: &str, arguments: &Value, via_rmcp: bool) -> Value {
    let mut params = json!({"name": tool, "arguments": arguments});
    if via_rmcp {
        params["_meta"] = json!({});
    }
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
}

/// The answer without what differs between two users' equal histories: creation and
/// completion instants, and reminder ids (one sequence for all users).
fn comparable(mut answer: Value) -> Value {
    fn strip(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for key in ["created_at", "completed_at", "id"] {
                    map.remove(key);
                }
                map.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    if let Some(result) = answer.get_mut("result") {
        strip(result);
    }
    answer
}

#[tokio::test]
async fn direct_and_rmcp_answer_every_tool_alike() {
    let (store, _dir) = support::sqlite_store().await;
    let srv = TestServer::start(store).await;
    let calls = [
        (
            "add_task",
            json!({"title": "Buy milk", "due": "2031-01-15 17:00", "priority": "p1", "tags": ["home"]}),
        ),
        (
            "add_task",
            json!({"tasks": [{"title": "Call mom", "recurrence": "every monday at 9am"}, {"title": "پانی"}]}),
        ),
        ("list_tasks", json!({})),
        ("list_tasks", json!({"status": "all", "sort": "priority", "limit": 2})),
        ("search_tasks", json!({"query": "milk"})),
        ("set_priority", json!({"task": 2, "priority": "high"})),
        ("add_tags", json!({"task": 1, "tags": ["errands"]})),
        ("add_tags", json!({"task": 1, "tags": ["home"], "remove": true})),
        ("schedule_reminder", json!({"task": 1, "at": "30 minutes before"})),
        ("update_task", json!({"task": 3, "title": "Drink water"})),
        ("complete_task", json!({"task": 1})),
        ("get_recurring_tasks", json!({})),
        ("analytics_summary", json!({})),
        ("delete_task", json!({"tasks": [3]})),
        // Tool errors (isError results) and a protocol error, both ways.
        ("complete_task", json!({"task": 999})),
        ("add_task", json!({"title": ""})),
        ("list_tasks", json!({"status": "sideways"})),
        ("no_such_tool", json!({})),
        ("list_tasks", json!({"limit": "many"})),
    ];
    for (id, (tool, arguments)) in (1u64..).zip(calls) {
        let direct = rpc(&srv, "direct-user", &call(id, tool, &arguments, false)).await;
        let rmcp = rpc(&srv, "rmcp-user", &call(id, tool, &arguments, true)).await;
        assert_eq!(comparable(direct), comparable(rmcp), "{tool} {arguments}");
    }
}

fn request(body: &Value, overrides: &[(&'static str, &str)], identity: bool) -> Request {
    let text = body.to_string();
    let builder = Request::post("/mcp")
        .header("host", "127.0.0.1:8001")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("content-length", text.len());
    let mut request = builder.body(Body::from(text)).unwrap();
    for (name, value) in overrides {
        request.headers_mut().insert(*name, value.parse().unwrap());
    }
    if identity {
        request.extensions_mut().insert(Identity { user_id: "alice".into(), tz: None, locale: None });
    }
    request
}

#[tokio::test]
async fn the_direct_path_takes_plain_tool_calls_and_hands_back_the_rest_intact() {
    let (store, _dir) = support::sqlite_store().await;
    // rmcp's default Host check: loopback names only.
    let hosts = StreamableHttpServerConfig::default().allowed_hosts;
    let direct = Direct::new(TaskServer::new(store, chrono_tz::UTC), &hosts, CancellationToken::new());
    let list = call(1, "list_tasks", &json!({}), false);

    let taken = direct.answer(request(&list, &[], true)).await.unwrap();
    assert_eq!(taken.status(), 200);
    let body: Value =
        serde_json::from_slice(&axum::body::to_bytes(taken.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(body["id"], 1);
    assert_eq!(body["result"]["isError"], false);
    assert!(body["result"]["structuredContent"]["tasks"].is_array(), "{body}");

    let no_arguments =
        json!({"jsonrpc": "2.0", "id": "a", "method": "tools/call", "params": {"name": "list_tasks"}});
    assert!(direct.answer(request(&no_arguments, &[], true)).await.is_ok());

    let cases = [
        ("with _meta", call(1, "list_tasks", &json!({}), true), vec![], true),
        ("another method", json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}), vec![], true),
        ("a notification", json!({"jsonrpc": "2.0", "method": "notifications/initialized"}), vec![], true),
        ("a batch", json!([list.clone()]), vec![], true),
        ("an unknown tool", call(1, "no_such_tool", &json!({}), false), vec![], true),
        ("arguments that do not fit", call(1, "list_tasks", &json!({"limit": "many"}), false), vec![], true),
        ("arguments not an object", call(1, "list_tasks", &json!([1]), false), vec![], true),
        ("a 2026 protocol version", list.clone(), vec![("mcp-protocol-version", "2026-07-28")], true),
        ("an unknown protocol version", list.clone(), vec![("mcp-protocol-version", "1999-01-01")], true),
        ("no SSE in Accept", list.clone(), vec![("accept", "application/json")], true),
        (
            "SSE weighted zero",
            list.clone(),
            vec![("accept", "application/json, text/event-stream;q=0")],
            true,
        ),
        ("a Host rmcp refuses", list.clone(), vec![("host", "evil.example")], true),
        ("no identity", list.clone(), vec![], false),
    ];
    for (case, body, headers, identity) in cases {
        let Err(back) = direct.answer(request(&body, &headers, identity)).await else {
            panic!("{case}: taken by the direct path")
        };
        let bytes = axum::body::to_bytes(back.into_body(), 1 << 20).await.unwrap();
        assert_eq!(bytes, body.to_string().as_bytes(), "{case}: the body must reach rmcp intact");
    }
}
