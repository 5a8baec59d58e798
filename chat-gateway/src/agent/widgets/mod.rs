//! Task widgets: the ChatKit `ListView` (as `openai-chatkit`'s `chatkit.widgets` models
//! define it) that a tool result's tasks are shown as, built from the contract's
//! [`TaskView`]. One `ListViewItem` per task: a Complete or Reopen button, the title, the
//! due date in the user's zone and language, a priority badge, tags, a Snooze (tomorrow)
//! button, a `DatePicker` that moves the task to the day picked, and a Delete button, each
//! sending a server action (`tasks.complete`, `tasks.reopen`, `tasks.snooze`, `tasks.move`,
//! `tasks.delete`) with the payload `{number, lang}` (the picker's value comes with its
//! action under the picker's field name, `date`). The plain-text form
//! (the item's `copy_text`) is built beside it, one line per task, and both are updated row
//! by row when an action changes a task.
//!
//! `words` holds what the widget says in each language; `confirm` is the confirmation card
//! shown before a batch change.

pub mod confirm;
mod words;

use serde_json::{Value, json};
use shared::contract::{Status, TaskHeadline, TaskView};

use super::lang::Lang;
use super::lang::task_lines;
use crate::chatkit::types::ItemBody;

/// The widget's action types.
pub const COMPLETE: &str = "tasks.complete";
/// Reopens a completed task.
pub const REOPEN: &str = "tasks.reopen";
/// Moves a task's due date to tomorrow.
pub const SNOOZE: &str = "tasks.snooze";
/// Moves a task's due date to the day picked (`payload.date`).
pub const MOVE: &str = "tasks.move";
/// Deletes a task.
pub const DELETE: &str = "tasks.delete";
/// The field name of a row's date picker: the picked day arrives as `payload.date`.
pub const MOVE_FIELD: &str = "date";

/// A due date as the widget writes it in `lang` ("Jan 7 17:00", "7 جنوری 17:00"); replies use it too.
#[must_use]
pub fn due_text(lang: Lang, due: &shared::contract::DueView) -> String {
    words::due(lang, due)
}

/// A priority's name as the widget's badge says it in `lang` ("Urgent", "Fori", "فوری").
#[must_use]
pub fn priority_name(lang: Lang, code: &str) -> String {
    words::priority(lang, code)
}

/// The widget item showing `tasks` in `lang`: the list and its plain-text form.
#[must_use]
pub fn task_list_item(lang: Lang, tasks: &[TaskView]) -> ItemBody {
    ItemBody::Widget { widget: task_list(lang, tasks), copy_text: Some(copy_text(lang, tasks)) }
}

/// The `ListView` showing `tasks`, one row each, with a status line counting them.
#[must_use]
pub fn task_list(lang: Lang, tasks: &[TaskView]) -> Value {
    let rows: Vec<Value> = tasks.iter().map(|t| row(lang, t)).collect();
    let list = json!({
        "type": "ListView",
        "status": {"text": words::count(lang, tasks.len()), "icon": "check-circle"},
    });
    with_children(list, rows)
}

/// `node` with its `children` moved in: `json!` would copy each child by serialising it, and a
/// row's children nested in its children again (a task list cost ~4x as many instructions).
fn with_children(mut node: Value, children: Vec<Value>) -> Value {
    node["children"] = Value::Array(children);
    node
}

/// One line per task: what `/v1`, REST, the copy button and screen readers get.
#[must_use]
pub fn copy_text(lang: Lang, tasks: &[TaskView]) -> String {
    if tasks.is_empty() {
        return words::count(lang, 0);
    }
    tasks.iter().map(|t| line(lang, t)).collect::<Vec<_>>().join("\n")
}

/// Whether `widget` (a task list) has a row for task `number`.
#[must_use]
pub fn has_row(widget: &Value, number: i64) -> bool {
    rows(widget).is_some_and(|rows| rows.iter().any(|r| r["key"] == row_key(number)))
}

/// The widget item with task `number`'s row replaced by `task` (or removed when `task` is
/// `None`, a deletion), its plain-text line likewise, and the status line recounted.
/// Returns false, changing nothing, when the item is not a task list holding that row.
pub fn update_row(body: &mut ItemBody, lang: Lang, number: i64, task: Option<&TaskView>) -> bool {
    let ItemBody::Widget { widget, copy_text } = body else { return false };
    if !has_row(widget, number) {
        return false;
    }
    let key = row_key(number);
    if let Some(rows) = widget.get_mut("children").and_then(Value::as_array_mut) {
        match task {
            Some(task) => {
                for r in rows.iter_mut().filter(|r| r["key"] == key) {
                    *r = row(lang, task);
                }
            }
            None => rows.retain(|r| r["key"] != key),
        }
        let left = rows.len();
        widget["status"]["text"] = Value::String(words::count(lang, left));
    }
    if let Some(text) = copy_text {
        let prefix = format!("#{number} ");
        let lines: Vec<String> = text
            .lines()
            .filter_map(|l| match (l.starts_with(&prefix), task) {
                (false, _) => Some(l.to_owned()),
                (true, Some(task)) => Some(line(lang, task)),
                (true, None) => None,
            })
            .collect();
        *text = if lines.is_empty() { words::count(lang, 0) } else { lines.join("\n") };
    }
    true
}

