//! Typed configuration for `mcp-tasks`, read from the environment once, in `main`.

use std::net::SocketAddr;
use std::time::Duration;

use chrono_tz::Tz;
use shared::config::{ConfigError, data_dir, env};
use shared::identity::TokenKey;
use shared::serve::ConnectionLimits;
use shared::telemetry::LogFormat;

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
    /// `REMINDER_WEBHOOK_URL`: where due reminders are POSTed, if anywhere.
    pub reminder_webhook: Option<reqwest::Url>,
    /// `LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `SHUTDOWN_GRACE`: how long in-flight requests may run after SIGTERM (default 30s).
    pub shutdown_grace: Duration,
    /// `HTTP_HEADER_TIMEOUT`, `HTTP_WRITE_TIMEOUT`, `HTTP_MAX_CONNECTIONS`: the listener's bounds.
    pub connections: ConnectionLimits,
}

impl Config {
    /// Reads and checks the environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let database_url = match env("TASKS_DATABASE_URL") {
            Some(url)
                if url.starts_with("postgres://")
                    || url.starts_with("postgresql://")
                    || url.starts_with("sqlite:") =>
            {
                url
            }
            Some(_) => {
                return Err(ConfigError::new(
                    "TASKS_DATABASE_URL",
                    "must start with postgres:// or sqlite://",
                ));
            }
            None => {
                let dir = data_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    ConfigError::new("TASKS_DATABASE_URL", format!("cannot create {}: {e}", dir.display()))
                })?;
                format!("sqlite://{}", dir.join("tasks.db").display())
            }
        };
        let bind = env("TASKS_BIND").unwrap_or_else(|| "127.0.0.1:8001".into()).parse().map_err(|e| {
            ConfigError::new("TASKS_BIND", format!("not a socket address like 127.0.0.1:8001 ({e})"))
        })?;
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
            reminder_webhook,
            log_format,
            shutdown_grace: shared::config::duration("SHUTDOWN_GRACE", shared::shutdown::DEFAULT_GRACE)?,
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
