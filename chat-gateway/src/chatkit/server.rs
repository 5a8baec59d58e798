//! The ChatKit dispatcher: parses a request, checks ownership and input before anything
//! streams, stores the user message first, then runs the turn and streams its events.

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use super::turn::{Prepared, Responder, Turn, TurnError, new_id, record, run_turn};
use super::types::{
    Event, ItemBody, PageParams, PageView, REQUEST_TYPES, Request, StreamOptions, ThreadItem, ThreadView,
    UserMessageInput, is_hidden, user_text,
};
use crate::auth::User;
use crate::error::ApiError;
use crate::store::{Order, Page, StoreError, ThreadRecord, ThreadStore};

/// Default page size for lists.
const DEFAULT_PAGE: u32 = 20;
/// Longest thread title.
const MAX_TITLE: usize = 200;
/// Events buffered between a turn and a slow client.
pub(super) const STREAM_BUFFER: usize = 64;

/// What a request produced: JSON, or a stream of events.
pub enum Outcome {
    /// A JSON body.
    Json(Value),
    /// Events, ending when the turn ends. Boxed: an `Event` is ~200 bytes and the channel
    /// allocates its slots 32 at a time, ~6.5 KiB per open stream; boxed they take 1 KiB.
    Stream(mpsc::Receiver<Box<Event>>),
}

/// Serves the ChatKit protocol over a thread store and a responder.
pub struct ChatKitServer {
    store: Arc<dyn ThreadStore>,
    responder: Arc<dyn Responder>,
    max_message_chars: usize,
}

impl ChatKitServer {
    /// A server with the given message size limit (characters).
    pub fn new(store: Arc<dyn ThreadStore>, responder: Arc<dyn Responder>, max_message_chars: usize) -> Self {
        Self { store, responder, max_message_chars }
    }

    /// The thread store.
    pub fn store(&self) -> &Arc<dyn ThreadStore> {
        &self.store
    }

    /// The responder, for turns started from sibling modules.
    pub(super) fn responder(&self) -> Arc<dyn Responder> {
        self.responder.clone()
    }

    /// Whether the thread store and what the responder depends on answer now: each check
    /// by name, with the reason when it is down.
    pub async fn readiness(&self) -> Vec<(&'static str, Result<(), String>)> {
        let (database, mut checks) = tokio::join!(self.store.ping(), self.responder.readiness());
        checks.insert(0, ("database", database.map_err(|e| e.to_string())));
        checks
    }

