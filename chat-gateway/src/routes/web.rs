//! The gateway's own web pages, public (no auth): `GET /`, a small chat page that speaks the
//! ChatKit protocol to `/chatkit` with the user's Bearer token and makes no request to any other
//! origin; `GET /widget`, the official ChatKit widget from OpenAI's CDN in custom-backend mode
//! (needs internet and a domain key); their assets under `/assets/`, embedded in the binary from
//! `chat-gateway/web/`; `GET /web/features.json`, what the page may offer (voice input); and
//! `GET /dev/token`, a development user's token when dev login is on.
//!
//! Every file is served with an `ETag` (a hash of its bytes) and `Cache-Control: no-cache`, so a
//! browser revalidates with `If-None-Match` and gets `304` until the binary changes.

use std::borrow::Cow;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::LazyLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::host::loopback_host;
use super::state::AppState;
use crate::error::ApiError;

/// The user a dev-login token speaks for.
pub const DEV_USER: &str = "dev";
/// How long a dev-login token is valid.
pub const DEV_TOKEN_TTL: Duration = Duration::from_secs(30 * 24 * 3600);

/// The chat page may load and call only its own origin (and, with OpenID sign-in, the
/// provider's token endpoint: see [`super::sign_in`]).
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The widget page also loads the widget's script and frame from OpenAI's CDN.
pub const WIDGET_CSP: &str = "default-src 'self'; script-src 'self' https://cdn.platform.openai.com; \
     frame-src https://cdn.platform.openai.com; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; \
     connect-src 'self' https:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// One embedded file.
struct Asset {
    /// Where it is served.
    path: &'static str,
    /// Its `Content-Type`.
    content_type: &'static str,
    /// Its `Content-Security-Policy`, for pages.
    csp: Option<&'static str>,
    /// Its bytes.
    body: &'static [u8],
}

const JS: &str = "text/javascript; charset=utf-8";

/// A file (not a page: no CSP of its own).
const fn file(path: &'static str, content_type: &'static str, body: &'static [u8]) -> Asset {
    Asset { path, content_type, csp: None, body }
}

static ASSETS: &[Asset] = &[
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        csp: Some(PAGE_CSP),
        body: include_bytes!("../../web/index.html"),
    },
    Asset {
        path: "/widget",
        content_type: "text/html; charset=utf-8",
        csp: Some(WIDGET_CSP),
        body: include_bytes!("../../web/widget.html"),
    },
    file("/assets/app.css", "text/css; charset=utf-8", include_bytes!("../../web/app.css")),
    file("/assets/app.js", JS, include_bytes!("../../web/app.js")),
    file("/assets/oidc.js", JS, include_bytes!("../../web/oidc.js")),
    file("/assets/api.js", JS, include_bytes!("../../web/api.js")),
    file("/assets/attach.js", JS, include_bytes!("../../web/attach.js")),
    file("/assets/items.js", JS, include_bytes!("../../web/items.js")),
    file("/assets/widgets.js", JS, include_bytes!("../../web/widgets.js")),
    file("/assets/threads.js", JS, include_bytes!("../../web/threads.js")),
    file("/assets/dom.js", JS, include_bytes!("../../web/dom.js")),
    file("/assets/i18n.js", JS, include_bytes!("../../web/i18n.js")),
    file("/assets/widget.js", JS, include_bytes!("../../web/widget.js")),
    file("/assets/voice.js", JS, include_bytes!("../../web/voice.js")),
    file("/assets/icon.svg", "image/svg+xml", include_bytes!("../../web/icon.svg")),
];

/// Each asset's ETag, in the order of [`ASSETS`].
static ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let mut hasher = DefaultHasher::new();
            asset.body.hash(&mut hasher);
            format!("\"{:016x}\"", hasher.finish())
        })
        .collect()
});

/// The pages, their assets and `/dev/token`, to merge into the gateway's router.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new().route("/dev/token", get(dev_token));
    for (index, asset) in ASSETS.iter().enumerate() {
        let page = move |State(state): State<AppState>, headers: HeaderMap| async move {
            let csp = match (asset.csp, &state.sign_in) {
                (Some(PAGE_CSP), Some(sign_in)) => Some(sign_in.page_csp(PAGE_CSP).await),
                (csp, _) => csp.map(Cow::Borrowed),
            };
            serve(index, &headers, csp)
        };
        router = router.route(asset.path, get(page));
    }
    router
}

/// The paths of every embedded page and asset.
pub fn paths() -> impl Iterator<Item = &'static str> {
    ASSETS.iter().map(|asset| asset.path)
}

fn serve(index: usize, request: &HeaderMap, csp: Option<Cow<'static, str>>) -> Response {
    let asset = &ASSETS[index];
    let etag = &ETAGS[index];
    let fresh = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response =
        if fresh { StatusCode::NOT_MODIFIED.into_response() } else { asset.body.into_response() };
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = csp.and_then(|csp| HeaderValue::from_str(&csp).ok()) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// `GET /web/features.json`: what the chat page may offer beyond chatting:
/// `{"voice": {"max_seconds", "max_bytes"}}` with a transcription service, `{"voice": null}`
/// without (the page then shows no microphone).
#[tracing::instrument(skip_all)]
pub async fn features(State(state): State<AppState>) -> Response {
    let voice = state.voice.as_ref().map(|voice| {
        let settings = voice.settings();
        json!({ "max_seconds": settings.max_seconds, "max_bytes": settings.max_bytes })
    });
    ([(header::CACHE_CONTROL, "no-cache")], Json(json!({ "voice": voice }))).into_response()
}

/// `{"token": …}` for [`DEV_USER`], minted as `chat-gateway token` does; 404 unless dev login
/// is on, 403 unless the `Host` is a loopback name (a page on another name that resolves here,
/// DNS rebinding, gets no token).
#[tracing::instrument(skip_all)]
async fn dev_token(State(state): State<AppState>, headers: axum::http::HeaderMap) -> Response {
    let Some(key) = &state.dev_login else { return ApiError::NotFound("dev login").into_response() };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if !loopback_host(host) {
        let body =
            json!({"error": {"code": "forbidden_host", "message": "dev login answers only on localhost"}});
        return (axum::http::StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    let (audience, issuer) = state.auth.token_party();
    let token = key.mint(DEV_USER, audience, issuer, None, DEV_TOKEN_TTL);
    ([(header::CACHE_CONTROL, "no-store")], Json(json!({ "token": token }))).into_response()
}
