//! Tasks named without their number: by position in a list this thread showed ("the second
//! one", "doosra wala", "دوسرا والا"), by pointing ("delete that", "usay hata do"), or by
//! title ("I finished the milk", "دودھ والا کام مکمل کریں"). Positions and pointers are read
//! against the thread's recent lists ([`Context::lists`]); a title against the latest list
//! first, then against what a search of the user's own tasks found ([`Context::found`]).
//! Nothing is changed on a guess: an unresolved reference is a question.

use serde_json::json;
use shared::contract::tools;

use super::build;
use super::calls::{PlannedCall, select, update};
use super::lexicon as lx;
use super::lexicon_talk as lt;
use super::parse::Msg;
use super::reply::Say;
use crate::agent::lang::dates::Dates;
use crate::agent::lang::numbers::number;
use crate::agent::lang::tokens::{join_raw, phrase_at, tokenize};

/// One task row a list in the thread showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The task's number.
    pub number: i64,
    /// Its title.
    pub title: String,
    /// Whether it was shown completed.
    pub done: bool,
}

/// What the thread shows that a message may point at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The task lists this thread showed, newest first (each in its shown order).
    pub lists: Vec<Vec<Shown>>,
    /// What a search for a title reference found (set when the message is planned again
    /// after a [`super::Plan::Find`]).
    pub found: Option<Vec<Shown>>,
}

/// What a command does to the task a title names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Act {
    Complete,
    Delete,
    Reopen,
    Change,
}

impl Act {
    /// The status to search in: pending tasks are completed and changed, completed ones reopened.
    pub(super) fn status(self) -> &'static str {
        match self {
            Self::Complete | Self::Change => "pending",
            Self::Reopen => "completed",
            Self::Delete => "all",
        }
    }

    fn verbs(self) -> &'static [&'static str] {
        match self {
            Self::Complete => lx::COMPLETE,
            Self::Delete => lx::DELETE,
            Self::Reopen => lx::REOPEN,
            Self::Change => lx::UPDATE_WORDS,
        }
    }

    /// Whether a row can take this act (a completed task is not completed again).
    fn fits(self, row: &Shown) -> bool {
        match self {
            Self::Complete | Self::Change => !row.done,
            Self::Reopen => row.done,
            Self::Delete => true,
        }
    }
}

/// What routing a message came to.
pub(super) enum Step {
    /// Make these calls.
    Calls(Vec<PlannedCall>),
    /// Search the user's tasks for this title, then plan again.
    Find { query: String, status: &'static str },
    /// Several tasks fit: show them and ask which.
    Choose(Vec<i64>),
    /// A destructive call on a task named by title: ask first.
    Confirm(PlannedCall),
}

impl From<Vec<PlannedCall>> for Step {
    fn from(calls: Vec<PlannedCall>) -> Self {
        Self::Calls(calls)
    }
}

/// A position or pointer in the words: which row, and which words it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pointer {
    /// 1-based; 0 is the last row.
    At(usize),
    /// "that", "it": the one task just shown.
    That,
    /// "the first two", "pehle teen": the first n rows.
    First(usize),
    /// "both", "all of them", "un sab ko": every row ("both" only of a two-row list).
    All { both: bool },
}

/// Marks the words of positions and pointers as references; returns what they point at.
fn pointers(m: &mut Msg) -> Vec<Pointer> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < m.keys.len() {
        let key = m.keys.get(i).copied().unwrap_or_default();
        let next = m.keys.get(i + 1).copied().unwrap_or_default();
        let prev = i.checked_sub(1).and_then(|p| m.keys.get(p)).copied().unwrap_or_default();
        let noun_next = lt::REF_NOUNS.contains(&next);
        if ["first", "top", "pehle", "pehli", "پہلے", "پہلی"].contains(&key)
            && let Some(n) = number(next).filter(|n| (2..=10).contains(n))
        {
            let len = 2 + usize::from(m.keys.get(i + 2).is_some_and(|k| lt::REF_NOUNS.contains(k)));
            found.push(Pointer::First(n as usize));
            mark(m, i, len);
            if prev == "the" {
                mark(m, i - 1, 1);
            }
            i += len;
            continue;
        }
        if let Some((len, both)) =
            [(lt::BOTH, true), (lt::ALL_OF_THEM, false)].iter().find_map(|(set, both)| {
                set.iter().filter_map(|p| phrase_at(&m.keys, i, p)).max().map(|l| (l, *both))
            })
        {
            found.push(Pointer::All { both });
            mark(m, i, len);
            i += len;
            continue;
        }
        if let Some((_, at)) = lt::ORDINALS.iter().find(|(w, _)| *w == key)
            && (!m.dates.is_used(i) || noun_next)
            && (!lt::WEAK_ORDINALS.contains(&key) || noun_next || prev == "the")
        {
            found.push(Pointer::At(*at));
            mark(m, i, if noun_next { 2 } else { 1 });
            if prev == "the" {
                mark(m, i - 1, 1);
            }
            i += 1 + usize::from(noun_next);
            continue;
        }
        if let Some(len) = lt::PRONOUNS.iter().filter_map(|p| phrase_at(&m.keys, i, p)).max()
            && !m.dates.is_used(i)
        {
            found.push(Pointer::That);
            mark(m, i, len);
            i += len;
            continue;
        }
        i += 1;
    }
    found
}

