//! The HTTP layer under async-openai: retries with backoff, a per-attempt time limit for
//! the response head, and a probe on the response body.
//!
//! It replaces async-openai's built-in retry layer (same defaults: 3 retries on 429, 5xx
//! and connect errors, 100 ms·2ⁿ capped at 8 s, `Retry-After` honoured) because that
//! layer drops what the agent needs: the `Retry-After` of the final 429, the status of a
//! non-JSON error body (Mistral's 422, proxies' HTML), and it cannot be made fast in tests.
//! A failed response comes back as [`Failure`] inside `OpenAIError::Boxed`.
//!
//! The probe exists because async-openai's stream ends the same way at `data: [DONE]` and
//! at an early clean EOF; the probe sees the raw bytes, so it records whether `[DONE]`
//! came and when bytes last arrived (SSE comments count as life, though no chunk is
//! parsed from them).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use futures::StreamExt;
use tokio::time::Instant;

/// How failed requests are retried before the error reaches the agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = no retry).
    pub max_retries: u32,
    /// Backoff before retry n (from 0) is `base_delay · 2ⁿ`, at most `max_delay`.
    pub base_delay: Duration,
    /// Cap of the backoff; a `Retry-After` longer than this is not waited for: the
    /// error returns at once as `RateLimited { retry_after }`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// async-openai's own defaults: 3 retries, 100 ms doubling, capped at 8 s.
    fn default() -> Self {
        Self { max_retries: 3, base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(8) }
    }
}

/// Why a request failed below the SSE layer, carried in `OpenAIError::Boxed`.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// A non-2xx response, after retries; `body` is the raw text (possibly empty).
    #[error("HTTP {status}")]
    Status { status: u16, retry_after: Option<Duration>, body: String },
    /// No response head within the time limit.
    #[error("no response within the time limit")]
    Timeout,
}

/// What one request's body showed: whether `data: [DONE]` came, and when bytes last did.
#[derive(Debug)]
pub(crate) struct Probe {
    start: Instant,
    last_bytes_ms: AtomicU64,
    done: AtomicBool,
}

impl Probe {
    pub(crate) fn new() -> Self {
        Self { start: Instant::now(), last_bytes_ms: AtomicU64::new(0), done: AtomicBool::new(false) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_bytes_ms.fetch_max(ms, Ordering::Relaxed);
    }

    /// When the stream counts as stalled if nothing more arrives.
    pub(crate) fn idle_deadline(&self, timeout: Duration) -> Instant {
        self.start + Duration::from_millis(self.last_bytes_ms.load(Ordering::Relaxed)) + timeout
    }

    /// Whether the body carried `data: [DONE]`.
    pub(crate) fn saw_done(&self) -> bool {
        self.done.load(Ordering::Relaxed)
    }
}

/// The tower service async-openai sends every request through.
#[derive(Clone)]
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub policy: RetryPolicy,
    /// Limit for the response head of one attempt (and for reading an error body).
    pub timeout: Duration,
    pub probe: Arc<Probe>,
}

type Pending = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for Transport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = Pending;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> Pending {
        Box::pin(self.clone().send(request))
    }
}

