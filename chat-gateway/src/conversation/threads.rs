//! [`Threads`]: every thread operation that runs no turn (read, list, rename, delete,
//! feedback, a thread's items and tool calls) and the writes a turn starts with (a new
//! thread, the user message stored first, a client tool's output, a structured input's
//! answer). Each is scoped to its owner: another user's thread is "not found".

use std::sync::Arc;

use chrono::{SubsecRound, Utc};
use serde_json::{Value, json};

use super::sink::{new_id, record};
use crate::auth::User;
use crate::chatkit::types::{
    FeedbackKind, ItemBody, PageView, ThreadItem, UserMessageInput, is_hidden, user_text,
};
use crate::error::ApiError;
use crate::store::{ItemRecord, Order, Page, StoreError, ThreadRecord, ThreadStore, ToolCallRecord};

/// Longest thread title.
const MAX_TITLE: usize = 200;
/// Items read from the store per round while walking a thread.
const ITEM_BATCH: u32 = 100;

/// The user's threads and their items.
pub struct Threads {
    store: Arc<dyn ThreadStore>,
}

impl Threads {
    /// Threads kept in `store`.
    pub fn new(store: Arc<dyn ThreadStore>) -> Self {
        Self { store }
    }

    /// One of the user's threads.
    pub async fn thread(&self, user: &User, thread_id: &str) -> Result<ThreadRecord, ApiError> {
        // An id no thread can have (a NUL, which PostgreSQL cannot even compare; too long) is
        // not found, without asking the store.
        if thread_id.is_empty() || thread_id.len() > 200 || thread_id.contains('\0') {
            return Err(ApiError::NotFound("thread"));
        }
        self.store.load_thread(&user.id, thread_id).await.map_err(not_found("thread"))
    }

