//! The client's public vocabulary: where the model is ([`LlmConfig`]), what a completion
//! yields ([`LlmEvent`], [`Completion`], [`ToolCall`]) and why it failed ([`LlmError`]).

use std::time::Duration;

use serde_json::Value;

/// Where and how to reach the model.
#[derive(Clone)]
pub struct LlmConfig {
    /// OpenAI-compatible base URL, e.g. `https://api.openai.com/v1` (a trailing `/` is fine).
    pub base_url: String,
    /// Sent as `Authorization: Bearer …`; surrounding whitespace is trimmed.
    pub api_key: String,
    /// The model name sent in every request.
    pub model: String,
    /// Longest wait for a response head, and longest silence inside a stream.
    pub timeout: Duration,
}

impl std::fmt::Debug for LlmConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .field("model", &self.model)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// A tool call the model asked for, accumulated from stream deltas.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolCall {
    /// The provider's call id, or `call_{i}` when it sent none.
    pub id: String,
    /// The function name.
    pub name: String,
    /// Raw JSON text as the model produced it (`"{}"` when empty); not validated here.
    pub arguments: String,
    /// Provider extras to echo back verbatim on replay (Gemini's `extra_content`).
    pub extra: Option<Value>,
}

/// The end of one completion.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Completion {
    /// All text deltas joined.
    pub text: String,
    /// The calls the model made; decide "it called tools" from this, not `finish_reason`
    /// (Gemini ends tool turns with `stop`).
    pub tool_calls: Vec<ToolCall>,
    /// The provider's last non-empty `finish_reason` (`stop`, `length`, `tool_calls`, …).
    pub finish_reason: Option<String>,
    /// Prompt tokens, when the provider reported usage.
    pub prompt_tokens: Option<u64>,
    /// Completion tokens, when the provider reported usage.
    pub completion_tokens: Option<u64>,
}

/// What the stream yields.
#[derive(Debug, Clone, PartialEq)]
pub enum LlmEvent {
    /// A piece of assistant text, as it arrived.
    TextDelta(String),
    /// The completion is over; always the last item of a successful stream.
    Done(Completion),
}

/// Why a completion failed, in the terms the agent branches on.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// 401/403: the key is wrong (or unusable); retrying won't help.
    #[error("the model provider refused the API key")]
    Unauthorized,
    /// 429 after the client's own retries.
    #[error("the model provider is rate limiting requests{}", retry_after.map(|d| format!(" (retry after {}s)", d.as_secs())).unwrap_or_default())]
    RateLimited {
        /// The provider's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// 5xx after retries, connection refused, DNS, or a provider error mid-stream.
    #[error("the model provider is unavailable: {0}")]
    Unavailable(String),
    /// No response head, or a stalled stream, beyond the configured timeout.
    #[error("the model provider did not answer in time")]
    Timeout,
    /// The stream ended or broke before `[DONE]` or a finish reason.
    #[error("the model's answer was cut off before it finished")]
    Cut,
    /// Any other 4xx (context too long, unknown model, bad tools…) with the provider's message.
    #[error("the model provider rejected the request: {0}")]
    Rejected(String),
}

impl LlmError {
    /// Whether the same request may succeed if sent again later.
    pub fn retryable(&self) -> bool {
        matches!(self, Self::RateLimited { .. } | Self::Unavailable(_) | Self::Timeout | Self::Cut)
    }
}
