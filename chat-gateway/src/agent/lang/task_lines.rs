//! How a tool result's tasks are shown to people in Urdu and Roman Urdu: one line per task
//! in the user's script, instead of the tool's English text.

use serde_json::Value;

use super::Lang;
use super::labels::pick;

/// For Urdu and Roman Urdu, the tasks a tool returned (its structured content) as lines in
/// the user's script: `#N title · date time`, with no English around them. None for English
/// (the tool's own text says more) and for results that hold no tasks (analytics, reminders),
/// which keep the tool's text.
#[must_use]
pub fn task_lines(lang: Lang, structured: &Value) -> Option<String> {
    if lang == Lang::English {
        return None;
    }
    let mut tasks = Vec::new();
    let mut listed = false;
    for key in ["created", "tasks", "completed", "rescheduled", "updated", "deleted"] {
        if let Some(list) = structured.get(key).and_then(Value::as_array) {
            listed = true;
            tasks.extend(list.iter());
        }
    }
    if let Some(task) = structured.get("task").filter(|t| t.is_object()) {
        listed = true;
        tasks.push(task);
    }
    if !listed {
        return None;
    }
    if tasks.is_empty() {
        return Some(pick(lang, ["", "Koi task nahi mila.", "کوئی کام نہیں ملا۔"]).to_owned());
    }
    let lines: Vec<String> = tasks
        .iter()
        .map(|task| {
            // A recurring task comes as {task, rule, next}.
            let task = task.get("task").filter(|t| t.is_object()).unwrap_or(task);
            let mut line = format!("#{} {}", task["number"], task["title"].as_str().unwrap_or_default());
            if let Some(date) = task["due"]["date"].as_str() {
                let when = match task["due"]["time"].as_str() {
                    Some(time) => format!("{date} {time}"),
                    None => date.to_owned(),
                };
                // Isolated left-to-right, or an Urdu line shows 2026-11-23 as 23-11-2026.
                line.push_str(&format!(" · \u{2066}{when}\u{2069}"));
            }
            if task["status"] == "completed" {
                line.push_str(pick(lang, ["", " ✓", " ✓"]));
            }
            line
        })
        .collect();
    Some(lines.join("\n"))
}
