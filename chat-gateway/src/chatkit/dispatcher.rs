//! The ChatKit dispatcher: parses a request body, checks it before anything streams, and
//! hands each request `type` to the conversation service; the answer is JSON or a stream
//! of events.

use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::types::{Event, PageParams, PageView, REQUEST_TYPES, Request, ThreadView};
use crate::auth::User;
use crate::conversation::{Conversations, Order};
use crate::error::ApiError;
use crate::limits::MAX_BODY;
use crate::voice::Voice;

/// Default page size for lists.
const DEFAULT_PAGE: u32 = 20;

/// What a request produced: JSON, or a stream of events.
pub enum Outcome {
    /// A JSON body.
    Json(Value),
    /// Events, ending when the turn ends (boxed: see [`crate::conversation::TurnStream::into_events`]).
    Stream(mpsc::Receiver<Box<Event>>),
}

/// Parses and runs one request body for `user`; `base` is the gateway's public URL (e.g.
/// `https://chat.example`), where attachments are uploaded and previewed, and `voice`
/// transcribes `input.transcribe` (None: voice is not configured). Only `input.transcribe`
/// may be over [`MAX_BODY`].
#[tracing::instrument(skip_all, fields(user = %user.id, op))]
pub async fn handle(
    conversations: &Conversations,
    voice: Option<&Voice>,
    user: &User,
    body: &[u8],
    base: &str,
) -> Result<Outcome, ApiError> {
    let threads = conversations.threads();
    let attachments = conversations.attachments();
    let request = parse(body)?;
    if body.len() > MAX_BODY && !matches!(request, Request::Transcribe { .. }) {
        return Err(ApiError::TooLarge(format!("the request body is over {MAX_BODY} bytes")));
    }
    let started = match request {
        Request::CreateThread { params } => conversations.start_thread(user, params.input, base).await,
        Request::AddUserMessage { params } => {
            conversations.add_user_message(user, &params.thread_id, params.input, base).await
        }
        Request::AddClientToolOutput { params } => {
            conversations.add_client_tool_output(user, &params.thread_id, params.result).await
        }
        Request::AddStructuredInput { params } => {
            conversations.add_structured_input(user, &params.thread_id, &params.item_id, params.input).await
        }
        Request::RetryAfterItem { params } => {
            conversations.retry_after_item(user, &params.thread_id, &params.item_id).await
        }
        Request::CustomAction { params } => {
            let item = params.item_id.as_deref();
            conversations.custom_action(user, &params.thread_id, params.action, item).await
        }
        Request::SyncCustomAction { params } => {
            let item = params.item_id.as_deref();
            let updated =
                conversations.sync_custom_action(user, &params.thread_id, &params.action, item).await?;
            return Ok(Outcome::Json(
                updated.map_or_else(|| json!({}), |item| json!({ "updated_item": item })),
            ));
        }
        Request::GetThread { params } => {
            let thread = threads.thread(user, &params.thread_id).await?;
            let mut items = threads.item_page(user, &thread.id, None, DEFAULT_PAGE, Order::Asc).await?;
            items.data.iter_mut().for_each(|item| attachments.refresh_previews(user, item, base));
            return Ok(Outcome::Json(to_json(&ThreadView::of(&thread, items))));
        }
        Request::ListThreads { params } => {
            let (limit, order) = paging(&params)?;
            let page = threads.list(user, params.after.as_deref(), limit, order).await?;
            let data: Vec<ThreadView> =
                page.data.iter().map(|t| ThreadView::of(t, PageView::empty())).collect();
            return Ok(Outcome::Json(to_json(&PageView {
                data,
                has_more: page.has_more,
                after: page.after,
            })));
        }
        Request::ListItems { params } => {
            let (limit, order) = paging(&params.page)?;
            let thread = threads.thread(user, &params.thread_id).await?;
            let mut page =
                threads.item_page(user, &thread.id, params.page.after.as_deref(), limit, order).await?;
            page.data.iter_mut().for_each(|item| attachments.refresh_previews(user, item, base));
            return Ok(Outcome::Json(to_json(&page)));
        }
        Request::Feedback { params } => {
            let most = conversations.limits().max_feedback_items;
            if params.item_ids.len() > most {
                let named = params.item_ids.len();
                return Err(ApiError::TooLarge(format!("feedback names {named} items; the limit is {most}")));
            }
            threads.feedback(user, &params.thread_id, &params.item_ids, params.kind).await?;
            return Ok(Outcome::Json(json!({})));
        }
        Request::UpdateThread { params } => {
            let thread = threads.rename(user, &params.thread_id, &params.title).await?;
            return Ok(Outcome::Json(to_json(&ThreadView::of(&thread, PageView::empty()))));
        }
        Request::DeleteThread { params } => {
            threads.delete(user, &params.thread_id).await?;
            return Ok(Outcome::Json(json!({})));
        }
        Request::CreateAttachment { params } => {
            let created =
                attachments.create(user, &params.name, params.size, &params.mime_type, base).await?;
            return Ok(Outcome::Json(to_json(&created)));
        }
        Request::DeleteAttachment { params } => {
            attachments.delete(user, &params.attachment_id).await?;
            return Ok(Outcome::Json(json!({})));
        }
        Request::Transcribe { params, metadata } => {
            let text = super::transcribe::transcribe(voice, threads, user, params, &metadata).await?;
            return Ok(Outcome::Json(text));
        }
    };
    match started {
        Ok(turn) => Ok(Outcome::Stream(turn.into_events())),
        // A streaming request is answered the way ChatKit shows failures: an `error` event
        // with a Retry button (nothing was stored, so retrying is safe).
        Err(ApiError::Unavailable(_)) => {
            let (tx, rx) = mpsc::channel(1);
            let _ = tx.try_send(Box::new(Event::error(crate::conversation::UNAVAILABLE, true)));
            Ok(Outcome::Stream(rx))
        }
        Err(e) => Err(e),
    }
}

