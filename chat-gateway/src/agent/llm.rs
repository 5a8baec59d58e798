//! The streaming Chat Completions client the agent talks to the model with: one request
//! in, text deltas and one [`Completion`] (text, tool calls, usage) out, over any
//! OpenAI-compatible provider (OpenAI, Groq, Gemini, Ollama, llama.cpp, vLLM, Mistral).
//!
//! It owns the provider quirks described in `shared/docs/llm-providers.md`: requests go
//! through async-openai's `create_stream_byot` with lenient chunk types (`chunk`), tool
//! calls are folded by the defensive rules of `accumulator`, and the HTTP layer
//! (`transport`) retries, times out and watches the body for `[DONE]`. Errors reach the
//! agent as one [`LlmError`] it can branch on ([`LlmError::retryable`]).
//!
//! Layout: `chunk` (the wire shape), `accumulator` (chunks → completion), `transport`
//! (retries, time limits, the `[DONE]` probe), `classify` (failures → [`LlmError`]); this
//! file holds the public API and the stream driver.

mod accumulator;
mod chunk;
mod classify;
mod transport;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use serde_json::{Value, json};

use accumulator::Accumulator;
use chunk::Payload;
use transport::{Failure, Probe, Transport};

pub use transport::RetryPolicy;

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

/// A Chat Completions client for one provider and model. Cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct LlmClient {
    inner: Arc<Inner>,
}

#[derive(Clone)]
struct Inner {
    model: String,
    timeout: Duration,
    /// `None` when the key cannot go in an HTTP header (async-openai would panic).
    openai: Option<OpenAIConfig>,
    http: reqwest::Client,
    retry: RetryPolicy,
    /// Cleared once the provider refuses `stream_options` (Mistral answers 422).
    send_stream_options: Arc<AtomicBool>,
}

impl std::fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = &self.inner;
        f.debug_struct("LlmClient").field("model", &inner.model).field("timeout", &inner.timeout).finish()
    }
}

type ChunkStream = std::pin::Pin<Box<dyn Stream<Item = Result<Payload, OpenAIError>> + Send>>;

impl LlmClient {
    /// A client for `config`, with the default [`RetryPolicy`].
    pub fn new(config: LlmConfig) -> Self {
        let key = config.api_key.trim();
        let header_ok = reqwest::header::HeaderValue::from_str(&format!("Bearer {key}")).is_ok();
        if !header_ok {
            tracing::error!("the model API key contains characters not allowed in an HTTP header");
        }
        // Set every field explicitly so the process's OPENAI_* variables cannot leak in.
        let openai = header_ok.then(|| {
            OpenAIConfig::new()
                .with_api_base(config.base_url.trim().trim_end_matches('/'))
                .with_api_key(key)
                .with_org_id("")
                .with_project_id("")
        });
        let http = reqwest::Client::builder().connect_timeout(config.timeout).build().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "falling back to a default HTTP client");
            reqwest::Client::new()
        });
        let inner = Inner {
            model: config.model,
            timeout: config.timeout,
            openai,
            http,
            retry: RetryPolicy::default(),
            send_stream_options: Arc::new(AtomicBool::new(true)),
        };
        Self { inner: Arc::new(inner) }
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
        let driver = Driver { client: self.clone(), body, state: State::Start, started: Instant::now() };
        futures::stream::unfold(driver, |mut driver| async move {
            let item = driver.next().await?;
            Some((item, driver))
        })
        .fuse() // polling after the end yields None instead of panicking
        .boxed()
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

    /// Sends one request; on success the chunk stream and the probe on its body.
    async fn open(&self, body: &Body) -> Result<(ChunkStream, Arc<Probe>), OpenAIError> {
        let inner = &self.inner;
        let Some(openai) = &inner.openai else {
            return Err(OpenAIError::Boxed(Box::new(Failure::Status {
                status: 401,
                retry_after: None,
                body: String::new(),
            })));
        };
        // A client per request: the probe belongs to this request's body only.
        let probe = Arc::new(Probe::new());
        let transport = Transport {
            http: inner.http.clone(),
            policy: inner.retry.clone(),
            timeout: inner.timeout,
            probe: probe.clone(),
        };
        let client = Client::build(inner.http.clone(), openai.clone()).with_http_service(transport);
        let chunks = client.chat().create_stream_byot::<&Body, Payload>(body).await?;
        Ok((chunks, probe))
    }
}

/// A request body. The tool definitions are shared between a turn's requests, not copied:
/// eleven JSON schemas cloned and dropped per call were a tenth of the agent's CPU.
#[derive(serde::Serialize)]
struct Body {
    model: String,
    stream: bool,
    messages: Vec<Value>,
    #[serde(skip_serializing_if = "<[Value]>::is_empty", serialize_with = "tool_slice")]
    tools: Arc<[Value]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<Value>,
}

