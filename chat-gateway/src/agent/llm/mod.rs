//! The streaming Chat Completions client the agent talks to the model with: one request
//! in, text deltas and one [`Completion`] (text, tool calls, usage) out, over any
//! OpenAI-compatible provider (OpenAI, Groq, Gemini, Ollama, llama.cpp, vLLM, Mistral).
//!
//! It owns the provider quirks described in `shared/docs/llm-providers.md`: requests go
//! through async-openai's `create_stream_byot` with lenient chunk types (`chunk`), tool
//! calls are folded by the defensive rules of `accumulator`, and the HTTP layer
//! (`transport`) retries, times out and watches the body for `[DONE]`. Errors reach the
//! agent as one [`LlmError`] it can branch on ([`LlmError::retryable`]).
//!
//! Layout, bottom up: `types` (the public vocabulary), `chunk` (the wire shape),
//! `accumulator` (chunks → completion), `transport` (retries, time limits, the `[DONE]`
//! probe), `classify` (failures → [`LlmError`]), `provider` (one request sent), `driver`
//! (one completion as a stream), `client` ([`LlmClient`]); this file only re-exports.

mod accumulator;
mod chunk;
mod classify;
mod client;
mod driver;
mod provider;
mod transport;
mod types;

pub use client::LlmClient;
pub use transport::RetryPolicy;
pub use types::{Completion, LlmConfig, LlmError, LlmEvent, ToolCall};
