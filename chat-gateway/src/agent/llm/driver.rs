//! One completion as a stream: opens the request (dropping `stream_options` for providers
//! that refuse it), folds the chunks into [`LlmEvent`]s, and ends with one `Done` or one
//! error, each counted and timed in `crate::metrics`.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use async_openai::error::OpenAIError;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::json;

use super::accumulator::Accumulator;
use super::chunk::Payload;
use super::classify;
use super::provider::{Body, ChunkStream, Provider};
use super::transport::Probe;
use super::types::{LlmError, LlmEvent};

/// Streams the completion `body` asks `provider` for.
pub(super) fn stream(provider: Arc<Provider>, body: Body) -> BoxStream<'static, Result<LlmEvent, LlmError>> {
    let driver = Driver { provider, body, state: State::Start, started: Instant::now() };
    futures::stream::unfold(driver, |mut driver| async move {
        let item = driver.next().await?;
        Some((item, driver))
    })
    .fuse() // polling after the end yields None instead of panicking
    .boxed()
}

/// One completion in progress: the state behind the stream `LlmClient::stream` returns.
/// Its end (success or error) is counted and timed in `crate::metrics`.
struct Driver {
    provider: Arc<Provider>,
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
                    let Some(item) = next_within(chunks, probe, self.provider.timeout).await else {
                        tracing::warn!(model = %self.provider.model, "model stream stalled");
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
                                tracing::warn!(model = %self.provider.model, "model stream ended before [DONE]");
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
                                model = %self.provider.model,
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
            model = %self.provider.model,
            messages = self.body.messages.len(),
            tools = self.body.tools.len(),
            "model request"
        );
        if self.provider.send_stream_options.load(Ordering::Relaxed) {
            self.body.stream_options = Some(json!({"include_usage": true}));
            match self.provider.open(&self.body).await {
                Err(error) if classify::refuses_stream_options(&error) => {
                    tracing::info!(model = %self.provider.model, "provider refuses stream_options; not sending it again");
                    self.provider.send_stream_options.store(false, Ordering::Relaxed);
                }
                other => return other.map_err(classify::map_error),
            }
            self.body.stream_options = None;
        }
        self.provider.open(&self.body).await.map_err(classify::map_error)
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
