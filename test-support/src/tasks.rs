//! mcp-tasks under test: its store on a fresh SQLite file or PostgreSQL database, the HTTP
//! server started on port 0 through `mcp_tasks::startup`, and an rmcp client calling its
//! tools as a user.

use std::sync::Arc;

use mcp_tasks::startup::{Application, Parts};
use mcp_tasks::store::{self, Store};
use shared::identity::{TASKS_AUDIENCE, TokenKey};
use tokio_util::sync::CancellationToken;

pub use crate::pg::admin_url;
use crate::pg::{self, Service};
use crate::running::Running;

/// mcp-tasks' task store, as [`pg::Service`].
pub struct Tasks;

impl Service for Tasks {
    type Store = dyn Store;
    const DATABASE_PREFIX: &'static str = "mcp_tasks_test";
    const SQLITE_FILE: &'static str = "tasks.db";

    async fn open(url: &str) -> Arc<dyn Store> {
        let store = store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

/// A throwaway PostgreSQL database holding a task store.
pub type TestPg = pg::TestPg<Tasks>;

/// A migrated task store on a fresh SQLite file (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    pg::sqlite_store::<Tasks>().await
}

/// The secret every test task server verifies tokens with.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// mcp-tasks over HTTP on port 0 serving `store`, built by its composition root from
/// [`Parts`] (tokens signed with [`SECRET`]).
pub async fn start(store: Arc<dyn Store>) -> Running {
    let parts = Parts::new(store, TokenKey::new(SECRET).unwrap());
    Running::spawn(|listener, shutdown| Application::from_parts(parts, listener).run_until_stopped(shutdown))
        .await
}

/// A running task server on a free port; stopped when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The token key the server trusts.
    pub key: TokenKey,
    shutdown: CancellationToken,
}

impl TestServer {
    /// Serves `store` on 127.0.0.1:0.
    pub async fn start(store: Arc<dyn Store>) -> Self {
        let Running { base, shutdown, .. } = start(store).await;
        Self { base, key: TokenKey::new(SECRET).unwrap(), shutdown }
    }

    /// A token for `user`, optionally with a time zone.
    pub fn token(&self, user: &str, tz: Option<&str>) -> String {
        self.key.mint(user, TASKS_AUDIENCE, "test", tz, std::time::Duration::from_secs(300))
    }

    /// An rmcp client connected as `user`.
    pub async fn client(&self, user: &str) -> Client {
        use rmcp::ServiceExt;
        use rmcp::transport::StreamableHttpClientTransport;
        use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
        let config = StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", self.base))
            .auth_header(self.token(user, None));
        ().serve(StreamableHttpClientTransport::from_config(config)).await.unwrap()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A connected MCP client.
pub type Client = rmcp::service::RunningService<rmcp::RoleClient, ()>;

/// Calls `tool` with `args` (a JSON object) and returns the raw result.
pub async fn call(
    client: &Client,
    tool: &'static str,
    args: serde_json::Value,
) -> rmcp::model::CallToolResult {
    try_call(client, tool, args).await.unwrap()
}

/// Calls `tool`, keeping protocol errors.
pub async fn try_call(
    client: &Client,
    tool: &'static str,
    args: serde_json::Value,
) -> Result<rmcp::model::CallToolResult, rmcp::ServiceError> {
    let serde_json::Value::Object(args) = args else { panic!("arguments must be an object") };
    client.call_tool(rmcp::model::CallToolRequestParams::new(tool).with_arguments(args)).await
}

/// Calls `tool`, asserts success, returns the structured content.
pub async fn ok(client: &Client, tool: &'static str, args: serde_json::Value) -> serde_json::Value {
    let result = call(client, tool, args).await;
    assert_ne!(result.is_error, Some(true), "{tool} failed: {}", text(&result));
    result.structured_content.unwrap_or_else(|| panic!("{tool} returned no structured content"))
}

/// Calls `tool`, asserts a tool error (isError), returns its text.
pub async fn tool_error(client: &Client, tool: &'static str, args: serde_json::Value) -> String {
    let result = call(client, tool, args).await;
    assert_eq!(result.is_error, Some(true), "{tool} should have failed but said: {}", text(&result));
    text(&result)
}

/// The text content of a result.
pub fn text(result: &rmcp::model::CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<Vec<_>>().join("\n")
}

/// The titles of `user`'s tasks (all statuses, up to 50) in `store`.
pub async fn task_titles(store: &dyn Store, user: &str) -> Vec<String> {
    let query = store::TaskQuery { limit: 50, status: store::StatusFilter::All, ..Default::default() };
    store.query_tasks(user, &query).await.unwrap().tasks.into_iter().map(|t| t.title).collect()
}