    /// Parses and runs one request body for `user`.
    #[tracing::instrument(skip_all, fields(user = %user.id, op))]
    pub async fn handle(&self, user: &User, body: &[u8]) -> Result<Outcome, ApiError> {
        let request = parse(body)?;
        match request {
            Request::CreateThread { params } => {
                self.stream(user, self.prepare_new(user, params.input, vec![]).await?)
            }
            Request::AddUserMessage { params } => {
                let prepared = self.prepare_message(user, &params.thread_id, params.input).await?;
                self.stream(user, prepared)
            }
            Request::AddClientToolOutput { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                self.complete_client_tool(user, &thread, params.result).await?;
                self.stream(
                    user,
                    Prepared { head: vec![stream_options()], thread, input: None, action: None },
                )
            }
            Request::AddStructuredInput { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let item = self.answer_structured_input(user, &thread, &params.item_id, params.input).await?;
                let head = vec![stream_options(), Event::ItemReplaced { item }];
                self.stream(user, Prepared { head, thread, input: None, action: None })
            }
            Request::RetryAfterItem { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let item = self.item(user, &thread.id, &params.item_id).await?;
                if !matches!(item.body, ItemBody::UserMessage { .. }) {
                    return Err(ApiError::BadRequest(
                        "retry_after_item needs the id of a user message".into(),
                    ));
                }
                self.store.delete_items_after(&user.id, &thread.id, &item.id).await?;
                self.stream(
                    user,
                    Prepared { head: vec![stream_options()], thread, input: Some(item), action: None },
                )
            }
            Request::CustomAction { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let sender = self.sender(user, &thread.id, params.item_id.as_deref()).await?;
                let action = Some((params.action, sender));
                self.stream(user, Prepared { head: vec![stream_options()], thread, input: None, action })
            }
            Request::SyncCustomAction { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let sender = self.sender(user, &thread.id, params.item_id.as_deref()).await?;
                let turn = Turn { user: user.clone(), thread, input: None, store: self.store.clone() };
                let updated = self
                    .responder
                    .sync_action(&turn, &params.action, sender.as_ref())
                    .await
                    .map_err(turn_error)?;
                if let Some(item) = &updated {
                    self.store.save_item(&user.id, &record(item)).await?;
                }
                Ok(Outcome::Json(updated.map_or_else(|| json!({}), |item| json!({ "updated_item": item }))))
            }
            Request::GetThread { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let items = self.items(user, &thread.id, None, DEFAULT_PAGE, Order::Asc).await?;
                Ok(Outcome::Json(to_json(&view(&thread, items))))
            }
            Request::ListThreads { params } => {
                let (limit, order) = paging(&params)?;
                let page = self.store.list_threads(&user.id, params.after.as_deref(), limit, order).await?;
                let data: Vec<ThreadView> = page.data.iter().map(|t| view(t, PageView::empty())).collect();
                Ok(Outcome::Json(to_json(&PageView { data, has_more: page.has_more, after: page.after })))
            }
            Request::ListItems { params } => {
                let (limit, order) = paging(&params.page)?;
                let thread = self.thread(user, &params.thread_id).await?;
                let page = self.items(user, &thread.id, params.page.after.as_deref(), limit, order).await?;
                Ok(Outcome::Json(to_json(&page)))
            }
            Request::Feedback { params } => {
                let thread = self.thread(user, &params.thread_id).await?;
                let kind = match params.kind {
                    super::types::FeedbackKind::Positive => "positive",
                    super::types::FeedbackKind::Negative => "negative",
                };
                self.store.add_feedback(&user.id, &thread.id, &params.item_ids, kind).await?;
                Ok(Outcome::Json(json!({})))
            }
            Request::UpdateThread { params } => {
                let thread = self.rename_thread(user, &params.thread_id, &params.title).await?;
                Ok(Outcome::Json(to_json(&view(&thread, PageView::empty()))))
            }
            Request::DeleteThread { params } => {
                self.store.delete_thread(&user.id, &params.thread_id).await.map_err(not_found("thread"))?;
                Ok(Outcome::Json(json!({})))
            }
            Request::CreateAttachment { .. } | Request::DeleteAttachment { .. } => {
                Err(ApiError::Unsupported("attachments are not supported by this server".into()))
            }
            Request::Transcribe { .. } => {
                Err(ApiError::Unsupported("voice input is not supported by this server".into()))
            }
        }
    }

    /// Sets a thread's title (trimmed; empty clears it) and returns the thread.
    pub async fn rename_thread(
        &self,
        user: &User,
        thread_id: &str,
        title: &str,
    ) -> Result<ThreadRecord, ApiError> {
        let mut thread = self.thread(user, thread_id).await?;
        let title = title.trim();
        if title.contains('\0') {
            return Err(ApiError::BadRequest("the title contains a NUL character (\\u0000)".into()));
        }
        if title.chars().count() > MAX_TITLE {
            return Err(ApiError::BadRequest(format!("a title has at most {MAX_TITLE} characters")));
        }
        thread.title = (!title.is_empty()).then(|| title.to_owned());
        thread.updated_at = Utc::now();
        self.store.save_thread(&user.id, &thread).await?;
        Ok(thread)
    }

    fn stream(&self, user: &User, prepared: Prepared) -> Result<Outcome, ApiError> {
        let (tx, rx) = mpsc::channel(STREAM_BUFFER);
        let (store, responder, user) = (self.store.clone(), self.responder.clone(), user.clone());
        tokio::spawn(run_turn(store, responder, user, prepared, tx));
        Ok(Outcome::Stream(rx))
    }

