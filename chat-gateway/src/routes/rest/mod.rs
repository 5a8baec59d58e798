//! The REST threads API for mobile apps and scripts: list, read, rename and delete the
//! user's threads and read their messages, with cursor pagination. The same conversation
//! service, auth and ownership rules as `/chatkit` (another user's thread is 404); errors are
//! the gateway's JSON error. Each handler's `#[utoipa::path]` feeds `/openapi.json`, naming
//! the error responses the routes share (`responses`).

pub mod messages;
pub mod responses;
pub mod types;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;

use super::extract::{AuthUser, body};
use super::state::AppState;
use crate::conversation::{Order, StoreError};
use crate::error::ApiError;
use responses::{BadPaging, RouteErrors, ThreadNotFound};
use types::{DEFAULT_LIMIT, ErrorBody, MAX_LIMIT, MessagePage, PageQuery, Thread, ThreadPage, ThreadUpdate};

/// Longest id accepted in a path or cursor (ids are ~20 characters).
const MAX_ID: usize = 128;

/// The user's threads.
#[utoipa::path(
    get, path = "/api/threads", tag = "threads", params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of threads", body = ThreadPage),
        BadPaging,
        RouteErrors,
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn list_threads(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<ThreadPage>, ApiError> {
    let (limit, after, order) = paging(query, Order::Desc)?;
    let page = state
        .conversations
        .threads()
        .list(&user, after.as_deref(), limit, order)
        .await
        .map_err(unknown_cursor)?;
    let has_more = page.has_more;
    Ok(Json(ThreadPage {
        data: page.data.into_iter().map(Thread::from).collect(),
        has_more,
        next_after: page.after.filter(|_| has_more),
    }))
}

/// One thread (without its messages).
#[utoipa::path(
    get, path = "/api/threads/{id}", tag = "threads",
    params(("id" = String, Path, description = "Thread id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The thread", body = Thread),
        ThreadNotFound,
        RouteErrors,
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn get_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> Result<Json<Thread>, ApiError> {
    checked_id(&id)?;
    let thread = state.conversations.threads().thread(&user, &id).await?;
    Ok(Json(thread.into()))
}

/// Renames a thread.
#[utoipa::path(
    patch, path = "/api/threads/{id}", tag = "threads",
    params(("id" = String, Path, description = "Thread id")),
    request_body = ThreadUpdate,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The renamed thread", body = Thread),
        (status = 400, description = "Malformed body or an invalid title", body = ErrorBody),
        ThreadNotFound,
        (status = 413, description = "Body over 1 MiB", body = ErrorBody),
        RouteErrors,
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn rename_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json<Thread>, ApiError> {
    checked_id(&id)?;
    let raw = body(raw)?;
    let update: ThreadUpdate = serde_json::from_slice(&raw)
        .map_err(|e| ApiError::BadRequest(format!("expected {{\"title\": \"…\"}}: {e}")))?;
    let title = update.title.as_deref().unwrap_or_default();
    let thread = state.conversations.threads().rename(&user, &id, title).await?;
    Ok(Json(thread.into()))
}

/// Deletes a thread with its messages and tool-call records.
#[utoipa::path(
    delete, path = "/api/threads/{id}", tag = "threads",
    params(("id" = String, Path, description = "Thread id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        ThreadNotFound,
        RouteErrors,
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn delete_thread(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    checked_id(&id)?;
    state.conversations.threads().delete(&user, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A thread's user and assistant messages, each assistant message with its tool calls.
#[utoipa::path(
    get, path = "/api/threads/{id}/messages", tag = "threads",
    params(("id" = String, Path, description = "Thread id"), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        BadPaging,
        ThreadNotFound,
        RouteErrors,
    )
)]
#[tracing::instrument(skip_all, fields(user = %user.id))]
pub async fn list_messages(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Path(id): Path<String>,
    query: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Json<MessagePage>, ApiError> {
    checked_id(&id)?;
    let (limit, after, order) = paging(query, Order::Asc)?;
    let threads = state.conversations.threads();
    let thread = threads.thread(&user, &id).await?;
    // The page's items first, then only their tool calls: the work follows the page, not the thread.
    let mut page = messages::Walk::new(order, limit as usize, vec![]);
    let mut items = Vec::new();
    threads
        .walk_items(&user, &thread.id, after, order, |item| {
            items.push(item.clone());
            page.push(item)
        })
        .await
        .map_err(unknown_cursor)?;
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    let mut walk =
        messages::Walk::new(order, limit as usize, threads.tool_calls_of(&user, &thread.id, &ids).await?);
    for item in items {
        walk.push(item);
    }
    Ok(Json(walk.finish()))
}

/// `limit` (checked), `after` (checked), and the order (`default` when not given).
fn paging(
    query: Result<Query<PageQuery>, QueryRejection>,
    default: Order,
) -> Result<(u32, Option<String>, Order), ApiError> {
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!("`limit` must be 1-{MAX_LIMIT}, not {limit}")));
    }
    if let Some(after) = &query.after
        && !plausible_id(after)
    {
        return Err(cursor_error());
    }
    Ok((limit, query.after, query.order.map_or(default, Order::from)))
}

/// Whether `id` could name something: short, with no NUL (PostgreSQL text cannot hold one).
fn plausible_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID && !id.contains('\0')
}

/// An id no thread can have is simply not found.
fn checked_id(id: &str) -> Result<(), ApiError> {
    if plausible_id(id) { Ok(()) } else { Err(ApiError::NotFound("thread")) }
}

fn cursor_error() -> ApiError {
    ApiError::BadRequest("`after` is not an element of this list; pass a `next_after` you were given".into())
}

/// The thread was found first, so a `NotFound` while paging is the cursor's.
fn unknown_cursor(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => cursor_error(),
        other => other.into(),
    }
}
