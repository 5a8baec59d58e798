//! Renders a running turn as OpenAI output: the assistant text it adds (several replies of
//! one turn joined by a blank line), and the streamed form, `chat.completion.chunk` frames
//! (the role first, then text as it streams, then `finish_reason` with the metadata, or an
//! error object) ending with `data: [DONE]`.

use std::collections::HashSet;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::StreamExt;
use serde::Serialize;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

use super::CONVERSATION_HEADER;
use super::error::OpenAiError;
use super::types::{ChatCompletionChunk, ChunkChoice, CompletionMetadata, Delta, Usage};
use crate::chatkit::types::{Event, ItemBody, ItemUpdate};
use crate::conversation::TurnStream;
use crate::routes::rest::types::ToolCall;

/// Frames buffered between the turn and a slow client.
const FRAME_BUFFER: usize = 32;

/// Follows a turn's events and says what each adds to the assistant's text.
#[derive(Debug, Default)]
pub struct Transcript {
    /// The assistant message now streaming.
    current: Option<String>,
    /// Assistant messages whose text came as deltas.
    streamed: HashSet<String>,
    /// Whether any text was written (the next reply then starts after a blank line).
    wrote: bool,
    /// The whole text so far.
    text: String,
    /// When the turn failed: its message for the user (None for an internal failure).
    failure: Option<Option<String>>,
}

impl Transcript {
    /// The text `event` adds to the answer, if any; notes a failure.
    pub fn add(&mut self, event: &Event) -> Option<String> {
        let (id, text) = match event {
            Event::ItemUpdated { item_id, update: ItemUpdate::TextDelta { delta, .. } } => {
                self.streamed.insert(item_id.clone());
                (item_id, delta.clone())
            }
            Event::ItemDone { item } if !self.streamed.contains(&item.id) => match &item.body {
                ItemBody::AssistantMessage { content } => {
                    (&item.id, content.iter().map(|c| c.text.as_str()).collect())
                }
                _ => return None,
            },
            Event::Error { code, message, .. } => {
                self.failure = Some(if code == "custom" { message.clone() } else { None });
                return None;
            }
            _ => return None,
        };
        if text.is_empty() {
            return None;
        }
        let mut added = String::new();
        if self.current.as_ref() != Some(id) {
            if self.wrote {
                added.push_str("\n\n");
            }
            self.current = Some(id.clone());
        }
        added.push_str(&text);
        self.wrote = true;
        self.text.push_str(&added);
        Some(added)
    }

    /// The whole answer so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The error to report, when the turn failed.
    pub fn failure(&self) -> Option<OpenAiError> {
        self.failure.clone().map(OpenAiError::turn_failed)
    }
}

/// What every chunk of one answer shares.
pub struct ChunkHead {
    /// `chatcmpl-…`.
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// The user's input, for the usage estimate.
    pub prompt: String,
    /// Whether to end with a usage chunk.
    pub include_usage: bool,
}

impl ChunkHead {
    fn chunk(
        &self,
        delta: Delta,
        finish: Option<&str>,
        metadata: Option<CompletionMetadata>,
    ) -> ChatCompletionChunk {
        ChatCompletionChunk {
            id: self.id.clone(),
            object: "chat.completion.chunk".into(),
            created: self.created,
            model: super::MODEL_ID.into(),
            choices: vec![ChunkChoice { index: 0, delta, finish_reason: finish.map(str::to_owned) }],
            usage: None,
            metadata,
        }
    }
}

