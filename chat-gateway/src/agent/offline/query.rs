//! The arguments of the commands that read tasks: list filters, search, recurring tasks and
//! the analytics summary.

use serde_json::{Map, Value, json};
use shared::contract::tools;

use super::calls::{PlannedCall, call};
use super::lexicon as lx;
use super::parse::Msg;
use super::reply::Say;
use crate::agent::lang::numbers::task_number;
use crate::agent::lang::tokens::join_raw;

/// `list_tasks` with the filters the message names.
pub(super) fn list(m: &Msg) -> PlannedCall {
    call(tools::LIST_TASKS, filters(m))
}

fn filters(m: &Msg) -> Map<String, Value> {
    let mut f = Map::new();
    let status = if m.has(lx::STATUS_DONE) {
        Some("completed")
    } else if m.has(lx::STATUS_ALL) {
        Some("all")
    } else if m.has(lx::STATUS_PENDING) {
        Some("pending")
    } else {
        None
    };
    if let Some(status) = status {
        f.insert("status".into(), json!(status));
    }
    let due = if m.has(lx::OVERDUE) {
        Some("overdue")
    } else if m.has(lx::NO_DATE) {
        Some("no_date")
    } else {
        m.dates.window()
    };
    if let Some(due) = due {
        f.insert("due".into(), json!(due));
    }
    let sort = lx::SORTS.iter().find(|(phrase, _)| m.has(&[phrase])).map(|(_, sort)| *sort);
    if sort != Some("priority")
        && let (Some(p), _) = m.priority(false)
    {
        f.insert("priority".into(), p.filter());
    }
    let tags = list_tags(m);
    if !tags.is_empty() {
        f.insert("tags".into(), json!(tags));
    }
    if m.has(lx::RECURRING) {
        f.insert("recurring".into(), json!(true));
    }
    if let Some(sort) = sort {
        f.insert("sort".into(), json!(sort));
    }
    f
}

/// Tags to list by: "#work", "tagged work", "with tag work", "work tag wale", "ٹیگ دفتر والے".
fn list_tags(m: &Msg) -> Vec<String> {
    let usable = |i: usize| {
        m.keys.get(i).filter(|k| {
            k.chars().any(char::is_alphanumeric)
                && ![lx::NOT_A_TAG, lx::LIST, lx::TASK_NOUNS, lx::TAGGED].iter().any(|set| set.contains(k))
        })
    };
    let mut tags: Vec<String> = Vec::new();
    for (i, key) in m.keys.iter().enumerate() {
        let found = if key.starts_with('#') {
            Some(key)
        } else if lx::TAGGED.contains(key) {
            usable(i + 1).or_else(|| i.checked_sub(1).and_then(usable))
        } else {
            None
        };
        if let Some(tag) = found.map(|t| t.trim_start_matches('#')).filter(|t| !t.is_empty())
            && !tags.iter().any(|t| t == tag)
        {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// `search_tasks`; a search with nothing but a due window ("find tasks due today") lists.
pub(super) fn search(m: &Msg) -> Result<Vec<PlannedCall>, Say> {
    let mut completed = false;
    let mut words = Vec::new();
    for (i, key) in m.keys.iter().enumerate() {
        if lx::STATUS_DONE.contains(key) {
            completed = true;
        } else if key.chars().any(char::is_alphanumeric) && !lx::SEARCH_FILLER.contains(key) {
            words.push(i);
        }
    }
    let only_dates = words.iter().all(|i| m.dates.is_used(*i) || m.keys.get(*i) == Some(&"due"));
    if only_dates && !m.dates.is_empty() {
        return Ok(vec![list(m)]);
    }
    let query = join_raw(words.iter().filter_map(|i| m.tokens.get(*i)));
    if query.is_empty() {
        return Err(Say::WhatSearch);
    }
    let mut args = Map::new();
    args.insert("query".into(), json!(query));
    if completed {
        args.insert("status".into(), json!("completed"));
    }
    Ok(vec![call(tools::SEARCH_TASKS, args)])
}

/// `get_recurring_tasks`, or `list_tasks` with `recurring: true` when other filters are named.
pub(super) fn recurring(m: &Msg) -> PlannedCall {
    let mut f = filters(m);
    f.remove("recurring");
    if f.is_empty() {
        return call(tools::GET_RECURRING_TASKS, Map::new());
    }
    f.insert("recurring".into(), json!(true));
    call(tools::LIST_TASKS, f)
}

/// `analytics_summary`, over "the last N days", a week (7), a month (30) or today (1).
pub(super) fn summary(m: &Msg) -> PlannedCall {
    let counted = m.keys.windows(2).find_map(|pair| match pair {
        [n, unit] if lx::DAYS.contains(unit) => task_number(n),
        _ => None,
    });
    let days = counted.or_else(|| {
        if m.has(lx::WEEKS) {
            Some(7)
        } else if m.has(lx::MONTHS_WORDS) {
            Some(30)
        } else {
            m.has(&["today", "aaj", "آج"]).then_some(1)
        }
    });
    let mut args = Map::new();
    if let Some(days) = days {
        args.insert("days".into(), json!(days));
    }
    call(tools::ANALYTICS_SUMMARY, args)
}
