//! The HTTP face: `POST /chatkit` (also `/api/chatkit`, `/api/v1/chatkit`), `POST /api/chat`
//! for scripts, `/healthz`, `/readyz` (database and mcp-tasks), `/metrics` (unauthenticated:
//! keep it on an internal network); Bearer auth, a per-user rate limit and CORS. The REST
//! threads API (`rest`), the OpenAI-compatible `/v1` (`openai_compat`), `/openapi.json`
//! (`openapi`) and the public web pages (`web`) are merged in here.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use futures::StreamExt;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::{Authenticator, User};
use crate::chatkit::{ChatKitServer, Outcome};
use crate::error::ApiError;

/// Largest request body accepted (a 4,000-character message is far below it).
const MAX_BODY: usize = 1 << 20;
/// Most SSE events written at once.
const STREAM_BATCH: usize = 64;

/// Shared state of the HTTP handlers.
#[derive(Clone)]
pub struct AppState {
    /// The ChatKit dispatcher.
    pub chat: Arc<ChatKitServer>,
    /// Verifies user tokens.
    pub auth: Arc<Authenticator>,
    /// Per-user limiter (None: off).
    pub limiter: Option<Arc<DefaultKeyedRateLimiter<String>>>,
    /// Signs the tokens `GET /dev/token` hands out (the `dev` command only; None: that route is 404).
    pub dev_login: Option<Arc<shared::identity::TokenKey>>,
}

/// A per-user limiter allowing `per_second` with bursts of `burst`; None when `per_second` is 0.
pub fn limiter(per_second: u32, burst: u32) -> Option<Arc<DefaultKeyedRateLimiter<String>>> {
    let rate = NonZeroU32::new(per_second)?;
    let burst = NonZeroU32::new(burst.max(per_second)).unwrap_or(rate);
    Some(Arc::new(RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))))
}

/// The router.
pub fn app(state: AppState, cors_origins: &[String]) -> Router {
    crate::metrics::init();
    let api = Router::new()
        .route("/chatkit", post(chatkit))
        .route("/api/chatkit", post(chatkit))
        .route("/api/v1/chatkit", post(chatkit))
        .route("/api/chat", post(chat))
        .merge(crate::rest::routes())
        .layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .merge(api)
        .merge(crate::web::routes())
        .merge(crate::openai_compat::routes())
        .merge(crate::openapi::routes())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(shared::metrics::scrape))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(cors(cors_origins))
        // Last, so it wraps every route above.
        .layer(middleware::from_fn(shared::metrics::track_http))
        .with_state(state)
}

/// Serves `app` until `shutdown` fires, then lets in-flight requests and streams finish
/// within the default grace period ([`shared::shutdown::DEFAULT_GRACE`]).
pub async fn run(listener: TcpListener, app: Router, shutdown: CancellationToken) -> std::io::Result<()> {
    run_with_grace(listener, app, shutdown, shared::shutdown::DEFAULT_GRACE).await
}

/// Serves `app` until `shutdown` fires, stops accepting, and lets in-flight requests and
/// streams finish for up to `grace`; then returns whatever is still open.
pub async fn run_with_grace(
    listener: TcpListener,
    app: Router,
    shutdown: CancellationToken,
    grace: Duration,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt as _;
    // Without TCP_NODELAY each SSE frame after the headers waits for the client's delayed ACK (~40 ms).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
    });
    // `into_make_service`: serving the Router itself rebuilds (deep-clones) it per connection.
    let server = axum::serve(listener, app.into_make_service())
        .with_graceful_shutdown(shutdown.clone().cancelled_owned());
    shared::shutdown::drain_within(server, shutdown, grace).await
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE, Method::OPTIONS])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::HeaderName::from_static("chatkit-device-id"),
            header::HeaderName::from_static("chatkit-frame-instance-id"),
            crate::openai_compat::CONVERSATION_HEADER,
        ])
        .expose_headers([header::RETRY_AFTER, crate::openai_compat::CONVERSATION_HEADER])
}

/// Hands the [`User`] of [`authorize`] on to the handlers.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    match authorize(&state, request.headers()).await {
        Ok(user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Err(e) => e.into_response(),
    }
}