fn tool_slice<S: serde::Serializer>(tools: &Arc<[Value]>, serializer: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&**tools, serializer)
}

/// One completion in progress: the state behind the stream `LlmClient::stream` returns.
/// Its end (success or error) is counted and timed in `crate::metrics`.
struct Driver {
    client: LlmClient,
    body: Body,
    state: State,
    started: Instant,
}

enum State {
    Start,
    Streaming { chunks: ChunkStream, probe: Arc<Probe>, acc: Accumulator },
    Over,
}

impl Driver {
    async fn next(&mut self) -> Option<Result<LlmEvent, LlmError>> {
        loop {
            match &mut self.state {
                State::Over => return None,
                State::Start => match self.start().await {
                    Ok((chunks, probe)) => {
                        self.state = State::Streaming { chunks, probe, acc: Accumulator::default() }
                    }
                    Err(error) => return self.fail(error),
                },
                State::Streaming { chunks, probe, acc } => {
                    let Some(item) = next_within(chunks, probe, self.client.inner.timeout).await else {
                        tracing::warn!(model = %self.client.inner.model, "model stream stalled");
                        return self.fail(LlmError::Timeout);
                    };
                    match item {
                        Some(Ok(Payload(chunk))) => {
                            if let Some(error) = &chunk.error {
                                return self.fail(classify::error_payload(error));
                            }
                            if let Some(text) = acc.push(chunk) {
                                return Some(Ok(LlmEvent::TextDelta(text)));
                            }
                        }
                        Some(Err(OpenAIError::JSONDeserialize(error, _))) => {
                            // The stream goes on after a bad chunk; its text is not logged.
                            tracing::warn!(error = %error, "skipping a stream payload that is not a chunk");
                        }
                        Some(Err(error)) => tracing::warn!(error = %error, "model stream broke"),
                        None => {
                            let complete = probe.saw_done() || acc.finished();
                            let completion = std::mem::take(acc).finish();
                            if !complete {
                                tracing::warn!(model = %self.client.inner.model, "model stream ended before [DONE]");
                                return self.fail(LlmError::Cut);
                            }
                            self.state = State::Over;
                            crate::metrics::llm_call(
                                "ok",
                                self.started.elapsed(),
                                completion.prompt_tokens,
                                completion.completion_tokens,
                            );
                            tracing::debug!(
                                model = %self.client.inner.model,
                                finish_reason = completion.finish_reason.as_deref().unwrap_or(""),
                                tool_calls = completion.tool_calls.len(),
                                prompt_tokens = completion.prompt_tokens,
                                completion_tokens = completion.completion_tokens,
                                "model completion done"
                            );
                            return Some(Ok(LlmEvent::Done(completion)));
                        }
                    }
                }
            }
        }
    }

    /// Opens the stream, asking for usage with `stream_options` unless this provider
    /// has refused it before; a refusal is retried once without it, and remembered.
    async fn start(&mut self) -> Result<(ChunkStream, Arc<Probe>), LlmError> {
        tracing::debug!(
            model = %self.client.inner.model,
            messages = self.body.messages.len(),
            tools = self.body.tools.len(),
            "model request"
        );
        if self.client.inner.send_stream_options.load(Ordering::Relaxed) {
            self.body.stream_options = Some(json!({"include_usage": true}));
            match self.client.open(&self.body).await {
                Err(error) if classify::refuses_stream_options(&error) => {
                    tracing::info!(model = %self.client.inner.model, "provider refuses stream_options; not sending it again");
                    self.client.inner.send_stream_options.store(false, Ordering::Relaxed);
                }
                other => return other.map_err(classify::map_error),
            }
            self.body.stream_options = None;
        }
        self.client.open(&self.body).await.map_err(classify::map_error)
    }

    fn fail(&mut self, error: LlmError) -> Option<Result<LlmEvent, LlmError>> {
        self.state = State::Over;
        let outcome = match &error {
            LlmError::Unauthorized => "unauthorized",
            LlmError::RateLimited { .. } => "rate_limited",
            LlmError::Unavailable(_) => "unavailable",
            LlmError::Timeout => "timeout",
            LlmError::Cut => "cut",
            LlmError::Rejected(_) => "rejected",
        };
        crate::metrics::llm_call(outcome, self.started.elapsed(), None, None);
        Some(Err(error))
    }
}

/// The next item, or `None` once no byte arrived for `timeout`. Bytes that do not make a
/// chunk (SSE comments, a chunk still in transit) keep the stream alive.
async fn next_within(
    chunks: &mut ChunkStream,
    probe: &Probe,
    timeout: Duration,
) -> Option<Option<Result<Payload, OpenAIError>>> {
    loop {
        match tokio::time::timeout_at(probe.idle_deadline(timeout), chunks.next()).await {
            Ok(item) => return Some(item),
            Err(_) if probe.idle_deadline(timeout) <= tokio::time::Instant::now() => return None,
            Err(_) => {}
        }
    }
}
