//! The attachment routes of ChatKit's two-phase upload: `POST /api/attachments/{id}/upload`
//! (multipart/form-data, field `file`, or the raw bytes; Bearer token of the owner; answers
//! the updated `Attachment`) and `GET /api/attachments/{id}/preview` (an image, for the
//! signed URL `attachments.create` handed out; no token, since an `<img>` sends none). The
//! official widget uploads with the `api.fetch` the page configures, so the same Bearer
//! header that authorizes `/chatkit` authorizes the upload. And [`PublicBase`]: the
//! gateway's public URL, which the upload and preview URLs are built on.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::extract::AuthUser;
use super::state::AppState;
use crate::conversation::attachments::PreviewQuery;
use crate::error::ApiError;

/// Multipart framing allowed on top of the largest file.
pub const MULTIPART_OVERHEAD: usize = 64 << 10;

/// The gateway's public base URL (`https://chat.example`, no trailing slash): the configured
/// `GATEWAY_PUBLIC_URL`, else the request's `Host` (already checked against
/// `GATEWAY_ALLOWED_HOSTS`) with `X-Forwarded-Proto`'s scheme, else `http` for loopback
/// names and `https` for any other. Empty when the `Host` cannot be used in a URL: only the
/// operations that hand out URLs refuse then, not every ChatKit request.
pub struct PublicBase(
    /// The URL.
    pub String,
);

impl FromRequestParts<AppState> for PublicBase {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(url) = &state.public_url {
            return Ok(Self(url.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .or_else(|| parts.uri.authority().map(|a| a.as_str()))
            .filter(|h| !h.is_empty() && !h.contains(['/', '\\', ' ', '?', '#', '@']));
        let Some(host) = host else { return Ok(Self(String::new())) };
        let forwarded = parts.headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok());
        let scheme = match forwarded.map(str::trim) {
            Some("https") => "https",
            Some("http") => "http",
            _ if super::host::loopback_host(host) => "http",
            _ => "https",
        };
        Ok(Self(format!("{scheme}://{host}")))
    }
}

/// Receives an attachment's bytes from its owner.
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn upload(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    PublicBase(base): PublicBase,
    Path(id): Path<String>,
    request: Request,
) -> Result<Json<crate::chatkit::types::Attachment>, ApiError> {
    let bytes = file_bytes(request, &state).await?;
    let attachments = state.conversations.attachments();
    Ok(Json(attachments.upload(&user, &id, &bytes, &base).await?))
}

/// The bytes of the `file` field of a multipart body, or the whole body otherwise.
async fn file_bytes(request: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    // Past the body limit is the per-file limit's 413; anything else malformed is a 400.
    let failed = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            let max = state.conversations.attachments().limits().max_bytes;
            ApiError::TooLarge(format!("the upload is over the limit of {max} bytes per file"))
        } else {
            ApiError::BadRequest(text)
        }
    };
    if !multipart {
        return Bytes::from_request(request, state).await.map_err(|e| failed(e.status(), e.body_text()));
    }
    let mut form =
        Multipart::from_request(request, state).await.map_err(|e| failed(e.status(), e.body_text()))?;
    loop {
        let field = form.next_field().await.map_err(|e| failed(e.status(), e.body_text()))?;
        let Some(field) = field else {
            return Err(ApiError::BadRequest("the multipart body has no `file` field".into()));
        };
        if field.name() == Some("file") {
            return field.bytes().await.map_err(|e| failed(e.status(), e.body_text()));
        }
    }
}

/// Shows an image attachment to whoever holds its signed URL (handed to its owner only).
pub async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    query: Result<Query<PreviewQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    // A URL missing its signature is as unknown as one with a wrong signature.
    let Ok(Query(query)) = query else { return Err(ApiError::NotFound("attachment")) };
    let (mime, bytes) = state.conversations.attachments().preview(&id, &query).await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    Ok(response)
}
