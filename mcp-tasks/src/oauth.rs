//! OAuth 2.1 resource server (MCP authorization, 2025-11-25): access tokens issued by an
//! external authorization server, verified against its published keys (a shared
//! [`KeySet`]: discovery, single-flight refresh, stale keys through an outage), with `iss`
//! checked and `aud` equal to this server's canonical resource URL (RFC 8707); the Protected
//! Resource Metadata document (RFC 9728) that points clients at that server; and the
//! `WWW-Authenticate` challenges for a missing, invalid or under-scoped token.
//!
//! Scopes: `tasks:read` covers the read-only tools (by their `readOnlyHint` annotation),
//! resources and listings; `tasks:write` the other tools. The HS256 personal and gateway
//! tokens carry no scopes and keep full access; they are checked in `http`, not here.

use std::collections::HashSet;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::Algorithm;
use reqwest::Url;
use serde::Deserialize;
use shared::identity::{AuthError, Expected, Identity};
use shared::jwks::{KeySet, KeySource};

use crate::tokens::Verifier;

/// The scope for reading: read-only tools, resources, listings.
pub const READ_SCOPE: &str = "tasks:read";
/// The scope for every tool that is not read-only.
pub const WRITE_SCOPE: &str = "tasks:write";
/// Where the metadata for the `/mcp` resource is served (RFC 9728 path-suffixed form).
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource/mcp";
/// The metadata at the host's root, for clients that look there first.
pub const ROOT_METADATA_PATH: &str = "/.well-known/oauth-protected-resource";
/// Largest MCP request body read to decide which scope it needs.
const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Verifies access tokens from one authorization server for this resource.
pub struct ResourceServer {
    resource: String,
    metadata_url: String,
    issuer: String,
    keys: KeySet,
    expected: Expected,
    write_tools: HashSet<String>,
}

/// Why a request with a provider token was not let through.
#[derive(Debug, thiserror::Error)]
pub enum Refusal {
    /// Bad, expired, foreign or unreadable token (401).
    #[error(transparent)]
    Token(#[from] AuthError),
    /// A valid token without the scope this request needs (403).
    #[error("the token lacks scope {0}")]
    InsufficientScope(&'static str),
    /// The request body could not be read (over the limit) to tell which scope it needs (413).
    #[error("request body: {0}")]
    Body(String),
}

#[derive(Deserialize)]
struct ScopeClaims {
    /// RFC 9068 / RFC 8693: space-separated.
    #[serde(default)]
    scope: Option<String>,
    /// Some providers (Okta, Azure) use an array or a string named `scp`.
    #[serde(default)]
    scp: Option<serde_json::Value>,
}

impl ResourceServer {
    /// The resource `{public_url}/mcp`, protected by `issuer` (compared with `iss` exactly
    /// as written: some providers end it with a slash, most do not), whose keys come from
    /// `keys`; `write_tools` are the tools that need [`WRITE_SCOPE`].
    pub fn new(public_url: &Url, issuer: &str, keys: KeySet, write_tools: HashSet<String>) -> Self {
        let base = public_url.as_str().trim_end_matches('/');
        let resource = format!("{base}/mcp");
        let issuer = issuer.to_owned();
        Self {
            metadata_url: format!("{base}{METADATA_PATH}"),
            expected: Expected { audience: Some(resource.clone()), issuer: Some(issuer.clone()) },
            resource,
            issuer,
            keys,
            write_tools,
        }
    }

    /// The canonical resource URL tokens must be issued for (`aud`).
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The Protected Resource Metadata document (RFC 9728).
    pub fn metadata(&self) -> serde_json::Value {
        serde_json::json!({
            "resource": self.resource,
            "authorization_servers": [self.issuer],
            "scopes_supported": [READ_SCOPE, WRITE_SCOPE],
            "bearer_methods_supported": ["header"],
            "resource_name": "mcp-tasks",
        })
    }

    /// The metadata as a response anyone may read (browser-based clients fetch it
    /// cross-origin).
    pub fn metadata_response(&self) -> Response {
        let mut response = Json(self.metadata()).into_response();
        response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
        response
    }

    /// Verifies a provider token and the scope `request` needs; returns the caller and the
    /// request, its body read and put back.
    pub async fn authorize(&self, token: &str, request: Request) -> Result<(Identity, Request), Refusal> {
        // The body is read first, also for a token about to be refused: a response sent with
        // the request unread makes the server drop a connection the client may be reusing.
        let (request, needed) = self.needed_scope(request).await?;
        let identity = self.keys.verify(token, &self.expected).await?;
        let granted = granted_scopes(token);
        let allowed = match needed {
            WRITE_SCOPE => granted.contains(WRITE_SCOPE),
            _ => granted.contains(READ_SCOPE) || granted.contains(WRITE_SCOPE),
        };
        if allowed { Ok((identity, request)) } else { Err(Refusal::InsufficientScope(needed)) }
    }

    /// The scope a request needs: [`WRITE_SCOPE`] when it calls a tool that is not
    /// read-only (in a batch, any such call), else [`READ_SCOPE`].
    async fn needed_scope(&self, request: Request) -> Result<(Request, &'static str), Refusal> {
        let (parts, body) = request.into_parts();
        let bytes =
            axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(|e| Refusal::Body(e.to_string()))?;
        let needed = match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Array(messages)) if messages.iter().any(|m| self.writes(m)) => WRITE_SCOPE,
            Ok(message) if self.writes(&message) => WRITE_SCOPE,
            // Whatever else (listings, reads, a body rmcp will refuse) needs only reading.
            _ => READ_SCOPE,
        };
        Ok((Request::from_parts(parts, Body::from(bytes)), needed))
    }