impl Transport {
    async fn send(self, request: HttpRequestFactory) -> Result<reqwest::Response, OpenAIError> {
        let mut retry = 0;
        loop {
            let (error, wait) = match self.attempt(&request).await {
                Ok(response) if response.status().is_success() => return Ok(self.watch(response)),
                Ok(response) => {
                    let status = response.status().as_u16();
                    let retry_after = response
                        .headers()
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs);
                    let body = tokio::time::timeout(self.timeout, response.text())
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or_default();
                    // An exhausted quota is a 429 that no wait will fix.
                    let retryable = (status == 429 && !body.contains("insufficient_quota"))
                        || (500..600).contains(&status);
                    let failure = OpenAIError::Boxed(Box::new(Failure::Status { status, retry_after, body }));
                    if !retryable {
                        return Err(failure);
                    }
                    (failure, retry_after)
                }
                Err(OpenAIError::Reqwest(e)) if e.is_connect() => (OpenAIError::Reqwest(e), None),
                Err(other) => return Err(other),
            };
            let backoff = self.policy.base_delay.saturating_mul(2_u32.saturating_pow(retry));
            let delay = wait.unwrap_or(backoff.min(self.policy.max_delay));
            if retry >= self.policy.max_retries || delay > self.policy.max_delay {
                return Err(error);
            }
            retry += 1;
            tracing::warn!(retry, delay_ms = delay.as_millis() as u64, error = %describe(&error), "retrying model request");
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, request: &HttpRequestFactory) -> Result<reqwest::Response, OpenAIError> {
        let head = async {
            let request = request.build().await?;
            self.http.execute(request).await.map_err(OpenAIError::Reqwest)
        };
        tokio::time::timeout(self.timeout, head)
            .await
            .unwrap_or_else(|_| Err(OpenAIError::Boxed(Box::new(Failure::Timeout))))
    }

    /// Re-wraps a 2xx body so the probe sees every byte before async-openai parses it.
    fn watch(&self, response: reqwest::Response) -> reqwest::Response {
        self.probe.touch();
        let status = response.status();
        let headers = response.headers().clone();
        let probe = self.probe.clone();
        let mut scanner = DoneScanner::default();
        let body = response.bytes_stream().map(move |item| {
            if let Ok(bytes) = &item {
                probe.touch();
                if scanner.feed(bytes) {
                    probe.done.store(true, Ordering::Relaxed);
                }
            }
            item
        });
        let mut watched = http::Response::new(reqwest::Body::wrap_stream(body));
        *watched.status_mut() = status;
        *watched.headers_mut() = headers;
        reqwest::Response::from(watched)
    }
}

/// A log line for a failed attempt that never includes a body (it may echo user text).
fn describe(error: &OpenAIError) -> String {
    match error {
        OpenAIError::Boxed(inner) => inner.to_string(),
        other => other.to_string(),
    }
}

/// Finds a `data: [DONE]` line in an SSE byte stream split at arbitrary points.
#[derive(Debug, Default)]
struct DoneScanner {
    line: Vec<u8>,
    /// The current line is already longer than any `[DONE]` line.
    long: bool,
}

impl DoneScanner {
    const MAX: usize = 24;

    /// Feeds bytes; true once a complete `data: [DONE]` line has been seen in them.
    fn feed(&mut self, bytes: &[u8]) -> bool {
        let mut seen = false;
        for &b in bytes {
            if b == b'\n' || b == b'\r' {
                seen |= !self.long && Self::is_done(&self.line);
                self.line.clear();
                self.long = false;
            } else if self.line.len() < Self::MAX {
                self.line.push(b);
            } else {
                self.long = true;
            }
        }
        seen
    }

    fn is_done(line: &[u8]) -> bool {
        line.strip_prefix(b"data:").is_some_and(|rest| rest.trim_ascii() == b"[DONE]")
    }
}

#[cfg(test)]
mod tests {
    use super::DoneScanner;

    #[test]
    fn done_is_found_across_any_split_and_only_as_a_whole_data_line() {
        let sse = b"data: {\"x\":\"data: [DONE]\"}\n\n: data: [DONE]\n\ndata:[DONE]\r\n\r\n";
        for split in 0..sse.len() {
            let mut scanner = DoneScanner::default();
            let (a, b) = sse.split_at(split);
            assert!(scanner.feed(a) | scanner.feed(b), "split at {split}");
        }
        let mut scanner = DoneScanner::default();
        assert!(!scanner.feed(b"data: {\"x\":\"data: [DONE]\"}\n\n: data: [DONE]\n\ndata: [DONE]"));
        assert!(!DoneScanner::default().feed(b"data: [DONE]x\n"));
    }
}
