//! Typed configuration for `chat-gateway`, read from the environment once, in `main`.

mod read;
mod services;

use std::net::SocketAddr;
use std::time::Duration;

use shared::config::{ConfigError, database_url, env, listen_addr};
use shared::identity::{Expected, TokenKey};
use shared::jwks::KeySource;
use shared::serve::ConnectionLimits;

use crate::agent::llm::LlmConfig;
use crate::auth::AuthSettings;
use crate::conversation::attachments::PreviewKey;
use crate::limits::{AgentLimits, AttachmentLimits, RequestLimits, TASK_NUMBERS_READ_AT_MOST};
use crate::voice::VoiceSettings;
use read::{bound, number, url};
use services::{llm_settings, voice_settings};
use shared::telemetry::LogFormat;

/// Everything the gateway reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `CHAT_DATABASE_URL`: `postgres://…` or `sqlite://…`; default an SQLite file in the data directory.
    pub database_url: String,
    /// `GATEWAY_BIND` (default 127.0.0.1:8000).
    pub bind: SocketAddr,
    /// `GATEWAY_ALLOWED_HOSTS`: `Host` names answered (comma-separated; `*` any; default the
    /// loopback names).
    pub allowed_hosts: Option<Vec<String>>,
    /// `METRICS_BIND`: a listener of its own for `GET /metrics` (unset: on the main one).
    pub metrics_bind: Option<SocketAddr>,
    /// `JWT_SECRET`: HS256 key for user tokens.
    pub jwt_key: Option<TokenKey>,
    /// `JWT_JWKS_URL`: where asymmetric signing keys are published (https, or http to loopback).
    pub jwks_url: Option<reqwest::Url>,
    /// `JWT_AUDIENCE` and `JWT_ISSUER`: what user tokens' `aud` and `iss` must say (checked
    /// when set; both required with `JWT_JWKS_URL`).
    pub jwt_expected: Expected,
    /// `MCP_TASKS_URL` (default http://127.0.0.1:8001/mcp).
    pub mcp_tasks_url: reqwest::Url,
    /// `TASKS_TOKEN_SECRET`: key for the per-user tokens minted for mcp-tasks.
    pub tasks_key: Option<TokenKey>,
    /// `RATE_LIMIT_PER_SECOND` per user (default 10; 0 turns limiting off).
    pub rate_per_second: u32,
    /// `RATE_LIMIT_BURST` per user (default 20).
    pub rate_burst: u32,
    /// `CORS_ORIGINS`: comma-separated origins allowed to call from a browser (`*` for any).
    pub cors_origins: Vec<String>,
    /// `CHAT_MAX_MESSAGE_CHARS`: longest user message (default 4000).
    pub max_message_chars: usize,
    /// The model, when a key is configured (else the offline agent answers).
    pub llm: Option<LlmConfig>,
    /// `AGENT_MAX_STEPS`: model calls per turn at most (default 8).
    pub agent_max_steps: usize,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// How far one turn may fan out (`AGENT_MAX_TASK_NUMBERS`, `AGENT_MAX_TOOL_CALLS`,
    /// `AGENT_TOOL_CONCURRENCY`, `TASKS_MAX_CONCURRENT_CALLS`).
    pub agent_limits: AgentLimits,
    /// What one request may carry (`CHAT_MAX_FEEDBACK_ITEMS`, `CHAT_MAX_ATTACHMENT_BYTES`,
    /// `CHAT_MAX_TAGS`, `CHAT_MAX_PRIOR_MESSAGES`, `CHAT_MAX_TURNS_PER_USER`, `CHAT_MAX_TURNS`,
    /// `STREAM_WRITE_TIMEOUT`).
    pub request_limits: RequestLimits,
    /// `HTTP_HEADER_TIMEOUT`, `HTTP_WRITE_TIMEOUT`, `HTTP_MAX_CONNECTIONS`: the listener's bounds.
    pub connections: ConnectionLimits,
    /// `SHUTDOWN_GRACE`: how long in-flight requests and streams may run after SIGTERM
    /// (default 30s).
    pub shutdown_grace: Duration,
    /// `OIDC_ISSUER`, `OIDC_CLIENT_ID`, `OIDC_SCOPES`: the chat page's sign-in with an OpenID
    /// provider (None: paste a token or dev login only).
    pub oidc: Option<OidcSettings>,
    /// `ATTACHMENTS_MAX_BYTES`, `ATTACHMENTS_QUOTA_BYTES`, `ATTACHMENTS_MAX_PER_MESSAGE`.
    pub attachment_limits: AttachmentLimits,
    /// Signs image preview URLs: derived from `ATTACHMENTS_SIGNING_SECRET`, else from
    /// `TASKS_TOKEN_SECRET` (which every replica shares), else random.
    pub preview_key: PreviewKey,
    /// `GATEWAY_PUBLIC_URL`: the gateway's public base URL for upload and preview URLs
    /// (unset: each request's `Host`).
    pub public_url: Option<String>,
    /// Speech to text for `input.transcribe` (`STT_*`; None: voice is not configured).
    pub voice: Option<VoiceSettings>,
}

