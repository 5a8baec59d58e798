//! The `/v1` wire types: the subset of OpenAI's Chat Completions and Models objects this
//! server reads and writes, plus the `metadata` it adds (the conversation and the tool calls
//! run server-side). Unknown request fields (temperature, tools, …) are accepted and ignored.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::routes::rest::types::ToolCall;

/// `POST /v1/chat/completions` body.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ChatCompletionRequest {
    /// Must be `task-assistant` (see `GET /v1/models`).
    #[schema(example = "task-assistant")]
    pub model: String,
    /// The conversation; the last `user` message is the input. Without `X-Conversation-Id`,
    /// the earlier `user` and `assistant` messages start the new thread; with it they are
    /// ignored (the thread has them). `system`, `developer` and `tool` messages are ignored.
    pub messages: Vec<ChatMessage>,
    /// Stream `chat.completion.chunk` server-sent events, ending with `data: [DONE]`.
    #[serde(default)]
    pub stream: Option<bool>,
    /// With `include_usage`, one last chunk carries the usage.
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
}

/// Streaming options.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct StreamOptions {
    /// Send a final chunk with `usage` and no choices.
    #[serde(default)]
    pub include_usage: Option<bool>,
}

/// One message of the request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ChatMessage {
    /// `user`, `assistant`, `system`, `developer` or `tool`.
    #[schema(example = "user")]
    pub role: String,
    /// Text, or text parts; null for an assistant message that only called tools.
    #[serde(default)]
    pub content: Option<MessageContent>,
}

/// A message's content.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum MessageContent {
    /// Plain text.
    Text(String),
    /// Parts; only `text` parts are supported.
    Parts(Vec<ContentPart>),
}

/// One content part.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ContentPart {
    /// `text` (other kinds are refused).
    #[serde(rename = "type")]
    #[schema(example = "text")]
    pub kind: String,
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
}

/// A non-streamed answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChatCompletion {
    /// `chatcmpl-…`.
    pub id: String,
    /// Always `chat.completion`.
    #[schema(example = "chat.completion")]
    pub object: String,
    /// Unix seconds.
    pub created: i64,
    /// Always `task-assistant`.
    pub model: String,
    /// Exactly one choice.
    pub choices: Vec<Choice>,
    /// Estimated token counts (about four characters a token).
    pub usage: Usage,
    /// The conversation and the tools run for this answer.
    pub metadata: CompletionMetadata,
}

/// The answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Choice {
    /// Always 0.
    pub index: u32,
    /// The assistant's message.
    pub message: AssistantMessage,
    /// Always `stop`: tool calls are run server-side, never handed to the client.
    #[schema(example = "stop")]
    pub finish_reason: String,
}

/// The assistant's message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssistantMessage {
    /// Always `assistant`.
    #[schema(example = "assistant")]
    pub role: String,
    /// The text (several replies of one turn are joined by a blank line).
    pub content: String,
}

/// Token counts (estimates).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Usage {
    /// The input message.
    pub prompt_tokens: u32,
    /// The answer.
    pub completion_tokens: u32,
    /// The sum.
    pub total_tokens: u32,
}

impl Usage {
    /// Estimates from character counts.
    pub fn estimate(prompt: &str, completion: &str) -> Self {
        let tokens = |s: &str| u32::try_from(s.chars().count().div_ceil(4)).unwrap_or(u32::MAX);
        let (prompt_tokens, completion_tokens) = (tokens(prompt), tokens(completion));
        Self {
            prompt_tokens,
            completion_tokens,
            total_tokens: prompt_tokens.saturating_add(completion_tokens),
        }
    }
}

/// What this server adds to OpenAI's objects.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompletionMetadata {
    /// The thread; send it as `X-Conversation-Id` to continue.
    pub conversation_id: String,
    /// The tools the assistant ran for this answer, server-side.
    pub tool_calls: Vec<ToolCall>,
}

/// One streamed event.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChatCompletionChunk {
    /// The same for every chunk of one answer.
    pub id: String,
    /// Always `chat.completion.chunk`.
    #[schema(example = "chat.completion.chunk")]
    pub object: String,
    /// Unix seconds.
    pub created: i64,
    /// Always `task-assistant`.
    pub model: String,
    /// One choice, or none in the usage chunk.
    pub choices: Vec<ChunkChoice>,
    /// Only in the usage chunk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Only in the last chunk of the answer (the one with `finish_reason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<CompletionMetadata>,
}

/// A streamed piece of the answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChunkChoice {
    /// Always 0.
    pub index: u32,
    /// What is new.
    pub delta: Delta,
    /// `stop` in the last chunk, else null.
    pub finish_reason: Option<String>,
}

/// New text (and the role, in the first chunk).
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct Delta {
    /// `assistant`, in the first chunk only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Text to append.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}

/// `GET /v1/models`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelList {
    /// Always `list`.
    #[schema(example = "list")]
    pub object: String,
    /// The one model.
    pub data: Vec<Model>,
}

/// A model.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Model {
    /// `task-assistant`.
    #[schema(example = "task-assistant")]
    pub id: String,
    /// Always `model`.
    #[schema(example = "model")]
    pub object: String,
    /// Unix seconds (fixed).
    pub created: i64,
    /// `chat-gateway`.
    pub owned_by: String,
}
