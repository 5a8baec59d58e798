//! The two services in-process on port 0 for the operations tests: mcp-tasks serving a
//! given task store, gateways in front of it, and a small ChatKit client over real HTTP and
//! real SSE parsing.

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::chatkit::{ChatKitServer, Responder, Turn, TurnError, TurnSink};
use chat_gateway::http::{self, AppState};
use chat_gateway::store::ThreadStore;
use chat_gateway::tasks_client::TasksClient;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The secret mcp-tasks and the gateways share for per-user tokens.
pub const TASKS_SECRET: &str = "ops-tasks-secret-ops-tasks-secret-00000";
/// The secret user tokens are signed with.
pub const USER_SECRET: &str = "ops-user-secret-ops-user-secret-0000000";

/// A running server: its base URL, the token that stops it, and its task (ends when it has stopped).
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Cancelling starts the graceful shutdown.
    pub shutdown: CancellationToken,
    /// The server itself; resolves once it has stopped.
    pub handle: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Starts the shutdown and waits (at most 20 s) for the server to stop.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(20), self.handle).await;
        assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server did not stop cleanly");
    }
}

/// mcp-tasks over HTTP on port 0, serving `store`.
pub async fn start_tasks(store: Arc<dyn mcp_tasks::store::Store>) -> Running {
    let state = mcp_tasks::http::HttpState {
        server: mcp_tasks::tools::TaskServer::new(store.clone(), chrono_tz::UTC),
        store,
        key: TokenKey::new(TASKS_SECRET).unwrap(),
        allowed_hosts: None,
    };
    let shutdown = CancellationToken::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = mcp_tasks::http::app(state, &shutdown);
    let handle = tokio::spawn(mcp_tasks::http::run(listener, app, shutdown.clone()));
    Running { base, shutdown, handle }
}

/// The offline agent calling the mcp-tasks at `tasks_base`.
pub fn offline_agent(tasks_base: &str) -> Arc<dyn Responder> {
    let url = format!("{tasks_base}/mcp").parse().unwrap();
    let client = TasksClient::new(url, TokenKey::new(TASKS_SECRET).unwrap(), Duration::from_secs(5));
    Arc::new(Agent::new(Arc::new(client), Brain::Offline, 8))
}

/// Answers "let through" only once the test adds a permit, so a stream can be held open.
pub struct Gated(pub Arc<Semaphore>);

#[async_trait::async_trait]
impl Responder for Gated {
    async fn respond(&self, _turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let _permit = self.0.acquire().await.map_err(|_| TurnError::Disconnected)?;
        out.assistant_text(vec!["let ".into(), "through".into()]).await
    }
}

/// A gateway on port 0 over `store` answering with `responder`, draining for up to `grace`.
pub async fn start_gateway(
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    grace: Duration,
) -> Running {
    let state = AppState {
        chat: Arc::new(ChatKitServer::new(store, responder, 4000)),
        auth: Arc::new(Authenticator::new(Some(TokenKey::new(USER_SECRET).unwrap()), None)),
        limiter: None,
        dev_login: None,
    };
    let shutdown = CancellationToken::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = http::app(state, &[]);
    let handle = tokio::spawn(http::run_with_grace(listener, app, shutdown.clone(), grace));
    Running { base, shutdown, handle }
}

/// A user token the gateways accept.
pub fn token(user: &str) -> String {
    TokenKey::new(USER_SECRET).unwrap().mint(user, "chat-gateway", "test", None, Duration::from_secs(300))
}

/// A user-message input carrying `text`.
pub fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

/// POSTs a ChatKit op as `user`; the raw response.
pub async fn post(base: &str, user: &str, body: &Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{base}/chatkit"))
        .bearer_auth(token(user))
        .json(body)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap()
}

/// POSTs a streaming op and reads its SSE events to the end.
pub async fn stream(base: &str, user: &str, body: &Value) -> Vec<Value> {
    let response = post(base, user, body).await;
    assert_eq!(response.status(), 200, "{body}");
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut sse = response.bytes_stream().eventsource();
    let mut events = Vec::new();
    while let Some(event) = sse.next().await {
        events.push(serde_json::from_str(&event.unwrap().data).unwrap());
    }
    events
}

/// POSTs a JSON op: (status, body).
pub async fn json_op(base: &str, user: &str, body: &Value) -> (u16, Value) {
    let response = post(base, user, body).await;
    (response.status().as_u16(), response.json().await.unwrap())
}

/// The text of the last assistant message among `events`.
pub fn reply(events: &[Value]) -> String {
    events
        .iter()
        .rev()
        .find(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "assistant_message")
        .map(|e| e["item"]["content"][0]["text"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

/// `GET {base}/metrics` as text.
pub async fn scrape(base: &str) -> String {
    let response = reqwest::get(format!("{base}/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

/// The value of the first series `name` whose labels contain all of `labels`.
pub fn metric(scrape: &str, name: &str, labels: &[&str]) -> Option<f64> {
    scrape
        .lines()
        .filter(|l| l.starts_with(&format!("{name}{{")) || l.starts_with(&format!("{name} ")))
        .find(|l| labels.iter().all(|label| l.contains(label)))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}
