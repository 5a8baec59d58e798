//! Test support, from the `test-support` workspace member under the names these tests use:
//! a fresh PostgreSQL database per test (`TestPg`; required when `CI` or `REQUIRE_POSTGRES`
//! is set, else skipped with one line), fresh SQLite files (`sqlite_store`), the server on
//! port 0 (`TestServer`, tokens signed with `SECRET`) and an rmcp client's calls (`call`,
//! `try_call`, `ok`, `tool_error`, `text`); `oidc`, a real OpenID provider.
#![allow(unused_imports)]

pub use test_support::oidc;
pub use test_support::running::wait_until_ok;
pub use test_support::tasks::*;
