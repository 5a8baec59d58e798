//! One provider and model as the client reaches it: the async-openai configuration, the
//! HTTP client, the retry policy, and how one request is sent ([`Provider::open`]), with
//! the request body ([`Body`]) it sends.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use futures::Stream;
use serde_json::Value;

use super::chunk::Payload;
use super::transport::{Failure, Probe, RetryPolicy, Transport};
use super::types::LlmConfig;

/// The chunks of one streamed response.
pub(super) type ChunkStream = std::pin::Pin<Box<dyn Stream<Item = Result<Payload, OpenAIError>> + Send>>;

/// Where requests go and how they are sent; shared by a client's clones.
#[derive(Clone)]
pub(super) struct Provider {
    pub(super) model: String,
    pub(super) timeout: Duration,
    /// `None` when the key cannot go in an HTTP header (async-openai would panic).
    openai: Option<OpenAIConfig>,
    http: reqwest::Client,
    pub(super) retry: RetryPolicy,
    /// Cleared once the provider refuses `stream_options` (Mistral answers 422).
    pub(super) send_stream_options: Arc<AtomicBool>,
}

impl Provider {
    /// The provider `config` names, with the default [`RetryPolicy`].
    pub(super) fn new(config: LlmConfig) -> Self {
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
        Self {
            model: config.model,
            timeout: config.timeout,
            openai,
            http,
            retry: RetryPolicy::default(),
            send_stream_options: Arc::new(AtomicBool::new(true)),
        }
    }

    /// Sends one request; on success the chunk stream and the probe on its body.
    pub(super) async fn open(&self, body: &Body) -> Result<(ChunkStream, Arc<Probe>), OpenAIError> {
        let Some(openai) = &self.openai else {
            return Err(OpenAIError::Boxed(Box::new(Failure::Status {
                status: 401,
                retry_after: None,
                body: String::new(),
            })));
        };
        // A client per request: the probe belongs to this request's body only.
        let probe = Arc::new(Probe::new());
        let transport = Transport {
            http: self.http.clone(),
            policy: self.retry.clone(),
            timeout: self.timeout,
            probe: probe.clone(),
        };
        let client = Client::build(self.http.clone(), openai.clone()).with_http_service(transport);
        let chunks = client.chat().create_stream_byot::<&Body, Payload>(body).await?;
        Ok((chunks, probe))
    }
}

/// A request body. The tool definitions are shared between a turn's requests, not copied:
/// eleven JSON schemas cloned and dropped per call were a tenth of the agent's CPU.
#[derive(serde::Serialize)]
pub(super) struct Body {
    pub(super) model: String,
    pub(super) stream: bool,
    pub(super) messages: Vec<Value>,
    #[serde(skip_serializing_if = "<[Value]>::is_empty", serialize_with = "tool_slice")]
    pub(super) tools: Arc<[Value]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) stream_options: Option<Value>,
}

fn tool_slice<S: serde::Serializer>(tools: &Arc<[Value]>, serializer: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&**tools, serializer)
}
