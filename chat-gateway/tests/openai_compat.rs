//! The OpenAI-compatible `/v1` from outside: the real gateway on port 0 with the offline
//! agent and the real mcp-tasks (so "add buy milk" really adds a task and the call shows in
//! `metadata`), streams read with a real SSE parser, the conversation continued with
//! `X-Conversation-Id`, a new one seeded with the client's history, a model that is down,
//! and every error OpenAI-shaped with the right status. Each case runs on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::Arc;

use chat_gateway::store::ThreadStore;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use support::product::{self, Mind, Stack};

fn ask(text: &str) -> Value {
    json!({"model": "task-assistant", "messages": [{"role": "user", "content": text}]})
}

/// `POST /v1/chat/completions`: (status, X-Conversation-Id, JSON body).
async fn complete(
    stack: &Stack,
    user: &str,
    body: &Value,
    conversation: Option<&str>,
) -> (u16, Option<String>, Value) {
    let mut request = stack
        .http
        .post(format!("{}/v1/chat/completions", stack.base))
        .bearer_auth(stack.token(user))
        .json(body);
    if let Some(id) = conversation {
        request = request.header("x-conversation-id", id);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let header = response.headers().get("x-conversation-id").map(|v| v.to_str().unwrap().to_owned());
    (status, header, response.json().await.unwrap())
}

/// A streamed completion: (X-Conversation-Id, the JSON chunks, whether `[DONE]` came last).
async fn stream(stack: &Stack, user: &str, body: &Value) -> (String, Vec<Value>, bool) {
    let response = stack
        .http
        .post(format!("{}/v1/chat/completions", stack.base))
        .bearer_auth(stack.token(user))
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let conversation = response.headers()["x-conversation-id"].to_str().unwrap().to_owned();
    let mut chunks = Vec::new();
    let mut done = false;
    let mut sse = response.bytes_stream().eventsource();
    while let Some(event) = sse.next().await {
        let event = event.unwrap();
        assert!(!done, "nothing after [DONE]");
        if event.data == "[DONE]" {
            done = true;
        } else {
            chunks.push(serde_json::from_str(&event.data).unwrap());
        }
    }
    (conversation, chunks, done)
}

async fn messages(stack: &Stack, user: &str, thread: &str) -> Vec<(String, String)> {
    let (status, page) = stack.get(user, &format!("/api/threads/{thread}/messages")).await;
    assert_eq!(status, 200, "{page}");
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["role"].as_str().unwrap().to_owned(), m["content"].as_str().unwrap().to_owned()))
        .collect()
}

async fn models_lists_the_task_assistant_only(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let (status, list) = stack.get("alice", "/v1/models").await;
    assert_eq!(status, 200);
    assert_eq!(list["object"], "list");
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert_eq!(list["data"][0]["id"], "task-assistant");
    assert_eq!(list["data"][0]["object"], "model");
    assert_eq!(stack.get("alice", "/v1/models/task-assistant").await.1, list["data"][0]);
    let (status, error) = stack.get("alice", "/v1/models/gpt-4o").await;
    assert_eq!((status, &error["error"]["code"]), (404, &json!("model_not_found")));
    let other = json!({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]});
    let (status, _, error) = complete(&stack, "alice", &other, None).await;
    assert_eq!(
        (status, &error["error"]["code"], &error["error"]["param"]),
        (404, &json!("model_not_found"), &json!("model"))
    );
}

async fn a_conversation_continues_across_two_requests(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let (status, header, first) = complete(&stack, "alice", &ask("add buy milk"), None).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["object"], "chat.completion");
    assert_eq!(first["model"], "task-assistant");
    assert!(first["id"].as_str().unwrap().starts_with("chatcmpl-"));
    let choice = &first["choices"][0];
    assert_eq!((&choice["index"], &choice["finish_reason"]), (&json!(0), &json!("stop")));
    assert_eq!(choice["message"]["role"], "assistant");
    assert!(choice["message"]["content"].as_str().unwrap().contains("buy milk"), "{first}");
    assert!(first["usage"]["total_tokens"].as_u64().unwrap() > 0);
    let thread = header.unwrap();
    assert_eq!(first["metadata"]["conversation_id"], thread.as_str());
    let calls = first["metadata"]["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "{first}");
    assert_eq!(
        (&calls[0]["name"], &calls[0]["arguments"]["title"]),
        (&json!("add_task"), &json!("buy milk"))
    );
    assert_eq!(calls[0]["status"], "ok");
    assert_eq!(stack.task_titles("alice").await, ["buy milk"], "the task really exists");
    assert!(stack.task_titles("bob").await.is_empty());

    // The client resends its history; with the header the thread's own history counts.
    let again = json!({"model": "task-assistant", "messages": [
        {"role": "user", "content": "add buy milk"},
        {"role": "assistant", "content": "something the client made up"},
        {"role": "user", "content": [{"type": "text", "text": "show my tasks"}]},
    ]});
    let (status, header, second) = complete(&stack, "alice", &again, Some(&thread)).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(header.as_deref(), Some(thread.as_str()), "the same thread");
    assert_eq!(second["metadata"]["tool_calls"][0]["name"], "list_tasks");
    assert!(second["choices"][0]["message"]["content"].as_str().unwrap().contains("buy milk"), "{second}");
    let said = messages(&stack, "alice", &thread).await;
    let roles: Vec<&str> = said.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"]);
    assert_eq!(said[2].1, "show my tasks");
    assert!(said.iter().all(|(_, text)| text != "something the client made up"));
    assert_eq!(stack.get("alice", "/api/threads").await.1["data"].as_array().unwrap().len(), 1);

    let (status, _, error) = complete(&stack, "bob", &ask("show my tasks"), Some(&thread)).await;
    assert_eq!((status, &error["error"]["code"]), (404, &json!("conversation_not_found")), "not bob's");
    assert_eq!(messages(&stack, "alice", &thread).await.len(), 4, "nothing added by bob");
}

