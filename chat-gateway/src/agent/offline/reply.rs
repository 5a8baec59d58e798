//! Everything the offline agent says, in the user's language: help, greetings, follow-up
//! questions, and the summary written after tool calls ran.

use serde_json::Value;
use shared::contract::{self, Status, tools};

use super::{Lang, PlannedCall};

/// A reply that needs no tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Say {
    /// The help text (also the answer to anything not understood).
    Help,
    /// A greeting back; `salam` answers "assalam o alaikum" with "wa alaikum assalam".
    Greet { salam: bool },
    /// "You're welcome".
    Thanks,
    /// A task command without a task number.
    WhichTask,
    /// "add" without any task text.
    WhatTitle,
    /// "rename 3" without the new title.
    NewTitle,
    /// A reminder for a task without a time.
    WhenRemind,
    /// "search" without words.
    WhatSearch,
    /// A tag command without tags.
    WhichTags,
}

/// Picks the English, Roman Urdu or Urdu text.
fn pick(lang: Lang, [english, roman_urdu, urdu]: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::English => english,
        Lang::RomanUrdu => roman_urdu,
        Lang::Urdu => urdu,
    }
}

/// The help text listing what the offline assistant can do, in `lang`; it says it is the offline assistant.
#[must_use]
pub fn help(lang: Lang) -> String {
    pick(lang, [
        "I'm the offline assistant: I understand short task commands. For example:\n\
         • Add: \"add buy milk tomorrow 5pm #errands !!\", \"remind me to call mom friday\"\n\
         • See: \"show my tasks\", \"what's due today\", \"overdue tasks\", \"tasks tagged work\", \"show recurring tasks\"\n\
         • Change: \"complete 3\", \"delete 2\", \"move 3 to friday\", \"rename 3 to buy oat milk\", \"make 3 urgent\", \"tag 3 with work\"\n\
         • Remind: \"remind me about 3 tomorrow at 9am\"\n\
         • Find: \"search milk\"; and \"summary\" shows how you're doing.",
        "Main offline assistant hoon aur tasks ki seedhi baatein samajhta hoon. Jaise:\n\
         • Naya task: \"kal shaam 5 baje doodh lena add karo\", \"naya task: bill jama karna parson\"\n\
         • Dekhein: \"mere tasks dikhao\", \"aaj ke kaam dikhao\", \"urgent kaam batao\", \"dohrane wale kaam dikhao\"\n\
         • Badlein: \"task 3 mukammal karo\", \"2 delete karo\", \"3 ko kal tak karo\", \"3 ko urgent karo\"\n\
         • Yaad dihani: \"3 ke liye kal subah 9 baje yaad dilao\"\n\
         • Talash: \"doodh dhoondo\"; aur \"khulasa batao\" se apna khulasa dekhein.",
        "میں آف لائن اسسٹنٹ ہوں اور کاموں کی سیدھی ہدایات سمجھتا ہوں۔ مثلاً:\n\
         • نیا کام: \"کل شام 5 بجے دودھ لینا شامل کریں\"، \"نیا کام: بجلی کا بل جمع کرنا پرسوں\"\n\
         • دیکھیں: \"میرے کام دکھائیں\"، \"آج کے کام دکھائیں\"، \"بار بار ہونے والے کام دکھائیں\"\n\
         • تبدیلی: \"کام 3 مکمل کریں\"، \"کام 2 حذف کریں\"، \"کام 3 کی تاریخ جمعہ کر دیں\"، \"کام 3 کو فوری کریں\"\n\
         • یاد دہانی: \"کام 3 کی یاد دہانی کل صبح 9 بجے\"\n\
         • تلاش: \"دودھ تلاش کریں\"؛ اور \"خلاصہ دکھائیں\" سے اپنا خلاصہ دیکھیں۔",
    ])
    .to_owned()
}

