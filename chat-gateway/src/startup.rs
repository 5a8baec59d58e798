//! The composition root: builds the running gateway, either from its [`Config`] (the
//! database migrated, the tasks client, the agent with a model or offline, auth, the rate
//! limit) or from injected [`GatewayParts`] (tests, benchmarks, `chat-gateway dev`), and
//! serves it on a listener the caller bound.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use shared::config::ConfigError;
use shared::identity::TokenKey;
use shared::serve::ConnectionLimits;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::agent::llm::LlmClient;
use crate::agent::{Agent, Brain};
use crate::auth::Authenticator;
use crate::config::{Config, OidcSettings};
use crate::conversation::attachments::PreviewKey;
use crate::conversation::{Conversations, Responder};
use crate::limits::{AttachmentLimits, RequestLimits};
use crate::routes::host::AllowedHosts;
use crate::routes::sign_in::PageSignIn;
use crate::routes::{self, AppState};
use crate::store::{self, StoreError, ThreadStore};
use crate::tasks_client::TasksClient;
use crate::voice::{Voice, VoiceSettings};

/// How long one call to mcp-tasks may take.
const TASKS_TIMEOUT: Duration = Duration::from_secs(15);
/// The longest user message when the caller does not say (as `CHAT_MAX_MESSAGE_CHARS`).
pub const DEFAULT_MAX_MESSAGE_CHARS: usize = 4000;

/// Why the gateway could not be built or bound.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// A setting the gateway needs is missing or invalid.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The database could not be opened.
    #[error("opening the database: {0}")]
    Database(StoreError),
    /// The migrations failed.
    #[error("{0}")]
    Migrate(StoreError),
    /// The address could not be bound.
    #[error("binding {addr}: {reason}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: std::io::Error,
    },
}

/// What the gateway is made of, when the caller supplies the parts.
pub struct GatewayParts {
    /// Where threads are kept (migrated).
    pub store: Arc<dyn ThreadStore>,
    /// Who answers.
    pub responder: Arc<dyn Responder>,
    /// Verifies user tokens.
    pub auth: Authenticator,
    /// The longest user message, in characters.
    pub max_message_chars: usize,
    /// Requests per second per user (0: no limit).
    pub rate_per_second: u32,
    /// Burst per user.
    pub rate_burst: u32,
    /// Browser origins CORS allows (`*` for any).
    pub cors_origins: Vec<String>,
    /// Signs the tokens `GET /dev/token` hands out (None: that route is 404).
    pub dev_login: Option<TokenKey>,
    /// What one request may carry.
    pub request_limits: RequestLimits,
    /// The OpenID provider the chat page signs people in with (None: tokens and dev login only).
    pub oidc: Option<OidcSettings>,
    /// The `Host` names answered (`GATEWAY_ALLOWED_HOSTS`).
    pub allowed_hosts: AllowedHosts,
    /// Whether `GET /metrics` is on this router (false when `METRICS_BIND` gives it a listener).
    pub metrics_route: bool,
    /// What a user may attach (`ATTACHMENTS_MAX_BYTES`, `ATTACHMENTS_QUOTA_BYTES`, …).
    pub attachment_limits: AttachmentLimits,
    /// Signs image preview URLs (every replica needs the same key).
    pub preview_key: PreviewKey,
    /// `GATEWAY_PUBLIC_URL`: the base of upload and preview URLs (None: each request's `Host`).
    pub public_url: Option<String>,
    /// Speech to text for `input.transcribe` (None: voice is not configured).
    pub voice: Option<VoiceSettings>,
}

impl GatewayParts {
    /// These parts with messages of up to [`DEFAULT_MAX_MESSAGE_CHARS`], no rate limit, no
    /// CORS origins, no dev login, no OpenID sign-in, any `Host`, `/metrics` on the router, the
    /// default attachment limits, previews signed with a random key, URLs from each `Host`,
    /// and no voice.
    pub fn new(store: Arc<dyn ThreadStore>, responder: Arc<dyn Responder>, auth: Authenticator) -> Self {
        Self {
            store,
            responder,
            auth,
            max_message_chars: DEFAULT_MAX_MESSAGE_CHARS,
            rate_per_second: 0,
            rate_burst: 0,
            cors_origins: Vec::new(),
            dev_login: None,
            request_limits: RequestLimits::default(),
            oidc: None,
            allowed_hosts: AllowedHosts::Any,
            metrics_route: true,
            attachment_limits: AttachmentLimits::default(),
            preview_key: PreviewKey::random(),
            public_url: None,
            voice: None,
        }
    }
}

