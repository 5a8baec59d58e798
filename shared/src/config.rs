//! Small configuration helpers: a typed error naming the variable at fault, durations
//! like `30d`, lists, listen and other socket addresses, database URLs (and which database
//! one names), the default data directory, and the listener bounds both services read.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::serve::ConnectionLimits;

/// A configuration problem: which variable, and why. Printed as one line at start.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {reason}")]
pub struct ConfigError {
    /// The environment variable or flag at fault.
    pub var: &'static str,
    /// What is wrong with it.
    pub reason: String,
}

impl ConfigError {
    /// A new error for `var`.
    pub fn new(var: &'static str, reason: impl Into<String>) -> Self {
        Self { var, reason: reason.into() }
    }
}

/// Reads an environment variable, treating empty as unset.
pub fn env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.trim().is_empty())
}

/// Reads a comma-separated list (entries trimmed, empty ones dropped); None when unset.
pub fn list(var: &str) -> Option<Vec<String>> {
    env(var).map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect())
}

/// Reads a listen address such as `TASKS_BIND=0.0.0.0:8001`; `default` when unset.
pub fn listen_addr(var: &'static str, default: &str) -> Result<SocketAddr, ConfigError> {
    env(var)
        .as_deref()
        .unwrap_or(default)
        .parse()
        .map_err(|e| ConfigError::new(var, format!("not a socket address like {default} ({e})")))
}

/// Reads an optional socket address such as `METRICS_BIND=0.0.0.0:9100`.
pub fn socket_addr(var: &'static str) -> Result<Option<SocketAddr>, ConfigError> {
    env(var)
        .map(|v| {
            v.trim().parse().map_err(|e| {
                ConfigError::new(var, format!("`{v}` is not a socket address like 127.0.0.1:9100 ({e})"))
            })
        })
        .transpose()
}

/// Reads a duration variable such as `SHUTDOWN_GRACE=30s`; `default` when unset.
pub fn duration(var: &'static str, default: Duration) -> Result<Duration, ConfigError> {
    env(var).map_or(Ok(default), |v| parse_duration(&v).map_err(|e| ConfigError::new(var, e)))
}

/// Parses a duration such as `30d`, `12h`, `15m` or `90s`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s.trim())
        .map_err(|e| format!("`{s}` is not a duration like 30d, 12h or 15m ({e})"))
}

/// Which database a URL names, by its scheme: what either service's store can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// `postgres://…` or `postgresql://…`.
    Postgres,
    /// `sqlite:…` (a file, or `sqlite::memory:`).
    Sqlite,
}

impl DatabaseKind {
    /// What a database URL must start with, for messages.
    pub const EXPECTED: &str = "postgres:// or sqlite://";

    /// The database `url` names; None for any other scheme.
    pub fn of(url: &str) -> Option<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else {
            None
        }
    }
}

/// A service's database URL from `var` (one [`DatabaseKind::of`] knows); when unset, an
/// SQLite file named `file` in [`data_dir`], which is created.
pub fn database_url(var: &'static str, file: &str) -> Result<String, ConfigError> {
    match env(var) {
        Some(url) if DatabaseKind::of(&url).is_some() => Ok(url),
        Some(_) => Err(ConfigError::new(var, format!("must start with {}", DatabaseKind::EXPECTED))),
        None => {
            let dir = data_dir();
            std::fs::create_dir_all(&dir)
                .map_err(|e| ConfigError::new(var, format!("cannot create {}: {e}", dir.display())))?;
            Ok(format!("sqlite://{}", dir.join(file).display()))
        }
    }
}

/// The directory where embedded databases and dev secrets live (created on demand):
/// `$XDG_DATA_HOME/task-assistant` or the platform equivalent, else `./.task-assistant`.
pub fn data_dir() -> PathBuf {
    dirs::data_dir().map_or_else(|| PathBuf::from(".task-assistant"), |d| d.join("task-assistant"))
}

/// `HTTP_HEADER_TIMEOUT`, `HTTP_WRITE_TIMEOUT` and `HTTP_MAX_CONNECTIONS`, for either service's
/// listener; the defaults of [`ConnectionLimits`] when unset.
pub fn connection_limits() -> Result<ConnectionLimits, ConfigError> {
    let d = ConnectionLimits::default();
    let max_connections = match env("HTTP_MAX_CONNECTIONS") {
        None => d.max_connections,
        Some(v) => v.trim().parse().ok().filter(|n| *n > 0).ok_or_else(|| {
            ConfigError::new("HTTP_MAX_CONNECTIONS", format!("`{v}` is not a whole number above 0"))
        })?,
    };
    let limits = ConnectionLimits {
        header_timeout: duration("HTTP_HEADER_TIMEOUT", d.header_timeout)?,
        write_timeout: duration("HTTP_WRITE_TIMEOUT", d.write_timeout)?,
        max_connections,
    };
    for (var, value) in
        [("HTTP_HEADER_TIMEOUT", limits.header_timeout), ("HTTP_WRITE_TIMEOUT", limits.write_timeout)]
    {
        if value.is_zero() {
            return Err(ConfigError::new(var, "must be above zero"));
        }
    }
    Ok(limits)
}