/// Parses and checks a request body without running it: the fuzz target's entry point.
#[doc(hidden)]
pub fn parse_request(body: &[u8]) -> Result<Request, ApiError> {
    parse(body)
}

fn parse(body: &[u8]) -> Result<Request, ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    let kind = value.get("type").and_then(Value::as_str).map(str::to_owned).ok_or_else(|| {
        ApiError::BadRequest("the body needs a string `type`, e.g. \"threads.create\"".into())
    })?;
    if !REQUEST_TYPES.contains(&kind.as_str()) {
        return Err(ApiError::BadRequest(format!("unknown request type `{kind}`")));
    }
    tracing::Span::current().record("op", kind.as_str());
    // PostgreSQL text cannot hold NUL; refused here for every field (ids, cursors, text) at once.
    if has_nul(&value) {
        return Err(ApiError::BadRequest("the request contains a NUL character (\\u0000)".into()));
    }
    serde_json::from_value(value).map_err(|e| ApiError::BadRequest(format!("invalid `{kind}` request: {e}")))
}

fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

fn paging(params: &PageParams) -> Result<(u32, Order), ApiError> {
    let limit = match params.limit {
        None => DEFAULT_PAGE,
        Some(n) if (1..=100).contains(&n) => u32::try_from(n).unwrap_or(DEFAULT_PAGE),
        Some(n) => return Err(ApiError::BadRequest(format!("`limit` must be 1-100, not {n}"))),
    };
    Ok((limit, params.order.unwrap_or_default()))
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_checked_before_anything_runs() {
        assert!(matches!(parse(b"{nope"), Err(ApiError::BadRequest(_))));
        assert!(
            matches!(parse(br#"{"type":"threads.explode","params":{}}"#), Err(ApiError::BadRequest(m)) if m.contains("unknown"))
        );
        assert!(
            matches!(parse(br#"{"type":"threads.get_by_id"}"#), Err(ApiError::BadRequest(m)) if m.contains("params"))
        );
        assert!(matches!(
            parse(br#"{"type":"threads.get_by_id","params":{"thread_id":7}}"#),
            Err(ApiError::BadRequest(_))
        ));
        assert!(parse(br#"{"type":"threads.list","params":{},"metadata":{"x":1},"extra":true}"#).is_ok());
    }
}
