//! The real gateway router on port 0, driven over HTTP with a real SSE parser: the event
//! order of every streaming op, pagination, renames and deletes, isolation between users,
//! authentication, bad input, rate limiting, failures inside a turn and disconnects.
//! Every case runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::auth::Authenticator;
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::echo::EchoResponder;
use chat_gateway::startup::{self, GatewayParts};
use chat_gateway::store::ThreadStore;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio_util::sync::CancellationToken;

const SECRET: &str = "gateway-test-secret-gateway-test-secret";

struct Gateway {
    base: String,
    key: TokenKey,
    http: reqwest::Client,
    shutdown: CancellationToken,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl Gateway {
    async fn start(store: Arc<dyn ThreadStore>, responder: Arc<dyn Responder>, rate: (u32, u32)) -> Self {
        let key = TokenKey::new(SECRET).unwrap();
        let parts = GatewayParts {
            rate_per_second: rate.0,
            rate_burst: rate.1,
            cors_origins: vec!["https://app.example".to_owned()],
            ..GatewayParts::new(store.clone(), responder, Authenticator::new(Some(key.clone()), None))
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shutdown = CancellationToken::new();
        tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));
        Self { base, key, http: reqwest::Client::new(), shutdown }
    }

    fn token(&self, user: &str) -> String {
        self.key.mint(user, "chat-gateway", "test", None, Duration::from_secs(300))
    }

    async fn send(&self, user: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}/chatkit", self.base))
            .bearer_auth(self.token(user))
            .json(body)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .unwrap()
    }

    /// A non-streaming op: (status, JSON body).
    async fn json(&self, user: &str, body: Value) -> (u16, Value) {
        let response = self.send(user, &body).await;
        let status = response.status().as_u16();
        let ct = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(ct.starts_with("application/json"), "{body}: content-type {ct}");
        (status, response.json().await.unwrap())
    }

    /// A streaming op: every event, parsed by a real SSE parser.
    async fn stream(&self, user: &str, body: Value) -> Vec<Value> {
        let response = self.send(user, &body).await;
        assert_eq!(response.status(), 200, "{body}");
        assert_eq!(response.headers()["content-type"], "text/event-stream");
        let mut events = Vec::new();
        let mut sse = response.bytes_stream().eventsource();
        while let Some(event) = sse.next().await {
            let event = event.unwrap();
            assert_eq!(event.event, "message", "no named events, like the reference");
            events.push(serde_json::from_str(&event.data).unwrap());
        }
        events
    }
}

fn message(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

async fn create(gw: &Gateway, user: &str, text: &str) -> (String, Vec<Value>) {
    let events = gw.stream(user, json!({"type": "threads.create", "params": {"input": message(text)}})).await;
    (events[0]["thread"]["id"].as_str().unwrap().to_owned(), events)
}

async fn echo(store: Arc<dyn ThreadStore>) -> Gateway {
    Gateway::start(store, Arc::new(EchoResponder { deltas: 3 }), (0, 0)).await
}

async fn a_new_thread_streams_events_in_the_reference_order(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let (thread_id, events) = create(&gw, "alice", "add buy milk tomorrow").await;
    assert_eq!(
        types(&events),
        vec![
            "thread.created",
            "thread.item.done",
            "stream_options",
            "thread.item.added",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.updated",
            "thread.item.done",
            "thread.updated",
        ]
    );
    assert_eq!(events[1]["item"]["type"], "user_message");
    assert_eq!(events[1]["item"]["content"][0]["text"], "add buy milk tomorrow");
    assert_eq!(events[2]["stream_options"]["allow_cancel"], true);
    assert_eq!(events[4]["update"]["type"], "assistant_message.content_part.added");
    let deltas: String = events[5..8].iter().map(|e| e["update"]["delta"].as_str().unwrap()).collect();
    assert_eq!(deltas, "add buy milk tomorrow");
    assert_eq!(
        events[9]["item"]["content"][0]["text"], "add buy milk tomorrow",
        "the full item is sent on done"
    );
    assert_eq!(events[10]["thread"]["title"], "add buy milk tomorrow", "a new thread gets a title");
    assert!(events[0]["thread"].get("title").is_none(), "nulls are omitted");
    assert_eq!(events[0]["thread"]["metadata"], json!({}));
    let created = events[0]["thread"]["created_at"].as_str().unwrap();
    assert!(created.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(created).is_ok(), "{created}");

    let more = gw
        .stream("alice", json!({"type": "threads.add_user_message", "params": {"thread_id": thread_id, "input": message("and eggs")}}))
        .await;
    assert_eq!(types(&more)[..3], ["thread.item.done", "stream_options", "thread.item.added"]);
    assert!(!types(&more).contains(&"thread.updated"), "the title is set once");
    let (status, thread) =
        gw.json("alice", json!({"type": "threads.get_by_id", "params": {"thread_id": thread_id}})).await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> =
        thread["items"]["data"].as_array().unwrap().iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["user_message", "assistant_message", "user_message", "assistant_message"],
        "oldest first"
    );
}

