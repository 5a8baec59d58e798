//! The error responses the threads routes share, declared once for `/openapi.json`: a route's
//! `#[utoipa::path]` names these after its own statuses. They only document; the errors
//! themselves are `ApiError`'s, each sent as an [`ErrorBody`].

// The variants carry the body for the schema only; nothing builds them.
#![allow(dead_code)]

use utoipa::IntoResponses;

use super::types::ErrorBody;

/// What any threads route may answer besides its own statuses.
#[derive(IntoResponses)]
pub enum RouteErrors {
    /// No valid Bearer token.
    #[response(status = 401, description = "No valid Bearer token")]
    Unauthorized(ErrorBody),
    /// Too many requests.
    #[response(status = 429, description = "Rate limited; see Retry-After")]
    RateLimited(ErrorBody),
    /// The database is briefly unavailable.
    #[response(status = 503, description = "The database is briefly unavailable; see Retry-After")]
    Unavailable(ErrorBody),
}

/// A route on one thread (`/api/threads/{id}…`) whose thread is not the user's, or no thread.
#[derive(IntoResponses)]
#[response(status = 404, description = "No such thread of this user's")]
pub struct ThreadNotFound(ErrorBody);

/// A paged list's `limit`, `after` or `order` was not accepted.
#[derive(IntoResponses)]
#[response(status = 400, description = "Bad paging parameters or an unknown cursor")]
pub struct BadPaging(ErrorBody);
