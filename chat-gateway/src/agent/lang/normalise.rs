//! Tool arguments written by someone else (the language model): Urdu and Roman Urdu date
//! phrases and priority words rewritten in the server's English, as the offline parser does
//! for its own calls.

use serde_json::{Map, Value};

use super::Lang;
use super::dates::Dates;
use super::detect::detect_lang;
use super::priority::priority_at;
use super::tokens::tokenize;

/// The arguments that hold date phrases.
const DATE_ARGUMENTS: [&str; 4] = ["due", "recurrence", "at", "reminder"];

/// Rewrites Urdu and Roman Urdu date phrases in a tool call's `due`, `recurrence`, `at` and
/// `reminder` (also inside each item of `tasks`) in the server's English grammar
/// ("kal shaam 5 baje" → "tomorrow 5pm", "ہر پیر" → "every monday"), and priority words the
/// server does not know ("فوری" → "p1"). English phrases, phrases with words that are not
/// part of a date, and every other argument pass through unchanged.
#[must_use]
pub fn normalise_arguments(mut args: Map<String, Value>) -> Map<String, Value> {
    for name in DATE_ARGUMENTS {
        if let Some(Value::String(text)) = args.get_mut(name)
            && let Some(english) = date_phrase(name, text)
        {
            *text = english;
        }
    }
    if let Some(Value::String(text)) = args.get_mut("priority")
        && let Some(label) = priority_label(text)
    {
        *text = label;
    }
    if let Some(Value::Array(items)) = args.get_mut("tasks") {
        for item in items {
            if let Value::Object(fields) = item {
                *fields = normalise_arguments(std::mem::take(fields));
            }
        }
    }
    args
}

/// The English for a date argument, if it is an Urdu or Roman Urdu phrase made only of date
/// words.
fn date_phrase(name: &str, text: &str) -> Option<String> {
    if text.is_ascii() && detect_lang(text) == Lang::English {
        return None;
    }
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let dates = Dates::scan(&keys, true);
    let only_dates =
        keys.iter().enumerate().all(|(i, key)| dates.is_used(i) || !key.chars().any(char::is_alphanumeric));
    if !only_dates {
        return None;
    }
    match name {
        "recurrence" => dates.recurrence(),
        "due" => dates.recurrence().or_else(|| dates.due()),
        _ => dates.when(),
    }
}

/// "p1"…"p4" for a priority word the server does not read ("fori", "ضروری", "very important").
fn priority_label(text: &str) -> Option<String> {
    let known =
        ["p1", "p2", "p3", "p4", "1", "2", "3", "4", "urgent", "high", "medium", "low", "none", "normal"];
    if known.contains(&text.trim().to_ascii_lowercase().as_str()) {
        return None;
    }
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    priority_at(&keys, true, false).filter(|(len, _)| *len == keys.len()).map(|(_, p)| p.label())
}
