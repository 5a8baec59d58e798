//! The whole product for the REST and `/v1` tests: the real mcp-tasks over HTTP (SQLite) and
//! the real gateway router on port 0 over a given thread store, with the offline agent (or
//! a model that is down), and helpers to call it as a user.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::agent::llm::{LlmClient, LlmConfig};
use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::chatkit::ChatKitServer;
use chat_gateway::http::{self, AppState};
use chat_gateway::store::ThreadStore;
use chat_gateway::tasks_client::TasksClient;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio_util::sync::CancellationToken;

const TASKS_SECRET: &str = "stack-tasks-secret-stack-tasks-secret-00";
const USER_SECRET: &str = "stack-user-secret-stack-user-secret-0000";
/// The browser origin the gateway allows.
pub const ORIGIN: &str = "https://app.example";

/// Who answers.
pub enum Mind {
    /// The deterministic offline agent.
    Offline,
    /// An LLM agent whose model server is down (every turn fails after the user message).
    DeadModel,
}

/// A running gateway with its task server.
pub struct Stack {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// An HTTP client.
    pub http: reqwest::Client,
    /// The task server's store, to check what tools really did.
    pub tasks: Arc<dyn mcp_tasks::store::Store>,
    /// The gateway's thread store.
    pub store: Arc<dyn ThreadStore>,
    key: TokenKey,
    shutdown: CancellationToken,
    _dir: tempfile::TempDir,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

impl Stack {
    /// The offline agent, no rate limit.
    pub async fn start(store: Arc<dyn ThreadStore>) -> Self {
        Self::with(store, Mind::Offline, (0, 0)).await
    }

    /// `mind` answering, with a per-user rate limit of `rate` (per second, burst; 0 = off).
    pub async fn with(store: Arc<dyn ThreadStore>, mind: Mind, rate: (u32, u32)) -> Self {
        let shutdown = CancellationToken::new();
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("tasks.db").display());
        let tasks = mcp_tasks::store::connect(&url).await.unwrap();
        tasks.migrate().await.unwrap();
        let state = mcp_tasks::http::HttpState {
            server: mcp_tasks::tools::TaskServer::new(tasks.clone(), chrono_tz::UTC),
            store: tasks.clone(),
            key: TokenKey::new(TASKS_SECRET).unwrap(),
            allowed_hosts: None,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mcp_url = format!("http://{}/mcp", listener.local_addr().unwrap()).parse().unwrap();
        tokio::spawn(mcp_tasks::http::run(
            listener,
            mcp_tasks::http::app(state, &shutdown),
            shutdown.clone(),
        ));

        let brain = match mind {
            Mind::Offline => Brain::Offline,
            Mind::DeadModel => {
                // A port that was just free: connections are refused at once.
                let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let base_url = format!("http://{}/v1", closed.local_addr().unwrap());
                drop(closed);
                Brain::Llm(LlmClient::new(LlmConfig {
                    base_url,
                    api_key: "test-key".into(),
                    model: "down".into(),
                    timeout: Duration::from_secs(5),
                }))
            }
        };
        let client =
            Arc::new(TasksClient::new(mcp_url, TokenKey::new(TASKS_SECRET).unwrap(), Duration::from_secs(5)));
        let agent = Arc::new(Agent::new(client, brain, 8));
        let key = TokenKey::new(USER_SECRET).unwrap();
        let state = AppState {
            chat: Arc::new(ChatKitServer::new(store.clone(), agent, 4000)),
            auth: Arc::new(Authenticator::new(Some(key.clone()), None)),
            limiter: http::limiter(rate.0, rate.1),
            dev_login: None,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(http::run(listener, http::app(state, &[ORIGIN.to_owned()]), shutdown.clone()));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Self { base, http, tasks, store, key, shutdown, _dir: dir }
    }

    /// A valid token for `user`.
    pub fn token(&self, user: &str) -> String {
        self.key.mint(user, "chat-gateway", "test", None, Duration::from_secs(600))
    }

    /// `METHOD path` as `user`, with an optional JSON body: (status, JSON body or Null).
    pub async fn call(
        &self,
        user: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request =
            self.http.request(method, format!("{}{path}", self.base)).bearer_auth(self.token(user));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
    }

    /// `GET path` as `user`.
    pub async fn get(&self, user: &str, path: &str) -> (u16, Value) {
        self.call(user, reqwest::Method::GET, path, None).await
    }

    /// One turn through `POST /api/chat`; returns the thread id.
    pub async fn say(&self, user: &str, text: &str, thread: Option<&str>) -> String {
        let body = json!({"message": text, "thread_id": thread});
        let (status, reply) = self.call(user, reqwest::Method::POST, "/api/chat", Some(body)).await;
        assert_eq!(status, 200, "{reply}");
        reply["thread_id"].as_str().unwrap().to_owned()
    }

    /// The titles of `user`'s tasks in mcp-tasks.
    pub async fn task_titles(&self, user: &str) -> Vec<String> {
        let q = mcp_tasks::store::TaskQuery {
            limit: 50,
            status: mcp_tasks::store::StatusFilter::All,
            ..Default::default()
        };
        self.tasks.query_tasks(user, &q).await.unwrap().tasks.into_iter().map(|t| t.title).collect()
    }
}

/// Stamps each `case(store)` out for SQLite and PostgreSQL (`#[macro_use] mod stack;`).
#[allow(unused_macros)]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$case(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::support::TestPg::create().await else { return };
                    super::$case(db.store().await).await;
                }
            )*
        }
    };
}