    fn writes(&self, message: &serde_json::Value) -> bool {
        message.get("method").and_then(|m| m.as_str()) == Some("tools/call")
            && message
                .pointer("/params/name")
                .and_then(|n| n.as_str())
                .is_some_and(|name| self.write_tools.contains(name))
    }

    /// The answer to a refused request: 401 with a challenge naming the metadata and the
    /// scopes (with `error="invalid_token"` when a token was sent), 403 for a missing
    /// scope, 503 when the provider's keys cannot be had.
    pub fn refuse(&self, refusal: &Refusal) -> Response {
        let all = format!("{READ_SCOPE} {WRITE_SCOPE}");
        let (status, challenge, message) = match refusal {
            Refusal::Token(AuthError::Missing) => (
                StatusCode::UNAUTHORIZED,
                format!(r#"Bearer resource_metadata="{}", scope="{all}""#, self.metadata_url),
                "a valid Bearer token is required",
            ),
            Refusal::Token(AuthError::Invalid(_)) => (
                StatusCode::UNAUTHORIZED,
                format!(
                    r#"Bearer error="invalid_token", error_description="the access token is invalid or expired", resource_metadata="{}", scope="{all}""#,
                    self.metadata_url
                ),
                "a valid Bearer token is required",
            ),
            Refusal::Token(AuthError::Unavailable { retry_after, .. }) => return unavailable(*retry_after),
            Refusal::InsufficientScope(needed) => (
                StatusCode::FORBIDDEN,
                format!(
                    r#"Bearer error="insufficient_scope", scope="{needed}", resource_metadata="{}""#,
                    self.metadata_url
                ),
                "the token does not grant the scope this request needs",
            ),
            Refusal::Body(reason) => {
                let body = Json(serde_json::json!({"error": "payload_too_large", "message": reason}));
                return (StatusCode::PAYLOAD_TOO_LARGE, body).into_response();
            }
        };
        let mut response =
            (status, Json(serde_json::json!({"error": error_code(status), "message": message})))
                .into_response();
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}

/// The `/mcp` gate when an authorization server is configured: provider tokens are verified
/// with `oauth` (scopes included), HS256 tokens by `verifier` (full access, as without OAuth);
/// refusals carry the challenges clients discover the authorization server from.
pub async fn gate(
    oauth: &ResourceServer,
    verifier: &Verifier,
    token: Option<String>,
    request: Request,
    next: Next,
) -> Response {
    let outcome = match token.as_deref() {
        None => Err(Refusal::Token(AuthError::Missing)),
        Some(token) if is_provider_token(token) => oauth.authorize(token, request).await,
        Some(token) => verifier.verify(token).map(|id| (id, request)).map_err(Refusal::Token),
    };
    match outcome {
        Ok((identity, mut request)) => {
            tracing::debug!(user = %identity.user_id, "authenticated");
            request.extensions_mut().insert(identity);
            next.run(request).await
        }
        Err(refusal) => {
            tracing::info!(reason = %refusal, "rejected request");
            oauth.refuse(&refusal)
        }
    }
}

/// Whether `token` is for this module (signed with a provider's key) rather than an HS256
/// personal or gateway token.
pub fn is_provider_token(token: &str) -> bool {
    jsonwebtoken::decode_header(token)
        .is_ok_and(|h| !matches!(h.alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512))
}

/// The scopes a verified token grants (`scope`, else `scp`).
fn granted_scopes(token: &str) -> HashSet<String> {
    // The signature and claims were verified just before; this only reads the scope claim.
    let claims = jsonwebtoken::dangerous::insecure_decode_claims::<ScopeClaims>(token).ok();
    let Some(claims) = claims else { return HashSet::new() };
    let words: Vec<String> = match (claims.scope, claims.scp) {
        (Some(scope), _) => vec![scope],
        (None, Some(serde_json::Value::String(s))) => vec![s],
        (None, Some(serde_json::Value::Array(list))) => {
            list.into_iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    };
    words.iter().flat_map(|w| w.split_whitespace()).map(str::to_owned).collect()
}

fn error_code(status: StatusCode) -> &'static str {
    if status == StatusCode::FORBIDDEN { "insufficient_scope" } else { "unauthorized" }
}

fn unavailable(retry_after: Duration) -> Response {
    let body = Json(serde_json::json!({
        "error": "auth_unavailable",
        "message": "the identity provider cannot be reached; try again shortly",
    }));
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after.as_secs().max(1)));
    response
}

/// Where the provider's keys are found: its JWKS URL when one is configured, else by
/// discovery from the issuer.
pub fn key_source(issuer: &Url, jwks_url: Option<&Url>) -> KeySource {
    jwks_url.map_or_else(|| KeySource::Issuer(issuer.clone()), |url| KeySource::JwksUrl(url.clone()))
}
