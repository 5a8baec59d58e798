//! `POST /api/chat`: one plain JSON turn for scripts and curl,
//! `{"message", "thread_id"}` → `{"thread_id", "reply", "tool_calls"}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::extract::{AuthUser, body};
use super::state::AppState;
use crate::chatkit::types::Event;
use crate::conversation::{TurnSummary, TurnThread};
use crate::error::ApiError;

/// `POST /api/chat` body.
#[derive(Deserialize)]
struct ChatRequest {
    message: String,
    #[serde(default)]
    thread_id: Option<String>,
}

/// Runs one turn to its end and answers with its text and tool calls (and the error, when
/// the turn failed after the user message was stored).
pub async fn chat(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let raw = body(raw)?;
    let request: ChatRequest = serde_json::from_slice(&raw).map_err(|e| {
        ApiError::BadRequest(format!("expected {{\"message\": \"…\", \"thread_id\": null}}: {e}"))
    })?;
    let thread = request.thread_id.map_or(TurnThread::New(vec![]), TurnThread::Continue);
    let mut turn = state.conversations.start_turn(&user, request.message, thread).await?;
    let thread_id = turn.thread_id().to_owned();
    let mut error = None;
    while let Some(event) = turn.next().await {
        if let Event::Error { message, .. } = *event {
            error = message.or(Some("the assistant failed".into()));
        }
    }
    let TurnSummary { replies, tool_calls } = turn.finish().await;
    let tool_calls: Vec<_> = tool_calls
        .iter()
        .map(|c| json!({"name": c.name, "arguments": c.arguments, "result": c.result, "status": c.status, "duration_ms": c.duration_ms}))
        .collect();
    let mut body = json!({"thread_id": thread_id, "reply": replies.join("\n\n"), "tool_calls": tool_calls});
    if let Some(error) = error {
        body["error"] = json!({"code": "turn_failed", "message": error});
    }
    Ok(Json(body).into_response())
}
