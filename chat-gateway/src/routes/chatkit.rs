//! `POST /chatkit` (also `/api/chatkit`, `/api/v1/chatkit`): the ChatKit protocol, JSON in,
//! JSON or server-sent events out.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use tokio::sync::OwnedSemaphorePermit;
use tokio_stream::wrappers::ReceiverStream;

use super::attachments::PublicBase;
use super::extract::{AuthUser, body_within};
use super::state::AppState;
use crate::chatkit::Outcome;
use crate::error::ApiError;
use crate::limits::MAX_BODY;
use crate::voice::Voice;

/// Most SSE events written at once.
const STREAM_BATCH: usize = 64;
/// Room in an `input.transcribe` body for what surrounds the base64 recording (type, MIME
/// type, metadata).
const TRANSCRIBE_ENVELOPE: usize = 4 << 10;

/// The body limit of the ChatKit routes: [`MAX_BODY`], or with voice on, room for the largest
/// recording as base64 and no more.
pub fn body_limit(voice: Option<&Voice>) -> usize {
    voice.map_or(MAX_BODY, |v| (v.max_base64_len() + TRANSCRIBE_ENVELOPE).max(MAX_BODY))
}

/// With voice on, a place among the large recordings in flight, taken before a body over
/// [`MAX_BODY`] (or of unknown length) is read, and held until it is answered; none otherwise.
pub struct LargeBodyPlace {
    _permit: Option<OwnedSemaphorePermit>,
}

impl FromRequestParts<AppState> for LargeBodyPlace {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Some(voice) = &state.voice else { return Ok(Self { _permit: None }) };
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if length.is_some_and(|n| n <= MAX_BODY) {
            return Ok(Self { _permit: None });
        }
        let place = voice.admit_large().ok_or_else(|| {
            ApiError::Crowded(
                "as many recordings are being transcribed as the server allows; try again shortly".into(),
            )
        })?;
        Ok(Self { _permit: Some(place) })
    }
}

/// Dispatches one ChatKit request; a streaming one is answered as `text/event-stream`.
pub async fn chatkit(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PublicBase(base): PublicBase,
    _place: LargeBodyPlace,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let voice = state.voice.as_deref();
    let raw = body_within(raw, body_limit(voice))?;
    match crate::chatkit::handle(&state.conversations, voice, &user, &raw, &base).await? {
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
