//! The `Host` check: which names the gateway answers to ([`AllowedHosts`], from
//! `GATEWAY_ALLOWED_HOSTS`) and the middleware refusing the others with `403`, so a page on
//! a foreign name that resolves to this machine (DNS rebinding) cannot use the gateway.
//! The liveness and readiness probes answer any name (probes use addresses).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The names answered when `GATEWAY_ALLOWED_HOSTS` is unset.
pub const LOOPBACK_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// Which `Host` values are answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowedHosts {
    /// Any (`*`).
    Any,
    /// These entries: a name without a port accepts any port, `name:port` only that port;
    /// compared without regard to case.
    Only(Vec<String>),
}

impl AllowedHosts {
    /// From the setting's entries: None is the loopback names, an entry `*` accepts any.
    pub fn from_setting(entries: Option<Vec<String>>) -> Self {
        match entries {
            Some(entries) if entries.iter().any(|e| e == "*") => Self::Any,
            Some(entries) => Self::Only(entries),
            None => Self::Only(LOOPBACK_NAMES.iter().map(|n| (*n).to_owned()).collect()),
        }
    }

    /// Whether a request whose `Host` (or HTTP/2 authority) is `host` is answered.
    pub fn allows(&self, host: &str) -> bool {
        let Self::Only(entries) = self else { return true };
        let name = host_name(host);
        entries.iter().any(|entry| {
            let bare = entry.strip_prefix('[').and_then(|e| e.strip_suffix(']')).unwrap_or(entry);
            bare.eq_ignore_ascii_case(name) || entry.eq_ignore_ascii_case(host)
        })
    }
}

/// The name part of a `Host` value: without the port, an IPv6 address without brackets.
pub fn host_name(host: &str) -> &str {
    match host.strip_prefix('[') {
        Some(v6) => v6.split_once(']').map_or("", |(name, _)| name),
        None => host
            .rsplit_once(':')
            .map_or(host, |(name, port)| if port.parse::<u16>().is_ok() { name } else { host }),
    }
}

/// Whether `host` (a `Host` header, with or without a port) names this machine's loopback.
pub fn loopback_host(host: &str) -> bool {
    let name = host_name(host);
    name.eq_ignore_ascii_case("localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a request whose `Host` is not allowed (or missing) with `403 forbidden_host`.
pub async fn check(State(allowed): State<Arc<AllowedHosts>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if matches!(path, "/healthz" | "/readyz") {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    if host.is_some_and(|h| allowed.allows(h)) {
        return next.run(request).await;
    }
    tracing::info!(host = host.unwrap_or_default(), "refused a request for a host name not allowed");
    let message = "this server does not answer to that host name";
    let body =
        json!({"error": {"code": "forbidden_host", "type": "invalid_request_error", "message": message}});
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::{AllowedHosts, loopback_host};

    #[test]
    fn only_loopback_names_count_as_loopback_hosts() {
        for host in ["localhost", "localhost:8000", "127.0.0.1:8000", "127.0.0.2", "[::1]:8000", "LOCALHOST"]
        {
            assert!(loopback_host(host), "{host}");
        }
        for host in
            ["", "evil.example", "evil.example:8000", "localhost.evil.example", "10.0.0.1:8000", "[::2]:80"]
        {
            assert!(!loopback_host(host), "{host}");
        }
    }

    #[test]
    fn listed_names_match_with_any_port_and_names_with_a_port_only_that_port() {
        let allowed = AllowedHosts::from_setting(Some(vec!["chat.example".into(), "10.0.0.5:8000".into()]));
        for host in ["chat.example", "CHAT.example:443", "10.0.0.5:8000"] {
            assert!(allowed.allows(host), "{host}");
        }
        for host in ["evil.example", "chat.example.evil", "10.0.0.5:9000", "10.0.0.5", "localhost"] {
            assert!(!allowed.allows(host), "{host}");
        }
        let default = AllowedHosts::from_setting(None);
        for host in ["localhost:8000", "127.0.0.1", "[::1]:8000"] {
            assert!(default.allows(host), "{host}");
        }
        assert!(!default.allows("attacker.example:8000"));
        assert!(AllowedHosts::from_setting(Some(vec!["*".into()])).allows("anything.example"));
    }
}
