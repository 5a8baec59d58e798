//! "All" batches: a delete or complete of every task a filter selects ("delete all completed
//! tasks", "complete everything due today", "sab mukammal kaam hata do", "تمام مکمل کام حذف
//! کریں"). Read here into the tool and the `list_tasks` filter that selects its tasks; the
//! agent resolves the filter into task numbers when asked and shows them on a confirmation
//! card, so Confirm changes exactly the tasks named (`agent::select_all`).

use serde_json::{Map, Value, json};
use shared::contract::tools;

use super::lexicon as lx;
use super::lexicon_talk as lt;
use super::parse::Msg;
use super::query;
use crate::agent::lang::tokens::tokenize;
use crate::agent::lang::{Lang, detect_lang};

/// Words that select every task a filter matches.
const ALL: &[&str] = &[
    "all",
    "every",
    "everything",
    "each",
    "sab",
    "sabhi",
    "saare",
    "sare",
    "saray",
    "tamam",
    "سب",
    "سبھی",
    "تمام",
    "سارے",
    "ساری",
    "ہر",
];
/// Question words: "did I finish everything?" asks, it does not order.
const ASKING: &[&str] = &["did", "have", "has", "kya", "کیا"];
/// "from" in "remove tag work from all tasks" (a tag edit, not a delete).
const FROM: &[&str] = &["from", "se", "سے"];

/// A delete or complete of every task a filter selects.
#[derive(Debug, Clone, PartialEq)]
pub struct AllBatch {
    /// The message's language.
    pub lang: Lang,
    /// `delete_task` or `complete_task`.
    pub tool: &'static str,
    /// The `list_tasks` arguments selecting the tasks (a complete selects pending ones only).
    pub filter: Map<String, Value>,
}

/// The "all" batch `text` asks for, if it is one: a delete or complete verb, an "all" word,
/// no task numbers, and not a listing, a question or another command.
#[must_use]
pub fn all_batch(text: &str) -> Option<AllBatch> {
    if text.contains(['?', '؟']) {
        return None;
    }
    let lang = detect_lang(text);
    let tokens = tokenize(text);
    let m = Msg::new(lang, &tokens);
    let other_command = m.has(lx::LIST)
        || m.has(lx::ADD)
        || m.has(lx::REMIND)
        || m.has(lx::SEARCH)
        || m.has(lx::RENAME)
        || (m.has(lx::TAG_EDIT) && m.has(FROM))
        // "delete all of them" names the list the thread showed (`refer`), not a filter.
        || m.has(lt::ALL_OF_THEM);
    if !m.has(ALL) || !m.numbers().is_empty() || other_command || m.starts_with(ASKING) {
        return None;
    }
    let tool = if m.has(lx::DELETE) {
        tools::DELETE_TASK
    } else if m.has(lx::COMPLETE) && m.has(lx::IMPERATIVE) {
        tools::COMPLETE_TASK
    } else {
        return None;
    };
    let mut filter = match query::list(&m).arguments {
        Value::Object(filter) => filter,
        _ => Map::new(),
    };
    // Sorting does not select; completing selects what is still open ("complete all" is not
    // "all statuses", and "complete" is not the "completed" filter).
    filter.remove("sort");
    if tool == tools::COMPLETE_TASK {
        filter.insert("status".into(), json!("pending"));
    }
    Some(AllBatch { lang, tool, filter })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_batches_are_read_in_three_languages_with_their_filters() {
        let status = |b: &AllBatch| b.filter.get("status").and_then(Value::as_str).map(str::to_owned);
        for (said, tool, want_status, due) in [
            ("delete all completed tasks", tools::DELETE_TASK, Some("completed"), None),
            ("remove all the done tasks please", tools::DELETE_TASK, Some("completed"), None),
            ("complete everything due today", tools::COMPLETE_TASK, Some("pending"), Some("today")),
            ("mark all overdue tasks done", tools::COMPLETE_TASK, Some("pending"), Some("overdue")),
            ("sab mukammal kaam hata do", tools::DELETE_TASK, Some("completed"), None),
            ("aaj ke sab kaam mukammal karo", tools::COMPLETE_TASK, Some("pending"), Some("today")),
            ("تمام مکمل کام حذف کریں", tools::DELETE_TASK, Some("completed"), None),
            ("آج کے سب کام مکمل کریں", tools::COMPLETE_TASK, Some("pending"), Some("today")),
        ] {
            let batch = all_batch(said).unwrap_or_else(|| panic!("{said}: not an all batch"));
            assert_eq!(batch.tool, tool, "{said}");
            assert_eq!(status(&batch).as_deref(), want_status, "{said}: {:?}", batch.filter);
            assert_eq!(batch.filter.get("due").and_then(Value::as_str), due, "{said}: {:?}", batch.filter);
        }
        for not_one in [
            "show all completed tasks",
            "delete 3",
            "delete 1 and 2",
            "did I finish everything today?",
            "all completed tasks",
            "remove tag work from all tasks",
            "add buy milk for everyone",
            "sab kaam dikhao",
            "تمام کام دکھائیں",
            "delete all of them",
            "un sab ko hata do",
            "ان سب کو حذف کریں",
        ] {
            assert_eq!(all_batch(not_one), None, "{not_one}");
        }
    }
}
