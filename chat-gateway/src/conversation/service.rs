//! [`Conversations`]: the conversation service every face goes through. It starts turns
//! (a new thread, a user message, a client tool's output, a structured input, a retry, a
//! widget action), each prepared in the store before anything streams, and hands out
//! [`Threads`] for every other thread operation.

use std::sync::Arc;

use serde_json::Value;

use super::admission::{Admission, Ticket};
use super::attachments::{Attachments, PreviewKey};
use super::input::{TurnThread, check, plain_message, prior_items};
use super::responder::{Responder, Turn};
use super::run::{Prepared, TurnStream, spawn};
use super::sink::TurnError;
use super::threads::Threads;
use crate::auth::User;
use crate::chatkit::types::{
    Action, Event, ItemBody, PageView, StreamOptions, ThreadItem, ThreadView, UserMessageInput,
};
use crate::error::ApiError;
use crate::limits::{AttachmentLimits, RequestLimits};
use crate::store::{ThreadRecord, ThreadStore};

/// Starts and records the turns of every user's conversations.
pub struct Conversations {
    store: Arc<dyn ThreadStore>,
    threads: Threads,
    responder: Arc<dyn Responder>,
    max_message_chars: usize,
    limits: RequestLimits,
    admission: Admission,
    attachments: Attachments,
}

impl Conversations {
    /// Conversations kept in `store`, answered by `responder`, with user messages of at
    /// most `max_message_chars` characters.
    pub fn new(store: Arc<dyn ThreadStore>, responder: Arc<dyn Responder>, max_message_chars: usize) -> Self {
        let limits = RequestLimits::default();
        let admission = Admission::new(limits.max_turns_per_user, limits.max_turns);
        let attachments = Attachments::new(store.clone(), AttachmentLimits::default(), PreviewKey::random());
        Self {
            threads: Threads::new(store.clone()),
            store,
            responder,
            max_message_chars,
            limits,
            admission,
            attachments,
        }
    }

    /// These conversations taking attachments within `limits`, previews signed with `key`.
    #[must_use]
    pub fn with_attachments(mut self, limits: AttachmentLimits, key: PreviewKey) -> Self {
        self.attachments = Attachments::new(self.store.clone(), limits, key);
        self
    }

    /// Files users attach to messages.
    pub fn attachments(&self) -> &Attachments {
        &self.attachments
    }

    /// These conversations held to `limits` (tags, options, feedback ids, earlier messages).
    #[must_use]
    pub fn with_limits(mut self, limits: RequestLimits) -> Self {
        self.limits = limits;
        self.admission = Admission::new(limits.max_turns_per_user, limits.max_turns);
        self
    }

    /// What one request may carry.
    pub fn limits(&self) -> &RequestLimits {
        &self.limits
    }

    /// Every thread operation that runs no turn.
    pub fn threads(&self) -> &Threads {
        &self.threads
    }

    /// Whether the thread store and what the responder depends on answer now: each check
    /// by name, with the reason when it is down.
    pub async fn readiness(&self) -> Vec<(&'static str, Result<(), String>)> {
        let (database, mut checks) = tokio::join!(self.store.ping(), self.responder.readiness());
        checks.insert(0, ("database", database.map_err(|e| e.to_string())));
        checks
    }

    /// Starts a new thread with `input` (`threads.create`); `base` is the gateway's public URL
    /// (for the attachments' preview URLs).
    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn start_thread(
        &self,
        user: &User,
        input: UserMessageInput,
        base: &str,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let prepared = self.prepare_new(user, input, vec![], base).await?;
        Ok(self.run(user, ticket, prepared))
    }

    /// Adds `input` to one of the user's open threads and answers it (`base` as for
    /// [`Self::start_thread`]).
    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn add_user_message(
        &self,
        user: &User,
        thread_id: &str,
        input: UserMessageInput,
        base: &str,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let prepared = self.prepare_message(user, thread_id, input, base).await?;
        Ok(self.run(user, ticket, prepared))
    }

    /// Stores `message` as a plain-text user message (in `thread`'s thread, or a new one
    /// holding its prior messages first) and starts the turn answering it (`/api/chat`, `/v1`).
    /// Input is checked before anything is stored.
    #[tracing::instrument(skip_all, fields(user = %user.id))]
    pub async fn start_turn(
        &self,
        user: &User,
        message: String,
        thread: TurnThread,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let input = plain_message(message);
        let prepared = match thread {
            TurnThread::Continue(id) => self.prepare_message(user, &id, input, "").await?,
            TurnThread::New(prior) => {
                let earlier = prior_items(prior, self.max_message_chars, self.limits.max_prior_messages)?;
                self.prepare_new(user, input, earlier, "").await?
            }
        };
        Ok(self.run(user, ticket, prepared))
    }

    /// Completes the thread's pending client tool call with `result` and continues the turn.
    pub async fn add_client_tool_output(
        &self,
        user: &User,
        thread_id: &str,
        result: Value,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let thread = self.threads.thread(user, thread_id).await?;
        self.threads.complete_client_tool(user, &thread, result).await?;
        Ok(self.run(
            user,
            ticket,
            Prepared { head: vec![stream_options()], thread, input: None, action: None },
        ))
    }

    /// Answers a pending structured input and continues the turn.
    pub async fn add_structured_input(
        &self,
        user: &User,
        thread_id: &str,
        item_id: &str,
        submission: Value,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let thread = self.threads.thread(user, thread_id).await?;
        let item = self.threads.answer_structured_input(user, &thread, item_id, submission).await?;
        let head = vec![stream_options(), Event::ItemReplaced { item }];
        Ok(self.run(user, ticket, Prepared { head, thread, input: None, action: None }))
    }

