//! The arguments of each command that acts on tasks: a new task's title, due date, priority
//! and tags; reminders; renames; tag edits; changes to dates and priorities.

use serde_json::{Map, json};
use shared::contract::tools;

use super::calls::{PlannedCall, call, each, selector, update};
use super::lexicon as lx;
use super::parse::Msg;
use super::reply::Say;
use crate::agent::lang::numbers::task_numbers_in;
use crate::agent::lang::priority::priority_at;
use crate::agent::lang::tokens::{join_raw, prefix_len, suffix_len};

/// A `#tag` as its name, lower case ("#4" is a task number, not a tag).
fn hashtag(key: &str) -> Option<String> {
    let name = key.strip_prefix('#')?;
    (!name.is_empty() && !name.bytes().all(|b| b.is_ascii_digit())).then(|| name.to_owned())
}

/// `add_task`: the title is what is left once the command words, the date phrase, the
/// priority markers and the #tags are taken out.
pub(super) fn add(m: &Msg) -> Result<Vec<PlannedCall>, Say> {
    let (mut prio, taken) = m.priority(true);
    let mut tags: Vec<String> = Vec::new();
    let mut keep: Vec<usize> = Vec::new();
    for (i, key) in m.keys.iter().enumerate() {
        if m.dates.is_used(i) || taken.get(i) == Some(&true) {
            continue;
        }
        match hashtag(key) {
            Some(tag) if !tags.contains(&tag) => tags.push(tag),
            Some(_) => {}
            None => keep.push(i),
        }
    }
    loop {
        let keys: Vec<&str> = keep.iter().filter_map(|i| m.keys.get(*i).copied()).collect();
        let edge_priority = |from: usize| priority_at(keys.get(from..)?, false, false);
        let at_end =
            |len: usize| keys.len().checked_sub(len).and_then(edge_priority).filter(|(l, _)| *l == len);
        if let Some(len) = prefix_len(&keys, lx::ADD_PREFIXES) {
            keep.drain(..len);
        } else if let Some(len) = suffix_len(&keys, lx::ADD_SUFFIXES) {
            keep.truncate(keep.len() - len);
        } else if let Some((len, p)) = edge_priority(0) {
            prio.get_or_insert(p);
            keep.drain(..len);
        } else if let Some((len, p)) = at_end(1).or_else(|| at_end(2)) {
            prio.get_or_insert(p);
            keep.truncate(keep.len() - len);
        } else if keys.first().is_some_and(|k| is_edge_filler(k)) {
            keep.remove(0);
        } else if keys.last().is_some_and(|k| is_edge_filler(k)) {
            keep.pop();
        } else {
            break;
        }
    }
    let title = join_raw(keep.iter().filter_map(|i| m.tokens.get(*i)));
    if title.is_empty() {
        return Err(Say::WhatTitle);
    }
    let mut args = Map::new();
    args.insert("title".into(), json!(title));
    if let Some(due) = m.dates.due() {
        args.insert("due".into(), json!(due));
    }
    if let Some(recurrence) = m.dates.recurrence() {
        args.insert("recurrence".into(), json!(recurrence));
    }
    if let Some(p) = prio {
        args.insert("priority".into(), json!(p.label()));
    }
    if !tags.is_empty() {
        args.insert("tags".into(), json!(tags));
    }
    Ok(vec![call(tools::ADD_TASK, args)])
}

fn is_edge_filler(key: &str) -> bool {
    !key.chars().any(char::is_alphanumeric) || lx::TITLE_EDGE_FILLER.contains(&key)
}

/// Whether a word says something beyond the command: not a date, number or filler.
fn is_content(m: &Msg, i: usize, filler: &[&str], taken: &[bool]) -> bool {
    let Some(key) = m.keys.get(i) else { return false };
    !m.dates.is_used(i)
        && !m.is_ref(i)
        && taken.get(i) != Some(&true)
        && task_numbers_in(key).is_empty()
        && key.chars().any(char::is_alphanumeric)
        && !filler.contains(key)
}

/// Whether every word besides task numbers and dates is `verbs` or command filler, so a
/// message that only mentions a number ("I finished reading 3 books") changes nothing.
pub(super) fn only_command(m: &Msg, verbs: &[&str]) -> bool {
    let verb_word = |key: &str| verbs.iter().any(|v| v.split(' ').any(|w| w == key));
    (0..m.keys.len())
        .all(|i| !is_content(m, i, lx::ACTION_FILLER, &[]) || m.keys.get(i).is_some_and(|k| verb_word(k)))
}

