//! mcp-tasks: an MCP server with eleven task tools, per-user and time-zone aware.
//!
//! Layout:
//! * `config` — typed configuration, read from the environment once in `main`.
//! * `dates` — natural-language due dates, recurrence rules and time zones (pure).
//! * `store` — the `Store` trait in domain types and one SQL engine generic over a small
//!   backend trait (`PgStore` and `SqliteStore` are that engine on PostgreSQL and SQLite,
//!   which differ only where their SQL truly does); all SQL lives here.
//! * `tools` — the MCP server: one module per tool family, routers composed with `+`.
//! * `reminders` — the worker that delivers due reminders to a webhook.
//! * `tokens` — Bearer-token verification that remembers tokens which verified.
//! * `http` — the axum router: Bearer auth, `/mcp` (stateless streamable HTTP), health,
//!   `/metrics`.
//! * `direct` — the hot path of `/mcp`: a plain `tools/call` answered by the tools and
//!   written straight to JSON, without rmcp's per-request service; all else goes to rmcp.
//! * `oauth` — the OAuth 2.1 resource server: provider access tokens verified against the
//!   provider's keys, scopes from the tool annotations, Protected Resource Metadata and the
//!   `WWW-Authenticate` challenges.
//! * `metrics` — this service's Prometheus metric names and how they are recorded.
//! * `startup` — the composition root: builds the running service from its `Config`, or
//!   from injected `Parts` (tests, benchmarks); `main` only parses the CLI and config and
//!   sets up tracing.
//!
//! Outside this crate: its tests start it through `startup` with the workspace's
//! `test-support` crate, and its load tool is `bench`'s `tasks_load`.

pub mod config;
pub mod dates;
pub mod direct;
pub mod http;
pub mod metrics;
pub mod oauth;
pub mod reminders;
pub mod startup;
pub mod store;
pub mod tokens;
pub mod tools;