fn mark(m: &mut Msg, from: usize, len: usize) {
    m.refs.iter_mut().skip(from).take(len).for_each(|r| *r = true);
}

/// The tasks the message's positions and pointers name, when it has any: `None` without
/// one; the question to ask when the thread has no list, or "that" could be several tasks.
pub(super) fn pointed(m: &mut Msg, ctx: &Context) -> Option<Result<Vec<i64>, Say>> {
    let found = pointers(m);
    if found.is_empty() {
        return None;
    }
    // "the 3rd one" is a row, not the 3rd of the month.
    if (0..m.keys.len()).any(|i| m.is_ref(i) && m.dates.is_used(i)) {
        let masked: Vec<&str> =
            m.keys.iter().enumerate().map(|(i, k)| if m.is_ref(i) { "\u{0}" } else { *k }).collect();
        m.dates = Dates::scan(&masked, m.roman);
    }
    let Some(latest) = ctx.lists.first() else { return Some(Err(Say::NoList)) };
    let mut nums = Vec::new();
    for p in found {
        let rows: Vec<&Shown> = match p {
            Pointer::First(n) if latest.len() >= n => latest.iter().take(n).collect(),
            Pointer::All { both } if !both || latest.len() == 2 => latest.iter().collect(),
            Pointer::First(_) => return Some(Err(Say::NotInList)),
            Pointer::All { .. } => return Some(Err(Say::WhichOne)),
            _ => Vec::new(),
        };
        if !rows.is_empty() {
            nums.extend(rows.iter().map(|r| r.number).filter(|n| !nums.contains(n)).collect::<Vec<_>>());
            continue;
        }
        let row = match p {
            Pointer::First(_) | Pointer::All { .. } => None,
            Pointer::That if latest.len() == 1 => latest.first(),
            Pointer::That => return Some(Err(Say::WhichOne)),
            Pointer::At(0) => latest.last(),
            // The newest list long enough: "the third one" after a one-task answer means
            // the list before it.
            Pointer::At(n) => ctx.lists.iter().find(|l| l.len() >= n).and_then(|l| l.get(n - 1)),
        };
        match row {
            Some(row) if !nums.contains(&row.number) => nums.push(row.number),
            Some(_) => {}
            None => return Some(Err(Say::NotInList)),
        }
    }
    // Pointers only ever point: the rest of the message says what to do.
    Some(Ok(nums))
}

/// The words that name a task by title for `act`: not the verb, filler, dates, numbers or
/// pointers. Their indices.
fn title_words(m: &Msg, act: Act, taken: &[bool]) -> Vec<usize> {
    let verb_word = |key: &str| act.verbs().iter().any(|v| v.split(' ').any(|w| w == key));
    (0..m.keys.len())
        .filter(|i| {
            let key = m.keys.get(*i).copied().unwrap_or_default();
            key.chars().any(char::is_alphanumeric)
                && !m.dates.is_used(*i)
                && !m.is_ref(*i)
                && taken.get(*i) != Some(&true)
                && !verb_word(key)
                && ![lt::REF_FILLER, lx::ACTION_FILLER, lx::IMPERATIVE, lx::MOVE, lx::TASK_NOUNS]
                    .iter()
                    .any(|set| set.contains(&key))
        })
        .collect()
}

/// Whether a command for `act` names a task by title (there are title words).
pub(super) fn names_title(m: &Msg, act: Act) -> bool {
    let taken = if act == Act::Change { m.priority(false).1 } else { vec![] };
    !title_words(m, act, &taken).is_empty()
}

/// Rows whose title holds every word of `query` (as match keys).
fn matching<'r>(rows: &'r [Shown], query: &[&str]) -> Vec<&'r Shown> {
    rows.iter()
        .filter(|row| {
            let title: String =
                tokenize(&row.title).iter().map(|t| t.key.as_str()).collect::<Vec<_>>().join(" ");
            query.iter().all(|q| title.contains(q) || stem(q).is_some_and(|s| title.contains(s)))
        })
        .collect()
}

