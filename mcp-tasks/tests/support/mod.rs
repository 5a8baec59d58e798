//! Test support shared by the integration tests: a fresh PostgreSQL database per test
//! (required when `CI` or `REQUIRE_POSTGRES` is set, else skipped with one line), and
//! fresh SQLite files.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use mcp_tasks::store::{self, Store};
use sqlx::{Connection, PgConnection};

/// The admin URL tests create their databases through.
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
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
            Err(e) if postgres_required() => panic!("PostgreSQL is required (CI/REQUIRE_POSTGRES) but {admin}: {e}"),
            Err(e) => {
                eprintln!("skipped: PostgreSQL not reachable at {admin} ({e}); set TEST_DATABASE_URL");
                return None;
            }
        };
        let name = format!("mcp_tasks_test_{}", uuid_like());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
        Some(Self { url: format!("{base}/{name}"), name })
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Arc<dyn Store> {
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

/// A fresh SQLite file in a temp dir (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tasks.db").display());
    let store = store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// A short random-enough suffix for database names.
pub fn uuid_like() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos());
    format!("{:016x}", h.finish())
}