/// The OpenID provider the chat page signs people in with (authorization code + PKCE, as a
/// public client: the page holds no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// `OIDC_ISSUER`: its endpoints come from this issuer's discovery document.
    pub issuer: reqwest::Url,
    /// `OIDC_CLIENT_ID`: the public client registered for the page (redirect URI: the page, `/`).
    pub client_id: String,
    /// `OIDC_SCOPES` (default `openid offline_access`).
    pub scopes: String,
    /// The `resource` (RFC 8707) the page asks tokens for: `JWT_AUDIENCE`, when set.
    pub resource: Option<String>,
}

/// `OIDC_ISSUER` with `OIDC_CLIENT_ID` (and optionally `OIDC_SCOPES`); the provider's tokens
/// are verified with its keys, so `JWT_JWKS_URL` (hence `JWT_AUDIENCE`, `JWT_ISSUER`) is required.
fn oidc_settings(
    jwks_url: Option<&reqwest::Url>,
    expected: &Expected,
) -> Result<Option<OidcSettings>, ConfigError> {
    let Some(raw) = env("OIDC_ISSUER") else {
        if env("OIDC_CLIENT_ID").is_some() {
            return Err(ConfigError::new("OIDC_ISSUER", "is required with OIDC_CLIENT_ID"));
        }
        return Ok(None);
    };
    let issuer = url("OIDC_ISSUER", &raw)?;
    shared::jwks::check_url(&issuer).map_err(|e| ConfigError::new("OIDC_ISSUER", e))?;
    let client_id = env("OIDC_CLIENT_ID")
        .ok_or_else(|| ConfigError::new("OIDC_CLIENT_ID", "is required with OIDC_ISSUER"))?;
    if jwks_url.is_none() {
        return Err(ConfigError::new(
            "JWT_JWKS_URL",
            "is required with OIDC_ISSUER: the gateway verifies the provider's tokens with its keys",
        ));
    }
    let scopes = env("OIDC_SCOPES").unwrap_or_else(|| "openid offline_access".into());
    if !scopes.split_whitespace().any(|s| s == "openid") {
        return Err(ConfigError::new("OIDC_SCOPES", "must include `openid`"));
    }
    Ok(Some(OidcSettings { issuer, client_id, scopes, resource: expected.audience.clone() }))
}

fn agent_limits() -> Result<AgentLimits, ConfigError> {
    let d = AgentLimits::default();
    Ok(AgentLimits {
        max_task_numbers: bound("AGENT_MAX_TASK_NUMBERS", d.max_task_numbers, TASK_NUMBERS_READ_AT_MOST)?,
        max_tool_calls: bound("AGENT_MAX_TOOL_CALLS", d.max_tool_calls, 1_000)?,
        tool_concurrency: bound("AGENT_TOOL_CONCURRENCY", d.tool_concurrency, 1_000)?,
        tasks_concurrency: bound("TASKS_MAX_CONCURRENT_CALLS", d.tasks_concurrency, 10_000)?,
    })
}

fn request_limits() -> Result<RequestLimits, ConfigError> {
    let d = RequestLimits::default();
    Ok(RequestLimits {
        max_feedback_items: bound("CHAT_MAX_FEEDBACK_ITEMS", d.max_feedback_items, 10_000)?,
        max_attachment_bytes: bound("CHAT_MAX_ATTACHMENT_BYTES", d.max_attachment_bytes, 1 << 20)?,
        max_tags: bound("CHAT_MAX_TAGS", d.max_tags, 1_000)?,
        max_prior_messages: bound("CHAT_MAX_PRIOR_MESSAGES", d.max_prior_messages, 10_000)?,
        max_turns_per_user: bound("CHAT_MAX_TURNS_PER_USER", d.max_turns_per_user, 10_000)?,
        max_turns: bound("CHAT_MAX_TURNS", d.max_turns, 1_000_000)?,
        stream_write_timeout: shared::config::duration("STREAM_WRITE_TIMEOUT", d.stream_write_timeout)?,
    })
}

fn attachment_limits() -> Result<AttachmentLimits, ConfigError> {
    let d = AttachmentLimits::default();
    let bytes = |var: &'static str, default: u64| -> Result<u64, ConfigError> {
        let value = number(var, default)?;
        if value == 0 || value > 1 << 30 {
            return Err(ConfigError::new(var, "must be between 1 and 1073741824 bytes"));
        }
        Ok(value)
    };
    Ok(AttachmentLimits {
        max_bytes: bytes("ATTACHMENTS_MAX_BYTES", d.max_bytes)?,
        quota_bytes: number("ATTACHMENTS_QUOTA_BYTES", d.quota_bytes)?,
        max_per_message: bound("ATTACHMENTS_MAX_PER_MESSAGE", d.max_per_message, 100)?,
    })
}

