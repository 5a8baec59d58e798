//! Typed configuration for `mcp-tasks`, read from the environment once, in `main`.

use std::net::SocketAddr;
use std::time::Duration;

use chrono_tz::Tz;
use shared::config::{ConfigError, database_url, env, listen_addr};
use shared::identity::TokenKey;
use shared::serve::ConnectionLimits;
use shared::telemetry::LogFormat;

use crate::reminders::Webhook;

/// Everything the server reads from its environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// `TASKS_DATABASE_URL`: `postgres://…` or `sqlite://…`; default an SQLite file in the data directory.
    pub database_url: String,
    /// `TASKS_BIND`: where `serve` listens (default 127.0.0.1:8001).
    pub bind: SocketAddr,
    /// `TASKS_TOKEN_SECRET`: the HS256 key for HTTP tokens (needed by `serve` and `token`).
    pub token_key: Option<TokenKey>,
    /// `TASKS_USER`: the one user served over stdio (default `local`).
    pub user: String,
    /// `TASKS_DEFAULT_TZ`: the zone for callers without one (default UTC).
    pub default_tz: Tz,
    /// `TASKS_ALLOWED_HOSTS`: Host header values accepted over HTTP (comma-separated; `*` accepts any;
    /// default loopback names only).
    pub allowed_hosts: Option<Vec<String>>,
    /// `METRICS_BIND`: a listener of its own for `GET /metrics` (unset: on the main one).
    pub metrics_bind: Option<SocketAddr>,
    /// `REMINDER_WEBHOOK_URL` and its settings (`REMINDER_WEBHOOK_SECRET`, required with it;
    /// `REMINDER_MAX_ATTEMPTS`, `REMINDER_CONCURRENCY`, `REMINDER_TIMEOUT`): where and how due
    /// reminders are delivered, if anywhere.
    pub reminder_webhook: Option<Webhook>,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `SHUTDOWN_GRACE`: how long in-flight requests may run after SIGTERM (default 30s).
    pub shutdown_grace: Duration,
    /// `TASKS_OAUTH_ISSUER` (with `TASKS_PUBLIC_URL`, optionally `TASKS_OAUTH_JWKS_URL`):
    /// access tokens from this authorization server are accepted too.
    pub oauth: Option<OAuthConfig>,
    /// `HTTP_HEADER_TIMEOUT`, `HTTP_WRITE_TIMEOUT`, `HTTP_MAX_CONNECTIONS`: the listener's bounds.
    pub connections: ConnectionLimits,
}

/// The authorization server whose access tokens mcp-tasks accepts, and who it is to them.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// `TASKS_PUBLIC_URL`: this server's public base URL; the resource is `{it}/mcp`.
    pub public_url: reqwest::Url,
    /// `TASKS_OAUTH_ISSUER`: the issuer exactly as its tokens' `iss` names it.
    pub issuer: String,
    /// `TASKS_OAUTH_JWKS_URL`: its key set, when not found by discovery from the issuer.
    pub jwks_url: Option<reqwest::Url>,
}

impl OAuthConfig {
    /// Reads `TASKS_OAUTH_ISSUER`, `TASKS_PUBLIC_URL` and `TASKS_OAUTH_JWKS_URL`; None when no
    /// issuer is set.
    fn from_env() -> Result<Option<Self>, ConfigError> {
        let url = |name: &'static str| {
            env(name)
                .map(|u| {
                    let parsed = reqwest::Url::parse(&u)
                        .map_err(|e| ConfigError::new(name, format!("`{u}` is not a URL ({e})")))?;
                    shared::jwks::check_url(&parsed).map_err(|e| ConfigError::new(name, e))?;
                    Ok((u, parsed))
                })
                .transpose()
        };
        let jwks_url = url("TASKS_OAUTH_JWKS_URL")?.map(|(_, u)| u);
        let Some((issuer, _)) = url("TASKS_OAUTH_ISSUER")? else {
            return match jwks_url {
                Some(_) => {
                    Err(ConfigError::new("TASKS_OAUTH_ISSUER", "is required with TASKS_OAUTH_JWKS_URL"))
                }
                None => Ok(None),
            };
        };
        let public_url = env("TASKS_PUBLIC_URL")
            .and_then(|u| reqwest::Url::parse(&u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.query().is_none() && u.fragment().is_none())
            .ok_or_else(|| {
                ConfigError::new(
                    "TASKS_PUBLIC_URL",
                    "is required with TASKS_OAUTH_ISSUER: the public base URL, like https://tasks.example.com",
                )
            })?;
        Ok(Some(Self { public_url, issuer, jwks_url }))
    }
}

