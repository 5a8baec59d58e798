//! Folds streamed chunks into one [`Completion`]: text, tool calls, finish reason, usage.
//!
//! Tool-call rules (shared/docs/llm-providers.md §1.3): `id` and `name` are *set* when
//! present (never appended: some servers repeat the name), `arguments` are appended; a
//! different `id` on an index that already has one opens a new call (Ollama and Gemini
//! proxies send every parallel call at index 0); without an `index` a fragment joins the
//! call with its `id`, else a new call, and an id-less continuation joins the last call.

use serde_json::Value;

use super::chunk::{Chunk, ToolCallDelta};
use super::types::{Completion, ToolCall};

/// The state of one completion while its chunks arrive.
#[derive(Debug, Default)]
pub(crate) struct Accumulator {
    text: String,
    calls: Vec<Slot>,
    finish_reason: Option<String>,
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
}

#[derive(Debug, Default)]
struct Slot {
    index: Option<u32>,
    id: String,
    name: String,
    arguments: String,
    extra: Option<Value>,
}

impl Accumulator {
    /// Folds one chunk in; returns the text it added, if any.
    pub(crate) fn push(&mut self, chunk: Chunk) -> Option<String> {
        if let Some(usage) = chunk.usage.or(chunk.x_groq.and_then(|x| x.usage)) {
            self.prompt_tokens = usage.prompt_tokens.or(self.prompt_tokens);
            self.completion_tokens = usage.completion_tokens.or(self.completion_tokens);
        }
        let mut added = String::new();
        // We never ask for n > 1; a choice with another index is not ours to mix in.
        for choice in chunk.choices.into_iter().filter(|c| c.index.unwrap_or(0) == 0) {
            if let Some(delta) = choice.delta {
                if let Some(text) = delta.content {
                    added.push_str(&text);
                }
                for call in delta.tool_calls {
                    self.push_call(call);
                }
            }
            if choice.finish_reason.is_some() {
                self.finish_reason = choice.finish_reason;
            }
        }
        self.text.push_str(&added);
        (!added.is_empty()).then_some(added)
    }

    /// Whether the provider has said the completion is over.
    pub(crate) fn finished(&self) -> bool {
        self.finish_reason.is_some()
    }

    fn push_call(&mut self, delta: ToolCallDelta) {
        let name = delta.function.as_ref().and_then(|f| f.name.clone());
        let slot = self.slot_for(delta.index, delta.id.as_deref(), name.as_deref());
        if let Some(id) = delta.id {
            slot.id = id;
        }
        if let Some(function) = delta.function {
            if let Some(name) = function.name {
                slot.name = name;
            }
            if let Some(arguments) = function.arguments {
                slot.arguments.push_str(&arguments);
            }
        }
        if delta.extra_content.is_some() {
            slot.extra = delta.extra_content;
        }
    }

    fn slot_for(&mut self, index: Option<u32>, id: Option<&str>, name: Option<&str>) -> &mut Slot {
        let position = match index {
            Some(index) => self
                .calls
                .iter()
                .rposition(|s| s.index == Some(index))
                .filter(|&i| id.is_none_or(|id| self.calls[i].id.is_empty() || self.calls[i].id == id)),
            None => match id {
                Some(id) => self.calls.iter().position(|s| s.id == id),
                // With neither index nor id only a different name tells a new call apart
                // (the same name again is a continuation that repeats it).
                None => self.calls.len().checked_sub(1).filter(|&i| {
                    let last = &self.calls[i].name;
                    name.is_none_or(|name| last.is_empty() || last == name)
                }),
            },
        };
        let position = position.unwrap_or_else(|| {
            self.calls.push(Slot { index, ..Slot::default() });
            self.calls.len() - 1
        });
        &mut self.calls[position]
    }

