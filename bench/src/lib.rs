//! bench: the three load tools (in `examples/`) and what they share, written once.
//!
//! Layout:
//! * `latency` — latencies recorded into an HDR histogram and read as percentiles in ms.
//! * `proc` — what Linux's `/proc` tells about CPU time and memory: the machine's, a
//!   process's, PostgreSQL's; a window's CPU split between server, database and load.
//! * `child` — a server run as a child process, killed if the tool stops early.
//! * `load` — a load phase's measured window: CPU at both ends, every client's samples.
//! * `cost` — the cost of one call: server CPU, instructions under callgrind, PostgreSQL's
//!   statements and time from `pg_stat_statements`.
//! * `db` — the benchmark databases: dropped and recreated on a PostgreSQL server.
//! * `wrk` — a load phase driven by wrk with a generated Lua script (the issues' driver).
//! * `report` — how results are written: clipped errors, counts of each error, MiB, verdicts.
//!
//! The tools: `tasks_load` (mcp-tasks under many MCP clients on PostgreSQL), `chatkit_load`
//! (the gateway's ChatKit turns with an echo responder, and held-open streams),
//! `agent_load` (the agent's overhead per turn with a scripted model and the real mcp-tasks).

pub mod child;
pub mod cost;
pub mod db;
pub mod latency;
pub mod load;
pub mod proc;
pub mod report;
pub mod wrk;

use std::time::Duration;

/// `d` in whole microseconds, saturating.
#[must_use]
pub fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// A 64-hex-character secret from the standard library's per-process random keys.
#[must_use]
pub fn random_secret() -> String {
    use std::fmt::Write as _;
    use std::hash::{BuildHasher, Hasher};
    (0..4).fold(String::new(), |mut s, _| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos(),
        );
        let _ = write!(s, "{:016x}", hasher.finish());
        s
    })
}
