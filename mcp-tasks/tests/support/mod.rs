//! Test support shared by the integration tests: a fresh PostgreSQL database per test
//! (required when `CI` or `REQUIRE_POSTGRES` is set, else skipped with one line), and
//! fresh SQLite files.
#![allow(dead_code, clippy::unwrap_used)]

pub mod oidc;

use std::sync::Arc;

use mcp_tasks::store::{self, Store};
use sqlx::{Connection, PgConnection};

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("REQUIRE_POSTGRES").is_some()
}

/// A throwaway PostgreSQL database, dropped when this is dropped.
pub struct TestPg {
    /// URL of the fresh database.
    pub url: String,
    name: String,
}

impl TestPg {
    /// Creates a fresh database, or returns None (after saying so) when PostgreSQL is not
    /// reachable and not required.
    pub async fn create() -> Option<Self> {
        let admin = admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(e) if postgres_required() => {
                panic!("PostgreSQL is required (CI/REQUIRE_POSTGRES) but {admin}: {e}")
            }
            Err(e) => {
                eprintln!("skipped: PostgreSQL not reachable at {admin} ({e}); set TEST_DATABASE_URL");
                return None;
            }
        };
        let name = format!("mcp_tasks_test_{}", uuid_like());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
        Some(Self { url: format!("{base}/{name}"), name })
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Arc<dyn Store> {
        let store = store::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop from a separate thread with its own runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// A fresh SQLite file in a temp dir (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tasks.db").display());
    let store = store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// A short random-enough suffix for database names.
pub fn uuid_like() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos());
    format!("{:016x}", h.finish())
}

/// The secret every HTTP test server signs with.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A running HTTP server on a free port; stopped when dropped.
pub struct TestServer {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The token key the server trusts.
    pub key: shared::identity::TokenKey,
    shutdown: tokio_util::sync::CancellationToken,
}

impl TestServer {
    /// Serves `store` on 127.0.0.1:0.
    pub async fn start(store: Arc<dyn Store>) -> Self {
        use mcp_tasks::startup::{Application, Parts};
        let key = shared::identity::TokenKey::new(SECRET).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let app = Application::from_parts(Parts::new(store, key.clone()), listener);
        let base = format!("http://{}", app.local_addr().unwrap());
        let shutdown = tokio_util::sync::CancellationToken::new();
        tokio::spawn(app.run_until_stopped(shutdown.clone()));
        Self { base, key, shutdown }
    }

    /// A token for `user`, optionally with a time zone.
    pub fn token(&self, user: &str, tz: Option<&str>) -> String {
        self.key.mint(user, shared::identity::TASKS_AUDIENCE, "test", tz, std::time::Duration::from_secs(300))
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
