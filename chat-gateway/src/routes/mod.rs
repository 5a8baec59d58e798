//! The HTTP faces of the gateway and [`app`], which lists every route in one place. Each
//! face is a module: `chatkit` (the ChatKit protocol), `attachments` (its uploads and previews), `chat` (`/api/chat`), `rest` (the
//! threads API), `openai` (`/v1`), `web` (the pages), `sign_in` (the pages' OpenID provider), `openapi` (`/openapi.json`), `health`.
//! Every authenticated handler takes an [`AuthUser`](extract::AuthUser) (auth plus the
//! per-user rate limit) and goes through the conversation service in [`AppState`].

pub mod attachments;
pub mod chat;
pub mod chatkit;
pub mod extract;
pub mod health;
pub mod host;
pub mod limiter;
pub mod openai;
pub mod openapi;
pub mod rest;
pub mod sign_in;
pub mod state;
pub mod web;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::middleware;
use axum::routing::{any, get, post};
use tower_http::cors::{AllowOrigin, CorsLayer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use state::{AppState, limiter};

use crate::conversation::attachments::paths as attachments_paths;

/// How the router is put together beyond its state.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Browser origins CORS allows (`*` for any).
    pub cors_origins: Vec<String>,
    /// The `Host` names answered.
    pub allowed_hosts: host::AllowedHosts,
    /// Whether `GET /metrics` is served here (false when it has a listener of its own).
    pub metrics_route: bool,
    /// The largest attachment upload body (the file plus multipart framing).
    pub upload_body_limit: usize,
}

/// The router: every route of the gateway.
pub fn app(state: AppState, shape: Shape) -> Router {
    crate::metrics::init();
    // Documented in /openapi.json (all need a Bearer token).
    let (threads_api, threads_doc) = OpenApiRouter::<AppState>::new()
        .routes(routes!(rest::list_threads))
        .routes(routes!(rest::get_thread, rest::rename_thread, rest::delete_thread))
        .routes(routes!(rest::list_messages))
        .split_for_parts();
    let (v1, v1_doc) = OpenApiRouter::<AppState>::new()
        .routes(routes!(openai::chat_completions))
        .routes(routes!(openai::list_models))
        .routes(routes!(openai::get_model))
        .split_for_parts();
    // Every /v1 error is OpenAI-shaped, an unknown path or method included.
    let v1 = v1
        .route("/v1/{*rest}", any(openai::unknown_route))
        .method_not_allowed_fallback(openai::method_not_allowed);
    // ChatKit's body may hold a recording as base64 (`input.transcribe`), so its limit follows
    // the recording limit; every other request is still held to MAX_BODY by the dispatcher.
    let chatkit_limit = DefaultBodyLimit::max(chatkit::body_limit(state.voice.as_deref()));
    let router = Router::new()
        .route("/chatkit", post(chatkit::chatkit).layer(chatkit_limit))
        .route("/api/chatkit", post(chatkit::chatkit).layer(chatkit_limit))
        .route("/api/v1/chatkit", post(chatkit::chatkit).layer(chatkit_limit))
        .route(
            attachments_paths::UPLOAD,
            post(attachments::upload).layer(DefaultBodyLimit::max(shape.upload_body_limit)),
        )
        .route(attachments_paths::PREVIEW, get(attachments::preview))
        .route("/api/chat", post(chat::chat))
        .merge(threads_api)
        .merge(v1)
        .route("/openapi.json", openapi::route([threads_doc, v1_doc]))
        .merge(web::routes())
        .route("/web/sign-in.json", get(sign_in::config))
        .route("/web/features.json", get(web::features))
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready));
    // Unauthenticated: keep it on an internal network (or on METRICS_BIND's listener).
    let router =
        if shape.metrics_route { router.route("/metrics", get(shared::metrics::scrape)) } else { router };
    router
        .layer(DefaultBodyLimit::max(extract::MAX_BODY))
        .layer(cors(&shape.cors_origins))
        .layer(middleware::from_fn_with_state(Arc::new(shape.allowed_hosts), host::check))
        // Last, so it wraps every route above.
        .layer(middleware::from_fn(shared::metrics::track_http))
        .with_state(state)
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
            openai::CONVERSATION_HEADER,
        ])
        .expose_headers([header::RETRY_AFTER, openai::CONVERSATION_HEADER])
}
