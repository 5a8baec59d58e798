//! mcp-tasks: an MCP server with eleven task tools, per-user and time-zone aware.
//!
//! Layout:
//! * `config` — typed configuration, read from the environment once in `main`.
//! * `dates` — natural-language due dates, recurrence rules and time zones (pure).
//! * `store` — the `Store` trait with `PgStore` and `SqliteStore`; all SQL lives here.
//! * `tools` — the MCP server: one module per tool family, routers composed with `+`.
//! * `reminders` — the worker that delivers due reminders to a webhook.
//! * `http` — the axum router: Bearer auth, `/mcp` (stateless streamable HTTP), health,
//!   `/metrics`.
//! * `metrics` — this service's Prometheus metric names and how they are recorded.

pub mod config;
pub mod dates;
pub mod http;
pub mod metrics;
pub mod reminders;
pub mod store;
pub mod tools;
