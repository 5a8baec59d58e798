//! The thread store on PostgreSQL: `timestamptz` instants written to the millisecond, `jsonb`
//! documents, an item written in one statement that touches (and so locks) its thread, and
//! notices marked in one statement. Commits do not wait for the WAL flush
//! (`synchronous_commit=off`, see [`PgStore::connect`]).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgQueryResult};
use sqlx::{Postgres, Transaction};

use super::backend::{Backend, ItemStatement, ItemWrite};
use super::engine::SqlStore;
use super::{StoreError, row, sql};

/// Threads in PostgreSQL.
pub type PgStore = SqlStore<Postgres>;

/// [`sql::TOUCH_THREAD`] then [`sql::INSERT_ITEM`] as one statement: inserts nothing (0 rows)
/// unless thread `$2` is user `$1`'s.
const TOUCH_AND_INSERT_ITEM: &str = "WITH touched AS (UPDATE chat_threads \
     SET updated_at = CASE WHEN updated_at < $5 THEN $5 ELSE updated_at END \
     WHERE user_id = $1 AND id = $2 RETURNING 1) \
     INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     SELECT $1, $2, $3, $4, $5, $6 FROM touched";

/// [`TOUCH_AND_INSERT_ITEM`] for [`sql::UPSERT_ITEM`].
const TOUCH_AND_UPSERT_ITEM: &str = "WITH touched AS (UPDATE chat_threads \
     SET updated_at = CASE WHEN updated_at < $5 THEN $5 ELSE updated_at END \
     WHERE user_id = $1 AND id = $2 RETURNING 1) \
     INSERT INTO chat_items (user_id, thread_id, id, kind, created_at, json) \
     SELECT $1, $2, $3, $4, $5, $6 FROM touched \
     ON CONFLICT (user_id, thread_id, id) DO UPDATE SET kind = excluded.kind, json = excluded.json";

/// Marks every key of `$3` shown to user `$1` at `$2`, returning those not shown before.
const MARK_SHOWN: &str = "INSERT INTO chat_shown_notices (user_id, key, shown_at) \
     SELECT $1, k, $2 FROM UNNEST($3::text[]) AS k ON CONFLICT DO NOTHING RETURNING key";

impl PgStore {
    /// Connects a pool to `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // A turn commits about eight small writes; waiting for a WAL flush on each was most
        // of the agent's overhead on PostgreSQL. As with SQLite's synchronous=NORMAL: a crash
        // of the gateway loses nothing; a crash of PostgreSQL or its host may lose the last
        // ~0.6 s of chat writes, uncorrupted (never tasks: mcp-tasks commits synchronously).
        let options = PgConnectOptions::from_str(url)?.options([("synchronous_commit", "off")]);
        let pool = PgPoolOptions::new().max_connections(16).connect_with(options).await?;
        Ok(Self::from_pool(pool))
    }

    /// Wraps an existing pool (tests).
    pub fn from_pool(pool: PgPool) -> Self {
        // PostgreSQL takes concurrent writers itself: reads and writes share the pool.
        SqlStore::with_pools(pool.clone(), pool)
    }
}

impl Backend for Postgres {
    type Instant = DateTime<Utc>;

    fn instant(t: DateTime<Utc>) -> DateTime<Utc> {
        row::to_millis(t)
    }

    fn read_instant(stored: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        Ok(stored)
    }

    fn rows_affected(done: &PgQueryResult) -> u64 {
        done.rows_affected()
    }

    fn migrations() -> sqlx::migrate::Migrator {
        sqlx::migrate!("../migrations/chat/postgres")
    }

    async fn begin_write(writer: &PgPool) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        writer.begin().await
    }

    fn item_statement(write: ItemWrite) -> ItemStatement {
        ItemStatement::TouchingTheThread(match write {
            ItemWrite::Append => TOUCH_AND_INSERT_ITEM,
            ItemWrite::Replace => TOUCH_AND_UPSERT_ITEM,
        })
    }

    async fn mark_shown(
        writer: &PgPool,
        user: &str,
        keys: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        let now = row::to_millis(now);
        sqlx::query(sql::FORGET_SHOWN)
            .bind(user)
            .bind(now - super::SHOWN_NOTICE_MEMORY)
            .execute(writer)
            .await?;
        let fresh: Vec<String> =
            sqlx::query_scalar(MARK_SHOWN).bind(user).bind(now).bind(keys).fetch_all(writer).await?;
        Ok(keys.iter().filter(|k| fresh.contains(k)).cloned().collect())
    }
}