    /// Creates a thread holding `earlier` items (a client's own history) and then the input.
    pub(super) async fn prepare_new(
        &self,
        user: &User,
        input: UserMessageInput,
        earlier: Vec<ItemBody>,
    ) -> Result<Prepared, ApiError> {
        self.check_input(&input)?;
        // Whole milliseconds, as the stores keep them: the thread reads back as it was sent.
        let now = Utc::now().trunc_subsecs(3);
        let thread = ThreadRecord {
            id: new_id("thr"),
            // Titled from the first message, as `run_turn` titles a thread that starts with the input.
            title: earlier.iter().find_map(|body| match body {
                ItemBody::UserMessage { content, .. } => Some(title_from(&user_text(content))),
                _ => None,
            }),
            status: json!({"type": "active"}),
            created_at: now,
            updated_at: now,
        };
        self.store.create_thread(&user.id, &thread).await?;
        for body in earlier {
            let item =
                ThreadItem { id: new_id("msg"), thread_id: thread.id.clone(), created_at: Utc::now(), body };
            self.store.add_item(&user.id, &record(&item)).await?;
        }
        let message = self.store_message(user, &thread, input).await?;
        let created = Event::ThreadCreated { thread: view(&thread, PageView::empty()) };
        let head = vec![created, Event::ItemDone { item: message.clone() }, stream_options()];
        Ok(Prepared { thread, head, input: Some(message), action: None })
    }

    pub(super) async fn prepare_message(
        &self,
        user: &User,
        thread_id: &str,
        input: UserMessageInput,
    ) -> Result<Prepared, ApiError> {
        self.check_input(&input)?;
        let thread = self.thread(user, thread_id).await?;
        if thread.status.get("type").and_then(Value::as_str).is_some_and(|s| s != "active") {
            return Err(ApiError::BadRequest("this thread is closed to new messages".into()));
        }
        let message = self.store_message(user, &thread, input).await?;
        let head = vec![Event::ItemDone { item: message.clone() }, stream_options()];
        Ok(Prepared { thread, head, input: Some(message), action: None })
    }

    fn check_input(&self, input: &UserMessageInput) -> Result<(), ApiError> {
        if !input.attachments.is_empty() {
            return Err(ApiError::Unsupported("attachments are not supported by this server".into()));
        }
        let text = input.text();
        let chars = text.chars().count();
        if text.trim().is_empty() {
            return Err(ApiError::BadRequest("the message is empty".into()));
        }
        if text.contains('\0') || input.quoted_text.as_deref().is_some_and(|q| q.contains('\0')) {
            return Err(ApiError::BadRequest("the message contains a NUL character (\\u0000)".into()));
        }
        if chars > self.max_message_chars {
            return Err(ApiError::TooLarge(format!(
                "the message has {chars} characters; the limit is {}",
                self.max_message_chars
            )));
        }
        Ok(())
    }

    /// Stores the user message before anything that can fail.
    async fn store_message(
        &self,
        user: &User,
        thread: &ThreadRecord,
        input: UserMessageInput,
    ) -> Result<ThreadItem, ApiError> {
        let item = ThreadItem {
            id: new_id("msg"),
            thread_id: thread.id.clone(),
            created_at: Utc::now(),
            body: ItemBody::UserMessage {
                content: input.content,
                attachments: vec![],
                quoted_text: input.quoted_text,
                inference_options: input.inference_options,
            },
        };
        self.store.add_item(&user.id, &record(&item)).await?;
        Ok(item)
    }

    async fn thread(&self, user: &User, thread_id: &str) -> Result<ThreadRecord, ApiError> {
        self.store.load_thread(&user.id, thread_id).await.map_err(not_found("thread"))
    }

    async fn item(&self, user: &User, thread_id: &str, item_id: &str) -> Result<ThreadItem, ApiError> {
        let record = self.store.load_item(&user.id, thread_id, item_id).await.map_err(not_found("item"))?;
        serde_json::from_value(record.json)
            .map_err(|_| ApiError::BadRequest(format!("item {item_id} cannot be used for this request")))
    }

    async fn sender(
        &self,
        user: &User,
        thread_id: &str,
        item_id: Option<&str>,
    ) -> Result<Option<ThreadItem>, ApiError> {
        let Some(item_id) = item_id else { return Ok(None) };
        let item = self.item(user, thread_id, item_id).await?;
        if !matches!(item.body, ItemBody::Widget { .. }) {
            return Err(ApiError::BadRequest("custom actions come from widget items".into()));
        }
        Ok(Some(item))
    }