    /// Forgets what followed a user message and answers it again.
    pub async fn retry_after_item(
        &self,
        user: &User,
        thread_id: &str,
        item_id: &str,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let thread = self.threads.thread(user, thread_id).await?;
        let item = self.threads.item(user, &thread.id, item_id).await?;
        if !matches!(item.body, ItemBody::UserMessage { .. }) {
            return Err(ApiError::BadRequest("retry_after_item needs the id of a user message".into()));
        }
        self.threads.delete_items_after(user, &thread.id, &item.id).await?;
        Ok(self.run(
            user,
            ticket,
            Prepared { head: vec![stream_options()], thread, input: Some(item), action: None },
        ))
    }

    /// Runs a widget action as a turn (`threads.custom_action`).
    pub async fn custom_action(
        &self,
        user: &User,
        thread_id: &str,
        action: Action,
        item_id: Option<&str>,
    ) -> Result<TurnStream, ApiError> {
        let ticket = self.admission.admit(&user.id)?;
        let thread = self.threads.thread(user, thread_id).await?;
        let sender = self.threads.widget(user, &thread.id, item_id).await?;
        self.responder.check_action(&action, sender.as_ref()).map_err(turn_error)?;
        let action = Some((action, sender));
        Ok(self.run(user, ticket, Prepared { head: vec![stream_options()], thread, input: None, action }))
    }

    /// Runs a widget action answered with JSON: the replaced item, if any (stored).
    pub async fn sync_custom_action(
        &self,
        user: &User,
        thread_id: &str,
        action: &Action,
        item_id: Option<&str>,
    ) -> Result<Option<ThreadItem>, ApiError> {
        let thread = self.threads.thread(user, thread_id).await?;
        let sender = self.threads.widget(user, &thread.id, item_id).await?;
        self.responder.check_action(action, sender.as_ref()).map_err(turn_error)?;
        let turn = Turn { user: user.clone(), thread, input: None, store: self.store.clone() };
        let updated = self.responder.sync_action(&turn, action, sender.as_ref()).await.map_err(turn_error)?;
        if let Some(item) = &updated {
            self.threads.save_item(user, item).await?;
        }
        Ok(updated)
    }

    fn run(&self, user: &User, ticket: Ticket, prepared: Prepared) -> TurnStream {
        let write_timeout = self.limits.stream_write_timeout;
        spawn(self.store.clone(), self.responder.clone(), user.clone(), prepared, (ticket, write_timeout))
    }

    /// A new thread holding `earlier` items and then the input. Its attachments are checked
    /// before the thread is made, then bound to it.
    async fn prepare_new(
        &self,
        user: &User,
        input: UserMessageInput,
        earlier: Vec<ItemBody>,
        base: &str,
    ) -> Result<Prepared, ApiError> {
        check(&input, self.max_message_chars, &self.limits)?;
        let attached = self.attachments.for_message(user, &input.attachments, None).await?;
        let thread = self.threads.create(user, earlier).await?;
        let attachments = self.bound(user, attached, &thread.id, base).await?;
        let message = self.threads.add_user_message(user, &thread, input, attachments).await?;
        let created = Event::ThreadCreated { thread: ThreadView::of(&thread, PageView::empty()) };
        let head = vec![created, Event::ItemDone { item: message.clone() }, stream_options()];
        Ok(Prepared { thread, head, input: Some(message), action: None })
    }

    async fn prepare_message(
        &self,
        user: &User,
        thread_id: &str,
        input: UserMessageInput,
        base: &str,
    ) -> Result<Prepared, ApiError> {
        check(&input, self.max_message_chars, &self.limits)?;
        let thread: ThreadRecord = self.threads.thread(user, thread_id).await?;
        if thread.status.get("type").and_then(Value::as_str).is_some_and(|s| s != "active") {
            return Err(ApiError::BadRequest("this thread is closed to new messages".into()));
        }
        let attached = self.attachments.for_message(user, &input.attachments, Some(&thread.id)).await?;
        let attachments = self.bound(user, attached, &thread.id, base).await?;
        let message = self.threads.add_user_message(user, &thread, input, attachments).await?;
        let head = vec![Event::ItemDone { item: message.clone() }, stream_options()];
        Ok(Prepared { thread, head, input: Some(message), action: None })
    }
}

impl Conversations {
    /// `attached` bound to `thread_id`, as the user message carries them.
    async fn bound(
        &self,
        user: &User,
        attached: Vec<crate::store::AttachmentRecord>,
        thread_id: &str,
        base: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let bound = self.attachments.bind(user, attached, thread_id, base).await?;
        Ok(bound.iter().filter_map(|a| serde_json::to_value(a).ok()).collect())
    }
}

fn stream_options() -> Event {
    Event::StreamOptions { stream_options: StreamOptions { allow_cancel: true } }
}

fn turn_error(e: TurnError) -> ApiError {
    match e {
        TurnError::Unsupported(_) => ApiError::Unsupported(e.to_string()),
        TurnError::Failed { message, .. } => ApiError::BadRequest(message),
        TurnError::NotFound(what) => ApiError::NotFound(what),
        TurnError::Store(s) => ApiError::from(s),
        TurnError::Disconnected => ApiError::BadRequest("client disconnected".into()),
    }
}
