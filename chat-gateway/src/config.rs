//! Typed configuration for `chat-gateway`, read from the environment once, in `main`.

use std::net::SocketAddr;
use std::time::Duration;

use shared::config::{ConfigError, data_dir, env};
use shared::identity::{Expected, TokenKey};
use shared::jwks::KeySource;
use shared::serve::ConnectionLimits;

use crate::auth::AuthSettings;
use crate::conversation::attachments::PreviewKey;
use crate::limits::{AgentLimits, AttachmentLimits, RequestLimits, TASK_NUMBERS_READ_AT_MOST};
use crate::voice::{self, VoiceSettings};
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
    pub llm: Option<LlmSettings>,
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

/// Where the model is: `LLM_BASE_URL`, `LLM_API_KEY`, `LLM_MODEL`, or a provider's own key
/// (`OPENAI_API_KEY`, `GROQ_API_KEY`, `GEMINI_API_KEY`) with that provider's URL and a default model.
#[derive(Clone)]
pub struct LlmSettings {
    /// OpenAI-compatible base URL, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// The API key.
    pub api_key: String,
    /// The model id.
    pub model: String,
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .finish_non_exhaustive()
    }
}

/// (key variable, base URL, default model) of the providers recognised by their own key.
const PROVIDERS: [(&str, &str, &str); 3] = [
    ("OPENAI_API_KEY", "https://api.openai.com/v1", "gpt-4o-mini"),
    ("GROQ_API_KEY", "https://api.groq.com/openai/v1", "llama-3.3-70b-versatile"),
    ("GEMINI_API_KEY", "https://generativelanguage.googleapis.com/v1beta/openai", "gemini-2.0-flash"),
];

fn llm_settings() -> Result<Option<LlmSettings>, ConfigError> {
    let explicit_key = env("LLM_API_KEY");
    let base = env("LLM_BASE_URL");
    let model = env("LLM_MODEL");
    let (api_key, default_base, default_model) = match explicit_key {
        Some(key) => (key, None, None),
        None => match PROVIDERS.iter().find_map(|(var, url, model)| env(var).map(|k| (k, *url, *model))) {
            Some((key, url, m)) => (key, Some(url), Some(m)),
            // A local server (Ollama, llama.cpp) needs no key: a base URL alone selects it.
            None if base.is_some() => ("none".to_owned(), None, None),
            None => return Ok(None),
        },
    };
    let base_url = base.or(default_base.map(str::to_owned)).unwrap_or_else(|| PROVIDERS[0].1.to_owned());
    url("LLM_BASE_URL", &base_url)?;
    let model = model
        .or(default_model.map(str::to_owned))
        .ok_or_else(|| ConfigError::new("LLM_MODEL", "is required with LLM_API_KEY or LLM_BASE_URL"))?;
    Ok(Some(LlmSettings { base_url, api_key: api_key.trim().to_owned(), model }))
}

/// (key variable, base URL, default model) of the transcription services recognised by their key.
const STT_PROVIDERS: [(&str, &str, &str); 2] = [
    ("OPENAI_API_KEY", "https://api.openai.com/v1", "whisper-1"),
    ("GROQ_API_KEY", "https://api.groq.com/openai/v1", "whisper-large-v3-turbo"),
];

/// `STT_BASE_URL` (with `STT_API_KEY` if it wants one: provider keys never go to it),
/// `STT_API_KEY` alone (OpenAI), or `OPENAI_API_KEY` / `GROQ_API_KEY` with their Whisper;
/// `STT_MODEL` overrides the model, `STT_ENABLED=false` turns voice off.
fn voice_settings() -> Result<Option<VoiceSettings>, ConfigError> {
    match env("STT_ENABLED").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("true" | "1" | "yes" | "on") => {}
        Some("false" | "0" | "no" | "off") => return Ok(None),
        Some(other) => {
            return Err(ConfigError::new("STT_ENABLED", format!("`{other}` is not true or false")));
        }
    }
    let Some((base, api_key, model)) = stt_service(&|var| env(var))? else { return Ok(None) };
    let max_bytes = bound("STT_MAX_BYTES", voice::DEFAULT_MAX_BYTES, 25 << 20)?;
    let max_seconds = u32::try_from(bound("STT_MAX_SECONDS", voice::DEFAULT_MAX_SECONDS as usize, 3_600)?)
        .unwrap_or(voice::DEFAULT_MAX_SECONDS);
    Ok(Some(VoiceSettings {
        base_url: url("STT_BASE_URL", &base)?,
        api_key,
        model,
        max_bytes,
        max_seconds,
        timeout: shared::config::duration("STT_TIMEOUT", voice::DEFAULT_TIMEOUT)?,
        max_concurrent: bound("STT_MAX_CONCURRENT", voice::DEFAULT_MAX_CONCURRENT, 10_000)?,
    }))
}