    async fn items(
        &self,
        user: &User,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<PageView<Value>, ApiError> {
        let page: Page<_> = self
            .store
            .list_items(&user.id, thread_id, after, limit, order)
            .await
            .map_err(not_found("item"))?;
        let data = page.data.into_iter().filter(|i| !is_hidden(&i.kind)).map(|i| i.json).collect();
        Ok(PageView { data, has_more: page.has_more, after: page.after })
    }

    async fn complete_client_tool(
        &self,
        user: &User,
        thread: &ThreadRecord,
        result: Value,
    ) -> Result<(), ApiError> {
        let last = self.store.list_items(&user.id, &thread.id, None, 1, Order::Desc).await?;
        let pending =
            last.data.into_iter().next().and_then(|r| serde_json::from_value::<ThreadItem>(r.json).ok());
        let Some(mut item) = pending
            .filter(|i| matches!(&i.body, ItemBody::ClientToolCall { status, .. } if status == "pending"))
        else {
            return Err(ApiError::BadRequest("the thread is not waiting for a client tool result".into()));
        };
        if let ItemBody::ClientToolCall { status, output, .. } = &mut item.body {
            *status = "completed".into();
            *output = Some(result);
        }
        self.store.save_item(&user.id, &record(&item)).await?;
        Ok(())
    }

    async fn answer_structured_input(
        &self,
        user: &User,
        thread: &ThreadRecord,
        item_id: &str,
        submission: Value,
    ) -> Result<ThreadItem, ApiError> {
        let record_ = self.store.load_item(&user.id, &thread.id, item_id).await.map_err(not_found("item"))?;
        let mut json = record_.json;
        if json["type"] != "structured_input" || json["status"] != "pending" {
            return Err(ApiError::BadRequest("that item is not a pending structured input".into()));
        }
        let status = submission.get("status").and_then(Value::as_str).unwrap_or("answered").to_owned();
        if let Some(inputs) = json.get_mut("inputs").and_then(Value::as_array_mut) {
            for input in inputs {
                let id = input.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
                let answer = submission.pointer(&format!("/answers/{id}")).cloned();
                input["answer"] = answer.unwrap_or_else(|| json!({"values": [], "skipped": true}));
            }
        }
        json["status"] = Value::String(status);
        let item: ThreadItem = serde_json::from_value(json.clone())
            .map_err(|_| ApiError::BadRequest("that structured input cannot be answered here".into()))?;
        self.store.save_item(&user.id, &crate::store::ItemRecord { json, ..record_ }).await?;
        Ok(item)
    }
}

/// A short title from the first message: its first line, at most ~40 characters, cut at a word.
pub fn title_from(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or_default().trim();
    if line.chars().count() <= 40 {
        return line.to_owned();
    }
    let cut: String = line.chars().take(40).collect();
    let at_word = cut.rfind(' ').filter(|i| *i > 20).map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end())
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

fn stream_options() -> Event {
    Event::StreamOptions { stream_options: StreamOptions { allow_cancel: true } }
}

/// The wire view of a thread with a page of items.
pub fn view(thread: &ThreadRecord, items: PageView<Value>) -> ThreadView {
    ThreadView {
        id: thread.id.clone(),
        title: thread.title.clone(),
        created_at: thread.created_at,
        status: thread.status.clone(),
        metadata: Map::new(),
        items,
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn not_found(what: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |e| match e {
        StoreError::NotFound => ApiError::NotFound(what),
        other => ApiError::from(other),
    }
}

fn turn_error(e: TurnError) -> ApiError {
    match e {
        TurnError::Unsupported(_) => ApiError::Unsupported(e.to_string()),
        TurnError::Failed { message, .. } => ApiError::BadRequest(message),
        TurnError::Store(s) => ApiError::from(s),
        TurnError::Disconnected => ApiError::BadRequest("client disconnected".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_short_and_cut_at_a_word() {
        assert_eq!(title_from("add buy milk tomorrow"), "add buy milk tomorrow");
        let long = "please add a task to call the plumber about the kitchen sink on friday";
        let title = title_from(long);
        assert!(title.chars().count() <= 41, "{title}");
        assert!(title.ends_with('…'));
        assert!(long.starts_with(title.trim_end_matches('…')));
    }

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
