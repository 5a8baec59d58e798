//! [`ApiError`]: the one error type of the HTTP API, rendered as a safe JSON body
//! `{"error": {"code", "message"}}`; internal details are logged once, never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::store::StoreError;
use crate::voice::VoiceError;

/// Everything an HTTP handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed or invalid input.
    #[error("{0}")]
    BadRequest(String),
    /// Input over a size limit.
    #[error("{0}")]
    TooLarge(String),
    /// No valid token.
    #[error("a valid Bearer token is required")]
    Unauthorized,
    /// No such thread or item for this user.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An attachment of a type this server does not take, or whose bytes are not what it says.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// The user's attachments would take more than their quota.
    #[error("{0}")]
    QuotaExceeded(String),
    /// A feature this server does not offer.
    #[error("{0}")]
    Unsupported(String),
    /// Too many requests; retry after this many seconds.
    #[error("too many requests; retry in {0} s")]
    RateLimited(u64),
    /// As many turns run as the per-user or total bound allows; retry shortly.
    #[error("{0}")]
    Busy(String),
    /// The identity provider's signing keys cannot be fetched; retry after this many seconds.
    #[error("the identity provider is unavailable; retry in {0} s")]
    AuthUnavailable(u64),
    /// The database is out of reach for now (restarting, say); retry after this many seconds.
    #[error("the service is temporarily unavailable; retry in {0} s")]
    Unavailable(u64),
    /// As many large recordings are in flight as the server allows; retry shortly.
    #[error("{0}")]
    Crowded(String),
    /// A media type this server does not take (the message says which it does).
    #[error("{0}")]
    UnsupportedMedia(String),
    /// A service the gateway depends on (the transcription service) failed or is unreachable;
    /// the message is the gateway's own, never the upstream's.
    #[error("{0}")]
    Upstream(String),
    /// A service the gateway depends on did not answer in time.
    #[error("{0}")]
    UpstreamTimeout(String),
    /// Something broke on our side.
    #[error("internal error")]
    Internal(String),
}

/// Seconds a client is told to wait when the database is out of reach.
pub const UNAVAILABLE_RETRY_SECONDS: u64 = 2;

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound("thread"),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                Self::Unavailable(UNAVAILABLE_RETRY_SECONDS)
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<VoiceError> for ApiError {
    fn from(e: VoiceError) -> Self {
        let message = e.to_string();
        match e {
            VoiceError::Format(_) => Self::UnsupportedMedia(message),
            VoiceError::TooLarge { .. } | VoiceError::TooLong { .. } => Self::TooLarge(message),
            VoiceError::Mismatch(_) | VoiceError::Empty | VoiceError::Unreadable => Self::BadRequest(message),
            VoiceError::Busy(seconds) => Self::Unavailable(seconds),
            VoiceError::Upstream(_) | VoiceError::Unreachable => Self::Upstream(message),
            VoiceError::Timeout => Self::UpstreamTimeout(message),
        }
    }
}

impl ApiError {
    /// The HTTP status and the `code` of the body (`/v1` keeps the status and names some
    /// codes OpenAI's way).
    pub(crate) fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            Self::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Self::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Self::Unsupported(_) => (StatusCode::BAD_REQUEST, "not_supported"),
            Self::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::QuotaExceeded(_) => (StatusCode::PAYLOAD_TOO_LARGE, "quota_exceeded"),
            Self::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            Self::Busy(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_turns"),
            Self::AuthUnavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "auth_unavailable"),
            Self::Unavailable(_) => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            Self::Crowded(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_recordings"),
            Self::UnsupportedMedia(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"),
            Self::Upstream(_) => (StatusCode::BAD_GATEWAY, "upstream_failed"),
            Self::UpstreamTimeout(_) => (StatusCode::GATEWAY_TIMEOUT, "upstream_timeout"),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let Self::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        let body = json!({"error": {"code": code, "message": self.to_string()}});
        let mut response = (status, axum::Json(body)).into_response();
        match self {
            Self::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::Busy(_) | Self::Crowded(_) => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            Self::RateLimited(seconds) | Self::AuthUnavailable(seconds) | Self::Unavailable(seconds) => {
                if let Ok(v) = HeaderValue::from_str(&seconds.max(1).to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}