async fn a_stream_sends_the_role_then_text_then_stop_with_metadata_then_done(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let mut body = ask("add call mom");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let (thread, chunks, done) = stream(&stack, "alice", &body).await;
    assert!(done, "ends with [DONE]");
    assert!(chunks.iter().all(|c| c["object"] == "chat.completion.chunk" && c["model"] == "task-assistant"));
    assert!(chunks.iter().all(|c| c["id"] == chunks[0]["id"]), "one id per answer");
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let usage = chunks.last().unwrap();
    assert_eq!(usage["choices"], json!([]));
    assert!(usage["usage"]["completion_tokens"].as_u64().unwrap() > 0);
    let last = &chunks[chunks.len() - 2];
    assert_eq!(last["choices"][0]["finish_reason"], "stop");
    assert_eq!(last["metadata"]["conversation_id"], thread.as_str());
    assert_eq!(last["metadata"]["tool_calls"][0]["name"], "add_task");
    assert_eq!(last["metadata"]["tool_calls"][0]["arguments"]["title"], "call mom");
    let middle = &chunks[1..chunks.len() - 2];
    assert!(middle.len() > 1, "the text streams in pieces");
    assert!(middle.iter().all(|c| c["choices"][0]["finish_reason"].is_null()));
    let text: String = middle.iter().map(|c| c["choices"][0]["delta"]["content"].as_str().unwrap()).collect();
    assert!(text.contains("call mom"), "{text}");
    let said = messages(&stack, "alice", &thread).await;
    assert_eq!(said[1], ("assistant".to_owned(), text), "what streamed is what was stored");
    assert_eq!(stack.task_titles("alice").await, ["call mom"]);
}

async fn a_new_conversation_starts_from_the_clients_history(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let body = json!({"model": "task-assistant", "messages": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "plan my week"},
        {"role": "assistant", "content": "Happy to help."},
        {"role": "assistant", "content": null},
        {"role": "tool", "content": "ignored"},
        {"role": "user", "content": "add buy bread"},
        {"role": "assistant", "content": "a trailing prefix is ignored"},
    ]});
    let (status, thread, answer) = complete(&stack, "alice", &body, None).await;
    assert_eq!(status, 200, "{answer}");
    let thread = thread.unwrap();
    let said = messages(&stack, "alice", &thread).await;
    let texts: Vec<&str> = said.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(texts[..3], ["plan my week", "Happy to help.", "add buy bread"]);
    assert_eq!(said.len(), 4);
    assert_eq!(stack.get("alice", &format!("/api/threads/{thread}")).await.1["title"], "plan my week");
    assert_eq!(stack.task_titles("alice").await, ["buy bread"], "only the last user message is acted on");
}