    /// A page of the user's threads (a `NotFound` names an unknown cursor).
    pub async fn list(
        &self,
        user: &User,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<Page<ThreadRecord>, StoreError> {
        self.store.list_threads(&user.id, after, limit, order).await
    }

    /// A page of a thread's items as sent (hidden items left out).
    pub async fn item_page(
        &self,
        user: &User,
        thread_id: &str,
        after: Option<&str>,
        limit: u32,
        order: Order,
    ) -> Result<PageView<Value>, ApiError> {
        let page = self
            .store
            .list_items(&user.id, thread_id, after, limit, order)
            .await
            .map_err(not_found("item"))?;
        let data = page.data.into_iter().filter(|i| !is_hidden(&i.kind)).map(|i| i.json).collect();
        Ok(PageView { data, has_more: page.has_more, after: page.after })
    }

    /// Hands a thread's stored items to `visit` in `order`, starting after `after`, until
    /// `visit` returns false or the items end (a `NotFound` names an unknown cursor).
    pub async fn walk_items(
        &self,
        user: &User,
        thread_id: &str,
        mut after: Option<String>,
        order: Order,
        mut visit: impl FnMut(ItemRecord) -> bool + Send,
    ) -> Result<(), StoreError> {
        loop {
            let page =
                self.store.list_items(&user.id, thread_id, after.as_deref(), ITEM_BATCH, order).await?;
            for item in page.data {
                if !visit(item) {
                    return Ok(());
                }
            }
            if !page.has_more {
                return Ok(());
            }
            after = page.after;
        }
    }

    /// The tool calls made in a thread.
    pub async fn tool_calls(&self, user: &User, thread_id: &str) -> Result<Vec<ToolCallRecord>, ApiError> {
        Ok(self.store.list_tool_calls(&user.id, thread_id).await?)
    }

    /// The tool calls made in a thread that point at these items.
    pub async fn tool_calls_of(
        &self,
        user: &User,
        thread_id: &str,
        item_ids: &[String],
    ) -> Result<Vec<ToolCallRecord>, ApiError> {
        Ok(self.store.list_tool_calls_of(&user.id, thread_id, item_ids).await?)
    }

    /// One item of a thread, as sent.
    pub async fn item(&self, user: &User, thread_id: &str, item_id: &str) -> Result<ThreadItem, ApiError> {
        let record = self.store.load_item(&user.id, thread_id, item_id).await.map_err(not_found("item"))?;
        serde_json::from_value(record.json)
            .map_err(|_| ApiError::BadRequest(format!("item {item_id} cannot be used for this request")))
    }

    /// The widget item a custom action came from, if it names one.
    pub async fn widget(
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

    /// Sets a thread's title (trimmed; empty clears it) and returns the thread.
    pub async fn rename(&self, user: &User, thread_id: &str, title: &str) -> Result<ThreadRecord, ApiError> {
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

    /// Deletes a thread with its items and tool-call records.
    pub async fn delete(&self, user: &User, thread_id: &str) -> Result<(), ApiError> {
        self.store.delete_thread(&user.id, thread_id).await.map_err(not_found("thread"))
    }

    /// Records thumbs up or down on items of a thread.
    pub async fn feedback(
        &self,
        user: &User,
        thread_id: &str,
        item_ids: &[String],
        kind: FeedbackKind,
    ) -> Result<(), ApiError> {
        let thread = self.thread(user, thread_id).await?;
        let kind = match kind {
            FeedbackKind::Positive => "positive",
            FeedbackKind::Negative => "negative",
        };
        Ok(self.store.add_feedback(&user.id, &thread.id, item_ids, kind).await?)
    }

    /// Creates a thread holding `earlier` items (a client's own history), titled from the
    /// first user message among them.
    pub(super) async fn create(&self, user: &User, earlier: Vec<ItemBody>) -> Result<ThreadRecord, ApiError> {
        // Whole milliseconds, as the stores keep them: the thread reads back as it was sent.
        let now = Utc::now().trunc_subsecs(3);
        let thread = ThreadRecord {
            id: new_id("thr"),
            // Titled from the first message, as a turn titles a thread that starts with the input.
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
        Ok(thread)
    }

    /// Stores the user message (before anything that can fail) with the attachments it carries.
    pub(super) async fn add_user_message(
        &self,
        user: &User,
        thread: &ThreadRecord,
        input: UserMessageInput,
        attachments: Vec<Value>,
    ) -> Result<ThreadItem, ApiError> {
        let item = ThreadItem {
            id: new_id("msg"),
            thread_id: thread.id.clone(),
            created_at: Utc::now(),
            body: ItemBody::UserMessage {
                content: input.content,
                attachments,
                quoted_text: input.quoted_text,
                inference_options: input.inference_options,
            },
        };
        self.store.add_item(&user.id, &record(&item)).await?;
        Ok(item)
    }

    /// Deletes the items after `item_id` (a retried turn's old answer).
    pub(super) async fn delete_items_after(
        &self,
        user: &User,
        thread_id: &str,
        item_id: &str,
    ) -> Result<(), ApiError> {
        self.store.delete_items_after(&user.id, thread_id, item_id).await?;
        Ok(())
    }

    /// Saves an item a widget action replaced.
    pub(super) async fn save_item(&self, user: &User, item: &ThreadItem) -> Result<(), ApiError> {
        Ok(self.store.save_item(&user.id, &record(item)).await?)
    }

    /// Completes the pending client tool call the thread ends with.
    pub(super) async fn complete_client_tool(
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
        self.save_item(user, &item).await
    }

    /// Stores the answers to a pending structured input and returns the answered item.
    pub(super) async fn answer_structured_input(
        &self,
        user: &User,
        thread: &ThreadRecord,
        item_id: &str,
        submission: Value,
    ) -> Result<ThreadItem, ApiError> {
        let stored = self.store.load_item(&user.id, &thread.id, item_id).await.map_err(not_found("item"))?;
        let mut json = stored.json;
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
        self.store.save_item(&user.id, &ItemRecord { json, ..stored }).await?;
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

/// A store's `NotFound` as "`what` not found"; other failures as they are.
fn not_found(what: &'static str) -> impl Fn(StoreError) -> ApiError {
    move |e| match e {
        StoreError::NotFound => ApiError::NotFound(what),
        other => ApiError::from(other),
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
}
