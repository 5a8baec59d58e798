//! test-support: what the tests of both services share, written once.
//!
//! Layout:
//! * `pg` — a fresh PostgreSQL database per test ([`pg::TestPg`], dropped with it; required
//!   when `CI` or `REQUIRE_POSTGRES` is set, else skipped with one line) and the SQLite twin
//!   (a fresh file in a temp dir), for any store that says how it opens ([`pg::Service`]).
//! * `cluster` — a PostgreSQL server of the test's own, to stop and restart.
//! * `oidc` — a real OpenID provider (`oidc-provider` from npm) for the sign-in tests.
//! * `running` — a server started in-process on port 0, and how it stops.
//! * `tasks` — mcp-tasks: its store on either backend, the server started on port 0
//!   through `mcp_tasks::startup`, and an rmcp client calling its tools.
//! * `gateway` (feature `gateway`) — chat-gateway: its thread store on either backend,
//!   gateways started on port 0 through `chat_gateway::startup` (`stack`), the whole
//!   product assembled from them (`product`), and a scripted OpenAI-compatible model
//!   (`model`).
//!
//! Each crate's `tests/support/mod.rs` re-exports the half it needs under the names its
//! tests use. A failed setup panics: that is how a test fails.
#![allow(clippy::unwrap_used)]

pub mod cluster;
#[cfg(feature = "gateway")]
pub mod gateway;
pub mod oidc;
pub mod pg;
pub mod running;
pub mod tasks;
