//! Test support, from the `test-support` workspace member (feature `gateway`) under the
//! names these tests use: a fresh PostgreSQL database per test (`TestPg`; required when
//! `CI` or `REQUIRE_POSTGRES` is set, else skipped with one line), fresh SQLite files
//! (`sqlite_url`, `sqlite_store`), and `on_both_backends!` to run a case on each
//! (`#[macro_use] mod support;`). `stack` holds the blocks that start both services
//! in-process; `product` assembles them into the whole product; `model` is a scripted
//! OpenAI-compatible model; `cluster` a PostgreSQL server of the test's own;
//! `browser` (here) runs scripts in headless Chromium; `widgets` (here) says a message and
//! reads the task widgets it answered with.
#![allow(dead_code, unused_imports, unused_macros)]

pub mod browser;
pub mod widgets;

pub use test_support::cluster;
pub use test_support::gateway::*;
pub use test_support::running::wait_until_ok;

/// Stamps each `case(store)` out for SQLite and PostgreSQL (see `test_support::on_both_backends`).
macro_rules! on_both_backends {
    ($($tokens:tt)*) => { test_support::on_both_backends!($($tokens)*); };
}