/// Streams `turn` as server-sent events. The turn runs on its own task; a client that
/// leaves ends the pump, and the turn then keeps what it had, as with ChatKit.
pub fn stream(mut turn: TurnStream, head: ChunkHead) -> Response {
    let thread_id = turn.thread_id().to_owned();
    let (tx, rx) = mpsc::channel::<Bytes>(FRAME_BUFFER);
    let conversation_id = thread_id.clone();
    tokio::spawn(async move {
        let first = Delta { role: Some("assistant".into()), content: Some(String::new()) };
        if tx.send(frame(&head.chunk(first, None, None))).await.is_err() {
            return;
        }
        let mut transcript = Transcript::default();
        loop {
            // A client that leaves is noticed at once, not at the next event: the turn then
            // stops and keeps what it said, as with ChatKit.
            let event = tokio::select! {
                event = turn.next() => event,
                () = tx.closed() => return,
            };
            let Some(event) = event else { break };
            if let Some(text) = transcript.add(&event) {
                let delta = Delta { role: None, content: Some(text) };
                if tx.send(frame(&head.chunk(delta, None, None))).await.is_err() {
                    return;
                }
            }
        }
        let summary = turn.finish().await;
        let mut frames = Vec::with_capacity(3);
        if let Some(error) = transcript.failure() {
            frames.push(frame(&error.body()));
        } else {
            let tool_calls = summary.tool_calls.into_iter().map(ToolCall::from).collect();
            let metadata = CompletionMetadata { conversation_id, tool_calls };
            frames.push(frame(&head.chunk(Delta::default(), Some("stop"), Some(metadata))));
            if head.include_usage {
                let usage = Usage::estimate(&head.prompt, transcript.text());
                let chunk = ChatCompletionChunk {
                    choices: vec![],
                    usage: Some(usage),
                    ..head.chunk(Delta::default(), None, None)
                };
                frames.push(frame(&chunk));
            }
        }
        frames.push(Bytes::from_static(b"data: [DONE]\n\n"));
        for f in frames {
            if tx.send(f).await.is_err() {
                return;
            }
        }
    });
    let body = Body::from_stream(ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>));
    let mut response = Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .header(header::CACHE_CONTROL, "no-cache")
        .header("x-accel-buffering", "no")
        .body(body)
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    if let Ok(v) = HeaderValue::from_str(&thread_id) {
        response.headers_mut().insert(CONVERSATION_HEADER, v);
    }
    response
}

/// One `data:` frame.
fn frame<T: Serialize>(value: &T) -> Bytes {
    let mut out = b"data: ".to_vec();
    if serde_json::to_writer(&mut out, value).is_err() {
        out.extend_from_slice(b"{}");
    }
    out.extend_from_slice(b"\n\n");
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chatkit::types::{OutputText, ThreadItem};

    fn delta(item: &str, text: &str) -> Event {
        Event::ItemUpdated {
            item_id: item.into(),
            update: ItemUpdate::TextDelta { content_index: 0, delta: text.into() },
        }
    }

    fn done(item: &str, text: &str) -> Event {
        Event::ItemDone {
            item: ThreadItem {
                id: item.into(),
                thread_id: "thr_1".into(),
                created_at: chrono::Utc::now(),
                body: ItemBody::AssistantMessage { content: vec![OutputText::new(text)] },
            },
        }
    }

    #[test]
    fn replies_stream_once_each_and_are_joined_by_a_blank_line() {
        let mut t = Transcript::default();
        let events = [
            delta("m1", "Hel"),
            delta("m1", "lo"),
            done("m1", "Hello"),
            done("m2", "Added milk."),
            delta("m3", ""),
            delta("m3", "Bye"),
            done("m3", "Bye"),
        ];
        let added: Vec<String> = events.iter().filter_map(|e| t.add(e)).collect();
        assert_eq!(added, ["Hel", "lo", "\n\nAdded milk.", "\n\nBye"]);
        assert_eq!(t.text(), "Hello\n\nAdded milk.\n\nBye");
        assert!(t.failure().is_none());
    }

    #[test]
    fn an_error_event_is_a_failure_with_the_users_message_or_an_internal_one() {
        let mut t = Transcript::default();
        t.add(&Event::error("The model is down.", true));
        let body = serde_json::to_value(t.failure().map(|e| e.body())).unwrap_or_default();
        assert_eq!(body["error"]["message"], "The model is down.");
        assert_eq!(body["error"]["code"], "turn_failed");
        let mut t = Transcript::default();
        t.add(&Event::Error { code: "stream.error".into(), message: None, allow_retry: true });
        let body = serde_json::to_value(t.failure().map(|e| e.body())).unwrap_or_default();
        assert_eq!(body["error"]["message"], "internal error");
    }
}
