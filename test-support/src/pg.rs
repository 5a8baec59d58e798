//! Throwaway databases: a fresh PostgreSQL database per test (dropped when the test is
//! done) and a fresh SQLite file in a temp dir, opened and migrated as the [`Service`]
//! under test opens its store.

use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use sqlx::{Connection, PgConnection};

/// A service whose store the tests open: what its databases are called and how it opens them.
pub trait Service {
    /// The store, as the service's code holds it (`dyn Store`, `dyn ThreadStore`).
    type Store: ?Sized;
    /// Prefix of the throwaway PostgreSQL databases' names.
    const DATABASE_PREFIX: &'static str;
    /// File name of the SQLite database in its temp dir.
    const SQLITE_FILE: &'static str;
    /// Opens the store at `url` and applies its migrations.
    fn open(url: &str) -> impl Future<Output = Arc<Self::Store>>;
}

/// The admin URL tests create their databases through (`TEST_DATABASE_URL`).
pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn postgres_required() -> bool {
    std::env::var_os("CI").is_some() || std::env::var_os("REQUIRE_POSTGRES").is_some()
}

/// A throwaway PostgreSQL database for service `S`, dropped when this is dropped.
pub struct TestPg<S> {
    /// URL of the fresh database.
    pub url: String,
    name: String,
    service: PhantomData<S>,
}

impl<S: Service> TestPg<S> {
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
        let name = format!("{}_{}", S::DATABASE_PREFIX, uuid::Uuid::new_v4().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(base, _)| base).to_owned();
        Some(Self { url: format!("{base}/{name}"), name, service: PhantomData })
    }

    /// A migrated store on this database.
    pub async fn store(&self) -> Arc<S::Store> {
        S::open(&self.url).await
    }
}

impl<S> Drop for TestPg<S> {
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

/// The URL of a not-yet-existing SQLite file for `S` in a fresh temp dir (kept alive by the guard).
pub fn sqlite_url<S: Service>() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join(S::SQLITE_FILE).display());
    (url, dir)
}

/// A migrated store of `S` on a fresh SQLite file (kept alive by the returned guard).
pub async fn sqlite_store<S: Service>() -> (Arc<S::Store>, tempfile::TempDir) {
    let (url, dir) = sqlite_url::<S>();
    (S::open(&url).await, dir)
}
