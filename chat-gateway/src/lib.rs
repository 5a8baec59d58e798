//! chat-gateway: a ChatKit server for a task assistant, with JWT auth and persistent,
//! per-user threads.
//!
//! Layout, in the direction one chat turn travels (each layer uses only those below it):
//! * `routes` — `fn app()` lists every route once; one module per face (`chatkit`, `chat`,
//!   `rest`, `openai`, `web`, `openapi`, `health`); the `AuthUser` extractor does auth and
//!   the per-user rate limit. ChatKit requests go through `chatkit`'s dispatcher.
//! * `chatkit` — the protocol's wire types (requests, items, events, views) and dispatcher.
//! * `conversation` — the turn service: store the user message first, run the responder
//!   into a `TurnSink` that records each item as it streams, title the thread; every thread
//!   operation; and attachments (checked, stored with their owner, bound to a message). No
//!   face reaches the store but through it.
//! * `agent` — the `Responder` that answers: an LLM tool loop, or the offline agent,
//!   calling mcp-tasks through `tasks_client` (a token minted per user and request).
//! * `store` — the `ThreadStore` trait over PostgreSQL and SQLite; all SQL lives here.
//!
//! Beside them: `startup` (builds the gateway from `config` or from injected parts, and
//! serves it), `auth` (user JWTs into a [`auth::User`]), `error` (`ApiError`, the one JSON
//! error), `metrics`, `dev` (`chat-gateway dev`: dev secrets, mcp-tasks as a child) and
//! `echo` (a responder that echoes, for tests and benchmarks); `limits` (the bounds on one
//! user's requests); `voice` (speech to text for
//! `input.transcribe`, with any OpenAI-compatible transcription service).
//!
//! Outside this crate: its tests start it (and mcp-tasks) through `startup` with the
//! workspace's `test-support` crate; its load tools are `bench`'s `chatkit_load` and
//! `agent_load`.

pub mod agent;
pub mod auth;
pub mod chatkit;
pub mod config;
pub mod conversation;
pub mod dev;
pub mod echo;
pub mod error;
pub mod limits;
pub mod metrics;
pub mod routes;
pub mod startup;
pub mod store;
pub mod tasks_client;
pub mod voice;