/// `JWT_JWKS_URL`, `JWT_AUDIENCE` and `JWT_ISSUER`: a key set may serve other applications
/// of the same provider too, so with one the audience and issuer must be pinned.
fn user_token_rules() -> Result<(Option<reqwest::Url>, Expected), ConfigError> {
    let expected = Expected { audience: env("JWT_AUDIENCE"), issuer: env("JWT_ISSUER") };
    let Some(raw) = env("JWT_JWKS_URL") else { return Ok((None, expected)) };
    let jwks_url = url("JWT_JWKS_URL", &raw)?;
    shared::jwks::check_url(&jwks_url).map_err(|e| ConfigError::new("JWT_JWKS_URL", e))?;
    let why = "is required with JWT_JWKS_URL (its keys may sign tokens for other applications too)";
    if expected.audience.is_none() {
        return Err(ConfigError::new("JWT_AUDIENCE", why));
    }
    if expected.issuer.is_none() {
        return Err(ConfigError::new("JWT_ISSUER", why));
    }
    Ok((Some(jwks_url), expected))
}

impl Config {
    /// Reads and checks the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url = database_url("CHAT_DATABASE_URL", "chat.db")?;
        let bind = listen_addr("GATEWAY_BIND", "127.0.0.1:8000")?;
        let key = |var: &'static str| {
            env(var).map(|s| TokenKey::new(&s).map_err(|e| ConfigError::new(var, e))).transpose()
        };
        let cors_origins = env("CORS_ORIGINS")
            .map(|o| o.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let max_message_chars = number("CHAT_MAX_MESSAGE_CHARS", 4000)?;
        if max_message_chars == 0 {
            return Err(ConfigError::new("CHAT_MAX_MESSAGE_CHARS", "must be at least 1"));
        }
        let (jwks_url, jwt_expected) = user_token_rules()?;
        let oidc = oidc_settings(jwks_url.as_ref(), &jwt_expected)?;
        Ok(Self {
            database_url,
            bind,
            allowed_hosts: shared::config::list("GATEWAY_ALLOWED_HOSTS"),
            metrics_bind: shared::config::socket_addr("METRICS_BIND")?,
            jwt_key: key("JWT_SECRET")?,
            jwks_url,
            jwt_expected,
            mcp_tasks_url: url(
                "MCP_TASKS_URL",
                &env("MCP_TASKS_URL").unwrap_or_else(|| "http://127.0.0.1:8001/mcp".into()),
            )?,
            tasks_key: key("TASKS_TOKEN_SECRET")?,
            rate_per_second: number("RATE_LIMIT_PER_SECOND", 10)?,
            rate_burst: number("RATE_LIMIT_BURST", 20)?,
            cors_origins,
            max_message_chars,
            llm: llm_settings()?,
            agent_max_steps: number("AGENT_MAX_STEPS", 8)?,
            log_format: LogFormat::parse(&env("LOG_FORMAT").unwrap_or_default())
                .map_err(|e| ConfigError::new("LOG_FORMAT", e))?,
            agent_limits: agent_limits()?,
            connections: shared::config::connection_limits()?,
            request_limits: request_limits()?,
            shutdown_grace: shared::config::duration("SHUTDOWN_GRACE", shared::shutdown::DEFAULT_GRACE)?,
            oidc,
            attachment_limits: attachment_limits()?,
            preview_key: env("ATTACHMENTS_SIGNING_SECRET")
                .or_else(|| env("TASKS_TOKEN_SECRET"))
                .map_or_else(PreviewKey::random, |secret| PreviewKey::derive(secret.as_bytes())),
            public_url: env("GATEWAY_PUBLIC_URL")
                .map(|u| url("GATEWAY_PUBLIC_URL", &u).map(|_| u.trim_end_matches('/').to_owned()))
                .transpose()?,
            voice: voice_settings()?,
        })
    }

    /// How user tokens are verified, from `JWT_SECRET`, `JWT_JWKS_URL`, `JWT_AUDIENCE`, `JWT_ISSUER`.
    pub fn auth_settings(&self) -> AuthSettings {
        AuthSettings {
            hs256: self.jwt_key.clone(),
            keys: self.jwks_url.clone().map(KeySource::JwksUrl),
            expected: self.jwt_expected.clone(),
            freshness: shared::jwks::Freshness::default(),
        }
    }

    /// Checks what `serve` needs: a way to verify user tokens.
    pub fn require_auth(&self) -> Result<(), ConfigError> {
        if self.jwt_key.is_none() && self.jwks_url.is_none() {
            return Err(ConfigError::new("JWT_SECRET", "or JWT_JWKS_URL is required to verify user tokens"));
        }
        Ok(())
    }
}
