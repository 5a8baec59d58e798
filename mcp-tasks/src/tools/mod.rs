//! The MCP server: [`TaskServer`] holds the store and the composed tool router; each
//! tool family lives in its own module and contributes a router, added with `+`.
//!
//! Identity: over HTTP the auth middleware puts a verified [`Identity`] into the request,
//! which rmcp hands us inside `http::request::Parts`; over stdio the server was built for
//! exactly one user. Each tool takes its `Caller` as an argument, found from either; no
//! tool takes a user id.
//!
//! Errors: what the model can fix is a tool result with `isError: true` (`ToolError`);
//! broken infrastructure is a protocol error. A tool returns `Result<Reply<_>, ToolError>`;
//! the mapping is `ToolError`'s `IntoCallToolResult`, and only there.
//!
//! Two ways in: rmcp's router (`call_tool` below), and `direct` (`TaskServer::call_direct`),
//! which `crate::direct` uses to answer plain HTTP tool calls; both run the same tool
//! functions.

mod analytics;
mod direct;
mod filters;
mod input;
mod organize;
mod schedule;
mod task_io;
mod tasks;
mod view;

use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rmcp::handler::server::common::FromContextPart;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::tool::{IntoCallToolResult, ToolCallContext};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListPromptsRequestMethod, ListPromptsResult, ListResourcesResult, PaginatedRequestParams,
    ReadResourceRequestParams, ReadResourceResponse, ReadResourceResult, Resource, ResourceContents,
    ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler, tool_handler};
use serde::Serialize;
use shared::contract::resources::DueReminders;
use shared::contract::task_numbers;
use shared::identity::Identity;

use crate::store::{Store, StoreError};

/// URI of the resource listing the caller's due reminders (declared in `shared::contract`).
pub use shared::contract::resources::DUE_REMINDERS as DUE_REMINDERS_URI;

/// How far back the due-reminders resource looks.
const DUE_REMINDER_WINDOW_HOURS: i64 = 24;

/// The task MCP server. Cheap to clone (stateless HTTP clones it for every request): the
/// router is built once and shared behind an `Arc`.
#[derive(Clone)]
pub struct TaskServer {
    store: Arc<dyn Store>,
    default_tz: Tz,
    local_user: Option<Arc<Identity>>,
    tool_router: Arc<ToolRouter<Self>>,
}

/// Who is calling, and in which zone their phrases are read.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub user: String,
    pub tz: Tz,
}

impl TaskServer {
    /// A server for HTTP: every request must carry a verified identity.
    pub fn new(store: Arc<dyn Store>, default_tz: Tz) -> Self {
        Self { store, default_tz, local_user: None, tool_router: Arc::new(Self::tool_router()) }
    }

    /// Every tool family's router, composed: the tools `shared::contract::tools::ALL` names.
    fn tool_router() -> ToolRouter<Self> {
        Self::task_router() + Self::organize_router() + Self::schedule_router() + Self::analytics_router()
    }

    /// The tools that change something (not annotated `readOnlyHint: true`): those an
    /// OAuth token needs `tasks:write` for.
    pub fn write_tools() -> std::collections::HashSet<String> {
        let tools = Self::tool_router().list_all();
        tools
            .into_iter()
            .filter(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) != Some(true))
            .map(|t| t.name.to_string())
            .collect()
    }

    /// A server for stdio: every request is `user`'s.
    pub fn for_local_user(store: Arc<dyn Store>, default_tz: Tz, user: &str) -> Self {
        let local = Identity { user_id: user.to_owned(), tz: None, locale: None };
        Self { local_user: Some(Arc::new(local)), ..Self::new(store, default_tz) }
    }

    /// The caller of this request: the verified HTTP identity, else the stdio user.
    pub(crate) fn caller(&self, ctx: &RequestContext<RoleServer>) -> Result<Caller, McpError> {
        let identity = match ctx.extensions.get::<http::request::Parts>() {
            Some(parts) => parts.extensions.get::<Identity>(),
            None => self.local_user.as_deref(),
        }
        .ok_or_else(|| McpError::invalid_request("unauthenticated", None))?;
        Ok(self.caller_of(identity))
    }

    /// The caller `identity` speaks for, in its time zone (else the server's default).
    pub(crate) fn caller_of(&self, identity: &Identity) -> Caller {
        let tz = identity.tz.as_deref().and_then(|z| z.parse().ok()).unwrap_or(self.default_tz);
        Caller { user: identity.user_id.clone(), tz }
    }

    pub(crate) fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }
}

/// A tool takes its caller as an argument, like its parameters: [`TaskServer::caller`].
impl FromContextPart<ToolCallContext<'_, TaskServer>> for Caller {
    fn from_context_part(context: &mut ToolCallContext<'_, TaskServer>) -> Result<Self, McpError> {
        context.service.caller(&context.request_context)
    }
}

/// The current instant; one place, so a turn uses one `now` throughout.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now()
}

