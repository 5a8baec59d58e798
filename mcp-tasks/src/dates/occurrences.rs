//! When a stored [`Recurrence`] falls: the next due after a completion, the upcoming dates, and
//! the rule in words, evaluated through [`super::rule`].

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::rule::{After, Rule, fallback};
use super::{Due, Recurrence, due_date, due_start_utc, in_range, local_date};

/// Most occurrences [`upcoming`] returns.
const MAX_UPCOMING: usize = 1_000;

/// The next due after completing a task whose current due is `current` (None if it had no due), at time `completed_at`.
///
/// `every` rules: the first occurrence strictly after both `current` and `completed_at`, with
/// intervals counted from `current`. `every!` rules: the completion day plus one interval (months
/// clamp: Jan 31 + 1 month is Feb 28), at the rule's time; rules pinned to days ("every! monday")
/// take their first date after the completion day. `None` when UNTIL has passed. The result is
/// `At` when the rule has a time of day (same local wall-clock time across DST), `Day` otherwise.
#[must_use]
pub fn next_occurrence(
    rule: &Recurrence,
    current: Option<Due>,
    completed_at: DateTime<Utc>,
    tz: Tz,
) -> Option<Due> {
    let Some(parsed) = Rule::parse(&rule.rrule) else {
        let after = current.map_or(completed_at, |due| due_start_utc(due, tz).max(completed_at));
        return fallback(rule, current, after, tz, 1).into_iter().next();
    };
    let done = local_date(completed_at, tz);
    if rule.from_completion {
        if parsed.pinned() {
            return parsed.first_after(done, &[After::Day(done)], tz);
        }
        let due = parsed.due_on(in_range(parsed.step(done)?).ok()?, tz);
        return parsed.within_until(due, tz).then_some(due);
    }
    let anchor = current.map_or(done, |due| due_date(due, tz));
    let mut after = vec![After::Instant(completed_at)];
    after.extend(current.map(After::from));
    parsed.first_after(anchor, &after, tz)
}

/// The next `n` occurrences after `from` (for listing recurring tasks), at most 1000.
///
/// `every` rules list the schedule from `current` on (intervals counted from it); `every!` rules
/// list the dates the task would get if completed at `from` and then on each due day.
#[must_use]
pub fn upcoming(rule: &Recurrence, current: Option<Due>, from: DateTime<Utc>, tz: Tz, n: usize) -> Vec<Due> {
    let n = n.min(MAX_UPCOMING);
    let Some(parsed) = Rule::parse(&rule.rrule) else {
        return fallback(rule, current, from, tz, n);
    };
    let mut out = Vec::new();
    let mut completed = from;
    let mut after = After::Instant(from);
    let anchor = current.map_or_else(|| local_date(from, tz), |due| due_date(due, tz));
    while out.len() < n {
        let next = if rule.from_completion {
            next_occurrence(rule, None, completed, tz)
        } else {
            parsed.first_after(anchor, &[after], tz)
        };
        let Some(next) = next else { break };
        out.push(next);
        completed = due_start_utc(next, tz);
        after = After::from(next);
    }
    out
}

/// The rule in words, e.g. "every Monday at 09:00", "every 3 days", "every month on day 15", "every last day of the month", "every weekday", "every 2 weeks on Monday", "every January 27", with " (from completion)" and " until 2026-12-31" suffixes.
///
/// The until date is the UTC instant shifted back ten hours, which is the local end date in
/// every zone from UTC−10 to UTC+13:45 (the zone is not stored in the rule).
#[must_use]
pub fn describe(rule: &Recurrence) -> String {
    let Some(parsed) = Rule::parse(&rule.rrule) else {
        return format!("custom schedule ({})", rule.rrule.trim());
    };
    parsed.describe(rule.from_completion)
}
