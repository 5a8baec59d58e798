//! The whole product for the end-to-end tests, assembled from the blocks in `stack`: the real
//! mcp-tasks over HTTP on a fresh SQLite store and the real gateway router on port 0 over a
//! given thread store, answered by the offline agent, a model that is down, or any responder
//! built on the task server; and helpers to call it as a user.

use std::sync::Arc;
use std::time::Duration;

use chat_gateway::agent::{Agent, Brain};
use chat_gateway::conversation::Responder;
use chat_gateway::store::ThreadStore;
use serde_json::{Value, json};

use super::stack::{self, GatewayOptions, Running};

/// The browser origin [`Stack::with`] allows.
pub const ORIGIN: &str = "https://app.example";

/// Who answers.
pub enum Mind {
    /// The deterministic offline agent.
    Offline,
    /// An LLM agent whose model server is down (every turn fails after the user message).
    DeadModel,
    /// An LLM agent whose model is the OpenAI-compatible server at this base URL (e.g. a
    /// scripted one from `model::serve`).
    Model(String),
}

/// A running gateway with its task server; dropping it stops both.
pub struct Stack {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// An HTTP client.
    pub http: reqwest::Client,
    /// The task server's store, to check what tools really did.
    pub tasks: Arc<dyn mcp_tasks::store::Store>,
    /// The gateway's thread store.
    pub store: Arc<dyn ThreadStore>,
    tasks_server: Running,
    gateway: Running,
    _dir: tempfile::TempDir,
}

impl Drop for Stack {
    fn drop(&mut self) {
        self.gateway.shutdown.cancel();
        self.tasks_server.shutdown.cancel();
    }
}

impl Stack {
    /// The offline agent, no rate limit.
    pub async fn start(store: Arc<dyn ThreadStore>) -> Self {
        Self::with(store, Mind::Offline, (0, 0)).await
    }

    /// `mind` answering, with a per-user rate limit of `rate` (per second, burst; 0 = off) and
    /// CORS allowing [`ORIGIN`].
    pub async fn with(store: Arc<dyn ThreadStore>, mind: Mind, rate: (u32, u32)) -> Self {
        let brain = match mind {
            Mind::Offline => Brain::Offline,
            Mind::DeadModel => {
                // A port that was just free: connections are refused at once.
                let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let base_url = format!("http://{}/v1", closed.local_addr().unwrap());
                drop(closed);
                stack::llm(&base_url, "down")
            }
            Mind::Model(base_url) => stack::llm(&base_url, "scripted"),
        };
        let options =
            GatewayOptions { rate, cors_origins: vec![ORIGIN.to_owned()], ..GatewayOptions::default() };
        Self::build(store, options, |tasks_base| {
            Arc::new(Agent::new(stack::tasks_client(tasks_base, Duration::from_secs(5)), brain, 8))
        })
        .await
    }

    /// A gateway with `options` over `store`, answered by what `responder` builds from the
    /// task server's base URL.
    pub async fn build(
        store: Arc<dyn ThreadStore>,
        options: GatewayOptions,
        responder: impl FnOnce(&str) -> Arc<dyn Responder>,
    ) -> Self {
        let (tasks, dir) = stack::tasks_sqlite().await;
        let tasks_server = stack::start_tasks(tasks.clone()).await;
        let gateway = stack::start_gateway(store.clone(), responder(&tasks_server.base), options).await;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Self { base: gateway.base.clone(), http, tasks, store, tasks_server, gateway, _dir: dir }
    }

    /// Stops the task server (the gateway keeps running without it).
    pub fn stop_tasks(&self) {
        self.tasks_server.shutdown.cancel();
    }

    /// A valid token for `user`.
    pub fn token(&self, user: &str) -> String {
        stack::token(user)
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
        stack::task_titles(self.tasks.as_ref(), user).await
    }
}
