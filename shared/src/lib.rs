//! What both services need: identity tokens (`identity`), tracing setup (`telemetry`),
//! small configuration helpers (`config`) and graceful shutdown on signals (`shutdown`).
//!
//! Layout: `identity` mints and verifies the HS256 JWTs that carry a user id from the
//! gateway (or from `mcp-tasks token`) to mcp-tasks; `telemetry` installs the tracing
//! subscriber (text or JSON, always on stderr); `config` reads durations and data paths.

pub mod config;
pub mod identity;
pub mod shutdown;
pub mod telemetry;