/// A reminder for existing tasks ("remind me about 3 tomorrow at 9am"), or, when the message
/// describes something new ("remind me to call mom friday"), a new task due then. (A
/// `reminder` is not set on the new task: a day-only phrase such as "today" would resolve to
/// 09:00, which may have passed, and the server would refuse the whole task.)
pub(super) fn remind(m: &Msg, nums: &[i64]) -> Result<Vec<PlannedCall>, Say> {
    let describes_new = (0..m.keys.len()).any(|i| is_content(m, i, lx::REMIND_FILLER, &[]));
    if nums.is_empty() || describes_new {
        return add(m);
    }
    let at = m.dates.when().ok_or(Say::WhenRemind)?;
    Ok(each(nums, |n| {
        let mut args = Map::new();
        args.insert("task".into(), json!(n));
        args.insert("at".into(), json!(at));
        call(tools::SCHEDULE_REMINDER, args)
    }))
}

/// `update_task` with a new title: "rename 3 to X", "3 ka naam X rakho", "کام 3 کا نام X رکھیں".
pub(super) fn rename(m: &Msg, nums: &[i64]) -> Result<Vec<PlannedCall>, Say> {
    let n = *nums.first().ok_or(Say::WhichTask)?;
    let keys = &m.keys;
    let range = match keys.iter().position(|k| matches!(*k, "naam" | "نام")) {
        Some(at) => {
            let rest = keys.get(at + 1..).unwrap_or_default();
            let start = at + 1 + prefix_len(rest, lx::RENAME_LEAD).unwrap_or(0);
            let body = keys.get(start..).unwrap_or_default();
            start..keys.len() - suffix_len(body, lx::RENAME_TAIL).unwrap_or(0)
        }
        None => {
            let number_at = keys.iter().position(|k| !task_numbers_in(k).is_empty()).unwrap_or(0);
            let after = number_at + 1;
            let to = keys.iter().skip(after).position(|k| lx::RENAME_TO.contains(k));
            to.map_or(after, |p| after + p + 1)..keys.len()
        }
    };
    let title = join_raw(m.tokens.get(range).unwrap_or_default());
    if title.is_empty() {
        return Err(Say::NewTitle);
    }
    Ok(vec![update(n, &[("title", json!(title))])])
}

/// `add_tags`: "tag 3 with work", "add tag home to 5", "remove tag work from 3".
pub(super) fn tags(m: &Msg, nums: &[i64]) -> Result<Vec<PlannedCall>, Say> {
    let mut tags: Vec<String> = Vec::new();
    for (i, key) in m.keys.iter().enumerate() {
        if is_content(m, i, lx::TAG_FILLER, &[]) {
            let tag = key.trim_start_matches('#').to_owned();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    if tags.is_empty() {
        return Err(Say::WhichTags);
    }
    let mut args = selector(nums);
    args.insert("tags".into(), json!(tags));
    if m.has(lx::TAG_REMOVE) {
        args.insert("remove".into(), json!(true));
    }
    Ok(vec![call(tools::ADD_TAGS, args)])
}

/// A change to existing tasks named only by number, date and priority: "move 3 to friday",
/// "3 ko kal tak karo", "make 3 urgent". `None` when anything else is said ("call 3 people
/// tomorrow" is not about task 3), so no task is changed on a guess.
pub(super) fn change(m: &Msg, nums: &[i64]) -> Option<Vec<PlannedCall>> {
    let (prio, taken) = m.priority(false);
    let (due, recurrence) = (m.dates.due(), m.dates.recurrence());
    if prio.is_none() && due.is_none() && recurrence.is_none() {
        return None;
    }
    if (0..m.keys.len()).any(|i| is_content(m, i, lx::UPDATE_WORDS, &taken)) {
        return None;
    }
    if due.is_none() && recurrence.is_none() {
        let mut args = selector(nums);
        args.insert("priority".into(), json!(prio?.label()));
        return Some(vec![call(tools::SET_PRIORITY, args)]);
    }
    let mut fields = Vec::new();
    fields.extend(due.map(|d| ("due", json!(d))));
    fields.extend(recurrence.map(|r| ("recurrence", json!(r))));
    fields.extend(prio.map(|p| ("priority", json!(p.label()))));
    Some(each(nums, |n| update(n, &fields)))
}