    /// The finished completion: empty arguments become `"{}"`, a missing id `call_{i}`;
    /// a call that never got a name is dropped (nothing could run it).
    pub(crate) fn finish(self) -> Completion {
        let tool_calls = self
            .calls
            .into_iter()
            .filter(|slot| {
                if slot.name.is_empty() {
                    tracing::warn!("dropping a streamed tool call that has no function name");
                }
                !slot.name.is_empty()
            })
            .enumerate()
            .map(|(i, slot)| ToolCall {
                id: if slot.id.is_empty() { format!("call_{i}") } else { slot.id },
                name: slot.name,
                arguments: if slot.arguments.trim().is_empty() { "{}".to_owned() } else { slot.arguments },
                extra: slot.extra,
            })
            .collect();
        Completion {
            text: self.text,
            tool_calls,
            finish_reason: self.finish_reason,
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fold(chunks: &[Value]) -> Completion {
        let mut acc = Accumulator::default();
        for chunk in chunks {
            acc.push(serde_json::from_value(chunk.clone()).unwrap());
        }
        acc.finish()
    }

    /// id, name, arguments.
    type Call = (String, String, String);

    fn calls(deltas: &[Value]) -> Vec<Call> {
        let chunks: Vec<Value> =
            deltas.iter().map(|d| json!({"choices": [{"delta": {"tool_calls": [d]}}]})).collect();
        fold(&chunks).tool_calls.into_iter().map(|c| (c.id, c.name, c.arguments)).collect()
    }

    fn t(id: &str, name: &str, args: &str) -> Call {
        (id.into(), name.into(), args.into())
    }

    #[test]
    fn tool_call_fragments_fold_by_the_documented_rules() {
        let cases: Vec<(&str, Vec<Value>, Vec<Call>)> = vec![
            (
                "openai fragments: set id/name once, append arguments",
                vec![
                    json!({"index": 0, "id": "a", "type": "function", "function": {"name": "f", "arguments": ""}}),
                    json!({"index": 0, "function": {"arguments": "{\"x\""}}),
                    json!({"index": 0, "function": {"name": "", "arguments": ":1}"}}),
                ],
                vec![t("a", "f", "{\"x\":1}")],
            ),
            (
                "a repeated name is set, not appended",
                vec![
                    json!({"index": 0, "id": "a", "function": {"name": "f"}}),
                    json!({"index": 0, "function": {"name": "f", "arguments": "{}"}}),
                ],
                vec![t("a", "f", "{}")],
            ),
            (
                "interleaved parallel calls",
                vec![
                    json!({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{\"p\":"}}),
                    json!({"index": 1, "id": "b", "function": {"name": "g", "arguments": "{\"q\":"}}),
                    json!({"index": 0, "function": {"arguments": "1}"}}),
                    json!({"index": 1, "function": {"arguments": "2}"}}),
                ],
                vec![t("a", "f", "{\"p\":1}"), t("b", "g", "{\"q\":2}")],
            ),
            (
                "a new id on the same index opens a new call",
                vec![
                    json!({"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}}),
                    json!({"index": 0, "id": "b", "function": {"name": "g", "arguments": "{\"y\":2}"}}),
                ],
                vec![t("a", "f", "{}"), t("b", "g", "{\"y\":2}")],
            ),
            (
                "no index: match by id, id-less continuation joins the last call",
                vec![
                    json!({"id": "a", "function": {"name": "f", "arguments": "{\"x\""}}),
                    json!({"id": "b", "function": {"name": "g", "arguments": ""}}),
                    json!({"id": "a", "function": {"arguments": ":1}"}}),
                    json!({"function": {"arguments": "{\"z\":3}"}}),
                ],
                vec![t("a", "f", "{\"x\":1}"), t("b", "g", "{\"z\":3}")],
            ),
            (
                "no index and no id: a fragment with a new name is a new call",
                vec![
                    json!({"function": {"name": "f", "arguments": "{}"}}),
                    json!({"function": {"name": "g", "arguments": "{\"y\":1}"}}),
                ],
                vec![t("call_0", "f", "{}"), t("call_1", "g", "{\"y\":1}")],
            ),
            (
                "empty arguments become {} and a missing id call_{i}",
                vec![
                    json!({"index": 0, "function": {"name": "f"}}),
                    json!({"index": 1, "function": {"name": "g"}}),
                ],
                vec![t("call_0", "f", "{}"), t("call_1", "g", "{}")],
            ),
            (
                "arguments sent as an object are re-encoded as JSON text",
                vec![json!({"index": 0, "id": "a", "function": {"name": "f", "arguments": {"x": 1}}})],
                vec![t("a", "f", "{\"x\":1}")],
            ),
            (
                "a call without a name is dropped",
                vec![json!({"index": 0, "id": "a", "function": {"arguments": "{}"}})],
                vec![],
            ),
        ];
        for (name, deltas, want) in cases {
            assert_eq!(calls(&deltas), want, "{name}");
        }
    }

    #[test]
    fn text_finish_reason_and_usage_are_collected() {
        let done = fold(&[
            json!({"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}, "finish_reason": ""}]}),
            json!({"choices": [{"index": 0, "delta": {"content": [{"type": "text", "text": "lo"}]}, "finish_reason": null}]}),
            json!({"choices": [{"index": 1, "delta": {"content": "other choice"}}]}),
            json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}], "usage": null}),
            json!({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 2}}),
        ]);
        assert_eq!(done.text, "Hello");
        assert_eq!(done.finish_reason.as_deref(), Some("stop"));
        assert_eq!((done.prompt_tokens, done.completion_tokens), (Some(7), Some(2)));
    }
}
