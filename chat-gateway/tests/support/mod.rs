//! Test support: a fresh PostgreSQL database per test (required when `CI` or
//! `REQUIRE_POSTGRES` is set, else skipped with one line), fresh SQLite files, and
//! `on_both_backends!` to run a case on each (`#[macro_use] mod support;`). `stack` holds the
//! blocks that start both services in-process; `product` assembles them into the whole product;
//! `model` is a scripted OpenAI-compatible model; `cluster` a PostgreSQL server of the test's own.
//! Every test binary compiles all of it, so what one binary leaves unused is allowed.
#![allow(dead_code, unused_macros, clippy::unwrap_used)]

pub mod cluster;
pub mod model;
pub mod product;
pub mod stack;

use std::sync::Arc;

use chat_gateway::store::{self, ThreadStore};
use sqlx::{Connection, PgConnection};

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("REQUIRE_POSTGRES").is_some()
}

/// A throwaway PostgreSQL database, dropped when this is dropped.
pub struct TestPg {
    /// URL of the fresh database.
    pub url: String,
    name: String,
}

impl TestPg {
    /// Creates a fresh database, or returns None (after saying so) when PostgreSQL is not
    /// reachable and not required.
    pub async fn create() -> Option<Self> {
        let admin = admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(conn) => conn,
            Err(e) if postgres_required() => {
                panic!("PostgreSQL is required (CI/REQUIRE_POSTGRES) but {admin}: {e}")
            }
            Err(e) => {
                eprintln!("skipped: PostgreSQL not reachable at {admin} ({e}); set TEST_DATABASE_URL");
                return None;
            }
        };
        let name = format!("chat_gateway_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
        Some(Self { url: format!("{base}/{name}"), name })
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Arc<dyn ThreadStore> {
        let store = store::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop from a separate thread with its own runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&admin_url()).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// The URL of a not-yet-existing SQLite file in a fresh temp dir (kept alive by the guard).
pub fn sqlite_url() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("chat.db").display());
    (url, dir)
}

/// A migrated store on a fresh SQLite file (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn ThreadStore>, tempfile::TempDir) {
    let (url, dir) = sqlite_url();
    let store = store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// Stamps each `case(store)` out for SQLite and PostgreSQL.
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = crate::support::sqlite_store().await;
                    super::$case(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = crate::support::TestPg::create().await else { return };
                    super::$case(db.store().await).await;
                }
            )*
        }
    };
}
