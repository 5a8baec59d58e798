//! Reading one variable: a whole number, a bounded count, a URL, each with a clear error.

use shared::config::{ConfigError, env};

/// A whole number from `var`, or `default` when it is unset.
pub(super) fn number<T: std::str::FromStr>(var: &'static str, default: T) -> Result<T, ConfigError> {
    match env(var) {
        None => Ok(default),
        Some(v) => {
            v.trim().parse().map_err(|_| ConfigError::new(var, format!("`{v}` is not a whole number")))
        }
    }
}

/// A count that must be at least 1 (and at most `most`).
pub(super) fn bound(var: &'static str, default: usize, most: usize) -> Result<usize, ConfigError> {
    let value = number(var, default)?;
    if value == 0 || value > most {
        return Err(ConfigError::new(var, format!("must be between 1 and {most}")));
    }
    Ok(value)
}

/// `value` (read from `var`) as an http:// or https:// URL.
pub(super) fn url(var: &'static str, value: &str) -> Result<reqwest::Url, ConfigError> {
    reqwest::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| ConfigError::new(var, format!("`{value}` is not an http:// or https:// URL")))
}
