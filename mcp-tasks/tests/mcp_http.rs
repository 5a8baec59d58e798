//! The real HTTP server on port 0, driven by the rmcp client and by raw HTTP: the task
//! lifecycle, isolation between two users, authentication, and bad input of every kind.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{TestServer, call, ok, text, tool_error, try_call};

async fn server() -> (TestServer, tempfile::TempDir) {
    let (store, dir) = support::sqlite_store().await;
    (TestServer::start(store).await, dir)
}

fn numbers(list: &Value) -> Vec<i64> {
    list.as_array().unwrap().iter().map(|t| t["number"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn tools_list_has_the_eleven_tools_with_schemas_and_honest_annotations() {
    let (srv, _db) = server().await;
    let client = srv.client("alice").await;
    let tools = client.list_all_tools().await.unwrap();
    let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        vec![
            "add_tags",
            "add_task",
            "analytics_summary",
            "complete_task",
            "delete_task",
            "get_recurring_tasks",
            "list_tasks",
            "schedule_reminder",
            "search_tasks",
            "set_priority",
            "update_task"
        ]
    );
    for tool in &tools {
        assert!(
            tool.description.as_deref().is_some_and(|d| d.len() > 20),
            "{} needs a description",
            tool.name
        );
        let schema =
            tool.output_schema.as_ref().unwrap_or_else(|| panic!("{} has no output schema", tool.name));
        assert_eq!(schema["type"], "object", "{}", tool.name);
        let props = tool.input_schema["properties"].as_object().unwrap();
        for (field, spec) in props {
            assert!(
                spec.get("description").is_some()
                    || spec.get("$ref").is_some()
                    || spec.get("anyOf").is_some(),
                "{}.{field} is not described",
                tool.name
            );
        }
        let a = tool.annotations.as_ref().unwrap();
        let read_only = matches!(
            tool.name.as_ref(),
            "list_tasks" | "search_tasks" | "get_recurring_tasks" | "analytics_summary"
        );
        assert_eq!(a.read_only_hint, Some(read_only), "{}", tool.name);
        if tool.name == "delete_task" {
            assert_eq!(a.destructive_hint, Some(true));
        }
        if tool.name == "update_task" {
            // The model learns the many-task form from the tool's own words.
            let said = tool.description.as_deref().unwrap_or_default();
            assert!(said.contains("`tasks` in ONE call"), "{said}");
            let tasks = &props["tasks"]["description"];
            assert!(tasks.as_str().is_some_and(|d| d.contains("up to 100")), "{tasks}");
        }
    }
}

#[tokio::test]
async fn a_task_goes_from_added_to_completed_to_deleted() {
    let (srv, _db) = server().await;
    let c = srv.client("alice").await;
    let added = ok(
        &c,
        "add_task",
        json!({"title": "  Buy milk ", "due": "2030-01-15T17:00", "priority": "urgent", "tags": ["#Errands"]}),
    )
    .await;
    let task = &added["created"][0];
    assert_eq!(task["number"], 1);
    assert_eq!(task["title"], "Buy milk");
    assert_eq!(task["priority"], "p1");
    assert_eq!(task["tags"], json!(["errands"]));
    assert_eq!(task["due"]["date"], "2030-01-15");
    assert_eq!(task["due"]["time"], "17:00");
    let many =
        ok(&c, "add_task", json!({"tasks": [{"title": "Call mum"}, {"title": "Pay rent", "priority": 2}]}))
            .await;
    assert_eq!(numbers(&many["created"]), vec![2, 3]);

    let listed = ok(&c, "list_tasks", json!({"priority": ["p1", "p2"], "sort": "priority"})).await;
    assert_eq!(numbers(&listed["tasks"]), vec![1, 3]);
    let tagged = ok(&c, "list_tasks", json!({"tags": ["errands"]})).await;
    assert_eq!(numbers(&tagged["tasks"]), vec![1]);
    let found = ok(&c, "search_tasks", json!({"query": "milk"})).await;
    assert_eq!(numbers(&found["tasks"]), vec![1]);

    let updated =
        ok(&c, "update_task", json!({"task": 2, "title": "Call mum back", "description": "about Sunday"}))
            .await;
    assert_eq!(updated["changed"], json!(["title", "description"]));
    let same = call(&c, "update_task", json!({"task": 2, "title": "Call mum back"})).await;
    assert!(text(&same).contains("Nothing changed"), "a no-op says so: {}", text(&same));

    let p = ok(&c, "set_priority", json!({"tasks": [2, 3], "priority": "p3"})).await;
    assert_eq!(numbers(&p["updated"]), vec![2, 3]);
    let again = ok(&c, "set_priority", json!({"task": 2, "priority": "medium"})).await;
    assert_eq!(again["unchanged"], json!([2]));
    ok(&c, "add_tags", json!({"task": 2, "tags": ["family", "phone"]})).await;
    let removed = ok(&c, "add_tags", json!({"task": 2, "tags": ["phone"], "remove": true})).await;
    assert_eq!(removed["updated"][0]["tags"], json!(["family"]));

    let done = ok(&c, "complete_task", json!({"task": 1})).await;
    assert_eq!(numbers(&done["completed"]), vec![1]);
    let twice = ok(&c, "complete_task", json!({"task": 1})).await;
    assert_eq!(twice["already_completed"], json!([1]), "completing twice is not a false success");
    let completed = ok(&c, "list_tasks", json!({"status": "completed"})).await;
    assert_eq!(numbers(&completed["tasks"]), vec![1]);
    let reopened = ok(&c, "update_task", json!({"task": 1, "status": "pending"})).await;
    assert_eq!(reopened["task"]["status"], "pending");

    let deleted = ok(&c, "delete_task", json!({"tasks": [1, 3]})).await;
    assert_eq!(deleted["deleted"].as_array().unwrap().len(), 2);
    let left = ok(&c, "list_tasks", json!({"status": "all"})).await;
    assert_eq!(numbers(&left["tasks"]), vec![2]);

    let summary = ok(&c, "analytics_summary", json!({"days": 3})).await;
    assert_eq!(summary["pending"], 1);
    assert_eq!(summary["completed_per_day"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_recurring_task_moves_to_its_next_occurrence_when_completed() {
    let (srv, _db) = server().await;
    let c = srv.client("alice").await;
    let added = ok(&c, "add_task", json!({"title": "Standup", "recurrence": "every day at 9am"})).await;
    let first = added["created"][0]["due"]["date"].as_str().unwrap().to_owned();
    let done = ok(&c, "complete_task", json!({"task": 1})).await;
    assert!(done["completed"].as_array().unwrap().is_empty());
    let moved = &done["rescheduled"][0];
    assert_eq!(moved["status"], "pending");
    assert!(moved["due"]["date"].as_str().unwrap() > first.as_str(), "the due date moved on: {moved}");
    assert_eq!(moved["due"]["time"], "09:00");
    let recurring = ok(&c, "get_recurring_tasks", json!({"occurrences": 2})).await;
    let next = recurring["tasks"][0]["next"].as_array().unwrap();
    assert_eq!(next.len(), 2);
    let current = format!("{} 09:00", moved["due"]["date"].as_str().unwrap());
    assert!(
        next[0].as_str().unwrap() > current.as_str(),
        "next occurrences follow the current one: {next:?}"
    );
    let stats = ok(&c, "analytics_summary", json!({})).await;
    assert_eq!(stats["completed_per_day"].as_array().unwrap().last().unwrap()["completed"], 1);
}

#[tokio::test]
async fn phrases_are_read_in_the_time_zone_from_the_token() {
    let (srv, _db) = server().await;
    let token = srv.token("alice", Some("Asia/Karachi"));
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "add_task", "arguments": {"title": "tea", "due": "2030-01-15 17:00"}}});
    let response = post(&srv, Some(&token), &body.to_string()).await;
    assert_eq!(response.status(), 200);
    let reply: Value = response.json().await.unwrap();
    let due = &reply["result"]["structuredContent"]["created"][0]["due"];
    assert_eq!(due["utc"], "2030-01-15T12:00:00Z", "{reply}");
    assert_eq!(due["timezone"], "Asia/Karachi");
}

#[tokio::test]
async fn alice_and_bob_never_see_or_touch_each_others_tasks() {
    let (srv, _db) = server().await;
    let alice = srv.client("alice").await;
    let bob = srv.client("bob").await;
    ok(&alice, "add_task", json!({"title": "alice's secret plan", "tags": ["private"]})).await;

    let listed = ok(&bob, "list_tasks", json!({"status": "all"})).await;
    assert!(listed["tasks"].as_array().unwrap().is_empty());
    let searched = ok(&bob, "search_tasks", json!({"query": "secret"})).await;
    assert!(searched["tasks"].as_array().unwrap().is_empty());
    let stats = ok(&bob, "analytics_summary", json!({})).await;
    assert_eq!(stats["pending"], 0);
    for (tool, args) in [
        ("complete_task", json!({"task": 1})),
        ("delete_task", json!({"task": 1})),
        ("update_task", json!({"task": 1, "title": "hijacked"})),
        ("set_priority", json!({"task": 1, "priority": "p1"})),
        ("add_tags", json!({"task": 1, "tags": ["mine"]})),
        ("schedule_reminder", json!({"task": 1, "at": "2030-01-01T09:00"})),
    ] {
        let message = tool_error(&bob, tool, args).await;
        assert!(message.contains("No task #1"), "{tool}: {message}");
    }
    let mine = ok(&bob, "add_task", json!({"title": "bob's"})).await;
    assert_eq!(mine["created"][0]["number"], 1, "bob numbers from 1 too");
    let intact = ok(&alice, "list_tasks", json!({})).await;
    assert_eq!(intact["tasks"][0]["title"], "alice's secret plan");
    assert_eq!(intact["tasks"][0]["priority"], "p4");
    assert_eq!(intact["tasks"][0]["tags"], json!(["private"]));
}

#[tokio::test]
async fn bad_arguments_come_back_as_tool_errors_that_say_what_is_accepted() {
    let (srv, _db) = server().await;
    let c = srv.client("alice").await;
    ok(&c, "add_task", json!({"title": "exists", "due": "2030-01-01"})).await;
    let cases = [
        ("add_task", json!({"title": "   "}), "empty"),
        ("add_task", json!({"title": "x".repeat(501)}), "limit is 500"),
        ("add_task", json!({"title": "x", "description": "d".repeat(5001)}), "5000"),
        ("add_task", json!({"title": "x", "priority": "p9"}), "p1 (urgent)"),
        ("add_task", json!({"title": "x", "due": "blursday at noonish"}), "blursday"),
        ("add_task", json!({"title": "x", "tags": ["t".repeat(51)]}), "at most 50"),
        ("add_task", json!({}), "title"),
        ("add_task", json!({"title": "nul \u{0000} byte"}), "NUL"),
        ("add_task", json!({"title": "x", "tags": ["a\u{0000}"]}), "NUL"),
        ("add_task", json!({"title": 42}), "deserialize"),
        ("list_tasks", json!({"limit": 0}), "between 1 and 100"),
        ("list_tasks", json!({"limit": 101}), "between 1 and 100"),
        ("list_tasks", json!({"cursor": "bogus"}), "cursor"),
        ("list_tasks", json!({"status": "sleeping"}), "deserialize"),
        ("search_tasks", json!({"query": "?!"}), "no words"),
        ("search_tasks", json!({"query": "q".repeat(201)}), "too long"),
        ("delete_task", json!({}), "Say which task"),
        ("delete_task", json!({"tasks": []}), "Say which task"),
        ("complete_task", json!({"task": "one"}), "deserialize"),
        ("schedule_reminder", json!({"task": 1, "at": "2001-01-01T09:00"}), "in the past"),
        ("schedule_reminder", json!({"task": 1, "at": "soonish"}), "soonish"),
        ("analytics_summary", json!({"days": 1000}), "1-90"),
        ("get_recurring_tasks", json!({"occurrences": 0}), "1-10"),
    ];
    for (tool, args, expected) in cases {
        let message = tool_error(&c, tool, args.clone()).await;
        assert!(message.contains(expected), "{tool} {args}: expected '{expected}' in: {message}");
    }
    let all = ok(&c, "list_tasks", json!({"status": "all"})).await;
    assert_eq!(all["tasks"].as_array().unwrap().len(), 1, "no failed call wrote anything");
}

#[tokio::test]
async fn an_unknown_tool_is_a_protocol_error() {
    let (srv, _db) = server().await;
    let c = srv.client("alice").await;
    let err = try_call(&c, "drop_tables", json!({})).await.unwrap_err();
    assert!(err.to_string().contains("tool"), "{err}");
}

#[tokio::test]
async fn reminders_due_are_readable_as_a_resource() {
    let (store, _dir) = support::sqlite_store().await;
    let srv = TestServer::start(store.clone()).await;
    let c = srv.client("alice").await;
    ok(
        &c,
        "add_task",
        json!({"title": "water plants", "due": "2030-05-01T10:00", "reminder": "30 minutes before"}),
    )
    .await;
    let set = ok(&c, "schedule_reminder", json!({"task": 1, "at": "in 2 hours"})).await;
    assert_eq!(set["reminders"].as_array().unwrap().len(), 2);
    // A reminder that is already due, written below the tool (which refuses past times).
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    let reminder = mcp_tasks::store::NewReminder { at: past, phrase: None };
    store.add_reminder("alice", 1, reminder, past - chrono::Duration::hours(1)).await.unwrap();
    let resources = c.list_all_resources().await.unwrap();
    assert_eq!(resources[0].uri, mcp_tasks::tools::DUE_REMINDERS_URI);
    let read = c
        .read_resource(rmcp::model::ReadResourceRequestParams::new(mcp_tasks::tools::DUE_REMINDERS_URI))
        .await
        .unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!()
    };
    let due: Value = serde_json::from_str(text).unwrap();
    assert_eq!(due["reminders"].as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due["reminders"][0]["title"], "water plants");
    let bob = srv.client("bob").await;
    let read = bob
        .read_resource(rmcp::model::ReadResourceRequestParams::new(mcp_tasks::tools::DUE_REMINDERS_URI))
        .await
        .unwrap();
    let rmcp::model::ResourceContents::TextResourceContents { text, .. } = &read.contents[0] else {
        panic!()
    };
    assert!(!text.contains("water plants"), "bob does not see alice's reminders");
}

async fn post(srv: &TestServer, token: Option<&str>, body: &str) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}/mcp", srv.base))
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .header("mcp-protocol-version", "2025-11-25")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.timeout(Duration::from_secs(10)).send().await.unwrap()
}

