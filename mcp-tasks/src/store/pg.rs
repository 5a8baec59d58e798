//! The PostgreSQL [`Backend`]: `timestamptz` instants, number lists as `= ANY($2)` with
//! row locks (`FOR UPDATE`) around read-modify-write changes, and search through the
//! `task_words` list (one B-tree range per word) with `ts_rank` where several words meet.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Decode, Postgres, Row};

use super::StoreError;
use super::backend::{Backend, Columns, Reads, Search, Statement};
use super::sql::{insert_into_tasks, task_columns};

/// A pooled connection idle this long is pinged before use; one busier is used at once (a
/// connection the server dropped in that window fails one statement and is replaced).
const PING_IDLE_AFTER: Duration = Duration::from_secs(1);

/// Tasks in PostgreSQL.
#[derive(Debug, Clone, Copy)]
pub struct PgBackend;

impl Columns for Postgres {}

/// Columns are decoded without sqlx's type-compatibility check: every statement's columns
/// are the store's own, fixed by the schema and tested on both backends, so the check only
/// repeated for each value what the tests prove once (about 30% of reading a row, 6% of a
/// list call's instructions). A value of another type still fails to decode (wrong length
/// or encoding) rather than being misread.
impl<T: for<'r> Decode<'r, Postgres>> Reads<T> for PgRow {
    fn read(&self, index: usize) -> Result<T, sqlx::Error> {
        self.try_get_unchecked(index)
    }
}

impl Backend for PgBackend {
    type Db = Postgres;
    type Instant = DateTime<Utc>;