/// The tasks a task list shows, in order: (number, title, completed). `None` for any other
/// widget (a confirmation card).
#[must_use]
pub fn shown_rows(widget: &Value) -> Option<Vec<(i64, String, bool)>> {
    let rows = rows(widget)?;
    let shown = rows.iter().filter_map(|r| {
        let number: i64 = r["key"].as_str()?.strip_prefix("task-")?.parse().ok()?;
        let text = r["children"][1]["children"][0]["value"].as_str().unwrap_or_default();
        let title = text.strip_prefix(&format!("#{number} ")).unwrap_or(text).to_owned();
        let done = r["children"][0]["onClickAction"]["type"] == REOPEN;
        Some((number, title, done))
    });
    Some(shown.collect())
}

fn rows(widget: &Value) -> Option<&Vec<Value>> {
    (widget["type"] == "ListView").then(|| widget["children"].as_array()).flatten()
}

fn row_key(number: i64) -> String {
    format!("task-{number}")
}

/// One task's plain-text line: the contract's line in English, the Urdu line otherwise.
fn line(lang: Lang, task: &TaskView) -> String {
    if lang == Lang::English {
        return task.line();
    }
    let headline = TaskHeadline {
        number: task.number,
        title: task.title.clone(),
        status: Some(task.status),
        due: task
            .due
            .as_ref()
            .map(|d| shared::contract::DueDay { date: d.date.clone(), time: d.time.clone() }),
    };
    task_lines::line(lang, &headline)
}

/// A server action sent by a button, streamed (so the widget updates in place).
fn action(kind: &str, lang: Lang, number: i64) -> Value {
    json!({
        "type": kind,
        "payload": {"number": number, "lang": lang.code()},
        "handler": "server",
        "loadingBehavior": "self",
        "streaming": true,
    })
}

fn button(label: &str, icon: Option<&str>, color: &str, variant: &str, action: Value) -> Value {
    let mut button = json!({
        "type": "Button",
        "label": label,
        "color": color,
        "variant": variant,
        "size": "sm",
    });
    button["onClickAction"] = action;
    if let Some(icon) = icon {
        button["iconStart"] = Value::String(icon.to_owned());
    }
    button
}

/// One task's row.
fn row(lang: Lang, task: &TaskView) -> Value {
    let n = task.number;
    let done = task.status == Status::Completed;
    let toggle = match done {
        false => button(
            words::complete(lang),
            Some("empty-circle"),
            "success",
            "outline",
            action(COMPLETE, lang, n),
        ),
        true => button(
            words::reopen(lang),
            Some("check-circle-filled"),
            "secondary",
            "soft",
            action(REOPEN, lang, n),
        ),
    };
    let mut title = json!({"type": "Text", "value": format!("#{n} {}", task.title), "weight": "medium"});
    if done {
        title["lineThrough"] = Value::Bool(true);
        title["color"] = Value::String("secondary".into());
    }
    let mut details = Vec::new();
    if let Some(due) = &task.due {
        let color = if due.overdue && !done { "danger" } else { "secondary" };
        details.push(json!({"type": "Caption", "value": words::due(lang, due), "color": color}));
        if due.overdue && !done {
            details.push(badge(words::overdue(lang), "danger", "soft"));
        }
    }
    let priority_color = match task.priority.as_str() {
        "p1" => "danger",
        "p2" => "warning",
        "p3" => "info",
        _ => "secondary",
    };
    details.push(badge(&words::priority(lang, &task.priority), priority_color, "soft"));
    for tag in &task.tags {
        details.push(badge(&format!("#{tag}"), "discovery", "outline"));
    }
    let details = with_children(json!({"type": "Row", "gap": 2, "wrap": "wrap", "align": "center"}), details);
    let mut children =
        vec![toggle, with_children(json!({"type": "Col", "flex": 1, "gap": 1}), vec![title, details])];
    if !done {
        let mut snooze = action(SNOOZE, lang, n);
        let mut moved = action(MOVE, lang, n);
        // Snoozed or moved at the same time of day, when it has one.
        if let Some(time) = task.due.as_ref().and_then(|d| d.time.clone()) {
            snooze["payload"]["time"] = Value::String(time.clone());
            moved["payload"]["time"] = Value::String(time);
        }
        children.push(button(words::snooze(lang), Some("clock"), "secondary", "ghost", snooze));
        children.push(date_picker(lang, task, moved));
    }
    children.push(button(words::delete(lang), None, "danger", "ghost", action(DELETE, lang, n)));
    with_children(json!({"type": "ListViewItem", "key": row_key(n), "gap": 3, "align": "center"}), children)
}

/// The row's Move control: a date picker showing the due day, sending `tasks.move` when a
/// day is picked.
fn date_picker(lang: Lang, task: &TaskView, action: Value) -> Value {
    let mut picker = json!({
        "type": "DatePicker",
        "name": MOVE_FIELD,
        "placeholder": words::move_to(lang),
        "size": "sm",
        "variant": "outline",
    });
    picker["onChangeAction"] = action;
    // A day as the reference model writes a date-time: local midnight, no zone.
    if let Some(due) = &task.due {
        picker["defaultValue"] = Value::String(format!("{}T00:00:00", due.date));
    }
    picker
}

fn badge(label: &str, color: &str, variant: &str) -> Value {
    json!({"type": "Badge", "label": label, "color": color, "variant": variant, "size": "sm"})
}

#[cfg(test)]
mod tests;
