//! `analytics_summary`: counts and trends for the caller, computed from the store's raw
//! figures in the caller's time zone.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rmcp::handler::server::tool::schema_for_output;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Caller, Reply, TaskServer, ToolError, now};
use crate::dates::{self, Due};
use crate::store::AnalyticsData;

/// Ask for a summary.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct AnalyticsArgs {
    /// How many days of completion history to include, 1-90 (default 7).
    pub days: Option<i64>,
}

/// Counts and trends.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AnalyticsOutput {
    /// Pending tasks.
    pub pending: usize,
    /// Tasks completed for good (all time).
    pub completed: i64,
    /// Pending tasks past due.
    pub overdue: usize,
    /// Pending tasks due today.
    pub due_today: usize,
    /// Pending tasks due from today to Sunday.
    pub due_this_week: usize,
    /// Pending tasks per priority (p1…p4).
    pub by_priority: BTreeMap<String, usize>,
    /// Pending tasks per tag.
    pub by_tag: BTreeMap<String, usize>,
    /// Completions per local day for the last `days` days, oldest first (recurring completions included).
    pub completed_per_day: Vec<DayCount>,
    /// Completions in the window divided by (completions in the window + pending), 0-1.
    pub completion_rate: f64,
    /// Consecutive days up to today (or yesterday) with at least one completion.
    pub streak_days: usize,
}

/// Completions on one day.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DayCount {
    /// Local date, YYYY-MM-DD.
    pub date: String,
    /// Completions that day.
    pub completed: usize,
}

#[tool_router(router = analytics_router, vis = "pub(crate)")]
impl TaskServer {
    /// Counts and trends: pending, completed, overdue, due today/this week, by priority and tag,
    /// completions per day, completion rate and current streak.
    #[tool(
        annotations(title = "Task summary", read_only_hint = true, open_world_hint = false),
        output_schema = schema_for_output::<AnalyticsOutput>()
    )]
    pub(super) async fn analytics_summary(
        &self,
        Parameters(args): Parameters<AnalyticsArgs>,
        caller: Caller,
    ) -> Result<Reply<AnalyticsOutput>, ToolError> {
        let days = match args.days {
            None => 7,
            Some(n) if (1..=90).contains(&n) => n,
            Some(n) => return Err(ToolError::Invalid(format!("`days` must be 1-90; {n} was given."))),
        };
        let now = now();
        let today = now.with_timezone(&caller.tz).date_naive();
        // Streaks may reach back further than the window; look back a year for them.
        let since = dates::due_start_utc(Due::Day(today - Duration::days(365)), caller.tz);
        let data = self.store().analytics(&caller.user, since).await?;
        let out = summarise(&data, caller.tz, now, days);
        let text = format!(
            "{} pending ({} overdue, {} due today, {} this week), {} completed. Last {days} days: {} completions; \
             streak {} day(s).",
            out.pending,
            out.overdue,
            out.due_today,
            out.due_this_week,
            out.completed,
            out.completed_per_day.iter().map(|d| d.completed).sum::<usize>(),
            out.streak_days
        );
        Ok(Reply { data: out, text })
    }
}

fn summarise(data: &AnalyticsData, tz: Tz, now: DateTime<Utc>, days: i64) -> AnalyticsOutput {
    let today = now.with_timezone(&tz).date_naive();
    let sunday = today + Duration::days(6 - i64::from(today.weekday().num_days_from_monday()));
    let local_day = |due: Due| match due {
        Due::At(at) => at.with_timezone(&tz).date_naive(),
        Due::Day(d) => d,
    };
    let overdue = |due: Due| match due {
        Due::At(at) => at < now,
        Due::Day(d) => d < today,
    };
    let mut by_priority: BTreeMap<String, usize> = (1..=4).map(|p| (format!("p{p}"), 0)).collect();
    let mut by_tag = BTreeMap::new();
    let (mut overdue_n, mut today_n, mut week_n) = (0, 0, 0);
    for p in &data.pending {
        *by_priority.entry(p.priority.label()).or_default() += 1;
        for tag in &p.tags {
            *by_tag.entry(tag.clone()).or_default() += 1;
        }
        if let Some(due) = p.due {
            let day = local_day(due);
            overdue_n += usize::from(overdue(due));
            today_n += usize::from(day == today);
            week_n += usize::from(day >= today && day <= sunday);
        }
    }
    let mut per_day: BTreeMap<NaiveDate, usize> = BTreeMap::new();
    for c in &data.completions {
        *per_day.entry(c.with_timezone(&tz).date_naive()).or_default() += 1;
    }
    let first = today - Duration::days(days - 1);
    let completed_per_day: Vec<DayCount> = (0..days)
        .map(|i| first + Duration::days(i))
        .map(|d| DayCount {
            date: d.format("%Y-%m-%d").to_string(),
            completed: per_day.get(&d).copied().unwrap_or(0),
        })
        .collect();
    let in_window: usize = completed_per_day.iter().map(|d| d.completed).sum();
    let denominator = in_window + data.pending.len();
    let completion_rate = if denominator == 0 { 0.0 } else { in_window as f64 / denominator as f64 };
    let mut day = if per_day.contains_key(&today) { today } else { today - Duration::days(1) };
    let mut streak_days = 0;
    while per_day.contains_key(&day) {
        streak_days += 1;
        day -= Duration::days(1);
    }
    AnalyticsOutput {
        pending: data.pending.len(),
        completed: data.completed_total,
        overdue: overdue_n,
        due_today: today_n,
        due_this_week: week_n,
        by_priority,
        by_tag,
        completed_per_day,
        completion_rate: (completion_rate * 1000.0).round() / 1000.0,
        streak_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{PendingFacts, Priority};

    #[test]
    fn streaks_count_back_from_today_or_yesterday() {
        let now: DateTime<Utc> = "2026-11-22T10:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let data = AnalyticsData {
            pending: vec![PendingFacts {
                priority: Priority::new(1).unwrap(),
                tags: vec!["work".into()],
                due: Some(Due::At(at("2026-11-21T09:00:00Z"))),
            }],
            completed_total: 3,
            completions: vec![
                at("2026-11-19T10:00:00Z"),
                at("2026-11-20T10:00:00Z"),
                at("2026-11-21T10:00:00Z"),
            ],
        };
        let out = summarise(&data, chrono_tz::UTC, now, 7);
        assert_eq!(out.streak_days, 3);
        assert_eq!(out.overdue, 1);
        assert_eq!(out.by_priority["p1"], 1);
        assert_eq!(out.by_tag["work"], 1);
        assert_eq!(out.completed_per_day.len(), 7);
        assert_eq!(out.completion_rate, 0.75);
    }
}
