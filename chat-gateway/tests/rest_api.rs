//! The REST threads API from outside: the real gateway on port 0 with the offline agent and
//! the real mcp-tasks, so messages carry real tool calls. Cursor pagination in both orders,
//! messages with their tool calls, rename and delete, ownership isolation on every route, bad
//! input (always a 4xx JSON error), and the generated OpenAPI document. Every case runs on
//! SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::collections::BTreeSet;
use std::sync::Arc;

use chat_gateway::store::ThreadStore;
use reqwest::Method;
use serde_json::{Value, json};
use support::product::Stack;

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_owned()).collect()
}

/// Every page of `path` (which has no query yet) with `query`, following `next_after`.
async fn all_pages(stack: &Stack, user: &str, path: &str, query: &str) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let cursor = after.as_ref().map(|a| format!("&after={a}")).unwrap_or_default();
        let (status, page) = stack.get(user, &format!("{path}?{query}{cursor}")).await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page["has_more"], page["next_after"].is_string(), "{page}");
        after = page["next_after"].as_str().map(str::to_owned);
        pages.push(page);
        if after.is_none() {
            return pages;
        }
    }
}

async fn threads_page_newest_first_with_next_after_cursors(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let mut made = Vec::new();
    for i in 0..5 {
        made.push(stack.say("alice", &format!("hello {i}"), None).await);
    }
    let pages = all_pages(&stack, "alice", "/api/threads", "limit=2").await;
    assert_eq!(pages.iter().map(|p| p["data"].as_array().unwrap().len()).collect::<Vec<_>>(), [2, 2, 1]);
    let listed: Vec<String> = pages.iter().flat_map(ids).collect();
    let newest_first: Vec<String> = made.iter().rev().cloned().collect();
    assert_eq!(listed, newest_first, "newest first by default");
    let first = &pages[0]["data"][0];
    assert_eq!(first["title"], "hello 4");
    assert_eq!(first["status"], "active");
    assert!(first["created_at"].is_string() && first["updated_at"].is_string());

    let asc: Vec<String> =
        all_pages(&stack, "alice", "/api/threads", "limit=3&order=asc").await.iter().flat_map(ids).collect();
    assert_eq!(asc, made, "oldest first with order=asc");
    let (_, one) = stack.get("alice", &format!("/api/threads/{}", made[2])).await;
    assert_eq!(one, pages[1]["data"][0], "a thread reads the same alone and in a list");
}

async fn messages_show_both_sides_with_each_replys_tool_calls(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let thread = stack.say("alice", "add buy milk", None).await;
    stack.say("alice", "hello", Some(&thread)).await;
    stack.say("alice", "show my tasks", Some(&thread)).await;
    assert_eq!(stack.task_titles("alice").await, ["buy milk"], "the tool really ran");

    let (status, page) = stack.get("alice", &format!("/api/threads/{thread}/messages")).await;
    assert_eq!(status, 200, "{page}");
    let messages = page["data"].as_array().unwrap();
    let roles: Vec<&str> = messages.iter().map(|m| m["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant", "user", "assistant"], "no workflows");
    assert_eq!(messages[0]["content"], "add buy milk");
    assert!(messages[1]["content"].as_str().unwrap().contains("buy milk"), "{}", messages[1]);
    let add = &messages[1]["tool_calls"];
    assert_eq!(add.as_array().unwrap().len(), 1, "{add}");
    assert_eq!(add[0]["name"], "add_task");
    assert_eq!(add[0]["arguments"]["title"], "buy milk");
    assert_eq!(add[0]["status"], "ok");
    assert_eq!(add[0]["result"]["ok"], true);
    assert!(add[0]["result"]["text"].as_str().unwrap().contains("buy milk"));
    assert_eq!(messages[3]["tool_calls"], json!([]), "a plain reply has no calls");
    assert_eq!(messages[5]["tool_calls"][0]["name"], "list_tasks");
    assert!(messages.iter().filter(|m| m["role"] == "user").all(|m| m["tool_calls"] == json!([])));
    assert!(!page["has_more"].as_bool().unwrap());

    // One message per page, both ways: the same messages, each with all of its calls.
    let path = format!("/api/threads/{thread}/messages");
    let asc: Vec<Value> = all_pages(&stack, "alice", &path, "limit=1")
        .await
        .into_iter()
        .map(|p| p["data"][0].clone())
        .collect();
    assert_eq!(asc, *messages);
    let mut desc: Vec<Value> = all_pages(&stack, "alice", &path, "limit=1&order=desc")
        .await
        .into_iter()
        .map(|p| p["data"][0].clone())
        .collect();
    desc.reverse();
    assert_eq!(desc, *messages);
}