/// A failure the model can fix by calling again differently.
#[derive(Debug)]
pub(crate) enum ToolError {
    /// Bad input: the message says what was wrong and what is accepted.
    Invalid(String),
    /// The storage layer failed.
    Store(StoreError),
}

impl From<StoreError> for ToolError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

impl From<crate::dates::DateError> for ToolError {
    fn from(e: crate::dates::DateError) -> Self {
        Self::Invalid(e.to_string())
    }
}

/// What a tool produced: structured output and a short text for people.
pub(crate) struct Reply<T: Serialize> {
    pub data: T,
    pub text: String,
}

/// A tool's success: the structured output, with the text as its content.
impl<T: Serialize> IntoCallToolResult for Reply<T> {
    fn into_call_tool_result(self) -> Result<CallToolResponse, McpError> {
        let value =
            serde_json::to_value(&self.data).map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let mut result = CallToolResult::success(vec![ContentBlock::text(self.text)]);
        result.structured_content = Some(value);
        Ok(result.into())
    }
}

/// A tool's failure as the MCP result: the one place errors are mapped. What the model can
/// fix is a result with `isError: true`; a broken store is a protocol error.
impl IntoCallToolResult for ToolError {
    fn into_call_tool_result(self) -> Result<CallToolResponse, McpError> {
        match self {
            Self::Invalid(message) | Self::Store(StoreError::Rejected(message)) => {
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into())
            }
            Self::Store(StoreError::NotFound(numbers)) => {
                let list = task_numbers(&numbers);
                let message = format!(
                    "No task {list}. Nothing was changed. Call list_tasks or search_tasks to find the right number."
                );
                Ok(CallToolResult::error(vec![ContentBlock::text(message)]).into())
            }
            Self::Store(e) => {
                tracing::error!(error = %e, "store failure");
                Err(McpError::internal_error("the task store is unavailable; try again shortly", None))
            }
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for TaskServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_resources().build())
            .with_server_info(Implementation::new("mcp-tasks", env!("CARGO_PKG_VERSION")))
            .with_instructions(format!(
                "Personal task manager. Tasks are referred to by their number (#3). Dates and times are read \
                 in the user's time zone and accept English phrases (tomorrow 5pm, next friday, in 3 days) or \
                 ISO 8601. Recurring tasks take phrases like 'every monday at 9am'. The resource \
                 {DUE_REMINDERS_URI} lists reminders that fell due in the last day."
            ))
    }

    /// The router's dispatch, counted and timed by tool and outcome.
    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let known = self.tool_router.has_route(&request.name);
        let tool = if known { request.name.to_string() } else { crate::metrics::UNKNOWN_TOOL.to_owned() };
        let started = Instant::now();
        let result = self.tool_router.call(ToolCallContext::new(self, request, context)).await;
        crate::metrics::tool_call(&tool, crate::metrics::Outcome::of(&result), started.elapsed());
        result
    }

    /// No prompts: say so (-32601) rather than rmcp's default empty list, which claims a
    /// capability `get_info` does not declare.
    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Err(McpError::method_not_found::<ListPromptsRequestMethod>())
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let due = Resource::new(DUE_REMINDERS_URI, "due-reminders")
            .with_title("Due reminders")
            .with_description(
                "Your reminders that fell due in the last 24 hours, on tasks still pending (JSON).",
            )
            .with_mime_type("application/json");
        Ok(ListResourcesResult::with_all_items(vec![due]))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        if request.uri != DUE_REMINDERS_URI {
            return Err(McpError::resource_not_found(
                format!("no resource {}; the only one is {DUE_REMINDERS_URI}", request.uri),
                Some(serde_json::json!({ "uri": request.uri })),
            ));
        }
        let caller = self.caller(&context)?;
        let now = now();
        let since = now - chrono::Duration::hours(DUE_REMINDER_WINDOW_HOURS);
        let reminders = self.store.user_due_reminders(&caller.user, since, now).await.map_err(|e| {
            tracing::error!(error = %e, "store failure");
            McpError::internal_error("the task store is unavailable; try again shortly", None)
        })?;
        let body =
            DueReminders { reminders: reminders.iter().map(|r| view::reminder_view(r, caller.tz)).collect() };
        let text = serde_json::to_string(&body).map_err(|e| McpError::internal_error(e.to_string(), None))?;
        let contents = ResourceContents::TextResourceContents {
            uri: DUE_REMINDERS_URI.into(),
            mime_type: Some("application/json".into()),
            text,
            meta: None,
        };
        Ok(ReadResourceResult::new(vec![contents]).into())
    }
}

#[cfg(test)]
mod tests {
    use super::TaskServer;

    #[test]
    fn the_served_tools_are_the_ones_the_contract_names() {
        let mut served: Vec<String> =
            TaskServer::tool_router().list_all().into_iter().map(|t| t.name.to_string()).collect();
        let mut declared: Vec<&str> = shared::contract::tools::ALL.to_vec();
        served.sort();
        declared.sort_unstable();
        assert_eq!(served, declared);
    }
}
