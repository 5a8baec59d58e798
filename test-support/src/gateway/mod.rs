//! chat-gateway under test: its thread store on a fresh SQLite file or PostgreSQL
//! database, `on_both_backends!` to run a case on each, and (in `stack`) the blocks that
//! start both services in-process; `product` assembles them into the whole product;
//! `model` is a scripted OpenAI-compatible model; `transcriber` a scripted OpenAI-compatible
//! transcription service.

pub mod model;
pub mod product;
pub mod stack;
pub mod transcriber;

use std::sync::Arc;

use chat_gateway::store::{self, ThreadStore};

pub use crate::pg::admin_url;
use crate::pg::{self, Service};

/// The gateway's thread store, as [`pg::Service`].
pub struct Chat;

impl Service for Chat {
    type Store = dyn ThreadStore;
    const DATABASE_PREFIX: &'static str = "chat_gateway_test";
    const SQLITE_FILE: &'static str = "chat.db";

    async fn open(url: &str) -> Arc<dyn ThreadStore> {
        let store = store::connect(url).await.unwrap();
        store.migrate().await.unwrap();
        store
    }
}

/// A throwaway PostgreSQL database holding a thread store.
pub type TestPg = pg::TestPg<Chat>;

/// The URL of a not-yet-existing SQLite file in a fresh temp dir (kept alive by the guard).
pub fn sqlite_url() -> (String, tempfile::TempDir) {
    pg::sqlite_url::<Chat>()
}

/// A migrated thread store on a fresh SQLite file (kept alive by the returned guard).
pub async fn sqlite_store() -> (Arc<dyn ThreadStore>, tempfile::TempDir) {
    pg::sqlite_store::<Chat>().await
}

/// Stamps each `case(store)` (a function of the calling module taking
/// `Arc<dyn ThreadStore>`) out for SQLite and PostgreSQL, in modules `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $case() {
                    let (store, _dir) = $crate::gateway::sqlite_store().await;
                    super::$case(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $case() {
                    let Some(db) = $crate::gateway::TestPg::create().await else { return };
                    super::$case(db.store().await).await;
                }
            )*
        }
    };
}
