//! The lenient shape of one streamed `chat.completion.chunk`.
//!
//! Lenient on purpose: async-openai's typed chunks reject Gemini (no tool-call `index`),
//! Groq (`service_tier: "on_demand"`), `finish_reason: ""` and chunks without
//! `id`/`object`/`created`/`model`. Here every field is optional, unknown fields are
//! ignored, and a field of an unexpected type is treated as absent rather than failing
//! the chunk.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// One SSE `data:` payload: a chunk, or an error object in its place. Gemini wraps
/// errors in a one-element array, so an array stands for its first element (a derived
/// struct would otherwise accept an array positionally and lose the error).
#[derive(Debug, Default)]
pub(crate) struct Payload(pub Chunk);

impl<'de> Deserialize<'de> for Payload {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = match Value::deserialize(d)? {
            Value::Array(mut items) if !items.is_empty() => items.swap_remove(0),
            other => other,
        };
        if !value.is_object() {
            return Err(serde::de::Error::custom("a stream payload must be a JSON object"));
        }
        Chunk::deserialize(value).map(Payload).map_err(serde::de::Error::custom)
    }
}

/// The fields of a `chat.completion.chunk` that matter here.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Chunk {
    #[serde(default, deserialize_with = "vec_or_empty")]
    pub choices: Vec<Choice>,
    #[serde(default, deserialize_with = "or_none")]
    pub usage: Option<Usage>,
    /// Groq also reports usage in `x_groq.usage` on the last chunk.
    #[serde(default, deserialize_with = "or_none")]
    pub x_groq: Option<XGroq>,
    /// `data: {"error": {...}}` sent in place of a chunk.
    #[serde(default)]
    pub error: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Choice {
    #[serde(default, deserialize_with = "or_none")]
    pub index: Option<u32>,
    #[serde(default, deserialize_with = "or_none")]
    pub delta: Option<Delta>,
    #[serde(default, deserialize_with = "non_empty_string")]
    pub finish_reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Delta {
    #[serde(default, deserialize_with = "content_text")]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "vec_or_empty")]
    pub tool_calls: Vec<ToolCallDelta>,
}

/// One fragment of a tool call.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ToolCallDelta {
    #[serde(default, deserialize_with = "or_none")]
    pub index: Option<u32>,
    #[serde(default, deserialize_with = "non_empty_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "or_none")]
    pub function: Option<FunctionDelta>,
    /// Gemini's `extra_content.google.thought_signature`, echoed back on replay.
    #[serde(default)]
    pub extra_content: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct FunctionDelta {
    #[serde(default, deserialize_with = "non_empty_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "arguments_text")]
    pub arguments: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct Usage {
    #[serde(default, deserialize_with = "or_none")]
    pub prompt_tokens: Option<u64>,
    #[serde(default, deserialize_with = "or_none")]
    pub completion_tokens: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct XGroq {
    #[serde(default, deserialize_with = "or_none")]
    pub usage: Option<Usage>,
}

/// Any value that does not fit `T` (including `null`) reads as `None`.
fn or_none<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    Ok(serde_json::from_value(Value::deserialize(d)?).ok())
}

/// A list whose elements may each be malformed: those are dropped, `null` is empty.
fn vec_or_empty<'de, D: Deserializer<'de>, T: serde::de::DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items.into_iter().filter_map(|v| serde_json::from_value(v).ok()).collect(),
        _ => Vec::new(),
    })
}

/// A string, where `""` and non-strings mean absent (`finish_reason: ""`, `name: ""`).
fn non_empty_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    })
}

/// `content` as a string, or the `text` parts of a content array (Mistral, some proxies).
fn content_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Array(parts) => {
            let text: String = parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str).is_none_or(|t| t == "text"))
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            Some(text)
        }
        _ => None,
    })
}

/// `arguments` as a JSON text fragment; a provider that sends an object gets it re-encoded.
fn arguments_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}
