//! [`LlmClient`]: the handle the agent holds. It starts completions (`driver`) and builds
//! the messages that replay a completion and its tool results in the next request.

use std::sync::Arc;

use futures::stream::BoxStream;
use serde_json::{Value, json};

use super::driver;
use super::provider::{Body, Provider};
use super::transport::RetryPolicy;
use super::types::{Completion, LlmConfig, LlmError, LlmEvent, ToolCall};

/// A Chat Completions client for one provider and model. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct LlmClient {
    inner: Arc<Provider>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        f.debug_struct("LlmClient").field("model", &inner.model).field("timeout", &inner.timeout).finish()
    }
}

impl LlmClient {
    /// A client for `config`, with the default [`RetryPolicy`].
    pub fn new(config: LlmConfig) -> Self {
        Self { inner: Arc::new(Provider::new(config)) }
    }

    /// Replaces the retry policy (tests use short or no retries; production keeps the default).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        Arc::make_mut(&mut self.inner).retry = retry;
        self
    }

    /// Streams one chat completion. `messages` are OpenAI chat messages as JSON
    /// (system/user/assistant with optional tool_calls/tool); `tools` are OpenAI tool
    /// definitions as JSON (`{"type":"function","function":{name,description,parameters}}`),
    /// may be empty (then `tools` is left out of the body).
    /// Yields TextDelta as text arrives and exactly one Done at the end, or one Err and then ends.
    pub fn stream(
        &self,
        messages: Vec<Value>,
        tools: impl Into<Arc<[Value]>>,
    ) -> BoxStream<'static, Result<LlmEvent, LlmError>> {
        let body = Body {
            model: self.inner.model.clone(),
            stream: true,
            messages,
            tools: tools.into(),
            stream_options: None,
        };
        driver::stream(self.inner.clone(), body)
    }

    /// Builds the assistant message (with `tool_calls`, echoing `extra`) that replays
    /// `completion` in the next request.
    pub fn assistant_message(completion: &Completion) -> Value {
        let mut message = json!({"role": "assistant"});
        // With tool calls and no text, `content` is left out (as OpenAI's SDKs do).
        if !completion.text.is_empty() || completion.tool_calls.is_empty() {
            message["content"] = json!(completion.text);
        }
        if !completion.tool_calls.is_empty() {
            let calls = completion.tool_calls.iter().map(|call| {
                let mut wire = json!({
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                });
                if let Some(extra) = &call.extra {
                    wire["extra_content"] = extra.clone();
                }
                wire
            });
            message["tool_calls"] = calls.collect();
        }
        message
    }

    /// A `tool` message answering `call` with `content`.
    pub fn tool_message(call: &ToolCall, content: &str) -> Value {
        json!({"role": "tool", "tool_call_id": call.id, "content": content})
    }
}
