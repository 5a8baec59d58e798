//! [`EchoResponder`]: a responder for tests and benchmarks, not an assistant. It streams
//! the user's message back in a fixed number of deltas and calls no tools.

use crate::chatkit::types::{ItemBody, user_text};
use crate::conversation::{Responder, Turn, TurnError, TurnSink};

/// Streams the user's words back as `deltas` pieces.
#[derive(Debug, Clone)]
pub struct EchoResponder {
    /// How many deltas each reply is split into (at least 1).
    pub deltas: usize,
}

#[async_trait::async_trait]
impl Responder for EchoResponder {
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let text = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::from("(no message)"),
        };
        let n = self.deltas.max(1);
        let chars: Vec<char> = text.chars().collect();
        let size = chars.len().div_ceil(n).max(1);
        let mut pieces: Vec<String> = chars.chunks(size).map(|c| c.iter().collect()).collect();
        pieces.resize(n, String::new());
        out.assistant_text(pieces).await
    }
}