/// The transcription service's (base URL, key, model) from the variables `var` reads, or None.
fn stt_service(
    var: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(String, Option<String>, String)>, ConfigError> {
    let key = var("STT_API_KEY").map(|k| k.trim().to_owned());
    let (base, api_key, model) = match (var("STT_BASE_URL"), key) {
        (Some(base), key) => (base, key, "whisper-1"),
        (None, Some(key)) => (STT_PROVIDERS[0].1.to_owned(), Some(key), STT_PROVIDERS[0].2),
        (None, None) => {
            match STT_PROVIDERS.iter().find_map(|(name, url, m)| var(name).map(|k| (k, *url, *m))) {
                Some((key, url, m)) => (url.to_owned(), Some(key.trim().to_owned()), m),
                None if var("STT_MODEL").is_some() => {
                    return Err(ConfigError::new("STT_MODEL", "needs STT_BASE_URL or a key (STT_API_KEY…)"));
                }
                None => return Ok(None),
            }
        }
    };
    Ok(Some((base, api_key, var("STT_MODEL").unwrap_or_else(|| model.to_owned()))))
}

fn number<T: std::str::FromStr>(var: &'static str, default: T) -> Result<T, ConfigError> {
    match env(var) {
        None => Ok(default),
        Some(v) => {
            v.trim().parse().map_err(|_| ConfigError::new(var, format!("`{v}` is not a whole number")))
        }
    }
}

/// A count that must be at least 1 (and at most `most`).
fn bound(var: &'static str, default: usize, most: usize) -> Result<usize, ConfigError> {
    let value = number(var, default)?;
    if value == 0 || value > most {
        return Err(ConfigError::new(var, format!("must be between 1 and {most}")));
    }
    Ok(value)
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

fn url(var: &'static str, value: &str) -> Result<reqwest::Url, ConfigError> {
    reqwest::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ConfigError::new(var, format!("`{value}` is not an http:// or https:// URL")))
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
        let database_url = match env("CHAT_DATABASE_URL") {
            Some(u)
                if u.starts_with("postgres://")
                    || u.starts_with("postgresql://")
                    || u.starts_with("sqlite:") =>
            {
                u
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "CHAT_DATABASE_URL",
                    "must start with postgres:// or sqlite://",
                ));
            }
            None => {
                let dir = data_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    ConfigError::new("CHAT_DATABASE_URL", format!("cannot create {}: {e}", dir.display()))
                })?;
                format!("sqlite://{}", dir.join("chat.db").display())
            }
        };
        let bind = env("GATEWAY_BIND").unwrap_or_else(|| "127.0.0.1:8000".into()).parse().map_err(|e| {
            ConfigError::new("GATEWAY_BIND", format!("not a socket address like 127.0.0.1:8000 ({e})"))
        })?;
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

#[cfg(test)]
mod tests {
    use super::*;

    type Want<'a> = Option<(&'a str, Option<&'a str>, &'a str)>;

    #[test]
    fn the_transcription_service_follows_stt_settings_then_the_providers_keys() {
        let openai = ("https://api.openai.com/v1", "whisper-1");
        let groq = ("https://api.groq.com/openai/v1", "whisper-large-v3-turbo");
        let local = "http://127.0.0.1:9000/v1";
        #[rustfmt::skip] // a table reads best one case a line
        let cases: [(&[(&str, &str)], Want); 7] = [
            (&[], None),
            (&[("GEMINI_API_KEY", "g")], None),
            (&[("OPENAI_API_KEY", "sk-1"), ("GROQ_API_KEY", "gq")], Some((openai.0, Some("sk-1"), openai.1))),
            (&[("GROQ_API_KEY", " gq ")], Some((groq.0, Some("gq"), groq.1))),
            (&[("GROQ_API_KEY", "gq"), ("STT_MODEL", "distil")], Some((groq.0, Some("gq"), "distil"))),
            (&[("STT_API_KEY", "k")], Some((openai.0, Some("k"), openai.1))),
            // A server of one's own never gets a provider's key.
            (&[("STT_BASE_URL", local), ("OPENAI_API_KEY", "sk-1")], Some((local, None, "whisper-1"))),
        ];
        for (vars, want) in cases {
            let read = |name: &str| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v).to_owned());
            let got = stt_service(&read).unwrap();
            let got = got.as_ref().map(|(b, k, m)| (b.as_str(), k.as_deref(), m.as_str()));
            assert_eq!(got, want, "{vars:?}");
        }
        let alone = |name: &str| (name == "STT_MODEL").then(|| "whisper-1".to_owned());
        assert!(stt_service(&alone).is_err(), "a model with no service to ask is a configuration error");
    }

    #[test]
    fn voice_settings_never_show_the_key_in_debug() {
        let settings = VoiceSettings {
            base_url: "https://api.openai.com/v1".parse().unwrap(),
            api_key: Some("sk-very-secret".into()),
            model: "whisper-1".into(),
            max_bytes: 1,
            max_seconds: 1,
            timeout: Duration::from_secs(1),
            max_concurrent: 1,
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("sk-very-secret") && shown.contains("whisper-1"), "{shown}");
    }
}
