//! Filters shared by `list_tasks` and `search_tasks`, and how they become a store query.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::Deserialize;

use super::input::{self, OneOrMany, PriorityInput};
use super::{Caller, ToolError};
use crate::dates;
use crate::store::{DueFilter, Priority, Sort, StatusFilter, TaskQuery};

/// Filters shared by `list_tasks` and `search_tasks`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct Filters {
    /// `pending` (default for list), `completed` or `all` (default for search).
    pub status: Option<StatusInput>,
    /// Only these priorities: "p1", or a list like ["p1", "p2"].
    pub priority: Option<OneOrMany<PriorityInput>>,
    /// Only tasks with these tags.
    pub tags: Option<Vec<String>>,
    /// `any` (default): at least one of `tags`; `all`: every one of them.
    pub tag_match: Option<TagMatch>,
    /// A due window: overdue, today, tomorrow, this_week, next_week, no_date.
    pub due: Option<DueWindow>,
    /// Only tasks due before this date or time ("friday", "2026-12-01").
    pub due_before: Option<String>,
    /// Only tasks due on or after this date or time.
    pub due_after: Option<String>,
    /// Only recurring tasks.
    pub recurring: Option<bool>,
    /// Order: due (default for list), priority, created (newest first), number, relevance (default for search).
    pub sort: Option<SortInput>,
    /// Page size, 1-100 (default 20).
    pub limit: Option<i64>,
    /// `next_cursor` from the previous page.
    pub cursor: Option<String>,
}

/// Status filter.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusInput {
    /// Not done.
    Pending,
    /// Done.
    Completed,
    /// Both.
    All,
}

/// How `tags` combine.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TagMatch {
    /// At least one tag.
    Any,
    /// Every tag.
    All,
}

/// A named due window in the user's zone.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DueWindow {
    /// Past due.
    Overdue,
    /// Due today.
    Today,
    /// Due tomorrow.
    Tomorrow,
    /// Due from today to the end of Sunday.
    ThisWeek,
    /// Due next Monday to Sunday.
    NextWeek,
    /// No due date.
    NoDate,
}

/// Sort order.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortInput {
    /// Soonest due first.
    Due,
    /// Most urgent first.
    Priority,
    /// Newest first.
    Created,
    /// By number.
    Number,
    /// Best match first (search).
    Relevance,
}

impl Filters {
    /// The store query for these filters; `words` set means a search.
    pub fn query(
        self,
        words: Option<Vec<String>>,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<TaskQuery, ToolError> {
        let searching = words.is_some();
        let status = match self.status {
            Some(StatusInput::Pending) => StatusFilter::Pending,
            Some(StatusInput::Completed) => StatusFilter::Completed,
            Some(StatusInput::All) => StatusFilter::All,
            None if searching => StatusFilter::All,
            None => StatusFilter::Pending,
        };
        let priorities = self
            .priority
            .map(|p| p.to_vec().iter().map(PriorityInput::parse).collect::<Result<Vec<Priority>, _>>())
            .transpose()?
            .unwrap_or_default();
        let sort = match self.sort {
            Some(SortInput::Due) => Sort::Due,
            Some(SortInput::Priority) => Sort::Priority,
            Some(SortInput::Created) => Sort::Created,
            Some(SortInput::Number) => Sort::Number,
            Some(SortInput::Relevance) => Sort::Relevance,
            None if searching => Sort::Relevance,
            None => Sort::Due,
        };
        let limit = input::limit(self.limit)?;
        let offset = input::cursor(self.cursor.as_deref())?;
        Ok(TaskQuery {
            status,
            priorities,
            tags: input::tags(self.tags.as_deref().unwrap_or_default())?,
            all_tags: matches!(self.tag_match, Some(TagMatch::All)),
            due: due_filter(self.due, self.due_before.as_deref(), self.due_after.as_deref(), caller, now)?,
            recurring_only: self.recurring.unwrap_or(false),
            words,
            sort,
            offset,
            limit,
        })
    }
}

/// The store's due filter for a named window and/or before/after phrases.
fn due_filter(
    window: Option<DueWindow>,
    before: Option<&str>,
    after: Option<&str>,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Option<DueFilter>, ToolError> {
    let tz = caller.tz;
    let start_of = |day: chrono::NaiveDate| dates::due_start_utc(dates::Due::Day(day), tz);
    let today = now.with_timezone(&tz).date_naive();
    let days = |n: i64| today + Duration::days(n);
    let until_monday = 7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday());
    let named = match window {
        None => None,
        Some(DueWindow::Overdue) => Some(DueFilter::Overdue { now, start_of_today: start_of(today) }),
        Some(DueWindow::NoDate) => Some(DueFilter::NoDate),
        Some(w) => {
            let (from, to) = match w {
                DueWindow::Today => (today, days(1)),
                DueWindow::Tomorrow => (days(1), days(2)),
                DueWindow::ThisWeek => (today, days(until_monday)),
                _ => (days(until_monday), days(until_monday + 7)),
            };
            Some(DueFilter::Between { from: Some(start_of(from)), to: Some(start_of(to)) })
        }
    };
    let bound = |phrase: Option<&str>| -> Result<Option<DateTime<Utc>>, ToolError> {
        match phrase.map(str::trim).filter(|p| !p.is_empty()) {
            None => Ok(None),
            Some(p) => match dates::parse_due(p, now, tz)? {
                Some(d) => Ok(Some(dates::due_start_utc(d, tz))),
                None => {
                    Err(ToolError::Invalid("`due_before`/`due_after` need a date, not 'no date'.".into()))
                }
            },
        }
    };
    let (before, after) = (bound(before)?, bound(after)?);
    match (named, before, after) {
        (named, None, None) => Ok(named),
        (None, to, from) => Ok(Some(DueFilter::Between { from, to })),
        (Some(_), _, _) => {
            Err(ToolError::Invalid("Use either `due` or `due_before`/`due_after`, not both.".into()))
        }
    }
}
