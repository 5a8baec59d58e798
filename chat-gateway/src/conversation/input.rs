//! What a turn may start from: a user message checked before anything is stored, and, for
//! faces that carry their own history (`/v1`), the earlier messages of a new thread.

use serde_json::Map;

use crate::chatkit::types::{ItemBody, OutputText, UserContent, UserMessageInput};
use crate::error::ApiError;
use crate::limits::RequestLimits;

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

/// Refuses input the stores cannot hold or the agent should not see: an empty message (no
/// text and no attachments), a NUL character, more than `max_chars` characters of text and quoted text
/// together, more tags or larger tag data and options than `limits` allow.
pub(super) fn check(
    input: &UserMessageInput,
    max_chars: usize,
    limits: &RequestLimits,
) -> Result<(), ApiError> {
    let text = input.text();
    let quoted = input.quoted_text.as_deref().map_or(0, |q| q.chars().count());
    let chars = text.chars().count() + quoted;
    if text.trim().is_empty() && input.attachments.is_empty() {
        return Err(ApiError::BadRequest("the message is empty".into()));
    }
    if text.contains('\0') || input.quoted_text.as_deref().is_some_and(|q| q.contains('\0')) {
        return Err(ApiError::BadRequest("the message contains a NUL character (\\u0000)".into()));
    }
    if chars > max_chars {
        return Err(ApiError::TooLarge(format!(
            "the message has {chars} characters (quoted text included); the limit is {max_chars}"
        )));
    }
    check_attached(input, limits)
}

/// Tags (count, and each one's data) and inference options, against `limits`.
fn check_attached(input: &UserMessageInput, limits: &RequestLimits) -> Result<(), ApiError> {
    let max_bytes = limits.max_attachment_bytes;
    let mut tags = 0;
    for part in &input.content {
        if let UserContent::InputTag { id, data, group, .. } = part {
            tags += 1;
            let bytes = id.len() + group.as_deref().map_or(0, str::len) + json_bytes(data);
            if bytes > max_bytes {
                return Err(ApiError::TooLarge(format!(
                    "a tag carries {bytes} bytes of id and data; the limit is {max_bytes}"
                )));
            }
        }
    }
    if tags > limits.max_tags {
        return Err(ApiError::TooLarge(format!(
            "the message has {tags} tags; the limit is {}",
            limits.max_tags
        )));
    }
    let options = json_bytes(&serde_json::Value::Object(input.inference_options.clone()));
    if options > max_bytes {
        return Err(ApiError::TooLarge(format!(
            "inference_options is {options} bytes of JSON; the limit is {max_bytes}"
        )));
    }
    Ok(())
}

fn json_bytes(value: &serde_json::Value) -> usize {
    serde_json::to_vec(value).map_or(usize::MAX, |v| v.len())
}

/// Prior messages as items; empty ones are skipped; a NUL character (the stores cannot hold
/// it), more than `max_messages` messages or one longer than `max_chars` is refused.
pub(super) fn prior_items(
    prior: Vec<Prior>,
    max_chars: usize,
    max_messages: usize,
) -> Result<Vec<ItemBody>, ApiError> {
    if prior.len() > max_messages {
        return Err(ApiError::TooLarge(format!(
            "the request carries {} earlier messages; the limit is {max_messages}",
            prior.len()
        )));
    }
    let mut items = Vec::with_capacity(prior.len());
    for message in prior {
        let (Prior::User(text) | Prior::Assistant(text)) = &message;
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(ApiError::TooLarge(format!(
                "an earlier message has {chars} characters; the limit is {max_chars}"
            )));
        }
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
