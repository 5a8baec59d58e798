//! The HTTP face: stateless streamable HTTP MCP at `/mcp` behind Bearer-token auth (tool
//! calls through `direct` where it can, everything else through rmcp), plus
//! `/healthz`, `/readyz` and `/metrics` (unauthenticated: keep it on an internal network, or
//! on `METRICS_BIND`'s listener).
//! Any replica serves any request (no sessions).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use shared::identity::{TASKS_AUDIENCE, TokenKey, bearer_token};
use tokio_util::sync::CancellationToken;

use crate::direct::Direct;
use crate::oauth::{self, ResourceServer};
use crate::store::Store;
use crate::tokens::Verifier;
use crate::tools::TaskServer;

/// What the HTTP router needs.
#[derive(Clone)]
pub struct HttpState {
    /// The MCP server (cheap to clone per request).
    pub server: TaskServer,
    /// The store, for readiness checks.
    pub store: Arc<dyn Store>,
    /// Verifies Bearer tokens.
    pub key: TokenKey,
    /// Accepted Host headers (None: loopback only; `*`: any).
    pub allowed_hosts: Option<Vec<String>>,
    /// Verifies access tokens from an external authorization server, when one is configured.
    pub oauth: Option<Arc<ResourceServer>>,
    /// Whether `GET /metrics` is on this router (false when `METRICS_BIND` gives it a listener).
    pub metrics_route: bool,
}

/// The router: `/mcp` (authenticated), `/healthz`, `/readyz`, `/metrics`. MCP requests
/// still running when `stop` fires are aborted: pass a token that fires once the shutdown
/// grace period is over, so draining lets them finish (the shutdown token aborts at once).
pub fn app(state: HttpState, stop: &CancellationToken) -> Router {
    crate::metrics::init();
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_sse_keep_alive(Some(Duration::from_secs(15)))
        .with_cancellation_token(stop.child_token());
    config = match state.allowed_hosts.as_deref() {
        Some(hosts) if hosts.iter().any(|h| h == "*") => config.disable_allowed_hosts(),
        Some(hosts) => config.with_allowed_hosts(hosts.iter().cloned()),
        None => config,
    };
    let direct = Direct::new(state.server.clone(), &config.allowed_hosts, stop.child_token());
    let server = state.server.clone();
    let rmcp = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );

    // Behind one Arc: axum clones a route's service for every request, and both hold lists.
    let paths = Arc::new((direct, rmcp));
    let mcp = any(move |request: Request| {
        let paths = Arc::clone(&paths);
        async move {
            let (direct, rmcp) = paths.as_ref();
            match direct.answer(request).await {
                Ok(response) => response,
                Err(request) => rmcp.handle(request).await.map(Body::new),
            }
        }
    });
    let verifier = Arc::new(Verifier::new(state.key.clone(), TASKS_AUDIENCE));
    let auth = (verifier, state.oauth.clone());
    let mut router =
        Router::new().nest_service("/mcp", mcp).layer(middleware::from_fn_with_state(auth, authenticate));
    if let Some(oauth) = state.oauth.clone() {
        let metadata = get(move || std::future::ready(oauth.metadata_response()));
        router =
            router.route(oauth::METADATA_PATH, metadata.clone()).route(oauth::ROOT_METADATA_PATH, metadata);
    }
    router = router.route("/healthz", get(|| async { "ok" })).route("/readyz", get(ready));
    if state.metrics_route {
        router = router.route("/metrics", get(shared::metrics::scrape));
    }
    router.layer(middleware::from_fn(shared::metrics::track_http)).with_state(state)
}

async fn ready(State(state): State<HttpState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({"status": "ready"}))).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "database unavailable"})))
                .into_response()
        }
    }
}

/// Verifies the Bearer token and hands the identity to the tools; 401 otherwise. Tokens
/// signed by the authorization server (when one is configured) go to [`oauth`].
async fn authenticate(
    State((verifier, resource_server)): State<(Arc<Verifier>, Option<Arc<ResourceServer>>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let token =
        request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(bearer_token);
    if let Some(oauth) = resource_server.as_deref() {
        return oauth::gate(oauth, &verifier, token.map(str::to_owned), request, next).await;
    }
    let verified = match token {
        Some(token) => verifier.verify(token),
        None => Err(shared::identity::AuthError::Missing),
    };
    match verified {
        Ok(identity) => {
            tracing::debug!(user = %identity.user_id, "authenticated");
            request.extensions_mut().insert(identity);
            next.run(request).await
        }
        Err(e) => {
            tracing::info!(reason = %e, "rejected request");
            let mut response = (
                StatusCode::UNAUTHORIZED,
                Json(serde_json::json!({"error": "unauthorized", "message": "a valid Bearer token is required"})),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"mcp-tasks\""));
            response
        }
    }
}