/// Verifies the Bearer token and applies the rate limit: the user of a request, for every face.
pub async fn authorize(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(shared::identity::bearer_token)
        .ok_or(ApiError::Unauthorized)?;
    let mut user = state.auth.verify(token).await.map_err(|e| match e {
        shared::identity::AuthError::Unavailable { reason, retry_after } => {
            tracing::warn!(%reason, "identity provider unavailable");
            ApiError::AuthUnavailable(retry_after.as_secs().max(1))
        }
        e => {
            tracing::info!(reason = %e, "rejected token");
            ApiError::Unauthorized
        }
    })?;
    if let Some(limiter) = &state.limiter
        && let Err(not_until) = limiter.check_key(&user.id)
    {
        let wait =
            not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        return Err(ApiError::RateLimited(wait.as_secs_f64().ceil() as u64));
    }
    if user.locale.is_none() {
        user.locale = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split([',', ';']).next())
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty() && l.len() < 36);
    }
    Ok(user)
}

/// A buffered request body, or the error for one over the limit or cut short.
pub fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::TooLarge(format!("the request body is over {MAX_BODY} bytes"))
        }
        other => ApiError::BadRequest(other.body_text()),
    })
}

async fn chatkit(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    match state.chat.handle(&user, &raw).await? {
        Outcome::Json(value) => Ok(Json(value).into_response()),
        Outcome::Stream(events) => {
            // Counted as open until the body is dropped: at its end or when the client leaves.
            let open = crate::metrics::stream_opened();
            // Events already waiting go out as one write; none waits for another.
            let frames = ReceiverStream::new(events).ready_chunks(STREAM_BATCH).map(move |batch| {
                let _open = &open;
                let mut out = Vec::with_capacity(batch.len() * 256);
                for event in batch {
                    out.extend_from_slice(b"data: ");
                    if serde_json::to_writer(&mut out, &event).is_err() {
                        out.extend_from_slice(b"{}");
                    }
                    out.extend_from_slice(b"\n\n");
                }
                Ok::<_, std::convert::Infallible>(Bytes::from(out))
            });
            Ok(Response::builder()
                .header(header::CONTENT_TYPE, "text/event-stream")
                .header(header::CACHE_CONTROL, "no-cache")
                .header("x-accel-buffering", "no")
                .body(Body::from_stream(frames))
                .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response()))
        }
    }
}

/// `POST /api/chat` body.
#[derive(Deserialize)]
struct ChatRequest {
    message: String,
    #[serde(default)]
    thread_id: Option<String>,
}

async fn chat(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let request: ChatRequest = serde_json::from_slice(&raw).map_err(|e| {
        ApiError::BadRequest(format!("expected {{\"message\": \"…\", \"thread_id\": null}}: {e}"))
    })?;
    let reply = state.chat.chat(&user, request.message, request.thread_id.as_deref()).await?;
    let tool_calls: Vec<_> = reply
        .tool_calls
        .iter()
        .map(|c| json!({"name": c.name, "arguments": c.arguments, "result": c.result, "status": c.status, "duration_ms": c.duration_ms}))
        .collect();
    let mut body = json!({"thread_id": reply.thread_id, "reply": reply.reply, "tool_calls": tool_calls});
    if let Some(error) = reply.error {
        body["error"] = json!({"code": "turn_failed", "message": error});
    }
    Ok(Json(body).into_response())
}

/// 200 when the database and mcp-tasks answer; else 503 naming what is down (the reasons
/// go to the log, not to the unauthenticated caller).
async fn ready(State(state): State<AppState>) -> Response {
    let checks = state.chat.readiness().await;
    let mut down = Vec::new();
    for (name, check) in &checks {
        if let Err(reason) = check {
            tracing::warn!(check = name, %reason, "not ready");
            down.push(*name);
        }
    }
    let report: serde_json::Map<_, _> = checks
        .iter()
        .map(|(name, check)| ((*name).to_owned(), json!(if check.is_ok() { "ok" } else { "unavailable" })))
        .collect();
    if down.is_empty() {
        (StatusCode::OK, Json(json!({"status": "ready", "checks": report}))).into_response()
    } else {
        let body = json!({"status": "unavailable", "down": down, "checks": report});
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    }
}
