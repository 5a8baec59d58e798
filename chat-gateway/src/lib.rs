//! chat-gateway: a ChatKit server for a task assistant, with JWT auth and persistent,
//! per-user threads.
//!
//! Layout:
//! * `config` — typed configuration, read from the environment once in `main`.
//! * `agent` — the responder: an LLM tool loop, or the offline agent, calling mcp-tasks.
//! * `auth` — verifies user JWTs (HS256 or JWKS) into a [`auth::User`].
//! * `chatkit` — the protocol: wire types, the dispatcher, and the `Responder` seam that
//!   writes the assistant's side of a turn.
//! * `store` — the `ThreadStore` trait with `PgStore` and `SqliteStore`; all SQL lives here.
//! * `http` — the axum router: `/chatkit`, `/api/chat`, health; auth, rate limit, CORS.
//! * `rest` — the REST threads API (`/api/threads…`) for mobile apps and scripts.
//! * `openai_compat` — the OpenAI-compatible `/v1/chat/completions` and `/v1/models`.
//! * `openapi` — `/openapi.json`, generated from the REST and `/v1` handlers.
//! * `error` — `ApiError`, the one JSON error of the HTTP API.
//! * `metrics` — this service's Prometheus metric names and how they are recorded.
//! * `tasks_client` — the MCP client to mcp-tasks, with a token minted per user and request.
//! * `dev` — `chat-gateway dev`: dev secrets in a file, mcp-tasks as a child process.
//! * `web` — the self-hosted chat page at `/` (assets embedded), `/widget`, `/dev/token`.
//! * `echo` — a responder that echoes, for tests and benchmarks.

pub mod agent;
pub mod auth;
pub mod chatkit;
pub mod config;
pub mod dev;
pub mod echo;
pub mod error;
pub mod http;
pub mod metrics;
pub mod openai_compat;
pub mod openapi;
pub mod rest;
pub mod store;
pub mod tasks_client;
pub mod web;