    const BEGIN_WRITE: Option<&'static str> = None;
    const SELECT_NUMBERS: &'static str =
        concat!("SELECT ", task_columns!(), " FROM tasks t WHERE t.user_id = $1 AND t.number = ANY($2)");
    const SELECT_NUMBERS_FOR_UPDATE: &'static str = concat!(
        "SELECT ",
        task_columns!(),
        " FROM tasks t WHERE t.user_id = $1 AND t.number = ANY($2) FOR UPDATE"
    );
    const UPDATE_TASKS: &'static str = "UPDATE tasks t SET title = v.title, description = v.description, \
         status = v.status, priority = v.priority, tags = v.tags, due_at = v.due_at, due_date = v.due_date, \
         due_key = v.due_key, due_string = v.due_string, due_tz = v.due_tz, \
         recurrence_phrase = v.recurrence_phrase, recurrence_rule = v.recurrence_rule, \
         recurrence_from_completion = v.recurrence_from_completion, updated_at = v.updated_at, \
         completed_at = v.completed_at \
         FROM jsonb_to_recordset($2::jsonb) AS v(id bigint, title text, description text, status text, \
         priority smallint, tags text, due_at timestamptz, due_date date, due_key timestamptz, \
         due_string text, due_tz text, recurrence_phrase text, recurrence_rule text, \
         recurrence_from_completion boolean, updated_at timestamptz, completed_at timestamptz) \
         WHERE t.user_id = $1 AND t.id = v.id";
    const INSERT_COMPLETIONS: &'static str = "INSERT INTO task_completions (user_id, task_id, completed_at) \
         SELECT $1, id, $3 FROM unnest($2::bigint[]) AS id";
    const INSERT_REMINDERS: &'static str = "INSERT INTO reminders (user_id, task_id, remind_at, phrase, created_at) \
         SELECT $1, v.task_id, v.remind_at, v.phrase, $3 \
         FROM jsonb_to_recordset($2::jsonb) AS v(task_id bigint, remind_at timestamptz, phrase text) \
         RETURNING id, task_id, remind_at";
    const INSERT_ONE_TASK: Option<&'static str> = Some(concat!(
        "WITH n AS (INSERT INTO task_counters (user_id, last_number) VALUES ($1, 1) \
         ON CONFLICT (user_id) DO UPDATE SET last_number = task_counters.last_number + 1 \
         RETURNING last_number) ",
        insert_into_tasks!(),
        " SELECT $1, n.last_number, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15 \
         FROM n RETURNING id, number"
    ));
    // PostgreSQL sorts NULLs last already, and saying it plainly lets the
    // (user_id, status, due_key, priority, number) index stop at the page size.
    const ORDER_BY_DUE: &'static str = "t.due_key, t.priority, t.number";

    async fn connect(url: &str) -> Result<PgPool, sqlx::Error> {
        PgPoolOptions::new()
            .max_connections(16)
            // sqlx pings every connection it takes from the pool: a round trip per query. Ping
            // only one that sat idle long enough to have been dropped by the server.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IDLE_AFTER {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await
    }

    fn migrator() -> Migrator {
        sqlx::migrate!("../migrations/tasks/postgres")
    }

    fn instant(at: DateTime<Utc>) -> DateTime<Utc> {
        at
    }

    fn instant_json(at: DateTime<Utc>) -> serde_json::Value {
        // Microseconds, as timestamptz keeps them (and as a bound instant is truncated).
        serde_json::Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
    }

    fn read_instant(stored: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        Ok(stored)
    }

    fn bind_numbers<'q>(statement: Statement<'q, Postgres>, numbers: &[i64]) -> Statement<'q, Postgres> {
        statement.bind(numbers)
    }

    /// Matches come from `task_words` (see migration 0003): one index range per word, the
    /// tasks holding every word, then only the rows the page shows are read from `tasks`.
    /// One plain word is ranked from the word list alone, exactly as `ts_rank` would rank it;
    /// several words, or a word the text-search parser may split, are checked and ranked with
    /// `ts_rank` on the candidates.
    fn search(words: &[String], top: Option<i64>, bind: &mut dyn FnMut(String) -> String) -> Search {
        let plain = |w: &str| w.chars().all(|c| c.is_alphabetic() || c.is_ascii_digit());
        let ranked_by_words = matches!(words, [word] if plain(word));
        let placeholders: Vec<String> = words.iter().map(|w| bind(w.clone())).collect();
        let branches: Vec<String> = words
            .iter()
            .zip(&placeholders)
            .enumerate()
            .map(|(k, (word, p))| {
                // A plain word is one lexeme, lower-cased as the parser does; any other is
                // split by the parser itself (its lexemes all required later, by the filter).
                let prefixes = if plain(word) {
                    format!("(VALUES (lower({p}))) AS l(prefix)")
                } else {
                    format!("unnest(tsvector_to_array(to_tsvector('simple', {p}))) AS l(prefix)")
                };
                format!(
                    "SELECT {k} AS k, w.task_id, w.number, w.weight FROM {prefixes} JOIN task_words w \
                     ON w.user_id = $1 AND w.lexeme >= l.prefix AND w.lexeme < l.prefix || U&'\\+10FFFF'"
                )
            })
            .collect();
        // Every word that has a lexeme must match (a word of symbols alone has none): the
        // bits of the words a task matched against those of the words with lexemes (a bit
        // mask aggregates by hash; counting distinct words would sort). `search_words` gives at
        // most 16 words, well inside the 64 bits.
        let having = match placeholders.len() {
            1 => String::new(),
            _ => format!(
                " HAVING bit_or(1::bigint << k) = (SELECT bit_or(1::bigint << (i::int - 1)) \
                 FROM unnest(ARRAY[{}]) WITH ORDINALITY AS q(word, i) \
                 WHERE length(to_tsvector('simple', q.word)) > 0)",
                placeholders.join(", ")
            ),
        };
        let cut = match top {
            Some(top) if ranked_by_words => format!(" ORDER BY rank DESC, number DESC LIMIT {top}"),
            _ => String::new(),
        };
        // OFFSET 0 keeps the lateral subquery a per-candidate primary-key lookup under any plan.
        let from = format!(
            "(SELECT task_id, sum(weight) AS rank, max(number) AS number FROM ({}) AS x \
             GROUP BY task_id{having}{cut}) AS m \
             CROSS JOIN LATERAL (SELECT * FROM tasks WHERE id = m.task_id OFFSET 0) AS t",
            branches.join(" UNION ALL ")
        );
        if ranked_by_words {
            Search { from, filter: None, order: "m.rank DESC, m.number DESC".to_owned() }
        } else {
            let query = bind(words.iter().map(|w| format!("'{w}':*")).collect::<Vec<_>>().join(" & "));
            let query = format!("to_tsquery('simple', {query})");
            Search {
                from,
                filter: Some(format!("t.search @@ {query}")),
                order: format!("ts_rank(t.search, {query}) DESC, t.number DESC"),
            }
        }
    }
}
