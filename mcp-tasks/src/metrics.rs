//! This service's Prometheus metrics, named in one place: tool calls by tool and outcome,
//! their latency, and reminder deliveries. HTTP request metrics come from
//! `shared::metrics`, which also owns the recorder and renders `/metrics`.

use std::sync::Once;
use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::model::CallToolResponse;

/// Counter: tool calls, by `tool` and `outcome` (`ok`, `tool_error`, `protocol_error`).
pub const TOOL_CALLS: &str = "mcp_tasks_tool_calls_total";
/// Histogram: seconds a tool call took, by `tool`.
pub const TOOL_DURATION: &str = "mcp_tasks_tool_call_duration_seconds";
/// Counter: reminder webhook delivery attempts, by `outcome` (`delivered`, `failed`: retried
/// later, `gave_up`: failed for the last allowed time).
pub const REMINDER_DELIVERIES: &str = "mcp_tasks_reminder_deliveries_total";

/// The label for calls to a tool that does not exist (names come from clients).
pub const UNKNOWN_TOOL: &str = "unknown";

/// Installs the recorder (once per process) and describes this service's metrics.
pub fn init() {
    shared::metrics::init();
    static DESCRIBED: Once = Once::new();
    DESCRIBED.call_once(|| {
        metrics::describe_counter!(
            TOOL_CALLS,
            "Tool calls, by tool and outcome (ok, tool_error, protocol_error)"
        );
        metrics::describe_histogram!(TOOL_DURATION, metrics::Unit::Seconds, "Seconds per tool call, by tool");
        metrics::describe_counter!(
            REMINDER_DELIVERIES,
            "Reminder webhook delivery attempts, by outcome (delivered, failed, gave_up)"
        );
    });
}

/// How a tool call ended: `ok`, `tool_error` (a result with `isError`, which the model
/// can fix) or `protocol_error` (bad arguments, broken infrastructure).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    ToolError,
    ProtocolError,
}

impl Outcome {
    /// The outcome of a call answered through rmcp's router.
    pub fn of(result: &Result<CallToolResponse, McpError>) -> Self {
        match result {
            Ok(CallToolResponse::Complete(r)) if r.is_error == Some(true) => Self::ToolError,
            Ok(_) => Self::Ok,
            Err(_) => Self::ProtocolError,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::ToolError => "tool_error",
            Self::ProtocolError => "protocol_error",
        }
    }
}

/// Records one tool call.
pub fn tool_call(tool: &str, outcome: Outcome, took: Duration) {
    metrics::counter!(TOOL_CALLS, "tool" => tool.to_owned(), "outcome" => outcome.label()).increment(1);
    metrics::histogram!(TOOL_DURATION, "tool" => tool.to_owned()).record(took.as_secs_f64());
}

/// How one reminder delivery attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// The webhook answered 2xx.
    Delivered,
    /// It failed; another attempt follows after a backoff.
    Failed,
    /// It failed for the last allowed time; the reminder is given up on.
    GaveUp,
}

/// Records one reminder delivery attempt.
pub fn reminder_delivery(outcome: Delivery) {
    let outcome = match outcome {
        Delivery::Delivered => "delivered",
        Delivery::Failed => "failed",
        Delivery::GaveUp => "gave_up",
    };
    metrics::counter!(REMINDER_DELIVERIES, "outcome" => outcome).increment(1);
}