impl Config {
    /// Reads and checks the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url = database_url("TASKS_DATABASE_URL", "tasks.db")?;
        let bind = listen_addr("TASKS_BIND", "127.0.0.1:8001")?;
        let token_key = env("TASKS_TOKEN_SECRET")
            .map(|s| TokenKey::new(&s).map_err(|e| ConfigError::new("TASKS_TOKEN_SECRET", e)))
            .transpose()?;
        let default_tz = match env("TASKS_DEFAULT_TZ") {
            None => chrono_tz::UTC,
            Some(z) => z.parse().map_err(|_| {
                ConfigError::new(
                    "TASKS_DEFAULT_TZ",
                    format!("`{z}` is not an IANA time zone like Asia/Karachi"),
                )
            })?,
        };
        let allowed_hosts = env("TASKS_ALLOWED_HOSTS")
            .map(|h| h.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect());
        let reminder_webhook = env("REMINDER_WEBHOOK_URL")
            .map(|u| {
                reqwest::Url::parse(&u).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or_else(
                    || ConfigError::new("REMINDER_WEBHOOK_URL", "must be an http:// or https:// URL"),
                )
            })
            .transpose()?
            .map(webhook)
            .transpose()?;
        let log_format = LogFormat::parse(&env("LOG_FORMAT").unwrap_or_default())
            .map_err(|e| ConfigError::new("LOG_FORMAT", e))?;
        Ok(Self {
            database_url,
            bind,
            token_key,
            user: env("TASKS_USER").unwrap_or_else(|| "local".into()),
            default_tz,
            allowed_hosts,
            metrics_bind: shared::config::socket_addr("METRICS_BIND")?,
            reminder_webhook,
            log_format,
            shutdown_grace: shared::config::duration("SHUTDOWN_GRACE", shared::shutdown::DEFAULT_GRACE)?,
            oauth: OAuthConfig::from_env()?,
            connections: shared::config::connection_limits()?,
        })
    }

    /// The token key, or the one-line reason `command` cannot run without it.
    pub fn require_token_key(&self) -> Result<&TokenKey, ConfigError> {
        self.token_key.as_ref().ok_or_else(|| {
            ConfigError::new("TASKS_TOKEN_SECRET", "is required (32+ characters; try `openssl rand -hex 32`)")
        })
    }
}

/// The webhook at `url` with its secret and limits from the environment.
fn webhook(url: reqwest::Url) -> Result<Webhook, ConfigError> {
    let secret = env("REMINDER_WEBHOOK_SECRET").filter(|s| s.len() >= 16).ok_or_else(|| {
        ConfigError::new(
            "REMINDER_WEBHOOK_SECRET",
            "is required with REMINDER_WEBHOOK_URL (16+ characters; try `openssl rand -hex 32`)",
        )
    })?;
    let positive =
        |var: &'static str, default: usize| -> Result<usize, ConfigError> {
            env(var).map_or(Ok(default), |v| {
                v.trim().parse::<usize>().ok().filter(|n| (1..=10_000).contains(n)).ok_or_else(|| {
                    ConfigError::new(var, format!("`{v}` is not a whole number from 1 to 10000"))
                })
            })
        };
    let max_attempts = positive("REMINDER_MAX_ATTEMPTS", Webhook::DEFAULT_MAX_ATTEMPTS as usize)?;
    Ok(Webhook {
        url,
        secret,
        max_attempts: u32::try_from(max_attempts).unwrap_or(Webhook::DEFAULT_MAX_ATTEMPTS),
        concurrency: positive("REMINDER_CONCURRENCY", Webhook::DEFAULT_CONCURRENCY)?,
        timeout: shared::config::duration("REMINDER_TIMEOUT", Webhook::DEFAULT_TIMEOUT)?,
    })
}
