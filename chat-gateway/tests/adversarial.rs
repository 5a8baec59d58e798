//! The gateway under hostile input, driven from outside: the real gateway and the real
//! mcp-tasks on port 0, with a counting proxy between them that sees every MCP tool call
//! (how many, and how many at once). Each case sends what a hostile client would and
//! asserts the bound: a clear 4xx (never a 5xx), bounded work towards mcp-tasks, nothing
//! stored beyond the limits, and other users unaffected.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::limits::{AgentLimits, RequestLimits};
use chat_gateway::routes::host::AllowedHosts;
use chat_gateway::startup::{self, GatewayParts};
use chat_gateway::store::{Order, ThreadStore};
use chat_gateway::tasks_client::TasksClient;
use futures::StreamExt;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use shared::serve::ConnectionLimits;
use support::stack::{self, Running, TASKS_SECRET, USER_SECRET, token};
use tokio_util::sync::CancellationToken;

/// Tool calls that reached mcp-tasks: in all, and the most at once.
#[derive(Default)]
struct Counter {
    calls: AtomicUsize,
    now: AtomicUsize,
    most: AtomicUsize,
}

/// Decrements the in-flight count when the proxied answer has been read (or dropped).
struct InFlight(Arc<Counter>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Forwards one request to mcp-tasks; counts it when it is a `tools/call`.
async fn proxy(State((upstream, counter)): State<(String, Arc<Counter>)>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let is_call = serde_json::from_slice::<Value>(&body).is_ok_and(|v| v["method"] == "tools/call");
    let guard = is_call.then(|| {
        counter.calls.fetch_add(1, Ordering::SeqCst);
        let now = counter.now.fetch_add(1, Ordering::SeqCst) + 1;
        counter.most.fetch_max(now, Ordering::SeqCst);
        InFlight(counter.clone())
    });
    let mut forward = reqwest::Client::new().request(parts.method, format!("{upstream}{}", parts.uri));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            forward = forward.header(name, value);
        }
    }
    let Ok(answer) = forward.body(body).send().await else {
        return Response::builder().status(502).body(Body::from("mcp-tasks is down")).unwrap();
    };
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    let stream = answer.bytes_stream().map(move |chunk| {
        let _held = &guard;
        chunk.map_err(std::io::Error::other)
    });
    response.body(Body::from_stream(stream)).unwrap()
}

/// The product with a counting proxy in front of mcp-tasks.
struct Product {
    base: String,
    http: reqwest::Client,
    counter: Arc<Counter>,
    store: Arc<dyn ThreadStore>,
    tasks: Arc<dyn mcp_tasks::store::Store>,
    gateway: Running,
    tasks_server: Running,
    _dir: tempfile::TempDir,
}

impl Drop for Product {
    fn drop(&mut self) {
        self.gateway.shutdown.cancel();
        self.tasks_server.shutdown.cancel();
    }
}

/// How a [`Product`] answers and what it is held to.
struct Setup {
    brain: Brain,
    agent: AgentLimits,
    request: RequestLimits,
    /// Replaces the agent when set.
    responder: Option<Arc<dyn Responder>>,
    connections: ConnectionLimits,
    /// Requests per second and burst per user (0: no limit).
    rate: (u32, u32),
    allowed_hosts: AllowedHosts,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            brain: Brain::Offline,
            agent: AgentLimits::default(),
            request: RequestLimits::default(),
            responder: None,
            connections: ConnectionLimits::default(),
            rate: (0, 0),
            allowed_hosts: AllowedHosts::Any,
        }
    }
}