async fn lists_paginate_with_after_cursors_newest_first(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.push(create(&gw, "alice", &format!("thread {i}")).await.0);
    }
    let (_, page) = gw.json("alice", json!({"type": "threads.list", "params": {"limit": 2}})).await;
    let first: Vec<&str> =
        page["data"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(first, vec![ids[2].as_str(), ids[1].as_str()]);
    assert_eq!(page["has_more"], true);
    assert_eq!(page["after"], ids[1]);
    assert_eq!(page["data"][0]["items"], json!({"data": [], "has_more": false}));
    let (_, rest) =
        gw.json("alice", json!({"type": "threads.list", "params": {"limit": 2, "after": ids[1]}})).await;
    assert_eq!(rest["data"][0]["id"], ids[0]);
    assert_eq!(rest["has_more"], false);
    assert!(rest.get("after").is_none());

    let (_, items) =
        gw.json("alice", json!({"type": "items.list", "params": {"thread_id": ids[0], "limit": 1}})).await;
    assert_eq!(items["data"][0]["type"], "assistant_message", "items default to newest first");
    let (_, older) = gw
        .json("alice", json!({"type": "items.list", "params": {"thread_id": ids[0], "limit": 5, "after": items["after"]}}))
        .await;
    assert_eq!(older["data"][0]["type"], "user_message");
    let (_, asc) = gw
        .json("alice", json!({"type": "items.list", "params": {"thread_id": ids[0], "order": "asc"}}))
        .await;
    assert_eq!(asc["data"][0]["type"], "user_message");
}

