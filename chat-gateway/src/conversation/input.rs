//! What a turn may start from: a user message checked before anything is stored, and, for
//! faces that carry their own history (`/v1`), the earlier messages of a new thread.

use serde_json::Map;

use crate::chatkit::types::{ItemBody, OutputText, UserContent, UserMessageInput};
use crate::error::ApiError;

/// A message of a client's own history, stored in a new thread before the turn's input so
/// the agent sees it as context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prior {
    /// Something the user said.
    User(String),
    /// Something the assistant said.
    Assistant(String),
}

/// Where a plain-text turn happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnThread {
    /// An existing thread of the user's (another user's id is not found).
    Continue(String),
    /// A new thread, holding these earlier messages before the input.
    New(Vec<Prior>),
}

/// A user message of plain text.
pub(super) fn plain_message(text: String) -> UserMessageInput {
    UserMessageInput {
        content: vec![UserContent::InputText { text }],
        attachments: vec![],
        quoted_text: None,
        inference_options: Map::new(),
    }
}

/// Refuses input the stores cannot hold or the agent should not see: attachments, an empty
/// message, a NUL character, more than `max_chars` characters.
pub(super) fn check(input: &UserMessageInput, max_chars: usize) -> Result<(), ApiError> {
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
    if chars > max_chars {
        return Err(ApiError::TooLarge(format!(
            "the message has {chars} characters; the limit is {max_chars}"
        )));
    }
    Ok(())
}

/// Prior messages as items; empty ones are skipped, a NUL character is refused (the stores
/// cannot hold it).
pub(super) fn prior_items(prior: Vec<Prior>) -> Result<Vec<ItemBody>, ApiError> {
    let mut items = Vec::with_capacity(prior.len());
    for message in prior {
        let (Prior::User(text) | Prior::Assistant(text)) = &message;
        if text.contains('\0') {
            return Err(ApiError::BadRequest("an earlier message contains a NUL character (\\u0000)".into()));
        }
        if text.trim().is_empty() {
            continue;
        }
        items.push(match message {
            Prior::User(text) => ItemBody::UserMessage {
                content: vec![UserContent::InputText { text }],
                attachments: vec![],
                quoted_text: None,
                inference_options: Map::new(),
            },
            Prior::Assistant(text) => ItemBody::AssistantMessage { content: vec![OutputText::new(text)] },
        });
    }
    Ok(items)
}
