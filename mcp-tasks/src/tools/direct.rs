//! Calling a tool by name without rmcp's request machinery: the hot path of stateless HTTP
//! (`crate::direct`). The same tool functions run as through the router, and the result
//! is written straight to JSON: rmcp's `CallToolResult` holds `structuredContent` as a
//! `serde_json::Value`, and building, serialising and dropping that tree cost about 40% of
//! a `list_tasks` call.
//!
//! The caller falls back to rmcp whenever this returns `None` (unknown tool, arguments
//! that do not deserialize), so every error rmcp would report is still rmcp's.

use std::time::Instant;

use rmcp::ErrorData as McpError;
use rmcp::handler::server::tool::IntoCallToolResult;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResponse, CallToolResult, ContentBlock};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::contract::tools;
use shared::identity::Identity;

use super::{Reply, TaskServer, ToolError};

impl TaskServer {
    /// Runs tool `name` with `arguments` (a JSON object) for `identity` and returns the JSON
    /// text of its `CallToolResult`, or `None` when the call should go through rmcp instead.
    pub async fn call_direct(
        &self,
        name: &str,
        arguments: &str,
        identity: &Identity,
    ) -> Option<Result<String, McpError>> {
        let caller = self.caller_of(identity);
        let started = Instant::now();
        let result = match name {
            tools::ADD_TASK => written(self.add_task(args(arguments)?, caller).await),
            tools::LIST_TASKS => written(self.list_tasks(args(arguments)?, caller).await),
            tools::SEARCH_TASKS => written(self.search_tasks(args(arguments)?, caller).await),
            tools::COMPLETE_TASK => written(self.complete_task(args(arguments)?, caller).await),
            tools::DELETE_TASK => written(self.delete_task(args(arguments)?, caller).await),
            tools::UPDATE_TASK => written(self.update_task(args(arguments)?, caller).await),
            tools::SET_PRIORITY => written(self.set_priority(args(arguments)?, caller).await),
            tools::ADD_TAGS => written(self.add_tags(args(arguments)?, caller).await),
            tools::SCHEDULE_REMINDER => written(self.schedule_reminder(args(arguments)?, caller).await),
            tools::GET_RECURRING_TASKS => written(self.get_recurring_tasks(args(arguments)?, caller).await),
            tools::ANALYTICS_SUMMARY => written(self.analytics_summary(args(arguments)?, caller).await),
            _ => return None,
        };
        let outcome = match &result {
            Ok((_, false)) => crate::metrics::Outcome::Ok,
            Ok((_, true)) => crate::metrics::Outcome::ToolError,
            Err(_) => crate::metrics::Outcome::ProtocolError,
        };
        crate::metrics::tool_call(name, outcome, started.elapsed());
        Some(result.map(|(json, _)| json))
    }
}

/// The arguments, or `None` (rmcp then reports why they do not fit).
fn args<T: DeserializeOwned>(arguments: &str) -> Option<Parameters<T>> {
    serde_json::from_str(arguments).ok().map(Parameters)
}

/// A result with its structured content beside it, serialised as one object.
#[derive(Serialize)]
struct Structured<'a, T> {
    #[serde(flatten)]
    result: &'a CallToolResult,
    #[serde(rename = "structuredContent")]
    structured: &'a T,
}

/// The tool's outcome as the JSON of its `CallToolResult` (and whether it is an error
/// result), errors mapped by `ToolError`'s `IntoCallToolResult` exactly as through the
/// router. `resultType` is left out, as rmcp does for the protocol versions this path
/// serves (before 2026-07-28).
fn written<T: Serialize>(outcome: Result<Reply<T>, ToolError>) -> Result<(String, bool), McpError> {
    let to_json = |json: Result<String, serde_json::Error>| {
        json.map_err(|e| McpError::internal_error(e.to_string(), None))
    };
    match outcome {
        Ok(Reply { data, text }) => {
            let mut result = CallToolResult::success(vec![ContentBlock::text(text)]);
            result.result_type = None;
            Ok((to_json(serde_json::to_string(&Structured { result: &result, structured: &data }))?, false))
        }
        Err(e) => match e.into_call_tool_result()? {
            CallToolResponse::Complete(mut result) => {
                result.result_type = None;
                Ok((to_json(serde_json::to_string(&result))?, true))
            }
            _ => Err(McpError::internal_error("a tool error became a task", None)),
        },
    }
}
