//! How a tool result's tasks are shown to people in Urdu and Roman Urdu: one line per task
//! in the user's script, instead of the tool's English text.

use serde_json::Value;
use shared::contract::{Status, TaskHeadline, listed_tasks};

use super::Lang;
use super::labels::pick;

/// For Urdu and Roman Urdu, the tasks `tool` returned (its structured content, read
/// through the contract's [`listed_tasks`]) as lines in the user's script:
/// `#N title · date time`, with no English around them. None for English (the tool's own
/// text says more) and for results that hold no tasks (analytics, reminders), which keep
/// the tool's text.
#[must_use]
pub fn task_lines(lang: Lang, tool: &str, structured: &Value) -> Option<String> {
    if lang == Lang::English {
        return None;
    }
    let tasks = listed_tasks(tool, structured)?;
    let mut lines: Vec<String> = tasks.iter().map(|task| line(lang, task)).collect();
    // A change to many tasks also names those that already looked like that and those not found.
    let unchanged = numbers(lang, &structured["unchanged"]);
    let not_found = numbers(lang, &structured["not_found"]);
    if let Some(list) = unchanged {
        lines.push(match lang {
            Lang::Urdu => format!("پہلے سے ایسے ہی تھے، کچھ نہیں بدلا: {list}"),
            _ => format!("Pehle se aise hi the, kuch nahi badla: {list}"),
        });
    }
    if let Some(list) = not_found {
        lines.push(match lang {
            Lang::Urdu => format!("یہ کام نہیں ملے: {list}"),
            _ => format!("Yeh tasks nahi mile: {list}"),
        });
    }
    if lines.is_empty() {
        return Some(pick(lang, ["", "Koi task nahi mila.", "کوئی کام نہیں ملا۔"]).to_owned());
    }
    Some(lines.join("\n"))
}

/// `#3, #5` (Urdu: `#3، #5`) for a non-empty JSON array of task numbers.
fn numbers(lang: Lang, list: &Value) -> Option<String> {
    let numbers: Vec<String> =
        list.as_array()?.iter().filter_map(Value::as_i64).map(|n| format!("#{n}")).collect();
    (!numbers.is_empty()).then(|| numbers.join(if lang == Lang::Urdu { "، " } else { ", " }))
}

/// One task's line in Urdu or Roman Urdu: `#N title · date time`, ✓ when done.
pub(crate) fn line(lang: Lang, task: &TaskHeadline) -> String {
    let mut line = format!("#{} {}", task.number, task.title);
    if let Some(due) = &task.due {
        let when = match &due.time {
            Some(time) => format!("{} {time}", due.date),
            None => due.date.clone(),
        };
        // Isolated left-to-right, or an Urdu line shows 2026-11-23 as 23-11-2026.
        line.push_str(&format!(" · \u{2066}{when}\u{2069}"));
    }
    if task.status == Some(Status::Completed) {
        line.push_str(pick(lang, ["", " ✓", " ✓"]));
    }
    line
}
