//! The list/search query and the one SQL builder both backends use; the full-text
//! fragments and the due ordering come from the [`Backend`] (PostgreSQL `task_words`, SQLite FTS5).

use chrono::{DateTime, Utc};

use super::Priority;
use super::backend::Backend;
use super::sql;

/// Which statuses to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Pending only (the default).
    #[default]
    Pending,
    /// Completed only.
    Completed,
    /// Both.
    All,
}

/// A due-date window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    /// Due before now (timed) or before today (whole-day).
    Overdue {
        /// The current instant.
        now: DateTime<Utc>,
        /// The start of today in the caller's zone.
        start_of_today: DateTime<Utc>,
    },
    /// Due key in `[from, to)`; either end open.
    Between {
        /// Inclusive start.
        from: Option<DateTime<Utc>>,
        /// Exclusive end.
        to: Option<DateTime<Utc>>,
    },
    /// No due date.
    NoDate,
}

/// Sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Due first (undated last), then priority, then number.
    #[default]
    Due,
    /// Priority first (p1 first), then due.
    Priority,
    /// Newest first.
    Created,
    /// By number.
    Number,
    /// Best match first (search only; falls back to due otherwise).
    Relevance,
}

/// A list or search request, already validated.
#[derive(Debug, Clone, Default)]
pub struct TaskQuery {
    /// Status filter.
    pub status: StatusFilter,
    /// Any of these priorities (empty: all).
    pub priorities: Vec<Priority>,
    /// Tags to match (normalised).
    pub tags: Vec<String>,
    /// Whether every tag must match (else any).
    pub all_tags: bool,
    /// Due window.
    pub due: Option<DueFilter>,
    /// Only recurring tasks.
    pub recurring_only: bool,
    /// Search words (all must match, each as a prefix); None lists without searching.
    pub words: Option<Vec<String>>,
    /// Order.
    pub sort: Sort,
    /// Rows to skip (from the cursor).
    pub offset: u32,
    /// Page size, 1–100.
    pub limit: u32,
}

/// A value to bind; instants bind as each backend stores them.
#[derive(Debug, Clone)]
pub(super) enum Arg {
    Text(String),
    Instant(DateTime<Utc>),
}

