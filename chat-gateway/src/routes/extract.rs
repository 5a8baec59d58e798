//! What every face extracts the same way: [`AuthUser`], the authenticated and rate-limited
//! user of a request, and [`body`], a buffered body within the size limit.

use axum::body::Bytes;
use axum::extract::FromRequestParts;
use axum::extract::rejection::BytesRejection;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};

use super::state::AppState;
use crate::auth::User;
use crate::error::ApiError;

pub use crate::limits::MAX_BODY;

/// The user of a request: the Bearer token verified, the per-user rate limit applied, the
/// locale taken from `Accept-Language` when the token has none. Every authenticated route
/// takes one; its rejection is the gateway's JSON error (401 or 429).
pub struct AuthUser(
    /// The user.
    pub User,
);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        authorize(state, &parts.headers).await.map(AuthUser)
    }
}

async fn authorize(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
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
        && let Err(wait) = limiter.check(&user.id)
    {
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

/// A buffered request body, or the error for one over the limit ([`MAX_BODY`]) or cut short.
pub fn body(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body_within(body, MAX_BODY)
}

/// [`body`] on a route whose body limit is `limit` bytes.
pub fn body_within(body: Result<Bytes, BytesRejection>, limit: usize) -> Result<Bytes, ApiError> {
    body.map_err(|e| match e {
        BytesRejection::FailedToBufferBody(_) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::TooLarge(format!("the request body is over {limit} bytes"))
        }
        other => ApiError::BadRequest(other.body_text()),
    })
}
