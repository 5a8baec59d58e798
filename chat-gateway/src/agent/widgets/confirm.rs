//! The confirmation card shown before a batch change (deleting or completing more than one
//! task): a ChatKit `Card` saying exactly what will change, with Confirm and Cancel footer
//! actions (`tasks.confirm`, `tasks.cancel`). The pending change lives in the stored card
//! (its confirm action's payload), so what runs on Confirm is what the user was shown, never
//! what a request claims; an answered card has no actions left.

use serde_json::{Value, json};
use shared::contract::tools;

use crate::agent::lang::Lang;
use crate::agent::lang::labels::pick;
use crate::chatkit::types::ItemBody;

/// The Confirm action.
pub const CONFIRM: &str = "tasks.confirm";
/// The Cancel action.
pub const CANCEL: &str = "tasks.cancel";

/// A batch change waiting for the user's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// `delete_task` or `complete_task`.
    pub tool: &'static str,
    /// The tasks it changes.
    pub numbers: Vec<i64>,
    /// The language the card speaks.
    pub lang: Lang,
}

impl Batch {
    /// A batch of `tool` (only `delete_task` and `complete_task` need confirming).
    #[must_use]
    pub fn new(tool: &str, numbers: Vec<i64>, lang: Lang) -> Option<Self> {
        let tool = [tools::DELETE_TASK, tools::COMPLETE_TASK].into_iter().find(|t| *t == tool)?;
        Some(Self { tool, numbers, lang })
    }

    /// The batch a planned call makes, when it needs confirming: a delete or complete of
    /// more than one task (`{"tasks": [..]}` with two or more numbers).
    #[must_use]
    pub fn of_call(tool: &str, arguments: &Value, lang: Lang) -> Option<Self> {
        let numbers: Vec<i64> = arguments["tasks"].as_array()?.iter().filter_map(Value::as_i64).collect();
        (numbers.len() > 1).then(|| Self::new(tool, numbers, lang)).flatten()
    }

    fn deletes(&self) -> bool {
        self.tool == tools::DELETE_TASK
    }

    fn list(&self) -> String {
        let sep = if self.lang == Lang::Urdu { "، " } else { ", " };
        self.numbers.iter().map(|n| format!("#{n}")).collect::<Vec<_>>().join(sep)
    }

    /// What will change, in the card's language (also the assistant's message).
    #[must_use]
    pub fn question(&self) -> String {
        let list = self.list();
        match (self.lang, self.deletes()) {
            (Lang::English, true) => {
                format!("Tasks {list} will be deleted. Nothing changes until you confirm.")
            }
            (Lang::English, false) => {
                format!("Tasks {list} will be marked done. Nothing changes until you confirm.")
            }
            (Lang::RomanUrdu, true) => {
                format!("Tasks {list} delete ho jayenge. Confirm karne tak kuch nahi badlega.")
            }
            (Lang::RomanUrdu, false) => {
                format!("Tasks {list} mukammal ho jayenge. Confirm karne tak kuch nahi badlega.")
            }
            (Lang::Urdu, true) => format!("کام {list} حذف ہو جائیں گے۔ تصدیق تک کچھ نہیں بدلے گا۔"),
            (Lang::Urdu, false) => format!("کام {list} مکمل ہو جائیں گے۔ تصدیق تک کچھ نہیں بدلے گا۔"),
        }
    }

    /// What happened once confirmed.
    #[must_use]
    pub fn done(&self) -> String {
        let list = self.list();
        match (self.lang, self.deletes()) {
            (Lang::English, true) => format!("Deleted {list}."),
            (Lang::English, false) => format!("Marked done: {list}."),
            (Lang::RomanUrdu, true) => format!("{list} delete kar diye."),
            (Lang::RomanUrdu, false) => format!("{list} mukammal kar diye."),
            (Lang::Urdu, true) => format!("{list} حذف کر دیے گئے۔"),
            (Lang::Urdu, false) => format!("{list} مکمل کر دیے گئے۔"),
        }
    }

    /// What the card says once cancelled.
    #[must_use]
    pub fn cancelled(&self) -> &'static str {
        pick(
            self.lang,
            [
                "Cancelled; nothing changed.",
                "Cancel kar diya; kuch nahi badla.",
                "منسوخ کر دیا؛ کچھ نہیں بدلا۔",
            ],
        )
    }

    /// The verb the model reads in hidden context.
    #[must_use]
    pub fn verb(&self) -> &'static str {
        if self.deletes() { "deleting" } else { "completing" }
    }

    /// The client effect's action name.
    #[must_use]
    pub fn action_name(&self) -> &'static str {
        if self.deletes() { "delete" } else { "complete" }
    }
}

/// The card asking to confirm `batch`, with the plain-text question as `copy_text`.
#[must_use]
pub fn confirm_card(batch: &Batch) -> ItemBody {
    ItemBody::Widget { widget: card(batch), copy_text: Some(batch.question()) }
}

