//! How provider failures map onto [`LlmError`]: final HTTP statuses with their bodies,
//! error objects sent mid-stream, and what async-openai itself returns.

use std::time::Duration;

use async_openai::error::OpenAIError;
use serde_json::{Value, json};

use super::transport::Failure;
use super::types::LlmError;

/// A 400/422 that names `stream_options` (Mistral: `extra_forbidden`, proxies: `unknown_parameter`).
pub(super) fn refuses_stream_options(error: &OpenAIError) -> bool {
    let OpenAIError::Boxed(inner) = error else { return false };
    matches!(
        inner.downcast_ref::<Failure>(),
        Some(Failure::Status { status: 400 | 422, body, .. }) if body.contains("stream_options")
    )
}

/// Maps what async-openai (and our transport below it) returned onto [`LlmError`].
pub(super) fn map_error(error: OpenAIError) -> LlmError {
    match error {
        OpenAIError::Boxed(inner) => match inner.downcast::<Failure>() {
            Ok(failure) => match *failure {
                Failure::Timeout => LlmError::Timeout,
                Failure::Status { status, retry_after, body } => from_status(status, retry_after, &body),
            },
            Err(other) => LlmError::Unavailable(other.to_string()),
        },
        OpenAIError::Reqwest(e) if e.is_timeout() => LlmError::Timeout,
        OpenAIError::Reqwest(e) if e.is_builder() => LlmError::Rejected(error_chain(&e)),
        OpenAIError::Reqwest(e) => LlmError::Unavailable(error_chain(&e)),
        OpenAIError::ApiError(api) => {
            from_status(api.status_code.as_u16(), None, &json!({"error": api.api_error}).to_string())
        }
        OpenAIError::InvalidArgument(message) => LlmError::Rejected(message),
        other => LlmError::Unavailable(other.to_string()),
    }
}

/// Maps a final non-2xx response onto [`LlmError`], keeping the provider's message.
fn from_status(status: u16, retry_after: Option<Duration>, body: &str) -> LlmError {
    let message = match serde_json::from_str::<Value>(body) {
        Ok(parsed) => error_message(&parsed),
        // An HTML error page says nothing the status does not.
        Err(_) if body.trim_start().starts_with('<') => String::new(),
        Err(_) => truncate(body, 500),
    };
    let message = if message.is_empty() { format!("HTTP {status}") } else { message };
    match status {
        401 | 403 => LlmError::Unauthorized,
        429 if body.contains("insufficient_quota") => LlmError::Rejected(message),
        429 => LlmError::RateLimited { retry_after },
        408 => LlmError::Timeout,
        500..=599 if message.starts_with("HTTP ") => LlmError::Unavailable(message),
        500..=599 => LlmError::Unavailable(format!("HTTP {status}: {message}")),
        _ => LlmError::Rejected(message),
    }
}

/// `e` and its sources ("error sending request …: connection refused").
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Maps a provider error object (`{"message", "type", "code", "status"}`), as sent inside
/// `{"error": …}` mid-stream, onto the error the agent branches on. Unknown → `Unavailable`.
pub(super) fn error_payload(error: &Value) -> LlmError {
    let message = error_message(error);
    let code_number = error.get("code").and_then(|c| match c {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    });
    let words = ["type", "code", "status"]
        .iter()
        .filter_map(|k| error.get(*k).and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let has = |needle: &str| words.contains(needle);

    if code_number == Some(429) || has("rate_limit") || has("resource_exhausted") {
        if has("insufficient_quota") {
            return LlmError::Rejected(message);
        }
        return LlmError::RateLimited { retry_after: None };
    }
    if matches!(code_number, Some(401 | 403))
        || has("invalid_api_key")
        || has("authentication")
        || has("unauthenticated")
        || has("permission_denied")
    {
        return LlmError::Unauthorized;
    }
    if matches!(code_number, Some(408 | 504)) || has("timeout") || has("deadline_exceeded") {
        return LlmError::Timeout;
    }
    if code_number.is_some_and(|c| (400..500).contains(&c))
        || has("invalid_request")
        || has("invalid_argument")
        || has("context_length")
        || has("insufficient_quota")
    {
        return LlmError::Rejected(message);
    }
    LlmError::Unavailable(message)
}

/// The human-readable message of a provider error body, whatever its shape:
/// `{"error": {"message"}}`, `[{"error": …}]` (Gemini), `{"message": {…}}` (Mistral 422),
/// `{"detail": …}`, or plain text.
pub(super) fn error_message(body: &Value) -> String {
    let body = match body {
        Value::Array(items) => items.first().unwrap_or(body),
        Value::String(text) => return truncate(text, 500),
        other => other,
    };
    let inner = body.get("error").filter(|e| e.is_object()).unwrap_or(body);
    let text = match inner.get("message").or_else(|| inner.get("detail")).or_else(|| body.get("error")) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => body.to_string(),
    };
    truncate(&text, 500)
}

/// Cuts `text` to at most `max` bytes on a char boundary.
pub(super) fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.trim().to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", text[..end].trim())
}
