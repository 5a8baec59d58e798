//! The chat page's sign-in with an OpenID provider (`OIDC_ISSUER`, `OIDC_CLIENT_ID`):
//! `GET /web/sign-in.json` tells the page the provider's authorization, token and end-session
//! endpoints (from the issuer's discovery document, fetched on first use and then kept), the
//! public client it is, the scopes and the `resource` to ask for. The page does the
//! authorization code flow with PKCE itself; the gateway holds no client secret.
//!
//! The page's CSP lets it call only its own origin and the token endpoint's origin (the
//! authorization and end-session endpoints are navigations, not requests).

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use reqwest::Url;
use serde::Serialize;
use tokio::sync::OnceCell;

use crate::config::OidcSettings;
use crate::error::ApiError;

/// Seconds a page is asked to wait when the provider's discovery document cannot be had.
const RETRY_AFTER_SECONDS: u64 = 5;

/// How long a failed discovery is remembered before it is tried again: while the provider is
/// down (or hangs until the fetch timeout), page loads answer at once instead of each waiting.
const FAILURE_MEMORY: Duration = Duration::from_secs(RETRY_AFTER_SECONDS);

/// What the page needs from the provider's discovery document.
#[derive(Debug, Clone, Serialize)]
struct Endpoints {
    authorization_endpoint: String,
    token_endpoint: String,
    end_session_endpoint: Option<String>,
    /// The token endpoint's origin, for the CSP.
    #[serde(skip)]
    token_origin: String,
}

/// The configured provider and, once discovered, its endpoints.
pub struct PageSignIn {
    settings: OidcSettings,
    client: reqwest::Client,
    endpoints: OnceCell<Endpoints>,
    /// The last failed discovery: when, and why.
    failed: Mutex<Option<(Instant, String)>>,
}

impl PageSignIn {
    /// Sign-in with the provider `settings` names; nothing is fetched until a page asks.
    pub fn new(settings: OidcSettings) -> Self {
        Self {
            settings,
            client: shared::jwks::fetch_client(),
            endpoints: OnceCell::new(),
            failed: Mutex::new(None),
        }
    }

    /// The endpoints, discovered once; a failed discovery is tried again once
    /// [`FAILURE_MEMORY`] has passed.
    async fn endpoints(&self) -> Result<&Endpoints, String> {
        if let Some(found) = self.endpoints.get() {
            return Ok(found);
        }
        if let Some((at, reason)) = &*self.failed.lock().unwrap_or_else(|e| e.into_inner())
            && at.elapsed() < FAILURE_MEMORY
        {
            return Err(reason.clone());
        }
        let found = self.endpoints.get_or_try_init(|| discover(&self.client, &self.settings.issuer)).await;
        if let Err(reason) = &found {
            *self.failed.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), reason.clone()));
        }
        found
    }

    /// `csp` (the page's policy) with the token endpoint's origin added to `connect-src`;
    /// `csp` unchanged while the provider cannot be discovered.
    pub async fn page_csp(&self, csp: &'static str) -> Cow<'static, str> {
        match self.endpoints().await {
            Ok(found) => Cow::Owned(csp.replacen(
                "connect-src 'self'",
                &format!("connect-src 'self' {}", found.token_origin),
                1,
            )),
            Err(_) => Cow::Borrowed(csp),
        }
    }
}

async fn discover(client: &reqwest::Client, issuer: &Url) -> Result<Endpoints, String> {
    let doc = shared::jwks::discover(client, issuer).await?;
    let endpoint = |name: &str| -> Result<Option<Url>, String> {
        let Some(raw) = doc.get(name).and_then(|v| v.as_str()) else { return Ok(None) };
        let url = Url::parse(raw).map_err(|e| format!("{name}: {e}"))?;
        shared::jwks::check_url(&url)?;
        Ok(Some(url))
    };
    let authorization = endpoint("authorization_endpoint")?.ok_or("no authorization_endpoint")?;
    let token = endpoint("token_endpoint")?.ok_or("no token_endpoint")?;
    Ok(Endpoints {
        authorization_endpoint: authorization.into(),
        token_origin: token.origin().ascii_serialization(),
        token_endpoint: token.into(),
        end_session_endpoint: endpoint("end_session_endpoint")?.map(Into::into),
    })
}

/// `GET /web/sign-in.json`: the provider's endpoints and the page's client, scopes and
/// resource; 404 when no provider is configured, 503 while it cannot be discovered.
#[tracing::instrument(skip_all)]
pub async fn config(State(sign_in): State<Option<Arc<PageSignIn>>>) -> Response {
    let Some(sign_in) = sign_in else { return ApiError::NotFound("OpenID sign-in").into_response() };
    let endpoints = match sign_in.endpoints().await {
        Ok(found) => found,
        Err(reason) => {
            tracing::warn!(%reason, issuer = %sign_in.settings.issuer, "OpenID discovery failed");
            return ApiError::AuthUnavailable(RETRY_AFTER_SECONDS).into_response();
        }
    };
    let settings = &sign_in.settings;
    let body = serde_json::json!({
        "issuer": settings.issuer.as_str(),
        "client_id": settings.client_id,
        "scope": settings.scopes,
        "resource": settings.resource,
        "authorization_endpoint": endpoints.authorization_endpoint,
        "token_endpoint": endpoints.token_endpoint,
        "end_session_endpoint": endpoints.end_session_endpoint,
    });
    ([(header::CACHE_CONTROL, "no-cache")], Json(body)).into_response()
}
