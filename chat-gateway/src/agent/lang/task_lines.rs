//! How a tool result is shown to people in Urdu and Roman Urdu: one line per task in the
//! user's script, and the analytics summary and reminders said in the user's language,
//! instead of the tool's English text.

use serde_json::Value;
use shared::contract::{Status, TaskHeadline, listed_tasks, reminders_set, tools};

use super::Lang;
use super::labels::pick;

/// For Urdu and Roman Urdu, the tasks `tool` returned (its structured content, read
/// through the contract's [`listed_tasks`]) as lines in the user's script:
/// `#N title · date time`, with no English around them; the analytics summary and a
/// reminder's result in words of the user's language. None for English (the tool's own
/// text says more) and for results of another shape, which keep the tool's text.
#[must_use]
pub fn task_lines(lang: Lang, tool: &str, structured: &Value) -> Option<String> {
    if lang == Lang::English {
        return None;
    }
    match tool {
        tools::ANALYTICS_SUMMARY => return analytics(lang, structured),
        tools::SCHEDULE_REMINDER => return reminders(lang, structured),
        _ => {}
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

/// The analytics summary in Urdu or Roman Urdu (the tool's text is English).
fn analytics(lang: Lang, data: &Value) -> Option<String> {
    let count = |key: &str| data[key].as_u64();
    let (pending, overdue, today, week, completed, streak) = (
        count("pending")?,
        count("overdue")?,
        count("due_today")?,
        count("due_this_week")?,
        count("completed")?,
        count("streak_days")?,
    );
    let per_day = data["completed_per_day"].as_array()?;
    let days = per_day.len();
    let recent: u64 = per_day.iter().filter_map(|d| d["completed"].as_u64()).sum();
    Some(match lang {
        Lang::Urdu => format!(
            "{pending} کام باقی ({overdue} وقت گزرے، {today} آج، {week} اس ہفتے)، {completed} مکمل۔ \
             پچھلے {days} دن: {recent} مکمل؛ مسلسل {streak} دن۔"
        ),
        _ => format!(
            "{pending} tasks baqi ({overdue} waqt guzre, {today} aaj, {week} is hafte), {completed} mukammal. \
             Pichle {days} din: {recent} mukammal; lagataar {streak} din."
        ),
    })
}

/// A reminder result in Urdu or Roman Urdu: one line per reminder, `⏰ #N title · date time`
/// (all of one task's, or those a call for many tasks set), then the tasks that got none and
/// the numbers not found.
fn reminders(lang: Lang, data: &Value) -> Option<String> {
    let set = reminders_set(data)?;
    let mut lines: Vec<String> = set
        .reminders
        .iter()
        .map(|r| match lang {
            Lang::Urdu => format!("⏰ #{} {} · \u{2066}{}\u{2069}", r.task, r.title, r.at_local),
            _ => format!("⏰ #{} {} · {}", r.task, r.title, r.at_local),
        })
        .collect();
    let refused: Vec<i64> = set.not_scheduled.iter().map(|n| n.task).collect();
    if let Some(list) = numbers(lang, &serde_json::json!(refused)) {
        lines.push(match lang {
            Lang::Urdu => format!("ان پر یاد دہانی مقرر نہیں ہو سکی (مثلاً آخری تاریخ نہیں): {list}"),
            _ => format!("In par yaad dihani set nahi ho saki (maslan due date nahi): {list}"),
        });
    }
    if let Some(list) = numbers(lang, &serde_json::json!(set.not_found)) {
        lines.push(match lang {
            Lang::Urdu => format!("یہ کام نہیں ملے: {list}"),
            _ => format!("Yeh tasks nahi mile: {list}"),
        });
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}
