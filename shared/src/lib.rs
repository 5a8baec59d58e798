//! What both services need: the contract between them (`contract`), identity tokens
//! (`identity`), tracing setup (`telemetry`), small configuration helpers (`config`),
//! graceful shutdown on signals (`shutdown`), Prometheus metrics (`metrics`), serving a
//! router with connection bounds (`serve`) and what both command lines share (`cli`).
//!
//! Layout: `contract` declares what mcp-tasks serves and the gateway calls and reads (the
//! eleven tool names, resource URIs, the task and reminder views), once for both crates;
//! `identity` mints and verifies the HS256 JWTs that carry a user id from the
//! gateway (or from `mcp-tasks token`) to mcp-tasks, and the claim checks every verifier
//! shares; `jwks` verifies tokens against an identity provider's published keys (cached,
//! single-flight refresh, found by discovery from an issuer); `telemetry` installs the tracing
//! subscriber (text or JSON, always on stderr); `config` reads durations and data paths;
//! `shutdown` turns SIGTERM into a token, bounds the drain by a grace period and serves a
//! router with both (`serve`, used by both services);
//! `metrics` installs the recorder once and holds the HTTP middleware and `/metrics`; `cli`
//! holds the `token` command's arguments and how either binary's run becomes an exit code.

pub mod cli;
pub mod config;
pub mod contract;
pub mod identity;
pub mod jwks;
pub mod metrics;
pub mod serve;
pub mod shutdown;
pub mod telemetry;