/// The text of a reply that needs no tool.
pub(super) fn say(lang: Lang, what: Say) -> String {
    let text = match what {
        Say::Help => return help(lang),
        Say::Greet { salam: true } => pick(
            lang,
            [
                "Wa alaikum assalam! I'm the offline assistant; say \"help\" to see what I can do.",
                "Wa alaikum assalam! Main offline assistant hoon; \"madad\" likhein to bataun ga ke kya kar sakta hoon.",
                "وعلیکم السلام! میں آف لائن اسسٹنٹ ہوں؛ \"مدد\" لکھیں تو بتاؤں گا کہ کیا کر سکتا ہوں۔",
            ],
        ),
        Say::Greet { salam: false } => pick(
            lang,
            [
                "Hi! I'm the offline assistant; say \"help\" to see what I can do.",
                "Hello! Main offline assistant hoon; \"madad\" likhein to bataun ga ke kya kar sakta hoon.",
                "آداب! میں آف لائن اسسٹنٹ ہوں؛ \"مدد\" لکھیں تو بتاؤں گا کہ کیا کر سکتا ہوں۔",
            ],
        ),
        Say::Thanks => pick(
            lang,
            ["You're welcome! Anything else?", "Koi baat nahi! Aur kuch?", "کوئی بات نہیں! اور کچھ؟"],
        ),
        Say::WhichTask => pick(
            lang,
            [
                "Which task? Give its number, e.g. \"complete 3\". Say \"show my tasks\" to see the numbers.",
                "Kaunsa task? Us ka number batayein, jaise \"3 mukammal karo\". Numbers dekhne ke liye \"mere tasks dikhao\" likhein.",
                "کون سا کام؟ اس کا نمبر بتائیں، جیسے \"کام 3 مکمل کریں\"۔ نمبر دیکھنے کے لیے \"میرے کام دکھائیں\" لکھیں۔",
            ],
        ),
        Say::WhatTitle => pick(
            lang,
            [
                "What's the task? For example: \"add buy milk tomorrow 5pm\".",
                "Task kya hai? Jaise: \"kal shaam 5 baje doodh lena add karo\".",
                "کام کیا ہے؟ جیسے: \"کل شام 5 بجے دودھ لینا شامل کریں\"۔",
            ],
        ),
        Say::NewTitle => pick(
            lang,
            [
                "What should the new title be? For example: \"rename 3 to buy oat milk\".",
                "Naya naam kya rakhna hai? Jaise: \"3 ka naam doodh lena rakho\".",
                "نیا نام کیا رکھنا ہے؟ جیسے: \"کام 3 کا نام دودھ لینا رکھیں\"۔",
            ],
        ),
        Say::WhenRemind => pick(
            lang,
            [
                "When should I remind you? For example: \"remind me about 3 tomorrow at 9am\".",
                "Kab yaad dilaun? Jaise: \"3 ke liye kal subah 9 baje yaad dilao\".",
                "کب یاد دلاؤں؟ جیسے: \"کام 3 کی یاد دہانی کل صبح 9 بجے\"۔",
            ],
        ),
        Say::WhatSearch => pick(
            lang,
            [
                "What should I search for? For example: \"search milk\".",
                "Kya dhoondun? Jaise: \"doodh dhoondo\".",
                "کیا تلاش کروں؟ جیسے: \"دودھ تلاش کریں\"۔",
            ],
        ),
        Say::WhichTags => pick(
            lang,
            [
                "Which tag? For example: \"tag 3 with work\".",
                "Kaunsa tag? Jaise: \"3 ko #work tag lagao\".",
                "کون سا ٹیگ؟ جیسے: \"کام 3 پر ٹیگ #دفتر لگائیں\"۔",
            ],
        ),
    };
    text.to_owned()
}

/// The lead sentence for a call that worked.
fn lead(tool: &str, lang: Lang) -> &'static str {
    pick(
        lang,
        match tool {
            tools::ADD_TASK => ["Done:", "Aap ka task add kar diya:", "آپ کا کام شامل کر دیا گیا:"],
            tools::LIST_TASKS => ["Here are your tasks:", "Yeh rahe aap ke tasks:", "یہ رہے آپ کے کام:"],
            tools::SEARCH_TASKS => ["Here's what I found:", "Yeh mila:", "یہ ملا:"],
            tools::COMPLETE_TASK => ["Marked done:", "Mukammal kar diya:", "مکمل کر دیا گیا:"],
            tools::DELETE_TASK => ["Deleted:", "Delete kar diya:", "حذف کر دیا گیا:"],
            tools::UPDATE_TASK => ["Updated:", "Task update kar diya:", "کام تبدیل کر دیا گیا:"],
            tools::SET_PRIORITY => ["Priority set:", "Priority set kar di:", "ترجیح مقرر کر دی گئی:"],
            tools::ADD_TAGS => ["Tags updated:", "Tags update kar diye:", "ٹیگ تبدیل کر دیے گئے:"],
            tools::SCHEDULE_REMINDER => {
                ["Reminder set:", "Yaad dihani set kar di:", "یاد دہانی مقرر کر دی گئی:"]
            }
            tools::GET_RECURRING_TASKS => {
                ["Your recurring tasks:", "Aap ke dohrane wale tasks:", "آپ کے بار بار ہونے والے کام:"]
            }
            tools::ANALYTICS_SUMMARY => ["Your summary:", "Aap ka khulasa:", "آپ کا خلاصہ:"],
            _ => ["Done:", "Ho gaya:", "ہو گیا:"],
        },
    )
}

