//! The offline agent's replies about tasks: a short heading that says what was asked ("📋 3
//! high-priority tasks due today:", "📋 آج کے 3 اہم کام:") and one line per task with its
//! status, number, title, priority and due date ("⬜ #1 Review PR #42 · p1 · Jan 7"), all in
//! the user's language (priority names and dates as the task widget writes them).

use serde_json::Value;
use shared::contract::{Status, TaskView, tools};

use super::calls::PlannedCall;
use crate::agent::lang::Lang;
use crate::agent::lang::labels::pick;
use crate::agent::widgets::{due_text, priority_name};

/// The heading and lines for `tasks`, which `call` returned; `None` for tools whose reply
/// is not a list of tasks.
pub(super) fn tasks_reply(lang: Lang, call: &PlannedCall, tasks: &[TaskView]) -> Option<String> {
    let head = heading(lang, call, tasks.len())?;
    let lines = tasks.iter().map(|t| line(lang, t));
    Some(std::iter::once(head).chain(lines).collect::<Vec<_>>().join("\n"))
}

/// One task: `⬜ #1 Review PR #42 · p1 · Jan 7` (English), `⬜ #1 … · فوری · 7 جنوری` (Urdu).
pub(super) fn line(lang: Lang, task: &TaskView) -> String {
    let mark = if task.status == Status::Completed { "✅" } else { "⬜" };
    let prio = match lang {
        Lang::English => task.priority.clone(),
        _ => priority_name(lang, &task.priority),
    };
    let mut line = format!("{mark} #{} {} · {prio}", task.number, task.title);
    if let Some(due) = &task.due {
        line.push_str(" · ");
        line.push_str(&due_text(lang, due));
    }
    line
}

