//! Priority markers in English, Roman Urdu and Urdu: "!!!", "p1", "priority 2", "high
//! priority", "urgent", "bohat zaroori", "فوری", read as a level from 1 (urgent) to 4 (low).

use serde_json::{Value, json};

use super::tokens::phrase_at;

/// A priority named in a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prio {
    /// 1 (urgent) to 4 (low).
    pub(crate) level: u8,
    /// "important"/"high": as a list filter it means this level or higher.
    pub(crate) loose: bool,
}

impl Prio {
    /// "p1" … "p4".
    pub(crate) fn label(self) -> String {
        format!("p{}", self.level)
    }

    /// The `priority` filter of `list_tasks`: `"p1"`, or `["p1", "p2"]` for a loose "important".
    pub(crate) fn filter(self) -> Value {
        if self.loose && self.level > 1 {
            json!((1..=self.level).map(|l| format!("p{l}")).collect::<Vec<_>>())
        } else {
            json!(self.label())
        }
    }
}

/// A priority marker at the start of `k`: "!!!", "p1", "priority 2", "high priority",
/// "urgent", "bohat zaroori"; a bare "high"/"low" only when `context` (the message says
/// "priority" somewhere).
pub(crate) fn priority_at(k: &[&str], context: bool, strict: bool) -> Option<(usize, Prio)> {
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
        PRIORITY_LEVELS
            .iter()
            .find(|(word, ..)| *word == w)
            .map(|(_, l, loose)| Prio { level: *l, loose: *loose })
    };
    if PRIORITY.contains(&first) {
        let level = p_label(second).or_else(|| second.parse().ok().filter(|l| (1..=4).contains(l)));
        if let Some(p) = level.map(exact).or_else(|| level_word(second)) {
            return Some((2, p));
        }
    }
    if PRIORITY.contains(&second)
        && let Some(p) = level_word(first)
    {
        return Some((2, p));
    }
    if !strict {
        let word = PRIORITY_WORDS.iter().find_map(|(w, level, loose)| {
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

/// Priority words that stand alone: (phrase, level, loose). A loose word means "this level or
/// higher" when it filters a list ("important tasks" → p1 and p2).
const PRIORITY_WORDS: &[(&str, u8, bool)] = &[
    ("very important", 1, false),
    ("bohat zaroori", 1, false),
    ("bahut zaroori", 1, false),
    ("bohot zaroori", 1, false),
    ("بہت ضروری", 1, false),
    ("بہت اہم", 1, false),
    ("top priority", 1, false),
    ("highest priority", 1, false),
    ("urgent", 1, false),
    ("urgently", 1, false),
    ("asap", 1, false),
    ("fori", 1, false),
    ("foran", 1, false),
    ("فوری", 1, false),
    ("فورا", 1, false),
    ("important", 2, true),
    ("zaroori", 2, true),
    ("zaruri", 2, true),
    ("zarori", 2, true),
    ("aham", 2, true),
    ("ahem", 2, true),
    ("اہم", 2, true),
    ("ضروری", 2, true),
];
/// Level words that count only next to the word "priority": (word, level, loose).
const PRIORITY_LEVELS: &[(&str, u8, bool)] = &[
    ("urgent", 1, false),
    ("top", 1, false),
    ("highest", 1, false),
    ("high", 2, true),
    ("medium", 3, false),
    ("normal", 3, false),
    ("low", 4, false),
    ("lowest", 4, false),
    ("زیادہ", 2, true),
    ("اعلی", 2, true),
    ("درمیانی", 3, false),
    ("کم", 4, false),
];
/// The word "priority".
pub(crate) const PRIORITY: &[&str] = &["priority", "prio", "tarjeeh", "tarjih", "ترجیح"];