/// Several titles joined by "and" / "aur" / "اور" / ",", each naming exactly one fitting row
/// of `rows`: their numbers (empty unless every part does).
fn each_title(m: &Msg, words: &[usize], rows: &[Shown], act: Act) -> Vec<i64> {
    let joins = |from: usize, to: usize| {
        (from + 1..to).any(|i| m.keys.get(i).is_some_and(|k| ["and", "aur", "اور", "&", "or"].contains(k)))
            || m.tokens.get(from).is_some_and(|t| t.raw.ends_with([',', '،']))
    };
    let mut parts: Vec<Vec<&str>> = Vec::new();
    let mut last: Option<usize> = None;
    for i in words {
        let key = m.keys.get(*i).copied().unwrap_or_default();
        match (last, parts.last_mut()) {
            (Some(prev), Some(part)) if !joins(prev, *i) => part.push(key),
            _ => parts.push(vec![key]),
        }
        last = Some(*i);
    }
    let mut numbers = Vec::new();
    for part in &parts {
        match matching(rows, part).into_iter().filter(|r| act.fits(r)).collect::<Vec<_>>().as_slice() {
            [one] if !numbers.contains(&one.number) => numbers.push(one.number),
            _ => return Vec::new(),
        }
    }
    numbers
}

/// "I called mom", "the electricity bill is paid": a task reported done with a plain past
/// tense, completed only when the rest names exactly one pending row of the latest list.
pub(super) fn reported_done(m: &Msg, ctx: &Context) -> Option<PlannedCall> {
    let said = m.keys.iter().position(|k| lt::DID.contains(k) || (k.len() > 5 && k.ends_with("ed")))?;
    let subject = m.keys.first().is_some_and(|k| ["i", "we", "i've", "ive", "just", "already"].contains(k))
        || said
            .checked_sub(1)
            .and_then(|p| m.keys.get(p))
            .is_some_and(|k| ["is", "was", "are", "were", "got"].contains(k));
    if !subject {
        return None;
    }
    let mut named = m.clone();
    mark(&mut named, said, 1);
    let words = title_words(&named, Act::Complete, &[]);
    let query: Vec<&str> = words.iter().filter_map(|i| m.keys.get(*i).copied()).collect();
    let latest = ctx.lists.first()?;
    match matching(latest, &query).into_iter().filter(|r| !r.done).collect::<Vec<_>>().as_slice() {
        [one] if !query.is_empty() => Some(select(tools::COMPLETE_TASK, &[one.number])),
        _ => None,
    }
}

/// An English word without its ending ("paying" → "pay", "calls" → "call"), when long enough.
fn stem(word: &str) -> Option<&str> {
    let body = ["ing", "ed", "es", "s"].iter().find_map(|end| word.strip_suffix(end))?;
    (body.len() >= 3 && word.is_ascii()).then_some(body)
}

/// A command for `act` on the task its title names: resolved in the latest list when exactly
/// one fitting row matches, else by what a search found; several fit → ask which.
pub(super) fn by_title(m: &Msg, act: Act, ctx: &Context) -> Result<Step, Say> {
    let taken = if act == Act::Change { m.priority(false).1 } else { vec![] };
    let words = title_words(m, act, &taken);
    if words.is_empty() {
        return Err(Say::WhichTask);
    }
    let query: Vec<&str> = words.iter().filter_map(|i| m.keys.get(*i).copied()).collect();
    let numbers = match &ctx.found {
        Some(found) => {
            let fits: Vec<&Shown> = found.iter().filter(|r| act.fits(r)).collect();
            let owned: Vec<Shown> = fits.iter().map(|r| (*r).clone()).collect();
            let close = matching(&owned, &query);
            let pick: Vec<i64> = match close.is_empty() {
                true => fits.iter().map(|r| r.number).collect(),
                false => close.iter().map(|r| r.number).collect(),
            };
            match pick.as_slice() {
                [] => return Err(Say::NotFound),
                [_] => pick,
                _ => return Ok(Step::Choose(pick)),
            }
        }
        None => {
            let latest = ctx.lists.first().map(Vec::as_slice).unwrap_or_default();
            let fits: Vec<&Shown> = matching(latest, &query).into_iter().filter(|r| act.fits(r)).collect();
            let several = each_title(m, &words, latest, act);
            match fits.as_slice() {
                [one] => vec![one.number],
                _ if several.len() > 1 => several,
                _ => {
                    let text = join_raw(words.iter().filter_map(|i| m.tokens.get(*i)));
                    return Ok(Step::Find { query: text, status: act.status() });
                }
            }
        }
    };
    // The title and the words around it ("the … task", "… wala kaam") are the reference.
    let mut named = m.clone();
    let around = [lt::REF_FILLER, lx::TASK_NOUNS];
    for (i, key) in m.keys.iter().enumerate() {
        if words.contains(&i) || (around.iter().any(|set| set.contains(key)) && !m.dates.is_used(i)) {
            mark(&mut named, i, 1);
        }
    }
    match act {
        Act::Complete => Ok(Step::Calls(vec![select(tools::COMPLETE_TASK, &numbers)])),
        Act::Delete => Ok(Step::Confirm(select(tools::DELETE_TASK, &numbers))),
        Act::Reopen => {
            Ok(Step::Calls(numbers.iter().map(|n| update(*n, &[("status", json!("pending"))])).collect()))
        }
        Act::Change => build::change(&named, &numbers).map(Step::Calls).ok_or(Say::Help),
    }
}
