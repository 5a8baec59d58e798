//! One message as the commands read it: its tokens and match keys, its date phrases, the
//! task numbers it names and the priority it sets.

use crate::agent::lang::Lang;
use crate::agent::lang::dates::Dates;
use crate::agent::lang::numbers::task_numbers_in;
use crate::agent::lang::priority::{PRIORITY, Prio, priority_at};
use crate::agent::lang::tokens::{Token, has_any};
use crate::limits::TASK_NUMBERS_READ_AT_MOST;

/// One message, tokenised, with its date phrases found.
#[derive(Clone)]
pub(super) struct Msg<'a> {
    /// The words as written.
    pub tokens: &'a [Token],
    /// The words as matched (same indices as `tokens`).
    pub keys: Vec<&'a str>,
    /// The date phrases, and which words they took.
    pub dates: Dates,
    /// The words that point at a task rather than say something ("the second one", "that",
    /// a title that names the task): commands do not read them as content.
    pub refs: Vec<bool>,
    /// Whether the message is Roman Urdu (dates read "peer" as Monday).
    pub roman: bool,
}

impl<'a> Msg<'a> {
    pub(super) fn new(lang: Lang, tokens: &'a [Token]) -> Self {
        let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
        let roman = lang == Lang::RomanUrdu;
        let dates = Dates::scan(&keys, roman);
        let refs = vec![false; keys.len()];
        Self { tokens, keys, dates, refs, roman }
    }

    /// Whether word `i` points at a task (see [`Msg::refs`]).
    pub(super) fn is_ref(&self, i: usize) -> bool {
        self.refs.get(i).copied().unwrap_or(false)
    }

    /// Whether any of `phrases` occurs.
    pub(super) fn has(&self, phrases: &[&str]) -> bool {
        has_any(&self.keys, phrases)
    }

    /// The task numbers named, in order, without repeats: not the numbers inside date phrases
    /// ("5 baje") nor a priority level ("priority 1"). Reading stops past
    /// [`TASK_NUMBERS_READ_AT_MOST`]: such a message is refused whatever the rest says.
    pub(super) fn numbers(&self) -> Vec<i64> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (i, key) in self.keys.iter().enumerate() {
            let after_priority =
                i.checked_sub(1).and_then(|p| self.keys.get(p)).is_some_and(|k| PRIORITY.contains(k));
            if self.dates.is_used(i) || after_priority {
                continue;
            }
            for n in task_numbers_in(key) {
                if seen.insert(n) {
                    out.push(n);
                }
                if out.len() > TASK_NUMBERS_READ_AT_MOST {
                    return out;
                }
            }
        }
        out
    }

    /// Whether the first word is one of `words`.
    pub(super) fn starts_with(&self, words: &[&str]) -> bool {
        self.keys.first().is_some_and(|k| words.contains(k))
    }

    /// The first priority in the words not taken by dates, and which words it took. `strict`
    /// skips the plain words ("urgent", "zaroori"): a new task's title gives them up only at its
    /// edges, so "call about urgent documents" keeps its words.
    pub(super) fn priority(&self, strict: bool) -> (Option<Prio>, Vec<bool>) {
        let context = self.has(PRIORITY);
        let mut taken = vec![false; self.keys.len()];
        let mut found = None;
        let mut i = 0;
        while let Some(rest) = self.keys.get(i..).filter(|r| !r.is_empty()) {
            let hit = if self.dates.is_used(i) { None } else { priority_at(rest, context, strict) };
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
}