fn heading(lang: Lang, call: &PlannedCall, n: usize) -> Option<String> {
    let args = &call.arguments;
    let fixed = |texts: [&'static str; 3]| Some(pick(lang, texts).to_owned());
    match call.tool {
        tools::LIST_TASKS => Some(list_heading(lang, args, n)),
        tools::SEARCH_TASKS => Some(search_heading(lang, args["query"].as_str().unwrap_or_default(), n)),
        tools::GET_RECURRING_TASKS => Some(match lang {
            Lang::English => format!("🔁 {n} recurring {}:", plural(n)),
            Lang::RomanUrdu => format!("🔁 {n} dohrane wale tasks:"),
            Lang::Urdu => format!("🔁 بار بار ہونے والے {n} کام:"),
        }),
        tools::ADD_TASK => fixed(["➕ Added:", "➕ Task add kar diya:", "➕ کام شامل کر دیا گیا:"]),
        tools::COMPLETE_TASK => fixed(["✅ Marked done:", "✅ Mukammal kar diya:", "✅ مکمل کر دیا گیا:"]),
        tools::UPDATE_TASK | tools::SET_PRIORITY | tools::ADD_TAGS => {
            fixed(["✏️ Updated:", "✏️ Task badal diya:", "✏️ کام تبدیل کر دیا گیا:"])
        }
        _ => None,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "task" } else { "tasks" }
}

/// What a list's filters say, in each language.
struct Said {
    /// English words before "tasks" ("completed", "high-priority").
    en_before: Vec<&'static str>,
    /// English phrases after "tasks" ("due today", "tagged #work").
    en_after: Vec<String>,
    /// The due window before the count, in Roman Urdu and Urdu ("Aaj ke ", "آج کے ").
    window: [&'static str; 2],
    /// Roman Urdu and Urdu words between the count and "tasks" / "کام".
    words: [Vec<&'static str>; 2],
}

fn said(args: &Value) -> Said {
    let mut s = Said { en_before: vec![], en_after: vec![], window: ["", ""], words: [vec![], vec![]] };
    let mut word = |en: &'static str, ru: &'static str, ur: &'static str| {
        s.en_before.push(en);
        s.words[0].push(ru);
        s.words[1].push(ur);
    };
    match args["status"].as_str() {
        Some("completed") => word("completed", "mukammal", "مکمل"),
        Some("all") => word("", "", ""),
        _ => {}
    }
    let prio = match &args["priority"] {
        Value::String(p) => Some(p.as_str()),
        Value::Array(ps) if ps.len() == 2 => Some("high"),
        _ => None,
    };
    match prio {
        Some("p1") => word("urgent", "fori", "فوری"),
        Some("high" | "p2") => word("high-priority", "zaroori", "اہم"),
        Some("p3") => word("medium-priority", "darmiyani", "درمیانی"),
        Some("p4") => word("low-priority", "kam ahem", "کم اہم"),
        _ => {}
    }
    if args["recurring"] == true {
        word("recurring", "dohrane wale", "بار بار ہونے والے");
    }
    let (en, ru, ur) = match args["due"].as_str() {
        Some("today") => ("due today", "Aaj ke ", "آج کے "),
        Some("tomorrow") => ("due tomorrow", "Kal ke ", "کل کے "),
        Some("this_week") => ("due this week", "Is hafte ke ", "اس ہفتے کے "),
        Some("next_week") => ("due next week", "Agle hafte ke ", "اگلے ہفتے کے "),
        Some("overdue") => ("past due", "Waqt guzre ", "وقت گزرے "),
        Some("no_date") => ("with no date", "Bina tareekh ke ", "بغیر تاریخ کے "),
        _ => ("", "", ""),
    };
    if !en.is_empty() {
        s.en_after.push(en.to_owned());
    }
    s.window = [ru, ur];
    if let Some(tags) = args["tags"].as_array() {
        let tags: Vec<String> = tags.iter().filter_map(Value::as_str).map(|t| format!("#{t}")).collect();
        if !tags.is_empty() {
            s.en_after.push(format!("tagged {}", tags.join(" ")));
        }
    }
    s.en_before.retain(|w| !w.is_empty());
    s.words.iter_mut().for_each(|w| w.retain(|w| !w.is_empty()));
    s
}

fn list_heading(lang: Lang, args: &Value, n: usize) -> String {
    let s = said(args);
    let join = |words: &[&str]| words.iter().map(|w| format!("{w} ")).collect::<String>();
    match lang {
        Lang::English => {
            let before = join(&s.en_before);
            let after: String = s.en_after.iter().map(|w| format!(" {w}")).collect();
            match n {
                0 => format!("📋 No {before}tasks{after}."),
                n => format!("📋 {n} {before}{}{after}:", plural(n)),
            }
        }
        Lang::RomanUrdu => {
            let words = join(&s.words[0]);
            match n {
                0 => format!("📋 {}koi {words}task nahi.", s.window[0]),
                n => format!("📋 {}{n} {words}tasks:", s.window[0]),
            }
        }
        Lang::Urdu => {
            let words = join(&s.words[1]);
            match n {
                0 => format!("📋 {}کوئی {words}کام نہیں۔", s.window[1]),
                n => format!("📋 {}{n} {words}کام:", s.window[1]),
            }
        }
    }
}

fn search_heading(lang: Lang, query: &str, n: usize) -> String {
    match (lang, n) {
        (Lang::English, 0) => format!("🔎 Nothing matches “{query}”."),
        (Lang::English, n) => {
            format!("🔎 {n} {} {} “{query}”:", plural(n), if n == 1 { "matches" } else { "match" })
        }
        (Lang::RomanUrdu, 0) => format!("🔎 “{query}” ka koi task nahi mila."),
        (Lang::RomanUrdu, n) => format!("🔎 “{query}” ke {n} tasks mile:"),
        (Lang::Urdu, 0) => format!("🔎 “{query}” کا کوئی کام نہیں ملا۔"),
        (Lang::Urdu, n) => format!("🔎 “{query}” کے {n} کام ملے:"),
    }
}