impl Product {
    async fn start(store: Arc<dyn ThreadStore>, setup: Setup) -> Self {
        let (tasks, dir) = stack::tasks_sqlite().await;
        let tasks_server = stack::start_tasks(tasks.clone()).await;
        let counter = Arc::new(Counter::default());
        let app =
            axum::Router::new().fallback(proxy).with_state((tasks_server.base.clone(), counter.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxied = format!("http://{}/mcp", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = TasksClient::new(
            proxied.parse().unwrap(),
            TokenKey::new(TASKS_SECRET).unwrap(),
            Duration::from_secs(20),
        )
        .with_concurrency(setup.agent.tasks_concurrency);
        let responder = setup.responder.unwrap_or_else(|| {
            Arc::new(Agent::new(Arc::new(client), setup.brain, 4).with_limits(setup.agent))
        });
        let key = TokenKey::new(USER_SECRET).unwrap();
        let parts = GatewayParts {
            request_limits: setup.request,
            rate_per_second: setup.rate.0,
            rate_burst: setup.rate.1,
            allowed_hosts: setup.allowed_hosts,
            ..GatewayParts::new(store.clone(), responder, Authenticator::new(Some(key), None))
        };
        let shutdown = CancellationToken::new();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let served = (shared::shutdown::DEFAULT_GRACE, setup.connections);
        let handle = tokio::spawn(startup::serve(listener, startup::app(parts), shutdown.clone(), served));
        let gateway = Running { base: base.clone(), shutdown, handle };
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
        Self { base, http, counter, store, tasks, gateway, tasks_server, _dir: dir }
    }

    fn calls(&self) -> usize {
        self.counter.calls.load(Ordering::SeqCst)
    }

    /// POSTs JSON to `path` as `user`: (status, body as JSON or as a string).
    async fn post(&self, user: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token(user))
            .json(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// One `/api/chat` turn that must succeed: the reply body.
    async fn chat(&self, user: &str, message: &str) -> Value {
        let (status, body) = self.post(user, "/api/chat", &json!({"message": message})).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn thread_count(&self, user: &str) -> usize {
        self.store.list_threads(user, None, 100, Order::Desc).await.unwrap().data.len()
    }

    /// `n` tasks of `user`'s, made in mcp-tasks' store directly.
    async fn add_tasks(&self, user: &str, n: usize) {
        let tasks = (1..=n)
            .map(|i| mcp_tasks::store::NewTask {
                title: format!("chore {i}"),
                description: None,
                priority: mcp_tasks::store::Priority::DEFAULT,
                tags: vec![],
                due: None,
                recurrence: None,
                reminders: vec![],
            })
            .collect();
        self.tasks.add_tasks(user, tasks, chrono::Utc::now()).await.unwrap();
    }
}

// --- One message fans out without bound (item 1) ---

async fn a_message_naming_thousands_of_task_numbers_is_refused_without_one_tool_call(
    store: Arc<dyn ThreadStore>,
) {
    let product = Product::start(store, Setup::default()).await;
    let ranges: Vec<String> = (0..78).map(|i| format!("{}-{}", i * 51 + 1, i * 51 + 51)).collect();
    let message = format!("reopen {}", ranges.join(","));
    assert!(message.chars().count() <= 4000);
    let body = product.chat("mallory", &message).await;
    assert!(body["reply"].as_str().unwrap().contains("at most 100"), "{body}");
    assert_eq!(body["tool_calls"], json!([]));
    let listed: String = (1..=1000).map(|n| format!("{n} ")).collect();
    let body = product.chat("mallory", &format!("complete {listed}")).await;
    assert!(body["reply"].as_str().unwrap().contains("at most 100"), "{body}");
    assert_eq!(product.calls(), 0, "no tool call reached mcp-tasks");
    // Another user is answered as usual meanwhile.
    let body = product.chat("alice", "add buy milk").await;
    assert_eq!(body["tool_calls"].as_array().unwrap().len(), 1, "{body}");
}

async fn reopening_forty_tasks_is_one_update_task_call(store: Arc<dyn ThreadStore>) {
    let product = Product::start(store, Setup::default()).await;
    product.add_tasks("ann", 40).await;
    let numbers: Vec<i64> = (1..=40).collect();
    let now = chrono::Utc::now();
    let complete = |t: &mut mcp_tasks::store::Task| {
        t.status = mcp_tasks::store::Status::Completed;
        t.completed_at = Some(now);
        Ok(mcp_tasks::store::Change::Completed)
    };
    product.tasks.modify_tasks("ann", &numbers, now, &complete).await.unwrap();
    let before = product.calls();
    let body = product.chat("ann", "reopen 1-40").await;
    let calls = body["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "one call for the forty: {body}");
    assert_eq!(calls[0]["name"], "update_task", "{body}");
    assert_eq!(calls[0]["arguments"]["tasks"], json!(numbers), "{body}");
    assert_eq!(product.calls() - before, 1, "one tool call reached mcp-tasks");
    let tasks = product.tasks.get_tasks("ann", &numbers).await.unwrap();
    assert!(tasks.iter().all(|t| t.status == mcp_tasks::store::Status::Pending), "all forty reopened");
}

async fn reminders_for_forty_tasks_are_one_schedule_reminder_call(store: Arc<dyn ThreadStore>) {
    let product = Product::start(store, Setup::default()).await;
    product.add_tasks("ann", 40).await;
    product.add_tasks("bob", 1).await;
    let numbers: Vec<i64> = (1..=40).collect();
    let before = product.calls();
    let body = product.chat("ann", "remind me about 1-40 tomorrow at 9am").await;
    let calls = body["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 1, "one call for the forty: {body}");
    assert_eq!(calls[0]["name"], "schedule_reminder", "{body}");
    assert_eq!(calls[0]["arguments"]["tasks"], json!(numbers), "{body}");
    assert_eq!(product.calls() - before, 1, "one tool call reached mcp-tasks");
    let (from, to) = (chrono::Utc::now(), chrono::Utc::now() + chrono::Duration::days(3));
    let set = product.tasks.user_due_reminders("ann", from, to).await.unwrap();
    let mut reminded: Vec<i64> = set.iter().map(|r| r.task).collect();
    reminded.sort_unstable();
    assert_eq!(reminded, numbers, "one reminder on each of the forty");
    assert!(
        product.tasks.user_due_reminders("bob", from, to).await.unwrap().is_empty(),
        "bob's #1 untouched"
    );
}

async fn many_tool_calls_in_one_step_run_at_most_the_turns_concurrency_at_once(store: Arc<dyn ThreadStore>) {
    // Every tool takes many numbers now, so a model asking for many calls in one step is
    // what still fans out within a turn.
    let model = model_asking_for_list_calls(12).await;
    let agent = AgentLimits { tool_concurrency: 3, max_tool_calls: 12, ..AgentLimits::default() };
    let brain = stack::llm(&model, "scripted");
    let product = Product::start(store, Setup { brain, agent, ..Setup::default() }).await;
    let body = product.chat("ann", "list my tasks twelve times").await;
    assert_eq!(body["tool_calls"].as_array().unwrap().len(), 12, "{body}");
    assert_eq!(product.calls(), 12, "every call ran");
    let most = product.counter.most.load(Ordering::SeqCst);
    assert!((1..=3).contains(&most), "{most} calls were in flight at once");
}

async fn the_process_wide_bound_holds_over_many_users_at_once(store: Arc<dyn ThreadStore>) {
    let agent = AgentLimits { tool_concurrency: 8, tasks_concurrency: 2, ..AgentLimits::default() };
    let product = Arc::new(Product::start(store, Setup { agent, ..Setup::default() }).await);
    let turns = (0..6).map(|u| {
        let product = product.clone();
        async move { product.chat(&format!("user{u}"), "add a, b, c, d").await }
    });
    for body in futures::future::join_all(turns).await {
        assert!(body["tool_calls"].as_array().is_some_and(|c| !c.is_empty()), "{body}");
    }
    let most = product.counter.most.load(Ordering::SeqCst);
    assert!((1..=2).contains(&most), "{most} calls were in flight at once");
}

async fn a_model_asking_for_fifty_tool_calls_in_one_step_gets_only_the_cap_run(store: Arc<dyn ThreadStore>) {
    let model = model_asking_for_list_calls(50).await;
    let agent = AgentLimits { max_tool_calls: 5, ..AgentLimits::default() };
    let brain = stack::llm(&model, "scripted");
    let product = Product::start(store, Setup { brain, agent, ..Setup::default() }).await;
    let body = product.chat("mallory", "list everything fifty times").await;
    let calls = body["tool_calls"].as_array().unwrap();
    assert_eq!(calls.len(), 50, "every call the model asked for is answered and recorded");
    let not_run =
        calls.iter().filter(|c| c["result"]["text"].as_str().unwrap().starts_with("Not run")).count();
    assert_eq!(not_run, 45, "{body}");
    assert_eq!(product.calls(), 5, "only the cap reached mcp-tasks");
}

// --- Unbounded work per request (item 3) ---

async fn feedback_on_more_items_than_the_limit_is_a_413_and_records_nothing(store: Arc<dyn ThreadStore>) {
    let product = Product::start(store, Setup::default()).await;
    let thread = product.chat("ann", "hello").await["thread_id"].as_str().unwrap().to_owned();
    let ids: Vec<String> = (0..40_000).map(|i| format!("msg_{i:08}")).collect();
    let feedback = |ids: &[String]| json!({"type": "items.feedback", "params": {"thread_id": thread, "item_ids": ids, "kind": "positive"}});
    let (status, body) = product.post("ann", "/chatkit", &feedback(&ids)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("limit is 100"), "{body}");
    assert!(product.store.list_feedback("ann", &thread).await.unwrap().is_empty());
    let (status, body) = product.post("ann", "/chatkit", &feedback(&ids[..100])).await;
    assert_eq!(status, 200, "the limit itself is allowed: {body}");
}

async fn tag_data_options_and_quoted_text_count_against_the_limits(store: Arc<dyn ThreadStore>) {
    let product = Product::start(store, Setup::default()).await;
    let create = |input: Value| json!({"type": "threads.create", "params": {"input": input}});
    let big = "x".repeat(900_000);
    let cases = [
        (
            "900 KB of tag data",
            json!({"content": [{"type": "input_text", "text": "hello"},
                               {"type": "input_tag", "id": "t", "text": "tag", "data": {"blob": big}}],
                   "attachments": [], "inference_options": {}}),
        ),
        (
            "50,000 characters of quoted text behind 5",
            json!({"content": [{"type": "input_text", "text": "hello"}], "attachments": [],
                   "quoted_text": "q".repeat(50_000), "inference_options": {}}),
        ),
        (
            "a 10 KB inference option",
            json!({"content": [{"type": "input_text", "text": "hello"}], "attachments": [],
                   "inference_options": {"model": "m".repeat(10_000)}}),
        ),
        (
            "a thousand tags",
            json!({"content": (0..1000).map(|i| json!({"type": "input_tag", "id": format!("t{i}"), "text": "t", "data": {}})).collect::<Vec<_>>(),
                   "attachments": [], "inference_options": {}}),
        ),
    ];
    for (what, input) in cases {
        let (status, body) = product.post("mallory", "/chatkit", &create(input)).await;
        assert_eq!(status, 413, "{what}: {body}");
        assert_eq!(body["error"]["code"], "too_large", "{what}: {body}");
    }
    assert_eq!(product.thread_count("mallory").await, 0, "nothing was stored");
    let within = json!({"content": [{"type": "input_text", "text": "hello"},
                                    {"type": "input_tag", "id": "t", "text": "tag", "data": {"k": "v"}}],
                        "attachments": [], "quoted_text": "earlier words", "inference_options": {}});
    let response = stack::post(&product.base, "mallory", &create(within)).await;
    assert_eq!(response.status(), 200);
    stack::events(response).await;
    assert_eq!(product.thread_count("mallory").await, 1);
}

async fn v1_with_too_many_or_too_long_earlier_messages_is_a_413_and_stores_nothing(
    store: Arc<dyn ThreadStore>,
) {
    let product = Product::start(store, Setup::default()).await;
    let mut many: Vec<Value> =
        (0..30_000).map(|i| json!({"role": "user", "content": format!("m{i}")})).collect();
    many.push(json!({"role": "user", "content": "hello"}));
    let long = vec![
        json!({"role": "user", "content": "y".repeat(500_000)}),
        json!({"role": "user", "content": "hello"}),
    ];
    for (what, messages) in [("30,001 messages", many), ("a 500,000-character earlier message", long)] {
        let body = json!({"model": "task-assistant", "messages": messages});
        let (status, answer) = product.post("mallory", "/v1/chat/completions", &body).await;
        assert_eq!(status, 413, "{what}: {answer}");
        assert_eq!(answer["error"]["type"], "invalid_request_error", "{what}: {answer}");
    }
    assert_eq!(product.thread_count("mallory").await, 0);
}

async fn a_page_of_messages_reads_only_that_pages_tool_calls(store: Arc<dyn ThreadStore>) {
    let product = Product::start(store, Setup::default()).await;
    let first = product.chat("ann", "add one, two");
    let thread = first.await["thread_id"].as_str().unwrap().to_owned();
    for n in 0..5 {
        let body = json!({"message": format!("add task {n}"), "thread_id": thread});
        let (status, answer) = product.post("ann", "/api/chat", &body).await;
        assert_eq!(status, 200, "{answer}");
    }
    let get = |query: &str| {
        let url = format!("{}/api/threads/{thread}/messages?{query}", product.base);
        let request = product.http.get(url).bearer_auth(token("ann"));
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let all = get("limit=100").await;
    let page = get("limit=2&order=desc").await;
    let calls = |page: &Value| -> Vec<Value> {
        page["data"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|m| m["tool_calls"].as_array().unwrap().clone())
            .collect()
    };
    assert_eq!(calls(&all).len(), 6, "{all}");
    assert_eq!(calls(&page).len(), 1, "the last turn's call alone: {page}");
    assert_eq!(page["data"][0]["tool_calls"], all["data"].as_array().unwrap().last().unwrap()["tool_calls"]);
}

on_both_backends!(
    a_message_naming_thousands_of_task_numbers_is_refused_without_one_tool_call,
    reopening_forty_tasks_is_one_update_task_call,
    reminders_for_forty_tasks_are_one_schedule_reminder_call,
    many_tool_calls_in_one_step_run_at_most_the_turns_concurrency_at_once,
    the_process_wide_bound_holds_over_many_users_at_once,
    a_model_asking_for_fifty_tool_calls_in_one_step_gets_only_the_cap_run,
    feedback_on_more_items_than_the_limit_is_a_413_and_records_nothing,
    tag_data_options_and_quoted_text_count_against_the_limits,
    v1_with_too_many_or_too_long_earlier_messages_is_a_413_and_stores_nothing,
    a_page_of_messages_reads_only_that_pages_tool_calls,
);

/// A responder that answers only when the test says so, to hold turns open.
struct Held(Arc<tokio::sync::Semaphore>);

#[async_trait::async_trait]
impl Responder for Held {
    async fn respond(&self, _turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let _permit = self.0.acquire().await.map_err(|_| TurnError::Disconnected)?;
        out.assistant_text(vec!["answered".into()]).await
    }
}

#[tokio::test]
async fn a_user_past_the_open_turn_bound_gets_a_429_and_other_users_go_on() {
    let (store, _dir) = support::sqlite_store().await;
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let request = RequestLimits { max_turns_per_user: 2, ..RequestLimits::default() };
    let responder: Arc<dyn Responder> = Arc::new(Held(gate.clone()));
    let product =
        Product::start(store, Setup { request, responder: Some(responder), ..Setup::default() }).await;
    let create = json!({"type": "threads.create", "params": {"input": stack::input("hi")}});
    let held = [
        stack::post(&product.base, "mallory", &create).await,
        stack::post(&product.base, "mallory", &create).await,
    ];
    assert!(held.iter().all(|r| r.status() == 200));
    let (status, body) = product.post("mallory", "/api/chat", &json!({"message": "one more"})).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_turns");
    let other = stack::post(&product.base, "alice", &create).await;
    assert_eq!(other.status(), 200, "another user is not held back");
    gate.add_permits(3);
    for response in held {
        assert_eq!(stack::reply(&stack::events(response).await), "answered");
    }
    assert_eq!(stack::reply(&stack::events(other).await), "answered");
    assert_eq!(product.thread_count("mallory").await, 2, "the refused message was not stored");
    // Places come back once the turns have ended.
    product.chat("mallory", "again").await;
}

#[tokio::test]
async fn past_the_process_wide_turn_bound_every_user_gets_a_429_until_turns_end() {
    let (store, _dir) = support::sqlite_store().await;
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let request = RequestLimits { max_turns_per_user: 4, max_turns: 2, ..RequestLimits::default() };
    let responder: Arc<dyn Responder> = Arc::new(Held(gate.clone()));
    let product =
        Product::start(store, Setup { request, responder: Some(responder), ..Setup::default() }).await;
    let create = json!({"type": "threads.create", "params": {"input": stack::input("hi")}});
    let held = [
        stack::post(&product.base, "alice", &create).await,
        stack::post(&product.base, "bob", &create).await,
    ];
    assert!(held.iter().all(|r| r.status() == 200));
    for user in ["carol", "alice"] {
        let (status, body) = product.post(user, "/api/chat", &json!({"message": "me too"})).await;
        assert_eq!(status, 429, "{user}: {body}");
        assert_eq!(body["error"]["code"], "too_many_turns");
    }
    assert_eq!(product.thread_count("carol").await, 0, "the refused message was not stored");
    gate.add_permits(3);
    for response in held {
        assert_eq!(stack::reply(&stack::events(response).await), "answered");
    }
    product.chat("carol", "now").await;
}

#[tokio::test]
async fn a_nul_in_the_thread_id_of_api_chat_is_a_404_on_postgresql() {
    let Some(db) = support::TestPg::create().await else { return };
    let product = Product::start(db.store().await, Setup::default()).await;
    let (status, body) =
        product.post("ann", "/api/chat", &json!({"message": "hi", "thread_id": "thr_\u{0}x"})).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) =
        product.post("ann", "/api/chat", &json!({"message": "hi", "thread_id": "t".repeat(5000)})).await;
    assert_eq!(status, 404, "{body}");
}

/// Streams a long answer, as many text deltas as the client will take.
struct Chatty;

#[async_trait::async_trait]
impl Responder for Chatty {
    async fn respond(&self, _turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let deltas = (0..4_000).map(|i| format!("{i:06} {}\n", "z".repeat(1_000)));
        out.assistant_text(deltas).await
    }
}

#[tokio::test]
async fn a_client_that_stops_reading_loses_its_stream_but_the_turn_is_stored() {
    let (store, _dir) = support::sqlite_store().await;
    let request =
        RequestLimits { stream_write_timeout: Duration::from_millis(300), ..RequestLimits::default() };
    let responder: Arc<dyn Responder> = Arc::new(Chatty);
    let product =
        Product::start(store, Setup { request, responder: Some(responder), ..Setup::default() }).await;
    // A raw request whose answer is never read: 4 MB of deltas fill every buffer on the way.
    let addr = product.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let body = json!({"type": "threads.create", "params": {"input": stack::input("talk a lot")}}).to_string();
    let head = format!(
        "POST /chatkit HTTP/1.1\r\nhost: {addr}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        token("sleepy"),
        body.len()
    );
    tokio::io::AsyncWriteExt::write_all(&mut socket, format!("{head}{body}").as_bytes()).await.unwrap();
    // The turn ends and is stored although nobody reads it (bounded wait: 60 s).
    let mut stored = None;
    for _ in 0..600 {
        let threads = product.store.list_threads("sleepy", None, 10, Order::Desc).await.unwrap().data;
        if let Some(thread) = threads.first() {
            let items =
                product.store.list_items("sleepy", &thread.id, None, 100, Order::Asc).await.unwrap().data;
            if let Some(answer) = items.iter().find(|i| i.json["type"] == "assistant_message") {
                stored = Some(answer.json["content"][0]["text"].as_str().unwrap().len());
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stored, Some(4_000 * 1_008), "the whole answer was stored");
    drop(socket);
    let metrics = stack::scrape(&product.base).await;
    assert!(stack::metric(&metrics, "chat_gateway_stalled_streams_total", &[]).is_some_and(|n| n >= 1.0));
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed_by_the_header_timeout_while_others_chat() {
    let (store, _dir) = support::sqlite_store().await;
    let connections =
        ConnectionLimits { header_timeout: Duration::from_secs(1), ..ConnectionLimits::default() };
    let product = Product::start(store, Setup { connections, ..Setup::default() }).await;
    let addr = product.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut slow, b"POST /api/chat HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ")
        .await
        .unwrap();
    let body = product.chat("alice", "add call mum").await;
    assert_eq!(body["tool_calls"].as_array().unwrap().len(), 1, "another user chats meanwhile: {body}");
    let mut seen = Vec::new();
    let read = tokio::time::timeout(
        Duration::from_secs(30),
        tokio::io::AsyncReadExt::read_to_end(&mut slow, &mut seen),
    );
    assert!(read.await.is_ok(), "the half-sent request was kept open");
    let seen = String::from_utf8_lossy(&seen);
    assert!(seen.is_empty() || seen.starts_with("HTTP/1.1 408"), "{seen}");
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_one_closes_and_are_then_served() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (store, _dir) = support::sqlite_store().await;
    let connections = ConnectionLimits { max_connections: 2, ..ConnectionLimits::default() };
    let product = Product::start(store, Setup { connections, ..Setup::default() }).await;
    let addr = product.base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
        socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").await.unwrap();
        let mut head = [0u8; 12];
        socket.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
        held.push(socket);
    }
    let url = format!("{}/healthz", product.base);
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let third = http.get(&url).timeout(Duration::from_millis(800)).send().await;
    assert!(third.is_err_and(|e| e.is_timeout()), "a third connection was served past the cap");
    drop(held);
    let served = tokio::time::timeout(Duration::from_secs(30), http.get(&url).send()).await.unwrap().unwrap();
    assert_eq!(served.status(), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_header_timeout() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let (store, _dir) = support::sqlite_store().await;
    let connections =
        ConnectionLimits { header_timeout: Duration::from_secs(1), ..ConnectionLimits::default() };
    let product = Product::start(store, Setup { connections, ..Setup::default() }).await;
    let addr = product.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").await.unwrap();
    let started = std::time::Instant::now();
    let mut seen = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), socket.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "an idle keep-alive connection was kept open");
    assert!(String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"), "answered first");
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

#[tokio::test]
async fn with_the_task_service_down_users_see_a_clear_error_and_no_internal_detail() {
    let (store, _dir) = support::sqlite_store().await;
    let product = Product::start(store, Setup::default()).await;
    product.tasks_server.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let body = json!({"model": "task-assistant", "messages": [{"role": "user", "content": "add buy milk"}]});
    let (status, answer) = product.post("ann", "/v1/chat/completions", &body).await;
    assert_eq!(status, 502, "{answer}");
    assert_eq!(answer["error"]["code"], "turn_failed", "{answer}");
    let (status, answer) = product.post("ann", "/api/chat", &json!({"message": "add buy bread"})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["error"]["code"], "turn_failed", "{answer}");
    let threads = product.store.list_threads("ann", None, 10, Order::Desc).await.unwrap().data;
    let mut stored = vec![answer.to_string()];
    for thread in &threads {
        for call in product.store.list_tool_calls("ann", &thread.id).await.unwrap() {
            stored.push(call.result.unwrap().to_string());
        }
        let items = product.store.list_items("ann", &thread.id, None, 100, Order::Asc).await.unwrap().data;
        stored.extend(items.iter().map(|i| i.json.to_string()));
    }
    assert!(stored.len() > 2, "{stored:?}");
    for text in stored {
        for leak in ["http://", "/mcp", "Transport", "rmcp", "error sending request"] {
            assert!(!text.contains(leak), "{leak} reached the user or the store: {text}");
        }
    }
}

#[tokio::test]
async fn dev_login_hands_no_token_to_a_foreign_host_name() {
    let (store, _dir) = support::sqlite_store().await;
    let options = stack::GatewayOptions { dev_login: true, ..stack::GatewayOptions::default() };
    let gateway =
        stack::start_gateway(store, Arc::new(Held(Arc::new(tokio::sync::Semaphore::new(1)))), options).await;
    let http = reqwest::Client::new();
    let url = format!("{}/dev/token", gateway.base);
    let rebound = http.get(&url).header("host", "attacker.example:8000").send().await.unwrap();
    assert_eq!(rebound.status(), 403);
    let body: Value = rebound.json().await.unwrap();
    assert!(body.get("token").is_none(), "{body}");
    let local = http.get(&url).header("host", "localhost:8000").send().await.unwrap();
    assert_eq!(local.status(), 200);
    assert!(local.json::<Value>().await.unwrap()["token"].is_string());
    gateway.stop().await;
}

// --- Small leaks (item 5): Host names, the rate limiter's map, /metrics off the public port ---

/// A request to `path` on `product` naming `host` in its `Host` header: (status, body).
async fn get_as_host(product: &Product, path: &str, host: &str) -> (u16, Value) {
    let response = product
        .http
        .get(format!("{}{path}", product.base))
        .header("host", host)
        .bearer_auth(token("ann"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_host_name_not_allowed_is_refused_on_every_route_but_the_probes() {
    let (store, _dir) = support::sqlite_store().await;
    let allowed_hosts = AllowedHosts::from_setting(Some(vec!["chat.example".into()]));
    let product = Product::start(store, Setup { allowed_hosts, ..Setup::default() }).await;
    for path in ["/", "/api/threads", "/v1/models", "/openapi.json", "/metrics"] {
        let (status, body) = get_as_host(&product, path, "attacker.example:8000").await;
        assert_eq!(status, 403, "{path}: {body}");
        assert_eq!(body["error"]["code"], "forbidden_host", "{path}");
    }
    // A rebound page posting a message: refused before anything runs or is stored.
    let addr = product.base.trim_start_matches("http://");
    let refused = product
        .http
        .post(format!("http://{addr}/api/chat"))
        .header("host", "attacker.example")
        .bearer_auth(token("ann"))
        .json(&json!({"message": "add stolen"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(product.thread_count("ann").await, 0);
    assert_eq!(product.calls(), 0);
    for path in ["/healthz", "/readyz"] {
        assert_eq!(
            get_as_host(&product, path, "10.1.2.3:8000").await.0,
            200,
            "{path} answers probes by address"
        );
    }
    let (status, body) = get_as_host(&product, "/api/threads", "CHAT.example:443").await;
    assert_eq!(status, 200, "a listed name on any port: {body}");
}

#[tokio::test]
async fn the_rate_limiters_map_forgets_users_whose_allowance_has_refilled() {
    let (store, _dir) = support::sqlite_store().await;
    let product = Product::start(store, Setup { rate: (10, 20), ..Setup::default() }).await;
    let users = 300;
    let answered = futures::stream::iter(0..users)
        .map(|i| {
            let product = &product;
            async move {
                let url = format!("{}/api/threads", product.base);
                product
                    .http
                    .get(url)
                    .bearer_auth(token(&format!("passer-{i}")))
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        })
        .buffer_unordered(32)
        .collect::<Vec<_>>()
        .await;
    assert!(answered.iter().all(|s| s.as_u16() == 200), "{answered:?}");
    let held = stack::metric(&stack::scrape(&product.base).await, "chat_gateway_rate_limiter_users", &[]);
    assert!(held.is_some_and(|n| n >= f64::from(users)), "every user got a bucket: {held:?}");
    // Past the prune interval, each bucket has long refilled (20 at 10/s: 2 s).
    tokio::time::sleep(chat_gateway::routes::limiter::PRUNE_INTERVAL + Duration::from_secs(1)).await;
    let (status, _) = get_as_host(&product, "/api/threads", "127.0.0.1").await;
    assert_eq!(status, 200);
    let held = stack::metric(&stack::scrape(&product.base).await, "chat_gateway_rate_limiter_users", &[]);
    assert_eq!(held, Some(1.0), "only the user just seen is held");
    // The limit itself still bites.
    let mut statuses = Vec::new();
    for _ in 0..25 {
        statuses.push(get_as_host(&product, "/api/threads", "127.0.0.1").await.0);
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `chat-gateway serve` as compose runs it, with `METRICS_BIND` and without
/// `GATEWAY_ALLOWED_HOSTS`: /metrics only on the internal listener, loopback names only.
#[tokio::test]
async fn with_metrics_bind_the_main_port_has_no_metrics_and_answers_only_loopback_names() {
    let dir = tempfile::tempdir().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_chat-gateway"));
    for var in [
        "OPENAI_API_KEY",
        "GROQ_API_KEY",
        "GEMINI_API_KEY",
        "LLM_API_KEY",
        "JWT_JWKS_URL",
        "GATEWAY_ALLOWED_HOSTS",
    ] {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .arg("serve")
        .env("GATEWAY_BIND", format!("127.0.0.1:{port}"))
        .env("METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
        .env("CHAT_DATABASE_URL", format!("sqlite://{}", dir.path().join("chat.db").display()))
        .env("JWT_SECRET", stack::USER_SECRET)
        .env("TASKS_TOKEN_SECRET", TASKS_SECRET)
        .env("MCP_TASKS_URL", "http://127.0.0.1:9/mcp")
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    support::wait_until_ok(&format!("{base}/healthz")).await;
    let threads = http.get(format!("{base}/api/threads")).bearer_auth(token("ann")).send().await.unwrap();
    assert_eq!(threads.status(), 200);
    assert_eq!(http.get(format!("{base}/metrics")).send().await.unwrap().status(), 404);
    let scraped = http.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains("route=\"/api/threads\""), "the main listener's requests are counted: {text}");
    for (host, status) in [("localhost:8000", 200), ("[::1]", 200), ("attacker.example", 403)] {
        let answer = http
            .get(format!("{base}/api/threads"))
            .header("host", host)
            .bearer_auth(token("ann"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), status, "{host}");
    }
    child.kill().await.unwrap();
}

/// A scripted model that asks for `n` `list_tasks` calls in one step, then says "done"; its
/// base URL.
async fn model_asking_for_list_calls(n: usize) -> String {
    support::model::serve(Arc::default(), move |body: &Value| {
        let answered = body["messages"].as_array().unwrap().iter().any(|m| m["role"] == "tool");
        if answered {
            return Ok(support::model::text_chunks(&["done"]));
        }
        let calls: Vec<Value> = (0..n)
            .map(|i| {
                json!({"index": i, "id": format!("call_{i}"), "type": "function",
                       "function": {"name": "list_tasks", "arguments": "{}"}})
            })
            .collect();
        Ok(vec![
            support::model::chunk(&json!({"tool_calls": calls}), None),
            support::model::chunk(&json!({}), Some("tool_calls")),
        ])
    })
    .await
}
