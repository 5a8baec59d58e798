//! The building blocks for running the two services in-process on port 0: mcp-tasks serving
//! a given task store, gateways in front of it (with what tests vary in [`GatewayOptions`]),
//! agents calling the task server, and a small ChatKit client over real HTTP and real SSE
//! parsing. `product::Stack` assembles them into the whole product. The task server's half
//! is [`crate::tasks`], re-exported here under the names the gateway's tests use.

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::agent::llm::{LlmClient, LlmConfig};
use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::startup::{self, GatewayParts};
use chat_gateway::store::ThreadStore;
use chat_gateway::tasks_client::TasksClient;
use chat_gateway::voice::VoiceSettings;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio::sync::Semaphore;

pub use crate::running::Running;
pub use crate::tasks::{sqlite_store as tasks_sqlite, start as start_tasks, task_titles};

/// The secret mcp-tasks and the gateways share for per-user tokens.
pub const TASKS_SECRET: &str = crate::tasks::SECRET;
/// The secret user tokens (and dev-login tokens) are signed with.
pub const USER_SECRET: &str = "test-user-secret-test-user-secret-000000";

/// A client of the mcp-tasks at `tasks_base`, giving up on a call after `timeout`.
pub fn tasks_client(tasks_base: &str, timeout: Duration) -> Arc<TasksClient> {
    let url = format!("{tasks_base}/mcp").parse().unwrap();
    Arc::new(TasksClient::new(url, TokenKey::new(TASKS_SECRET).unwrap(), timeout))
}

/// The offline agent calling the mcp-tasks at `tasks_base`.
pub fn offline_agent(tasks_base: &str) -> Arc<dyn Responder> {
    Arc::new(Agent::new(tasks_client(tasks_base, Duration::from_secs(5)), Brain::Offline, 8))
}

/// A model brain: `model` on the OpenAI-compatible server at `base_url` (ending in `/v1`).
pub fn llm(base_url: &str, model: &str) -> Brain {
    Brain::Llm(LlmClient::new(LlmConfig {
        base_url: base_url.to_owned(),
        api_key: "test-key".into(),
        model: model.into(),
        timeout: Duration::from_secs(5),
    }))
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

/// What tests vary about a gateway. `Default`: the default grace, no rate limit, no CORS
/// origins, no dev login, no voice.
pub struct GatewayOptions {
    /// How long a shutdown lets open requests and streams finish.
    pub grace: Duration,
    /// Per-user rate limit: (per second, burst); 0 = off.
    pub rate: (u32, u32),
    /// Browser origins CORS allows.
    pub cors_origins: Vec<String>,
    /// Whether `GET /dev/token` hands out tokens (signed with [`USER_SECRET`]).
    pub dev_login: bool,
    /// Speech to text for `input.transcribe` (None: voice is not configured).
    pub voice: Option<VoiceSettings>,
}

impl Default for GatewayOptions {
    fn default() -> Self {
        Self {
            grace: shared::shutdown::DEFAULT_GRACE,
            rate: (0, 0),
            cors_origins: Vec::new(),
            dev_login: false,
            voice: None,
        }
    }
}

impl GatewayOptions {
    /// The defaults, draining for up to `grace` on shutdown.
    pub fn with_grace(grace: Duration) -> Self {
        Self { grace, ..Self::default() }
    }
}

/// A gateway on port 0 over `store` answering with `responder`, accepting [`token`]s.
pub async fn start_gateway(
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    options: GatewayOptions,
) -> Running {
    let key = TokenKey::new(USER_SECRET).unwrap();
    let parts = GatewayParts {
        rate_per_second: options.rate.0,
        rate_burst: options.rate.1,
        cors_origins: options.cors_origins,
        dev_login: options.dev_login.then(|| key.clone()),
        voice: options.voice,
        ..GatewayParts::new(store, responder, Authenticator::new(Some(key), None))
    };
    let app = startup::app(parts);
    Running::spawn(|listener, shutdown| startup::run_with_grace(listener, app, shutdown, options.grace)).await
}

/// Voice settings for the transcription service at `base` (ending in `/v1`): model
/// `whisper-test`, key `stt-test-key`, the default limits, a 5 s timeout.
pub fn voice(base: &str) -> VoiceSettings {
    VoiceSettings {
        base_url: base.parse().unwrap(),
        api_key: Some("stt-test-key".into()),
        model: "whisper-test".into(),
        max_bytes: chat_gateway::voice::DEFAULT_MAX_BYTES,
        max_seconds: chat_gateway::voice::DEFAULT_MAX_SECONDS,
        timeout: Duration::from_secs(5),
        max_concurrent: chat_gateway::voice::DEFAULT_MAX_CONCURRENT,
    }
}

/// A user token the gateways accept, valid for an hour (longer than any test runs).
pub fn token(user: &str) -> String {
    TokenKey::new(USER_SECRET).unwrap().mint(user, "chat-gateway", "test", None, Duration::from_secs(3600))
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
    events(response).await
}

/// The SSE events of `response`, read to the end, each parsed as JSON.
pub async fn events(response: reqwest::Response) -> Vec<Value> {
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