/// Builds the SELECT for `query` (limit + 1 rows, to tell whether more follow). Only
/// fixed fragments, placeholders and integers are spliced in; every value is bound.
pub(super) fn build<B: Backend>(user: &str, query: &TaskQuery) -> (sqlx::AssertSqlSafe<String>, Vec<Arg>) {
    let mut args = vec![Arg::Text(user.to_owned())];
    let mut bind = |arg: Arg| {
        args.push(arg);
        format!("${}", args.len())
    };
    let mut filters = vec!["t.user_id = $1".to_owned()];
    match query.status {
        StatusFilter::Pending => filters.push("t.status = 'pending'".into()),
        StatusFilter::Completed => filters.push("t.status = 'completed'".into()),
        StatusFilter::All => {}
    }
    if !query.priorities.is_empty() {
        let list: Vec<String> = query.priorities.iter().map(|p| p.level().to_string()).collect();
        filters.push(format!("t.priority IN ({})", list.join(", ")));
    }
    if !query.tags.is_empty() {
        let tests: Vec<String> = query
            .tags
            .iter()
            .map(|tag| {
                let p = bind(Arg::Text(format!("% {} %", escape_like(tag))));
                format!("(' ' || t.tags || ' ') LIKE {p} ESCAPE '\\'")
            })
            .collect();
        let joiner = if query.all_tags { " AND " } else { " OR " };
        filters.push(format!("({})", tests.join(joiner)));
    }
    match query.due {
        Some(DueFilter::Overdue { now, start_of_today }) => {
            let now = bind(Arg::Instant(now));
            let today = bind(Arg::Instant(start_of_today));
            filters.push(format!(
                "((t.due_at IS NOT NULL AND t.due_at < {now}) OR (t.due_at IS NULL AND t.due_key < {today}))"
            ));
        }
        Some(DueFilter::Between { from, to }) => {
            filters.push("t.due_key IS NOT NULL".into());
            if let Some(from) = from {
                filters.push(format!("t.due_key >= {}", bind(Arg::Instant(from))));
            }
            if let Some(to) = to {
                filters.push(format!("t.due_key < {}", bind(Arg::Instant(to))));
            }
        }
        Some(DueFilter::NoDate) => filters.push("t.due_key IS NULL".into()),
        None => {}
    }
    if query.recurring_only {
        filters.push("t.recurrence_rule IS NOT NULL".into());
    }
    let limit = i64::from(query.limit) + 1;
    let offset = i64::from(query.offset);

    let mut from = "tasks t".to_owned();
    let mut rank = None;
    if let Some(words) = query.words.as_ref().filter(|w| !w.is_empty()) {
        // With no filter but the user's and best match first, the page is the top matches.
        let top = (filters.len() == 1 && query.sort == Sort::Relevance).then_some(offset + limit);
        let search = B::search(words, top, &mut |text| bind(Arg::Text(text)));
        from = search.from;
        filters.extend(search.filter);
        rank = Some(search.order);
    }

    let by_due = B::ORDER_BY_DUE;
    let order = match (query.sort, rank) {
        (Sort::Relevance, Some(rank)) => rank,
        (Sort::Priority, _) => format!("t.priority, {by_due}"),
        (Sort::Created, _) => "t.created_at DESC, t.number DESC".into(),
        (Sort::Number, _) => "t.number".into(),
        (Sort::Due | Sort::Relevance, _) => by_due.into(),
    };
    let statement = format!(
        "SELECT {} FROM {from} WHERE {} ORDER BY {order} LIMIT {limit} OFFSET {offset}",
        sql::task_columns!(),
        filters.join(" AND ")
    );
    (sqlx::AssertSqlSafe(statement), args)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Splits free text into search words: runs of letters, digits and marks (any script).
/// Words keep only characters safe inside both backends' query syntax.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).map(str::to_lowercase).take(16).collect()
}

fn is_word_char(c: char) -> bool {
    // Marks (Urdu diacritics, joiners) have no std predicate: accept any non-ASCII
    // character that is not whitespace or common punctuation.
    c.is_alphanumeric()
        || (!c.is_ascii()
            && !c.is_whitespace()
            && !matches!(c, '،' | '۔' | '؟' | '“' | '”' | '‘' | '’' | '…' | '—'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::pg::PgBackend;

    #[test]
    fn search_words_split_on_punctuation_and_keep_urdu() {
        assert_eq!(search_words("Buy MILK, eggs!"), vec!["buy", "milk", "eggs"]);
        assert_eq!(search_words("دودھ خریدنا۔"), vec!["دودھ", "خریدنا"]);
        assert_eq!(search_words("it's 'quoted' \"x\" *:&|!()"), vec!["it", "s", "quoted", "x"]);
        assert!(search_words("  ,,, ").is_empty());
    }

    #[test]
    fn placeholders_are_numbered_in_bind_order() {
        let q = TaskQuery {
            tags: vec!["a_b".into(), "c".into()],
            words: Some(vec!["milk".into()]),
            limit: 20,
            ..Default::default()
        };
        let (sqlx::AssertSqlSafe(sql), args) = build::<PgBackend>("u", &q);
        assert_eq!(args.len(), 4);
        assert!(sql.contains("LIKE $2") && sql.contains("LIKE $3"), "{sql}");
        assert!(sql.contains("lower($4)"), "{sql}");
        assert!(matches!(&args[1], Arg::Text(t) if t == "% a\\_b %"));
        // A filter besides the user's: the candidates are not cut to the page.
        assert!(!sql.contains("LIMIT 21) AS m"), "{sql}");
    }
}
