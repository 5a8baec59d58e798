//! This service's Prometheus metrics, named in one place: turns by outcome, open ChatKit
//! streams, MCP tool calls by tool and outcome, model calls by outcome with their latency
//! and tokens, transcriptions by outcome with their latency. HTTP request metrics come from
//! `shared::metrics`, which also owns the recorder and renders `/metrics`.

use std::sync::Once;
use std::time::Duration;

use shared::contract::tools;
use shared::metrics::InFlight;

/// Counter: turns run, by `outcome` (`ok`, `failed`, `disconnected`).
pub const TURNS: &str = "chat_gateway_turns_total";
/// Gauge: ChatKit SSE streams open right now.
pub const ACTIVE_STREAMS: &str = "chat_gateway_active_streams";
/// Counter: streams given up because their client stopped reading (the turn went on).
pub const STALLED_STREAMS: &str = "chat_gateway_stalled_streams_total";
/// Gauge: users the per-user rate limiter holds a bucket for (pruned every few seconds).
pub const RATE_LIMITED_USERS: &str = "chat_gateway_rate_limiter_users";
/// Counter: calls to mcp-tasks tools, by `tool` and `outcome` (`ok`, `tool_error`,
/// `protocol_error`, `unavailable`, `timeout`).
pub const TOOL_CALLS: &str = "chat_gateway_tool_calls_total";
/// Histogram: seconds per mcp-tasks tool call, by `tool`.
pub const TOOL_DURATION: &str = "chat_gateway_tool_call_duration_seconds";
/// Counter: model completions, by `outcome` (`ok`, or the error: `unauthorized`,
/// `rate_limited`, `unavailable`, `timeout`, `cut`, `rejected`).
pub const LLM_CALLS: &str = "chat_gateway_llm_calls_total";
/// Histogram: seconds per model completion (request to last chunk), by `outcome`.
pub const LLM_DURATION: &str = "chat_gateway_llm_call_duration_seconds";
/// Counter: tokens the provider reported, by `kind` (`prompt`, `completion`).
pub const LLM_TOKENS: &str = "chat_gateway_llm_tokens_total";
/// Counter: `input.transcribe` requests, by `outcome` (`ok`, `invalid`, `not_configured`,
/// `unreadable`, `busy`, `failed`, `timeout`).
pub const TRANSCRIPTIONS: &str = "chat_gateway_transcriptions_total";
/// Histogram: seconds per call to the transcription service, by `outcome`.
pub const TRANSCRIPTION_DURATION: &str = "chat_gateway_transcription_duration_seconds";

/// Installs the recorder (once per process) and describes this service's metrics.
pub fn init() {
    shared::metrics::init();
    static DESCRIBED: Once = Once::new();
    DESCRIBED.call_once(|| {
        metrics::describe_counter!(TURNS, "Turns run, by outcome (ok, failed, disconnected)");
        metrics::describe_gauge!(ACTIVE_STREAMS, "ChatKit SSE streams open now");
        metrics::describe_counter!(STALLED_STREAMS, "Streams given up because the client stopped reading");
        metrics::describe_gauge!(RATE_LIMITED_USERS, "Users the per-user rate limiter holds a bucket for");
        metrics::describe_counter!(TOOL_CALLS, "mcp-tasks tool calls, by tool and outcome");
        metrics::describe_histogram!(
            TOOL_DURATION,
            metrics::Unit::Seconds,
            "Seconds per mcp-tasks tool call"
        );
        metrics::describe_counter!(LLM_CALLS, "Model completions, by outcome");
        metrics::describe_histogram!(LLM_DURATION, metrics::Unit::Seconds, "Seconds per model completion");
        metrics::describe_counter!(LLM_TOKENS, "Tokens reported by the model provider, by kind");
        metrics::describe_counter!(TRANSCRIPTIONS, "input.transcribe requests, by outcome");
        metrics::describe_histogram!(
            TRANSCRIPTION_DURATION,
            metrics::Unit::Seconds,
            "Seconds per call to the transcription service"
        );
    });
}

/// Counts one more open stream until the returned guard is dropped (the stream ended or
/// its client went away).
pub fn stream_opened() -> InFlight {
    InFlight::new(metrics::gauge!(ACTIVE_STREAMS))
}

/// Records how many users the rate limiter holds a bucket for.
pub fn rate_limited_users(users: usize) {
    metrics::gauge!(RATE_LIMITED_USERS).set(users as f64);
}

/// Records a stream given up on a client that stopped reading.
pub fn stream_stalled() {
    metrics::counter!(STALLED_STREAMS).increment(1);
}

/// Records how a turn ended.
pub fn turn(outcome: &'static str) {
    metrics::counter!(TURNS, "outcome" => outcome).increment(1);
}

/// Records one call to an mcp-tasks tool.
pub fn tool_call(tool: &str, outcome: &'static str, took: Duration) {
    // A name the model made up is counted as `unknown`, so a model cannot mint new series.
    let tool = tools::ALL.iter().find(|t| **t == tool).copied().unwrap_or("unknown");
    metrics::counter!(TOOL_CALLS, "tool" => tool, "outcome" => outcome).increment(1);
    metrics::histogram!(TOOL_DURATION, "tool" => tool).record(took.as_secs_f64());
}

/// Records one model completion and the tokens it reported, if any.
pub fn llm_call(
    outcome: &'static str,
    took: Duration,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
) {
    metrics::counter!(LLM_CALLS, "outcome" => outcome).increment(1);
    metrics::histogram!(LLM_DURATION, "outcome" => outcome).record(took.as_secs_f64());
    if let Some(n) = prompt_tokens {
        metrics::counter!(LLM_TOKENS, "kind" => "prompt").increment(n);
    }
    if let Some(n) = completion_tokens {
        metrics::counter!(LLM_TOKENS, "kind" => "completion").increment(n);
    }
}

/// Records one `input.transcribe` request by outcome, and how long the transcription service
/// took when it was called.
pub fn transcription(outcome: &'static str, took: Option<Duration>) {
    metrics::counter!(TRANSCRIPTIONS, "outcome" => outcome).increment(1);
    if let Some(took) = took {
        metrics::histogram!(TRANSCRIPTION_DURATION, "outcome" => outcome).record(took.as_secs_f64());
    }
}