fn card(batch: &Batch) -> Value {
    let n = batch.numbers.len();
    let title = match (batch.lang, batch.deletes()) {
        (Lang::English, true) => format!("Delete {n} tasks?"),
        (Lang::English, false) => format!("Complete {n} tasks?"),
        (Lang::RomanUrdu, true) => format!("{n} tasks delete karein?"),
        (Lang::RomanUrdu, false) => format!("{n} tasks mukammal karein?"),
        (Lang::Urdu, true) => format!("{n} کام حذف کریں؟"),
        (Lang::Urdu, false) => format!("{n} کام مکمل کریں؟"),
    };
    let confirm = match batch.deletes() {
        true => pick(batch.lang, ["Delete", "Delete karein", "حذف کریں"]),
        false => pick(batch.lang, ["Complete", "Mukammal karein", "مکمل کریں"]),
    };
    let cancel = pick(batch.lang, ["Cancel", "Rehne dein", "منسوخ کریں"]);
    let payload = json!({"tool": batch.tool, "numbers": batch.numbers, "lang": batch.lang.code()});
    json!({
        "type": "Card",
        "size": "md",
        "children": [
            {"type": "Title", "value": title, "size": "sm"},
            {"type": "Text", "value": batch.question()},
        ],
        "confirm": {"label": confirm, "action": action(CONFIRM, payload)},
        "cancel": {"label": cancel, "action": action(CANCEL, json!({}))},
    })
}

/// The card asking to confirm `batch` with the tasks it changes shown under the question
/// (`listing`, one line per task): an "all" batch names exactly what it resolved to.
#[must_use]
pub fn confirm_card_listing(batch: &Batch, listing: &str) -> ItemBody {
    let mut widget = card(batch);
    if let Some(children) = widget["children"].as_array_mut() {
        children.extend(listing.lines().map(|line| json!({"type": "Text", "value": line, "size": "sm"})));
    }
    ItemBody::Widget { widget, copy_text: Some(format!("{}\n{listing}", batch.question())) }
}

/// The card once answered: `text`, and no actions left.
#[must_use]
pub fn answered_card(text: &str) -> ItemBody {
    let widget = json!({"type": "Card", "size": "md", "children": [{"type": "Text", "value": text}]});
    ItemBody::Widget { widget, copy_text: Some(text.to_owned()) }
}

/// The batch a stored card still waits on, if it is an unanswered confirmation card.
#[must_use]
pub fn pending(body: &ItemBody) -> Option<Batch> {
    let ItemBody::Widget { widget, .. } = body else { return None };
    let payload = widget.pointer("/confirm/action/payload")?;
    let numbers: Vec<i64> = payload["numbers"].as_array()?.iter().filter_map(Value::as_i64).collect();
    let lang = Lang::from_code(payload["lang"].as_str()?)?;
    Batch::new(payload["tool"].as_str()?, numbers, lang)
}

/// A typed answer to a waiting card, for faces without buttons (`/api/chat`, REST, `/v1`):
/// `Some(true)` for yes ("yes", "haan", "ہاں" …), `Some(false)` for no ("no", "nahi", "نہیں"
/// …), `None` for anything else.
#[must_use]
pub fn spoken_answer(text: &str) -> Option<bool> {
    const YES: [&str; 16] = [
        "yes",
        "y",
        "yeah",
        "yep",
        "ok",
        "okay",
        "sure",
        "confirm",
        "do it",
        "haan",
        "han",
        "haan ji",
        "ji haan",
        "ہاں",
        "جی ہاں",
        "ہاں جی",
    ];
    const NO: [&str; 11] =
        ["no", "n", "nope", "cancel", "don't", "nahi", "nahin", "na", "nahi karo", "نہیں", "منسوخ"];
    let said = text.trim().trim_end_matches(['.', '!', '۔', '?', '؟']).trim().to_lowercase();
    if YES.contains(&said.as_str()) {
        Some(true)
    } else if NO.contains(&said.as_str()) {
        Some(false)
    } else {
        None
    }
}

fn action(kind: &str, payload: Value) -> Value {
    let mut action =
        json!({"type": kind, "handler": "server", "loadingBehavior": "container", "streaming": true});
    action["payload"] = payload;
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_holds_its_batch_until_answered() {
        let batch = Batch::new(tools::DELETE_TASK, vec![1, 3], Lang::English).unwrap();
        let card = confirm_card(&batch);
        assert_eq!(pending(&card), Some(batch.clone()));
        let ItemBody::Widget { widget, .. } = &card else { panic!("a widget") };
        assert_eq!(widget["confirm"]["label"], "Delete");
        assert!(widget.to_string().contains("Tasks #1, #3 will be deleted"));
        assert_eq!(pending(&answered_card(&batch.done())), None, "an answered card waits on nothing");
        assert!(Batch::new(tools::ADD_TASK, vec![1, 2], Lang::English).is_none());
        for (said, answer) in [
            ("Yes!", Some(true)),
            ("haan", Some(true)),
            ("ہاں", Some(true)),
            ("nahi", Some(false)),
            ("نہیں۔", Some(false)),
            ("yes delete everything else", None),
            ("add milk", None),
        ] {
            assert_eq!(spoken_answer(said), answer, "{said}");
        }
        let urdu = Batch::new(tools::COMPLETE_TASK, vec![2, 4], Lang::Urdu).unwrap();
        assert!(!urdu.question().chars().any(|c| c.is_ascii_alphabetic()), "{}", urdu.question());
    }
}
