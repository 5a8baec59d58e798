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
use rmcp::model::{CallToolResult, ContentBlock};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::contract::tools;
use shared::identity::Identity;

use super::analytics::AnalyticsArgs;
use super::organize::{AddTagsArgs, SetPriorityArgs};
use super::schedule::{RecurringArgs, ScheduleReminderArgs};
use super::task_io::{AddTaskArgs, ListTasksArgs, SearchTasksArgs, SelectArgs, UpdateTaskArgs};
use super::{Reply, TaskServer, ToolError, finish};

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
            tools::ADD_TASK => written(self.add(parse::<AddTaskArgs>(arguments)?, &caller).await),
            tools::LIST_TASKS => {
                written(self.list(None, parse::<ListTasksArgs>(arguments)?.filters, &caller).await)
            }
            tools::SEARCH_TASKS => {
                let args = parse::<SearchTasksArgs>(arguments)?;
                written(self.list(Some(&args.query), args.filters, &caller).await)
            }
            tools::COMPLETE_TASK => written(self.complete(&parse::<SelectArgs>(arguments)?, &caller).await),
            tools::DELETE_TASK => written(self.delete(&parse::<SelectArgs>(arguments)?, &caller).await),
            tools::UPDATE_TASK => written(self.update(parse::<UpdateTaskArgs>(arguments)?, &caller).await),
            tools::SET_PRIORITY => {
                written(self.prioritise(&parse::<SetPriorityArgs>(arguments)?, &caller).await)
            }
            tools::ADD_TAGS => written(self.tag(&parse::<AddTagsArgs>(arguments)?, &caller).await),
            tools::SCHEDULE_REMINDER => {
                written(self.schedule(&parse::<ScheduleReminderArgs>(arguments)?, &caller).await)
            }
            tools::GET_RECURRING_TASKS => {
                written(self.recurring(&parse::<RecurringArgs>(arguments)?, &caller).await)
            }
            tools::ANALYTICS_SUMMARY => {
                written(self.summary(&parse::<AnalyticsArgs>(arguments)?, &caller).await)
            }
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
fn parse<T: DeserializeOwned>(arguments: &str) -> Option<T> {
    serde_json::from_str(arguments).ok()
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
/// result), mapped by [`finish`] exactly as through the router. `resultType` is left out,
/// as rmcp does for the protocol versions this path serves (before 2026-07-28).
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
        Err(e) => {
            let mut result = finish::<()>(Err(e))?;
            result.result_type = None;
            Ok((to_json(serde_json::to_string(&result))?, true))
        }
    }
}
