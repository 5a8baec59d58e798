//! `GET /healthz` (the process answers) and `GET /readyz` (the database and mcp-tasks answer).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::state::AppState;

/// Always `ok` while the process serves.
pub async fn live() -> &'static str {
    "ok"
}

/// 200 when the database and mcp-tasks answer; else 503 naming what is down (the reasons
/// go to the log, not to the unauthenticated caller).
pub async fn ready(State(state): State<AppState>) -> Response {
    let checks = state.conversations.readiness().await;
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