/// The gateway's router built from `parts`.
pub fn app(parts: GatewayParts) -> Router {
    let state = AppState {
        conversations: Arc::new(
            Conversations::new(parts.store, parts.responder, parts.max_message_chars)
                .with_limits(parts.request_limits)
                .with_attachments(parts.attachment_limits, parts.preview_key),
        ),
        auth: Arc::new(parts.auth),
        limiter: routes::limiter(parts.rate_per_second, parts.rate_burst),
        dev_login: parts.dev_login.map(Arc::new),
        sign_in: parts.oidc.map(|settings| Arc::new(PageSignIn::new(settings))),
        public_url: parts.public_url.map(Arc::from),
        voice: parts.voice.map(|settings| Arc::new(Voice::new(settings))),
    };
    let shape = routes::Shape {
        cors_origins: parts.cors_origins,
        allowed_hosts: parts.allowed_hosts,
        metrics_route: parts.metrics_route,
        upload_body_limit: usize::try_from(parts.attachment_limits.max_bytes)
            .unwrap_or(usize::MAX)
            .saturating_add(routes::attachments::MULTIPART_OVERHEAD),
    };
    routes::app(state, shape)
}

/// The parts `config` describes: the database opened and migrated, the agent calling
/// mcp-tasks with a model (or the offline agent when no key is set), auth and limits.
pub async fn parts_from_config(config: &Config) -> Result<GatewayParts, StartupError> {
    let tasks_key = config.tasks_key.clone().ok_or_else(|| {
        ConfigError::new(
            "TASKS_TOKEN_SECRET",
            "is required: the gateway signs a short-lived token per user for mcp-tasks with it",
        )
    })?;
    let store = migrated_store(config).await?;
    let tasks = Arc::new(
        TasksClient::new(config.mcp_tasks_url.clone(), tasks_key, TASKS_TIMEOUT)
            .with_concurrency(config.agent_limits.tasks_concurrency),
    );
    let brain = match &config.llm {
        Some(llm) => {
            tracing::info!(model = %llm.model, base = %llm.base_url, "answering with a model");
            Brain::Llm(LlmClient::new(llm.clone()))
        }
        None => {
            tracing::info!("no model key configured: answering with the offline assistant");
            Brain::Offline
        }
    };
    match &config.voice {
        Some(voice) => {
            tracing::info!(model = %voice.model, base = %voice.base_url, "transcribing voice input")
        }
        None => tracing::info!("no transcription service configured: voice input is off"),
    }
    let responder =
        Arc::new(Agent::new(tasks, brain, config.agent_max_steps).with_limits(config.agent_limits));
    let auth = Authenticator::with_settings(config.auth_settings());
    Ok(GatewayParts {
        max_message_chars: config.max_message_chars,
        rate_per_second: config.rate_per_second,
        rate_burst: config.rate_burst,
        cors_origins: config.cors_origins.clone(),
        request_limits: config.request_limits,
        oidc: config.oidc.clone(),
        allowed_hosts: AllowedHosts::from_setting(config.allowed_hosts.clone()),
        metrics_route: config.metrics_bind.is_none(),
        attachment_limits: config.attachment_limits,
        preview_key: config.preview_key.clone(),
        public_url: config.public_url.clone(),
        voice: config.voice.clone(),
        ..GatewayParts::new(store, responder, auth)
    })
}

/// The gateway's router as `config` describes it.
pub async fn app_from_config(config: &Config) -> Result<Router, StartupError> {
    Ok(app(parts_from_config(config).await?))
}

/// Opens the database `config` names and applies pending migrations.
pub async fn migrated_store(config: &Config) -> Result<Arc<dyn ThreadStore>, StartupError> {
    let store = store::connect(&config.database_url).await.map_err(StartupError::Database)?;
    store.migrate().await.map_err(StartupError::Migrate)?;
    Ok(store)
}

/// Binds `addr` and logs where the gateway listens.
pub async fn bind(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    let listener = TcpListener::bind(addr).await.map_err(|reason| StartupError::Bind { addr, reason })?;
    let local = listener.local_addr().map_err(|reason| StartupError::Bind { addr, reason })?;
    tracing::info!(addr = %local, "chat gateway listening");
    Ok(listener)
}

/// Binds `addr` for `GET /metrics` alone (`METRICS_BIND`).
pub async fn bind_metrics(addr: SocketAddr) -> Result<TcpListener, StartupError> {
    TcpListener::bind(addr).await.map_err(|reason| StartupError::Bind { addr, reason })
}

/// Serves `app` until `shutdown` fires, then lets in-flight requests and streams finish
/// within the default grace period ([`shared::shutdown::DEFAULT_GRACE`]).
pub async fn run(listener: TcpListener, app: Router, shutdown: CancellationToken) -> std::io::Result<()> {
    run_with_grace(listener, app, shutdown, shared::shutdown::DEFAULT_GRACE).await
}

/// Serves `app` until `shutdown` fires, stops accepting, and lets in-flight requests and
/// streams finish for up to `grace`; then returns whatever is still open.
pub async fn run_with_grace(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
    grace: Duration,
) -> std::io::Result<()> {
    serve(listener, app, shutdown, (grace, ConnectionLimits::default())).await
}

/// [`run_with_grace`] within `limits` (header and write timeouts, open connections).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
    (grace, limits): (Duration, ConnectionLimits),
) -> std::io::Result<()> {
    shared::serve::serve(listener, app, limits, shutdown, grace).await
}
