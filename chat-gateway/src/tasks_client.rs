//! The MCP client to mcp-tasks. One stateless connection (protocol 2026-07-28, no
//! sessions) serves every user: each request carries its own short-lived token, minted
//! here for that user (`aud=mcp-tasks`, `sub`=user, `exp` ≤ 5 min, optional `tz`) and
//! signed with `TASKS_TOKEN_SECRET`. The user's own JWT is never forwarded.
//!
//! The tool list is cached; every call has a timeout and is counted by tool and outcome
//! (`crate::metrics`); a dead connection is dropped and re-established on the next call,
//! so a restarted mcp-tasks is picked up. [`TasksClient::ready`] asks mcp-tasks' `/readyz`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderName, HeaderValue};
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, ClientJsonRpcMessage, ClientRequest, GetExtensions, JsonObject,
    ProtocolVersion, ReadResourceRequestParams, ResourceContents, ServerResult, Tool,
};
use rmcp::service::{PeerRequestOptions, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::{
    StreamableHttpClient, StreamableHttpClientTransportConfig, StreamableHttpError,
    StreamableHttpPostResponse,
};
use rmcp::{ClientLifecycleMode, ClientServiceExt, RoleClient};
use shared::contract::ReminderView;
use shared::contract::resources::{self, DueReminders};
use shared::identity::{TASKS_AUDIENCE, TokenKey};
use tokio::sync::{Mutex, RwLock};

use crate::auth::User;

/// How long a minted per-user token lives.
const TOKEN_TTL: Duration = Duration::from_secs(300);
/// How long the tool list is reused.
const TOOLS_TTL: Duration = Duration::from_secs(300);
/// How long the readiness probe waits for mcp-tasks' `/readyz`.
const READY_TIMEOUT: Duration = Duration::from_secs(2);
/// The identity of requests that act for no user (the discovery handshake only).
const SERVICE_SUBJECT: &str = "system:chat-gateway";

/// What can go wrong talking to mcp-tasks.
#[derive(Debug, thiserror::Error)]
pub enum TasksError {
    /// mcp-tasks did not answer in time.
    #[error("the task service did not answer within {0:?}")]
    Timeout(Duration),
    /// mcp-tasks is unreachable or answered something unexpected.
    #[error("the task service is unavailable: {0}")]
    Unavailable(String),
    /// mcp-tasks answered with a protocol error (bad arguments, no such tool, store down).
    #[error("the task service refused the call: {0}")]
    Refused(String),
}

/// `/readyz` beside the MCP endpoint: `http://h:8001/mcp` → `http://h:8001/readyz` (a path
/// prefix before `/mcp`, as behind a proxy, is kept).
fn readyz_url(mcp: &reqwest::Url) -> reqwest::Url {
    let mut url = mcp.clone();
    let base = mcp.path().trim_end_matches('/').rsplit_once('/').map_or("", |(base, _)| base).to_owned();
    url.set_path(&format!("{base}/readyz"));
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The Bearer token of one request, carried as a typed extension (never serialised).
#[derive(Debug, Clone)]
struct Bearer(String);

/// Mints tokens for mcp-tasks: per user, and for the gateway itself.
#[derive(Clone)]
struct Minter {
    key: TokenKey,
    ttl: Duration,
}

impl Minter {
    fn token(&self, sub: &str, tz: Option<&str>) -> String {
        self.key.mint(sub, TASKS_AUDIENCE, "chat-gateway", tz, self.ttl)
    }
}

/// A reqwest client that sends each request's own [`Bearer`] when it has one, and else a
/// service token minted for that message (the handshake, `tools/list`, notifications), so
/// no message ever carries a token minted long ago that has expired since.
#[derive(Clone)]
struct PerRequestAuth {
    inner: reqwest::Client,
    minter: Minter,
}

impl PerRequestAuth {
    fn bearer_for(&self, message: &ClientJsonRpcMessage) -> String {
        let own = match message {
            ClientJsonRpcMessage::Request(r) => r.request.extensions().get::<Bearer>().map(|b| b.0.clone()),
            _ => None,
        };
        own.unwrap_or_else(|| self.service_token())
    }

    fn service_token(&self) -> String {
        self.minter.token(SERVICE_SUBJECT, None)
    }
}

impl StreamableHttpClient for PerRequestAuth {
    type Error = reqwest::Error;

    fn post_message(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> impl Future<Output = Result<StreamableHttpPostResponse, StreamableHttpError<Self::Error>>> + Send + '_
    {
        let auth = Some(self.bearer_for(&message));
        self.inner.post_message(uri, message, session_id, auth, custom_headers)
    }

    fn post_message_with_max_sse_event_size(
        &self,
        uri: Arc<str>,
        message: ClientJsonRpcMessage,
        session_id: Option<Arc<str>>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
        max_sse_event_size: usize,
    ) -> impl Future<Output = Result<StreamableHttpPostResponse, StreamableHttpError<Self::Error>>> + Send + '_
    {
        let auth = Some(self.bearer_for(&message));
        self.inner.post_message_with_max_sse_event_size(
            uri,
            message,
            session_id,
            auth,
            custom_headers,
            max_sse_event_size,
        )
    }

    fn delete_session(
        &self,
        uri: Arc<str>,
        session_id: Arc<str>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> impl Future<Output = Result<(), StreamableHttpError<Self::Error>>> + Send + '_ {
        let auth = Some(self.service_token());
        self.inner.delete_session(uri, session_id, auth, custom_headers)
    }

    fn get_stream(
        &self,
        uri: Arc<str>,
        session_id: Option<Arc<str>>,
        last_event_id: Option<String>,
        _auth_header: Option<String>,
        custom_headers: HashMap<HeaderName, HeaderValue>,
    ) -> impl Future<
        Output = Result<
            futures::stream::BoxStream<'static, Result<sse_stream::Sse, sse_stream::Error>>,
            StreamableHttpError<Self::Error>,
        >,
    > + Send
    + '_ {
        let auth = Some(self.service_token());
        self.inner.get_stream(uri, session_id, last_event_id, auth, custom_headers)
    }
}

type Connection = RunningService<RoleClient, ()>;

/// The client the agent calls tools through.
pub struct TasksClient {
    url: reqwest::Url,
    readyz: reqwest::Url,
    probe: reqwest::Client,
    minter: Minter,
    timeout: Duration,
    connection: Mutex<Option<Arc<Connection>>>,
    tools: RwLock<Option<(Instant, Arc<Vec<Tool>>)>>,
    tools_ttl: Duration,
    /// Calls in flight at once, over all users and turns.
    in_flight: Arc<tokio::sync::Semaphore>,
}

/// Calls to mcp-tasks in flight at once when [`TasksClient::with_concurrency`] is not used.
pub const DEFAULT_CONCURRENCY: usize = 32;

impl TasksClient {
    /// A client for the mcp-tasks endpoint at `url`; connects on first use.
    pub fn new(url: reqwest::Url, key: TokenKey, timeout: Duration) -> Self {
        let readyz = readyz_url(&url);
        let probe = reqwest::Client::new();
        let in_flight = Arc::new(tokio::sync::Semaphore::new(DEFAULT_CONCURRENCY));
        Self {
            url,
            readyz,
            probe,
            minter: Minter { key, ttl: TOKEN_TTL },
            timeout,
            connection: Mutex::new(None),
            tools: RwLock::new(None),
            tools_ttl: TOOLS_TTL,
            in_flight,
        }
    }

    /// This client with at most `calls` tool calls in flight at once (at least one); the
    /// others wait their turn.
    #[must_use]
    pub fn with_concurrency(mut self, calls: usize) -> Self {
        self.in_flight = Arc::new(tokio::sync::Semaphore::new(calls.max(1)));
        self
    }

    /// This client minting tokens that live `ttl` (default five minutes).
    #[must_use]
    pub fn with_token_ttl(mut self, ttl: Duration) -> Self {
        self.minter.ttl = ttl;
        self
    }

    /// This client reusing the tool list for `ttl` (default five minutes; zero: list every time).
    #[must_use]
    pub fn with_tools_ttl(mut self, ttl: Duration) -> Self {
        self.tools_ttl = ttl;
        self
    }

    /// Whether mcp-tasks is up and its database reachable: its `/readyz` (next to the MCP
    /// endpoint) answers 2xx within two seconds.
    pub async fn ready(&self) -> Result<(), TasksError> {
        match self.probe.get(self.readyz.clone()).timeout(READY_TIMEOUT).send().await {
            Ok(response) if response.status().is_success() => Ok(()),
            Ok(response) => Err(TasksError::Unavailable(format!("/readyz answered {}", response.status()))),
            Err(e) if e.is_timeout() => Err(TasksError::Timeout(READY_TIMEOUT)),
            Err(e) => Err(TasksError::Unavailable(e.without_url().to_string())),
        }
    }

    async fn connection(&self) -> Result<Arc<Connection>, TasksError> {
        let mut slot = self.connection.lock().await;
        if let Some(c) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        let config = StreamableHttpClientTransportConfig::with_uri(self.url.as_str());
        let client = PerRequestAuth { inner: reqwest::Client::default(), minter: self.minter.clone() };
        let transport = StreamableHttpClientTransport::with_client(client, config);
        let lifecycle =
            ClientLifecycleMode::Discover { preferred_versions: vec![ProtocolVersion::V_2026_07_28] };
        let connect = ().serve_with_lifecycle(transport, lifecycle);
        let connection = tokio::time::timeout(self.timeout, connect)
            .await
            .map_err(|_| TasksError::Timeout(self.timeout))?
            .map_err(|e| TasksError::Unavailable(e.to_string()))?;
        let connection = Arc::new(connection);
        *slot = Some(connection.clone());
        Ok(connection)
    }

    async fn forget_connection(&self) {
        *self.connection.lock().await = None;
    }

    /// The token `user`'s requests carry.
    fn bearer(&self, user: &User) -> Bearer {
        Bearer(self.minter.token(&user.id, user.tz.as_deref()))
    }

    /// Sends `request` over the shared connection and waits for its answer, for at most the
    /// timeout; the server's answer or why there was none.
    async fn send(
        &self,
        request: ClientRequest,
    ) -> Result<Result<ServerResult, rmcp::ServiceError>, TasksError> {
        let connection = self.connection().await?;
        let sent = async {
            let handle =
                connection.send_request_with_option(request, PeerRequestOptions::no_options()).await?;
            handle.await_response().await
        };
        tokio::time::timeout(self.timeout, sent).await.map_err(|_| TasksError::Timeout(self.timeout))
    }

    /// The tools mcp-tasks offers (cached for a few minutes).
    pub async fn tools(&self) -> Result<Arc<Vec<Tool>>, TasksError> {
        if let Some((at, tools)) = self.tools.read().await.as_ref()
            && at.elapsed() < self.tools_ttl
        {
            return Ok(tools.clone());
        }
        let connection = self.connection().await?;
        let listed = tokio::time::timeout(self.timeout, connection.list_all_tools()).await;
        let tools = match listed {
            Ok(Ok(tools)) => Arc::new(tools),
            Ok(Err(e)) => {
                self.forget_connection().await;
                return Err(TasksError::Unavailable(e.to_string()));
            }
            Err(_) => return Err(TasksError::Timeout(self.timeout)),
        };
        *self.tools.write().await = Some((Instant::now(), tools.clone()));
        Ok(tools)
    }

    /// Calls `tool` as `user`. Tool errors (`isError`) are results, not errors.
    pub async fn call(
        &self,
        user: &User,
        tool: &str,
        arguments: JsonObject,
    ) -> Result<rmcp::model::CallToolResult, TasksError> {
        let started = Instant::now();
        // The semaphore is never closed; a closed one would only mean no bound.
        let _permit = self.in_flight.acquire().await.ok();
        let result = self.call_uncounted(user, tool, arguments).await;
        let outcome = match &result {
            Ok(r) if r.is_error == Some(true) => "tool_error",
            Ok(_) => "ok",
            Err(TasksError::Timeout(_)) => "timeout",
            Err(TasksError::Unavailable(_)) => "unavailable",
            Err(TasksError::Refused(_)) => "protocol_error",
        };
        crate::metrics::tool_call(tool, outcome, started.elapsed());
        result
    }

    async fn call_uncounted(
        &self,
        user: &User,
        tool: &str,
        arguments: JsonObject,
    ) -> Result<rmcp::model::CallToolResult, TasksError> {
        let mut request =
            CallToolRequest::new(CallToolRequestParams::new(tool.to_owned()).with_arguments(arguments));
        request.extensions.insert(self.bearer(user));
        match self.send(ClientRequest::CallToolRequest(request)).await? {
            Ok(ServerResult::CallToolResult(result)) => Ok(result),
            Ok(other) => Err(unexpected(&other)),
            Err(rmcp::ServiceError::McpError(e)) => Err(TasksError::Refused(e.message.to_string())),
            Err(e) => {
                self.forget_connection().await;
                Err(TasksError::Unavailable(e.to_string()))
            }
        }
    }

    /// The user's reminders that fell due recently (the `tasks://reminders/due` resource).
    pub async fn due_reminders(&self, user: &User) -> Result<Vec<ReminderView>, TasksError> {
        let mut request =
            rmcp::model::ReadResourceRequest::new(ReadResourceRequestParams::new(resources::DUE_REMINDERS));
        request.extensions.insert(self.bearer(user));
        let result = match self.send(ClientRequest::ReadResourceRequest(request)).await? {
            Ok(ServerResult::ReadResourceResult(result)) => result,
            Ok(other) => return Err(unexpected(&other)),
            Err(e) => return Err(TasksError::Unavailable(e.to_string())),
        };
        let mut reminders = Vec::new();
        for contents in result.contents {
            if let ResourceContents::TextResourceContents { text, .. } = contents
                && let Ok(body) = serde_json::from_str::<DueReminders>(&text)
            {
                reminders.extend(body.reminders);
            }
        }
        Ok(reminders)
    }
}

/// An answer of the wrong kind.
fn unexpected(answer: &ServerResult) -> TasksError {
    TasksError::Unavailable(format!("unexpected answer: {answer:?}"))
}

/// The text parts of a tool result, one per line.
#[must_use]
pub fn result_text(result: &rmcp::model::CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.as_str())).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::readyz_url;

    #[test]
    fn readyz_sits_beside_the_mcp_endpoint() {
        for (mcp, readyz) in [
            ("http://mcp-tasks:8001/mcp", "http://mcp-tasks:8001/readyz"),
            ("http://127.0.0.1:8001/mcp/", "http://127.0.0.1:8001/readyz"),
            ("https://example.com/tasks/mcp?x=1", "https://example.com/tasks/readyz"),
            ("http://h:8001/", "http://h:8001/readyz"),
        ] {
            assert_eq!(readyz_url(&mcp.parse().unwrap()).as_str(), readyz, "{mcp}");
        }
    }
}