async fn threads_can_be_renamed_deleted_and_rated(store: Arc<dyn ThreadStore>) {
    let gw = echo(store.clone()).await;
    let (id, events) = create(&gw, "alice", "hello").await;
    let (status, renamed) = gw
        .json("alice", json!({"type": "threads.update", "params": {"thread_id": id, "title": "Groceries"}}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(renamed["title"], "Groceries");
    let reply_id = events[9]["item"]["id"].as_str().unwrap();
    let (status, ok) = gw
        .json("alice", json!({"type": "items.feedback", "params": {"thread_id": id, "item_ids": [reply_id], "kind": "negative"}}))
        .await;
    assert_eq!((status, ok), (200, json!({})));
    assert_eq!(
        store.list_feedback("alice", &id).await.unwrap(),
        vec![(reply_id.to_owned(), "negative".to_owned())]
    );
    let (status, ok) = gw.json("alice", json!({"type": "threads.delete", "params": {"thread_id": id}})).await;
    assert_eq!((status, ok), (200, json!({})));
    let (status, error) =
        gw.json("alice", json!({"type": "threads.get_by_id", "params": {"thread_id": id}})).await;
    assert_eq!(status, 404);
    assert_eq!(error["error"]["code"], "not_found");
}

async fn retry_drops_later_items_and_replays_the_turn(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let (id, events) = create(&gw, "alice", "first").await;
    let first_message = events[1]["item"]["id"].as_str().unwrap().to_owned();
    gw.stream(
        "alice",
        json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": message("second")}}),
    )
    .await;
    let replay = gw
        .stream("alice", json!({"type": "threads.retry_after_item", "params": {"thread_id": id, "item_id": first_message}}))
        .await;
    assert_eq!(types(&replay)[0], "stream_options");
    assert_eq!(replay.last().unwrap()["item"]["content"][0]["text"], "first");
    let (_, items) =
        gw.json("alice", json!({"type": "items.list", "params": {"thread_id": id, "order": "asc"}})).await;
    let texts: Vec<&str> =
        items["data"].as_array().unwrap().iter().map(|i| i["content"][0]["text"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["first", "first"], "the second exchange is gone, the first replayed");
    let reply_id = replay.last().unwrap()["item"]["id"].as_str().unwrap();
    let response = gw
        .send(
            "alice",
            &json!({"type": "threads.retry_after_item", "params": {"thread_id": id, "item_id": reply_id}}),
        )
        .await;
    assert_eq!(response.status(), 400, "retry needs a user message");
}

async fn unsupported_features_say_so_in_the_protocol_shape(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    for body in
        [json!({"type": "input.transcribe", "params": {"audio_base64": "AAAA", "mime_type": "audio/webm"}})]
    {
        let (status, error) = gw.json("alice", body.clone()).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error["error"]["code"], "not_supported");
    }
    let (id, _) = create(&gw, "alice", "hi").await;
    let events = gw
        .stream("alice", json!({"type": "threads.custom_action", "params": {"thread_id": id, "action": {"type": "save", "payload": {}}}}))
        .await;
    assert_eq!(types(&events), vec!["stream_options", "error"]);
    assert_eq!(events[1]["allow_retry"], false);
}

async fn another_users_thread_is_not_found_on_every_op(store: Arc<dyn ThreadStore>) {
    let gw = echo(store.clone()).await;
    let (id, events) = create(&gw, "alice", "private plans").await;
    let item = events[1]["item"]["id"].as_str().unwrap();
    for body in [
        json!({"type": "threads.get_by_id", "params": {"thread_id": id}}),
        json!({"type": "items.list", "params": {"thread_id": id}}),
        json!({"type": "threads.update", "params": {"thread_id": id, "title": "mine now"}}),
        json!({"type": "threads.delete", "params": {"thread_id": id}}),
        json!({"type": "items.feedback", "params": {"thread_id": id, "item_ids": [item], "kind": "positive"}}),
        json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": message("hi")}}),
        json!({"type": "threads.retry_after_item", "params": {"thread_id": id, "item_id": item}}),
        json!({"type": "threads.custom_action", "params": {"thread_id": id, "action": {"type": "x"}}}),
        json!({"type": "threads.add_client_tool_output", "params": {"thread_id": id, "result": {}}}),
    ] {
        let (status, error) = gw.json("bob", body.clone()).await;
        assert_eq!(status, 404, "{body}: {error}");
    }
    let (_, bobs) = gw.json("bob", json!({"type": "threads.list", "params": {}})).await;
    assert_eq!(bobs["data"], json!([]));
    let thread = store.load_thread("alice", &id).await.unwrap();
    assert_eq!(thread.title.as_deref(), Some("private plans"), "alice's thread is untouched");
    let items = store.list_items("alice", &id, None, 10, Default::default()).await.unwrap();
    assert_eq!(items.data.len(), 2);
}

async fn bad_tokens_get_401_json(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let other = TokenKey::new("another-secret-another-secret-another").unwrap();
    let expired = {
        use jsonwebtoken::{EncodingKey, Header, encode};
        let claims = json!({"sub": "alice", "exp": chrono::Utc::now().timestamp() - 600});
        encode(&Header::default(), &claims, &EncodingKey::from_secret(SECRET.as_bytes())).unwrap()
    };
    let forged = other.mint("alice", "chat-gateway", "x", None, Duration::from_secs(60));
    let alg_none = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhbGljZSIsImV4cCI6OTk5OTk5OTk5OX0.";
    for (case, header) in [
        ("missing", None),
        ("garbage", Some("Bearer nope".to_owned())),
        ("forged", Some(format!("Bearer {forged}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("alg none", Some(format!("Bearer {alg_none}"))),
        ("basic", Some("Basic YWxpY2U6cHc=".to_owned())),
    ] {
        let mut request =
            gw.http.post(format!("{}/chatkit", gw.base)).json(&json!({"type": "threads.list", "params": {}}));
        if let Some(h) = header {
            request = request.header("authorization", h);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{case}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized", "{case}");
    }
}

async fn bad_input_is_a_4xx_json_error_and_stores_nothing(store: Arc<dyn ThreadStore>) {
    let gw = echo(store.clone()).await;
    let long = "x".repeat(4001);
    let cases: Vec<(Value, u16)> = vec![
        (json!({"type": "threads.explode", "params": {}}), 400),
        (json!({"type": "threads.create"}), 400),
        (json!({"params": {}}), 400),
        (json!({"type": 7}), 400),
        (json!({"type": "threads.create", "params": {"input": {"content": "hi"}}}), 400),
        (json!({"type": "threads.create", "params": {"input": message("")}}), 400),
        (json!({"type": "threads.create", "params": {"input": message("nul \u{0000} here")}}), 400),
        (json!({"type": "threads.create", "params": {"input": message(&long)}}), 413),
        (json!({"type": "threads.list", "params": {"limit": 0}}), 400),
        (json!({"type": "threads.list", "params": {"limit": "ten"}}), 400),
        (json!({"type": "threads.list", "params": {"order": "sideways"}}), 400),
        (json!({"type": "threads.get_by_id", "params": {"thread_id": "thr_nope"}}), 404),
        // PostgreSQL text cannot hold NUL: an id or cursor with one is refused, not a 500.
        (json!({"type": "threads.get_by_id", "params": {"thread_id": "thr_\u{0000}"}}), 400),
        (json!({"type": "threads.list", "params": {"after": "thr_\u{0000}"}}), 400),
        (json!({"type": "items.list", "params": {"thread_id": "thr_nope"}}), 404),
        (
            json!({"type": "threads.add_user_message", "params": {"thread_id": "thr_nope", "input": message("hi")}}),
            404,
        ),
        // An attachment id that was never created is not found (attachments.rs covers the rest).
        (
            json!({"type": "threads.create", "params": {"input": {"content": [], "attachments": ["atc_1"], "inference_options": {}}}}),
            404,
        ),
    ];
    for (body, expected) in cases {
        let (status, error) = gw.json("alice", body.clone()).await;
        assert_eq!(status, expected, "{body}: {error}");
        assert!(error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}: {error}");
    }
    let raw = gw
        .http
        .post(format!("{}/chatkit", gw.base))
        .bearer_auth(gw.token("alice"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let huge = gw
        .http
        .post(format!("{}/chatkit", gw.base))
        .bearer_auth(gw.token("alice"))
        .body(vec![b'x'; 2 << 20])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    let threads = store.list_threads("alice", None, 10, Default::default()).await.unwrap();
    assert!(threads.data.is_empty(), "no failed request created a thread");
}

async fn a_failing_turn_ends_with_an_error_event_and_keeps_the_user_message(store: Arc<dyn ThreadStore>) {
    struct Failing;
    #[async_trait::async_trait]
    impl Responder for Failing {
        async fn respond(&self, _: &Turn, _: &mut TurnSink) -> Result<(), TurnError> {
            Err(TurnError::Failed { message: "The model is busy; try again.".into(), allow_retry: true })
        }
    }
    let gw = Gateway::start(store.clone(), Arc::new(Failing), (0, 0)).await;
    let (id, events) = create(&gw, "alice", "add milk").await;
    assert_eq!(
        types(&events),
        vec!["thread.created", "thread.item.done", "stream_options", "error", "thread.updated"]
    );
    assert_eq!(events[3]["code"], "custom");
    assert_eq!(events[3]["allow_retry"], true);
    assert_eq!(events[3]["message"], "The model is busy; try again.");
    let items = store.list_items("alice", &id, None, 10, Default::default()).await.unwrap();
    assert_eq!(items.data.len(), 1);
    assert_eq!(items.data[0].kind, "user_message", "the user message was stored first");
}

async fn a_client_that_leaves_mid_stream_leaves_a_consistent_thread(store: Arc<dyn ThreadStore>) {
    use chat_gateway::chatkit::types::{Event, ItemBody, ItemUpdate, OutputText};
    struct Slow;
    #[async_trait::async_trait]
    impl Responder for Slow {
        async fn respond(&self, _: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
            let item = out.item("msg", ItemBody::AssistantMessage { content: vec![] });
            let id = item.id.clone();
            out.send(Event::ItemAdded { item }).await?;
            let added = ItemUpdate::PartAdded { content_index: 0, content: OutputText::new("") };
            out.send(Event::ItemUpdated { item_id: id.clone(), update: added }).await?;
            for i in 0..500 {
                let delta = ItemUpdate::TextDelta { content_index: 0, delta: format!("w{i} ") };
                out.send(Event::ItemUpdated { item_id: id.clone(), update: delta }).await?;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Err(TurnError::Failed { message: "should have been cut off".into(), allow_retry: false })
        }
    }
    let gw = Gateway::start(store.clone(), Arc::new(Slow), (0, 0)).await;
    let response =
        gw.send("alice", &json!({"type": "threads.create", "params": {"input": message("slow one")}})).await;
    let mut sse = response.bytes_stream().eventsource();
    let mut id = String::new();
    while let Some(event) = sse.next().await {
        let event: Value = serde_json::from_str(&event.unwrap().data).unwrap();
        if event["type"] == "thread.created" {
            id = event["thread"]["id"].as_str().unwrap().to_owned();
        }
        if event["update"]["type"] == "assistant_message.content_part.text_delta" {
            break;
        }
    }
    drop(sse);
    let mut items = Vec::new();
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        items = store.list_items("alice", &id, None, 10, chat_gateway::store::Order::Asc).await.unwrap().data;
        if items.len() == 2 {
            break;
        }
    }
    assert_eq!(
        items.iter().map(|i| i.kind.as_str()).collect::<Vec<_>>(),
        vec!["user_message", "assistant_message"]
    );
    let text = items[1].json["content"][0]["text"].as_str().unwrap();
    assert!(text.starts_with("w0 ") && text.len() < 500 * 5, "the partial text is kept whole: {text}");
    let thread = store.load_thread("alice", &id).await.unwrap();
    assert_eq!(thread.title.as_deref(), Some("slow one"));
}

async fn the_plain_json_endpoint_runs_the_same_threads(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let post = |body: Value| {
        gw.http.post(format!("{}/api/chat", gw.base)).bearer_auth(gw.token("alice")).json(&body).send()
    };
    let first: Value = post(json!({"message": "hello there"})).await.unwrap().json().await.unwrap();
    assert_eq!(first["reply"], "hello there");
    assert_eq!(first["tool_calls"], json!([]));
    let id = first["thread_id"].as_str().unwrap();
    let second: Value =
        post(json!({"message": "again", "thread_id": id})).await.unwrap().json().await.unwrap();
    assert_eq!(second["thread_id"], id);
    let (_, items) = gw.json("alice", json!({"type": "items.list", "params": {"thread_id": id}})).await;
    assert_eq!(items["data"].as_array().unwrap().len(), 4, "both turns are in the thread");
    let bad = post(json!({"msg": "typo"})).await.unwrap();
    assert_eq!(bad.status(), 400);
    let foreign = gw
        .http
        .post(format!("{}/api/chat", gw.base))
        .bearer_auth(gw.token("bob"))
        .json(&json!({"message": "hi", "thread_id": id}))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 404);
}

async fn each_user_is_rate_limited_with_retry_after(store: Arc<dyn ThreadStore>) {
    let gw = Gateway::start(store, Arc::new(EchoResponder { deltas: 1 }), (1, 2)).await;
    let list = json!({"type": "threads.list", "params": {}});
    let statuses: Vec<u16> = futures::future::join_all((0..4).map(|_| gw.send("alice", &list)))
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 2, "{statuses:?}");
    let limited = gw.send("alice", &list).await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_eq!(gw.send("bob", &list).await.status(), 200, "limits are per user");
}

async fn browsers_from_allowed_origins_pass_cors(store: Arc<dyn ThreadStore>) {
    let gw = echo(store).await;
    let preflight = gw
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/chatkit", gw.base))
        .header("origin", "https://app.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization,content-type")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert_eq!(preflight.headers()["access-control-allow-origin"], "https://app.example");
    let other = gw
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/chatkit", gw.base))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    for path in ["/healthz", "/readyz"] {
        assert_eq!(gw.http.get(format!("{}{path}", gw.base)).send().await.unwrap().status(), 200, "{path}");
    }
}

on_both_backends!(
    a_new_thread_streams_events_in_the_reference_order,
    lists_paginate_with_after_cursors_newest_first,
    threads_can_be_renamed_deleted_and_rated,
    retry_drops_later_items_and_replays_the_turn,
    unsupported_features_say_so_in_the_protocol_shape,
    another_users_thread_is_not_found_on_every_op,
    bad_tokens_get_401_json,
    bad_input_is_a_4xx_json_error_and_stores_nothing,
    a_failing_turn_ends_with_an_error_event_and_keeps_the_user_message,
    a_client_that_leaves_mid_stream_leaves_a_consistent_thread,
    the_plain_json_endpoint_runs_the_same_threads,
    each_user_is_rate_limited_with_retry_after,
    browsers_from_allowed_origins_pass_cors,
);