/// What a running tool call is shown as, in the user's language (both brains use it).
#[must_use]
pub fn step_title(lang: Lang, tool: &str) -> String {
    let titles = match tool {
        tools::ADD_TASK => ["Adding a task", "Task add kar raha hoon", "کام شامل کر رہا ہوں"],
        tools::LIST_TASKS => ["Listing tasks", "Tasks dekh raha hoon", "کام دیکھ رہا ہوں"],
        tools::SEARCH_TASKS => ["Searching tasks", "Tasks dhoond raha hoon", "کام تلاش کر رہا ہوں"],
        tools::COMPLETE_TASK => ["Completing", "Mukammal kar raha hoon", "مکمل کر رہا ہوں"],
        tools::DELETE_TASK => ["Deleting", "Delete kar raha hoon", "حذف کر رہا ہوں"],
        tools::UPDATE_TASK => ["Updating a task", "Task badal raha hoon", "کام تبدیل کر رہا ہوں"],
        tools::SET_PRIORITY => ["Setting priority", "Priority set kar raha hoon", "ترجیح مقرر کر رہا ہوں"],
        tools::ADD_TAGS => ["Tagging", "Tags laga raha hoon", "ٹیگ لگا رہا ہوں"],
        tools::SCHEDULE_REMINDER => {
            ["Setting a reminder", "Yaad dihani set kar raha hoon", "یاد دہانی مقرر کر رہا ہوں"]
        }
        tools::GET_RECURRING_TASKS => ["Recurring tasks", "Dohrane wale tasks", "بار بار ہونے والے کام"],
        tools::ANALYTICS_SUMMARY => ["Summarising", "Khulasa bana raha hoon", "خلاصہ بنا رہا ہوں"],
        other => return other.to_owned(),
    };
    pick(lang, titles).to_owned()
}

/// The heading of a turn's tool calls, in the user's language.
#[must_use]
pub fn steps_title(lang: Lang, count: usize) -> String {
    match lang {
        Lang::English => format!("{count} tool call(s)"),
        Lang::RomanUrdu => format!("Qadam: {count}"),
        Lang::Urdu => format!("اقدامات: {count}"),
    }
}

/// A short reply after the calls ran: `results` pairs each call with (`is_error`, the tool's
/// human-readable text). Mirrors `lang`; when a tool failed, says so and includes the tool's
/// message. The tool text (task numbers, titles, dates) is kept whole under a short lead
/// sentence in the user's language.
#[must_use]
pub fn summary(lang: Lang, results: &[(&PlannedCall, bool, String)]) -> String {
    if results.is_empty() {
        return pick(lang, ["Nothing to do.", "Karne ko kuch nahi tha.", "کرنے کو کچھ نہیں تھا۔"]).to_owned();
    }
    let failed = ["Sorry, that didn't work:", "Maazrat, yeh nahi ho saka:", "معذرت، یہ نہیں ہو سکا:"];
    results
        .iter()
        .map(|(call, is_error, text)| {
            let lead = if *is_error { pick(lang, failed) } else { lead(call.tool, lang) };
            match text.trim() {
                "" => {
                    let stop = if lang == Lang::Urdu { "۔" } else { "." };
                    format!("{}{stop}", lead.trim_end_matches(':'))
                }
                body => format!("{lead}\n{body}"),
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// For Urdu and Roman Urdu, the tasks `tool` returned (its structured content) as lines in
/// the user's script: `#N title · date time`, with no English around them. None for English
/// (the tool's own text says more) and for results that hold no tasks (analytics, reminders),
/// which keep the tool's text.
#[must_use]
pub fn task_lines(lang: Lang, tool: &str, structured: &Value) -> Option<String> {
    if lang == Lang::English {
        return None;
    }
    let tasks = contract::listed_tasks(tool, structured)?;
    if tasks.is_empty() {
        return Some(pick(lang, ["", "Koi task nahi mila.", "کوئی کام نہیں ملا۔"]).to_owned());
    }
    let lines: Vec<String> = tasks
        .iter()
        .map(|task| {
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
        })
        .collect();
    Some(lines.join("\n"))
}
