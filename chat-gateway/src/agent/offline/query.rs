//! The arguments of the commands that read tasks: list filters, search, recurring tasks and
//! the analytics summary; and priority markers, which both reading and writing use.

use serde_json::{Map, Value, json};
use shared::contract::tools;

use super::PlannedCall;
use super::build::call;
use super::lexicon as lx;
use super::parse::Msg;
use super::reply::Say;
use super::text::{self, join_raw, phrase_at};

/// A priority named in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Prio {
    /// 1 (urgent) to 4 (low).
    pub level: u8,
    /// "important"/"high": as a list filter it means this level or higher.
    pub loose: bool,
}

impl Prio {
    /// "p1" … "p4".
    pub(super) fn label(self) -> String {
        format!("p{}", self.level)
    }

    /// The `priority` filter of `list_tasks`: `"p1"`, or `["p1", "p2"]` for a loose "important".
    fn filter(self) -> Value {
        if self.loose && self.level > 1 {
            json!((1..=self.level).map(|l| format!("p{l}")).collect::<Vec<_>>())
        } else {
            json!(self.label())
        }
    }
}

/// The first priority in the words not taken by dates, and which words it took. `strict`
/// skips the plain words ("urgent", "zaroori"): a new task's title gives them up only at its
/// edges, so "call about urgent documents" keeps its words.
pub(super) fn priority(m: &Msg, strict: bool) -> (Option<Prio>, Vec<bool>) {
    let context = m.has(lx::PRIORITY);
    let mut taken = vec![false; m.keys.len()];
    let mut found = None;
    let mut i = 0;
    while let Some(rest) = m.keys.get(i..).filter(|r| !r.is_empty()) {
        let hit = if m.dates.is_used(i) { None } else { priority_at(rest, context, strict) };
        match hit {
            Some((len, p)) => {
                taken.iter_mut().skip(i).take(len).for_each(|t| *t = true);
                found.get_or_insert(p);
                i += len;
            }
            None => i += 1,
        }
    }
    (found, taken)
}

/// A priority marker at the start of `k`: "!!!", "p1", "priority 2", "high priority",
/// "urgent", "bohat zaroori"; a bare "high"/"low" only when `context` (the message says
/// "priority" somewhere).
pub(super) fn priority_at(k: &[&str], context: bool, strict: bool) -> Option<(usize, Prio)> {
    let exact = |level| Prio { level, loose: false };
    let first = *k.first()?;
    let second = k.get(1).copied().unwrap_or_default();
    if first.len() >= 2 && first.bytes().all(|b| b == b'!') {
        return Some((1, exact(if first.len() >= 3 { 1 } else { 2 })));
    }
    if let Some(level) = p_label(first) {
        return Some((1, exact(level)));
    }
    let level_word = |w: &str| {
        lx::PRIORITY_LEVELS
            .iter()
            .find(|(word, ..)| *word == w)
            .map(|(_, l, loose)| Prio { level: *l, loose: *loose })
    };
    if lx::PRIORITY.contains(&first) {
        let level = p_label(second).or_else(|| second.parse().ok().filter(|l| (1..=4).contains(l)));
        if let Some(p) = level.map(exact).or_else(|| level_word(second)) {
            return Some((2, p));
        }
    }
    if lx::PRIORITY.contains(&second)
        && let Some(p) = level_word(first)
    {
        return Some((2, p));
    }
    if !strict {
        let word = lx::PRIORITY_WORDS.iter().find_map(|(w, level, loose)| {
            phrase_at(k, 0, w).map(|len| (len, Prio { level: *level, loose: *loose }))
        });
        if word.is_some() {
            return word;
        }
        if context {
            return level_word(first).map(|p| (1, p));
        }
    }
    None
}

fn p_label(word: &str) -> Option<u8> {
    match word {
        "p1" => Some(1),
        "p2" => Some(2),
        "p3" => Some(3),
        "p4" => Some(4),
        _ => None,
    }
}

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
        && let (Some(p), _) = priority(m, false)
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
        [n, unit] if lx::DAYS.contains(unit) => text::task_number(n),
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