#[tokio::test]
async fn requests_without_a_valid_token_get_401_with_a_bearer_challenge() {
    let (srv, _db) = server().await;
    let other = shared::identity::TokenKey::new("some-other-secret-some-other-secret").unwrap();
    let wrong_audience = srv.key.mint("alice", "chat-gateway", "test", None, Duration::from_secs(60));
    let wrong_key = other.mint("alice", "mcp-tasks", "test", None, Duration::from_secs(60));
    let expired = expired_token();
    let alg_none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsImF1ZCI6Im1jcC10YXNrcyIsImV4cCI6OTk5OTk5OTk5OX0.";
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list_tasks", "arguments": {}}});
    for (case, token) in [
        ("missing", None),
        ("garbage", Some("not-a-jwt")),
        ("wrong audience", Some(wrong_audience.as_str())),
        ("wrong key", Some(wrong_key.as_str())),
        ("expired", Some(expired.as_str())),
        ("alg none", Some(alg_none)),
    ] {
        let response = post(&srv, token, &body.to_string()).await;
        assert_eq!(response.status(), 401, "{case}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap().to_owned();
        assert!(challenge.starts_with("Bearer"), "{case}: {challenge}");
        let text = response.text().await.unwrap();
        assert!(!text.contains("Invalid") && !text.contains("signature"), "{case} leaks detail: {text}");
    }
}

fn expired_token() -> String {
    use jsonwebtoken::{EncodingKey, Header, encode};
    let claims = json!({"sub": "alice", "aud": "mcp-tasks", "exp": chrono::Utc::now().timestamp() - 3600});
    encode(&Header::default(), &claims, &EncodingKey::from_secret(support::SECRET.as_bytes())).unwrap()
}

#[tokio::test]
async fn malformed_requests_get_client_errors_never_5xx() {
    let (srv, _db) = server().await;
    let token = srv.token("alice", None);
    let cases = [
        ("not json", "{nope".to_owned()),
        ("not json-rpc", json!({"hello": "world"}).to_string()),
        ("unknown method", json!({"jsonrpc": "2.0", "id": 1, "method": "tasks/explode"}).to_string()),
        (
            "params of the wrong type",
            json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": 7}).to_string(),
        ),
        ("empty body", String::new()),
        ("oversize body", format!("{{\"x\": \"{}\"}}", "a".repeat(5 << 20))),
    ];
    for (case, body) in cases {
        let response = post(&srv, Some(&token), &body).await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(!status.is_server_error(), "{case}: {status} {text}");
        let refused = status.is_client_error() || text.contains("\"error\"");
        assert!(refused, "{case} was not refused: {status} {text}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer_and_foreign_hosts_are_refused() {
    let (srv, _db) = server().await;
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{}/healthz", srv.base)).send().await.unwrap().status(), 200);
    let ready = http.get(format!("{}/readyz", srv.base)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "list_tasks", "arguments": {}}});
    let response = http
        .post(format!("{}/mcp", srv.base))
        .header("host", "evil.example")
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .bearer_auth(srv.token("alice", None))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403, "DNS-rebinding protection refuses unknown hosts");
}