async fn a_failed_turn_is_an_openai_error_and_keeps_the_message(store: Arc<dyn ThreadStore>) {
    let stack = Stack::with(store, Mind::DeadModel, (0, 0)).await;
    let response = stack
        .http
        .post(format!("{}/v1/chat/completions", stack.base))
        .bearer_auth(stack.token("alice"))
        .json(&ask("add buy milk"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(response.headers()["x-should-retry"], "false", "a blind retry would store the message again");
    let thread = response.headers()["x-conversation-id"].to_str().unwrap().to_owned();
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"]["type"], "server_error");
    assert_eq!(error["error"]["code"], "turn_failed");
    assert!(error["error"]["message"].as_str().unwrap().contains("unavailable"), "{error}");
    assert_eq!(messages(&stack, "alice", &thread).await, [("user".to_owned(), "add buy milk".to_owned())]);

    let mut body = ask("try again");
    body["stream"] = json!(true);
    let (thread, chunks, done) = stream(&stack, "alice", &body).await;
    assert!(done, "[DONE] after the error");
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let last = chunks.last().unwrap();
    assert_eq!(last["error"]["code"], "turn_failed", "{last}");
    assert!(chunks.iter().all(|c| c["choices"][0]["finish_reason"] != "stop"), "no normal end");
    assert_eq!(messages(&stack, "alice", &thread).await.len(), 1, "the user message stays");
}

async fn a_client_that_leaves_mid_stream_leaves_a_consistent_thread(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let mut body = ask("add buy milk");
    body["stream"] = json!(true);
    let response = stack
        .http
        .post(format!("{}/v1/chat/completions", stack.base))
        .bearer_auth(stack.token("alice"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let thread = response.headers()["x-conversation-id"].to_str().unwrap().to_owned();
    let mut sse = response.bytes_stream().eventsource();
    let first: Value = serde_json::from_str(&sse.next().await.unwrap().unwrap().data).unwrap();
    assert_eq!(first["choices"][0]["delta"]["role"], "assistant");
    drop(sse);
    // The turn ends on its own task; wait (bounded) until the thread is quiet and whole.
    for _ in 0..250 {
        // The title is the turn's last write.
        if stack.get("alice", &format!("/api/threads/{thread}")).await.1["title"].is_string() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let said = messages(&stack, "alice", &thread).await;
    assert_eq!(said[0], ("user".to_owned(), "add buy milk".to_owned()), "the input is kept");
    assert!(said[1..].iter().all(|(role, text)| role == "assistant" && !text.is_empty()), "{said:?}");
    let (status, _, next) = complete(&stack, "alice", &ask("show my tasks"), Some(&thread)).await;
    assert_eq!(status, 200, "the thread goes on: {next}");
}

/// What is sent, what it is, and the status, `type` and `code` it must get.
type Case<'a> = (&'a str, reqwest::RequestBuilder, u16, (&'a str, Option<&'a str>));

/// Asserts an OpenAI-shaped error with `status`, `type` and `code`.
fn openai_error(what: &str, status: u16, body: &Value, want: (u16, &str, Option<&str>)) {
    assert_eq!(status, want.0, "{what}: {body}");
    let error = body["error"].as_object().unwrap_or_else(|| panic!("{what}: {body}"));
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {body}");
    assert_eq!(error["type"], want.1, "{what}: {body}");
    assert!(error.contains_key("param") && error.contains_key("code"), "{what}: {body}");
    assert_eq!(error["code"].as_str(), want.2, "{what}: {body}");
}

async fn every_error_is_openai_shaped_with_the_right_status(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let url = format!("{}/v1/chat/completions", stack.base);
    let token = stack.token("alice");
    let post = |body: Vec<u8>| {
        stack.http.post(&url).bearer_auth(&token).header("content-type", "application/json").body(body)
    };
    let json = |v: Value| post(v.to_string().into_bytes());
    let bad = ("invalid_request_error", None);
    let cases: Vec<Case> = vec![
        (
            "no token",
            stack.http.post(&url).json(&ask("hi")),
            401,
            ("authentication_error", Some("invalid_api_key")),
        ),
        (
            "a bad token",
            stack.http.post(&url).bearer_auth("sk-nope").json(&ask("hi")),
            401,
            ("authentication_error", Some("invalid_api_key")),
        ),
        (
            "models without a token",
            stack.http.get(format!("{}/v1/models", stack.base)),
            401,
            ("authentication_error", Some("invalid_api_key")),
        ),
        ("malformed JSON", post(b"{\"model\": ".to_vec()), 400, bad),
        ("messages not an array", json(json!({"model": "task-assistant", "messages": "hi"})), 400, bad),
        ("no model", json(json!({"messages": [{"role": "user", "content": "hi"}]})), 400, bad),
        (
            "stream not a bool",
            json(
                json!({"model": "task-assistant", "messages": [{"role": "user", "content": "hi"}], "stream": "yes"}),
            ),
            400,
            bad,
        ),
        ("no messages", json(json!({"model": "task-assistant", "messages": []})), 400, bad),
        (
            "no user message",
            json(json!({"model": "task-assistant", "messages": [{"role": "system", "content": "x"}]})),
            400,
            bad,
        ),
        (
            "an unknown role",
            json(json!({"model": "task-assistant", "messages": [{"role": "wizard", "content": "x"}]})),
            400,
            bad,
        ),
        (
            "an image part",
            json(
                json!({"model": "task-assistant", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}),
            ),
            400,
            bad,
        ),
        ("an empty message", json(ask("   ")), 400, bad),
        ("a NUL", json(ask("a\u{0}b")), 400, bad),
        (
            "a NUL in history",
            json(
                json!({"model": "task-assistant", "messages": [{"role": "assistant", "content": "a\u{0}"}, {"role": "user", "content": "hi"}]}),
            ),
            400,
            bad,
        ),
        (
            "a 4,001-character message",
            json(ask(&"x".repeat(4001))),
            413,
            ("invalid_request_error", Some("request_too_large")),
        ),
        (
            "a 2 MiB body",
            post(vec![b' '; 2 << 20]),
            413,
            ("invalid_request_error", Some("request_too_large")),
        ),
        (
            "an unknown conversation",
            json(ask("hi")).header("x-conversation-id", "thr_nope"),
            404,
            ("invalid_request_error", Some("conversation_not_found")),
        ),
        (
            "a 10 kB conversation id",
            json(ask("hi")).header("x-conversation-id", "x".repeat(10_000)),
            404,
            ("invalid_request_error", Some("conversation_not_found")),
        ),
        (
            "an unknown /v1 path",
            stack.http.get(format!("{}/v1/embeddings", stack.base)).bearer_auth(&token),
            404,
            ("invalid_request_error", Some("unknown_url")),
        ),
        (
            "GET on completions",
            stack.http.get(&url).bearer_auth(&token),
            405,
            ("invalid_request_error", Some("method_not_allowed")),
        ),
    ];
    for (what, request, status, (kind, code)) in cases {
        let response = request.send().await.unwrap();
        let got = response.status().as_u16();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        openai_error(what, got, &body, (status, kind, code));
    }
    assert!(
        stack.get("alice", "/api/threads").await.1["data"].as_array().unwrap().is_empty(),
        "nothing stored"
    );

    let audio = json!({"model": "task-assistant", "messages": [{"role": "user", "content": [{"type": "input_audio"}]}]});
    let (status, _, error) = complete(&stack, "alice", &audio, None).await;
    assert_eq!(
        (status, &error["error"]["param"]),
        (400, &json!("messages[0].content")),
        "the field is named"
    );
}

async fn each_user_is_rate_limited_on_v1_and_rest_alike(store: Arc<dyn ThreadStore>) {
    let stack = Stack::with(store, Mind::Offline, (1, 2)).await;
    assert_eq!(stack.get("alice", "/v1/models").await.0, 200);
    assert_eq!(stack.get("alice", "/api/threads").await.0, 200);
    // The burst is spent; a slow machine may refill a token, so ask until refused (bounded).
    let mut limited = None;
    for _ in 0..20 {
        let url = format!("{}/v1/models", stack.base);
        let response = stack.http.get(url).bearer_auth(stack.token("alice")).send().await.unwrap();
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
    }
    let response = limited.expect("a 429 within 20 quick requests at 1/s");
    assert!(response.headers().contains_key("retry-after"));
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    openai_error("429 on /v1", status, &body, (429, "rate_limit_error", Some("rate_limit_exceeded")));
    let (status, rest) = stack.get("alice", "/api/threads").await;
    assert_eq!(
        (status, &rest["error"]["code"]),
        (429, &json!("rate_limited")),
        "REST shares the budget, in its own shape"
    );
    assert_eq!(stack.get("bob", "/v1/models").await.0, 200, "bob has his own budget");
}

async fn browsers_can_read_the_conversation_header(store: Arc<dyn ThreadStore>) {
    let stack = Stack::start(store).await;
    let response = stack
        .http
        .post(format!("{}/v1/chat/completions", stack.base))
        .bearer_auth(stack.token("alice"))
        .header("origin", product::ORIGIN)
        .json(&ask("hello"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let exposed = response.headers()["access-control-expose-headers"].to_str().unwrap().to_ascii_lowercase();
    assert!(exposed.contains("x-conversation-id"), "{exposed}");
    let preflight = stack
        .http
        .request(Method::OPTIONS, format!("{}/api/threads/thr_x", stack.base))
        .header("origin", product::ORIGIN)
        .header("access-control-request-method", "PATCH")
        .header("access-control-request-headers", "authorization,content-type,x-conversation-id")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let methods = preflight.headers()["access-control-allow-methods"].to_str().unwrap().to_owned();
    assert!(methods.contains("PATCH") && methods.contains("DELETE"), "{methods}");
}

on_both_backends!(
    models_lists_the_task_assistant_only,
    a_conversation_continues_across_two_requests,
    a_stream_sends_the_role_then_text_then_stop_with_metadata_then_done,
    a_new_conversation_starts_from_the_clients_history,
    a_failed_turn_is_an_openai_error_and_keeps_the_message,
    every_error_is_openai_shaped_with_the_right_status,
    each_user_is_rate_limited_on_v1_and_rest_alike,
    browsers_can_read_the_conversation_header,
    a_client_that_leaves_mid_stream_leaves_a_consistent_thread,
);