async fn threads_can_be_renamed_and_deleted(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let thread = stack.say("alice", "add buy milk", None).await;
    let path = format!("/api/threads/{thread}");
    let (status, renamed) =
        stack.call("alice", Method::PATCH, &path, Some(json!({"title": "  Groceries "}))).await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(renamed["title"], "Groceries");
    assert_eq!(stack.get("alice", &path).await.1["title"], "Groceries");
    let (_, cleared) = stack.call("alice", Method::PATCH, &path, Some(json!({"title": null}))).await;
    assert_eq!(cleared["title"], Value::Null);
    let (_, blank) = stack.call("alice", Method::PATCH, &path, Some(json!({"title": "   "}))).await;
    assert_eq!(blank["title"], Value::Null);

    let (status, _) = stack.call("alice", Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    for (method, suffix) in
        [(Method::GET, ""), (Method::GET, "/messages"), (Method::DELETE, ""), (Method::PATCH, "")]
    {
        let body = (method == Method::PATCH).then(|| json!({"title": "x"}));
        let (status, error) = stack.call("alice", method.clone(), &format!("{path}{suffix}"), body).await;
        assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")), "{method} {suffix}");
    }
    let calls = stack.store.list_tool_calls("alice", &thread).await;
    assert!(calls.as_ref().map_or(true, Vec::is_empty), "tool calls went too: {calls:?}");
    assert_eq!(stack.get("alice", "/api/threads").await.1["data"], json!([]));
}

async fn another_users_thread_is_not_found_on_every_route(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let thread = stack.say("alice", "add buy milk", None).await;
    let path = format!("/api/threads/{thread}");
    let routes = [
        (Method::GET, path.clone(), None),
        (Method::GET, format!("{path}/messages"), None),
        (Method::PATCH, path.clone(), Some(json!({"title": "mine now"}))),
        (Method::DELETE, path.clone(), None),
    ];
    for (method, route, body) in routes {
        let (status, error) = stack.call("bob", method.clone(), &route, body).await;
        assert_eq!(status, 404, "{method} {route}: {error}");
        assert_eq!(error, json!({"error": {"code": "not_found", "message": "thread not found"}}));
    }
    assert_eq!(stack.get("bob", "/api/threads").await.1["data"], json!([]), "bob lists nothing");
    let (status, _) = stack.get("bob", &format!("/api/threads?after={thread}")).await;
    assert_eq!(status, 400, "alice's thread is no cursor for bob");
    let (_, mine) = stack.get("alice", &path).await;
    assert_eq!(mine["title"], "add buy milk", "untouched");
    assert_eq!(stack.get("alice", &format!("{path}/messages")).await.1["data"].as_array().unwrap().len(), 2);
}

async fn bad_input_is_a_4xx_json_error_never_a_5xx(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let thread = stack.say("alice", "hello", None).await;
    let path = format!("{}/api/threads/{thread}", stack.base);
    let token = stack.token("alice");
    let patch = |body: Vec<u8>| {
        stack.http.patch(&path).bearer_auth(&token).header("content-type", "application/json").body(body)
    };
    let cases: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        ("malformed JSON", patch(b"{\"title\": ".to_vec()), 400),
        ("a number title", patch(br#"{"title": 5}"#.to_vec()), 400),
        ("no title", patch(b"{}".to_vec()), 400),
        ("an unknown field", patch(br#"{"title": "a", "pinned": true}"#.to_vec()), 400),
        ("an array", patch(b"[]".to_vec()), 400),
        ("a NUL in the title", patch(br#"{"title": "a\u0000b"}"#.to_vec()), 400),
        ("a 201-character title", patch(json!({"title": "x".repeat(201)}).to_string().into_bytes()), 400),
        ("a 2 MiB body", patch(vec![b' '; 2 << 20]), 413),
        ("no token", stack.http.get(format!("{}/api/threads", stack.base)), 401),
        ("a bad token", stack.http.get(format!("{}/api/threads", stack.base)).bearer_auth("nope"), 401),
    ];
    let get = |query: &str| stack.http.get(format!("{}/api/threads{query}", stack.base)).bearer_auth(&token);
    let more: Vec<(&str, reqwest::RequestBuilder, u16)> = vec![
        ("limit=0", get("?limit=0"), 400),
        ("limit=101", get("?limit=101"), 400),
        ("limit=-1", get("?limit=-1"), 400),
        ("limit=abc", get("?limit=abc"), 400),
        ("order=sideways", get("?order=sideways"), 400),
        ("an unknown cursor", get("?after=thr_nope"), 400),
        ("a NUL cursor", get("?after=%00"), 400),
        ("a messages cursor of another thread", get(&format!("/{thread}/messages?after=msg_nope")), 400),
        ("an unknown thread", get("/thr_nope"), 404),
        ("a NUL id", get("/thr%00x"), 404),
        ("a 10 kB id", get(&format!("/{}", "x".repeat(10_000))), 404),
        ("an unknown thread's messages", get("/thr_nope/messages?limit=5"), 404),
    ];
    for (what, request, want) in cases.into_iter().chain(more) {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        assert_eq!(status, want, "{what}: {body}");
        assert!(body["error"]["code"].is_string() && body["error"]["message"].is_string(), "{what}: {body}");
    }
    assert_eq!(stack.get("alice", &format!("/api/threads/{thread}")).await.1["title"], "hello", "unchanged");
}

on_both_backends!(
    threads_page_newest_first_with_next_after_cursors,
    messages_show_both_sides_with_each_replys_tool_calls,
    threads_can_be_renamed_and_deleted,
    another_users_thread_is_not_found_on_every_route,
    bad_input_is_a_4xx_json_error_never_a_5xx,
);

/// Every `$ref` in `value`.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_openapi_document_is_served_without_auth_and_covers_every_route() {
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::start(store).await;
    let response = stack.http.get(format!("{}/openapi.json", stack.base)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    let routes = [
        ("/api/threads", "get"),
        ("/api/threads/{id}", "get"),
        ("/api/threads/{id}", "patch"),
        ("/api/threads/{id}", "delete"),
        ("/api/threads/{id}/messages", "get"),
        ("/v1/chat/completions", "post"),
        ("/v1/models", "get"),
        ("/v1/models/{model}", "get"),
    ];
    for (path, method) in routes {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        assert_eq!(op["security"], json!([{"bearer": []}]), "{method} {path}");
        assert!(op["responses"]["401"].is_object(), "{method} {path} documents 401");
    }
    let documented: usize =
        doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, routes.len(), "nothing else is documented");
    let params: Vec<&str> = doc["paths"]["/api/threads"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(params, ["limit", "after", "order"], "the cursor is documented");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let mut all = BTreeSet::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{r} resolves");
    }
}
