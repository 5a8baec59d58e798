//! Everything the offline agent says, in the user's language: help, greetings, follow-up
//! questions, and the summary written after tool calls ran.

use shared::contract::TaskView;

use super::calls::PlannedCall;
use super::reply_tasks::tasks_reply;
use crate::agent::lang::Lang;
use crate::agent::lang::labels::{done_lead, pick};

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
    /// "the second one" with no list shown in this thread.
    NoList,
    /// "that" when the last list shows several tasks.
    WhichOne,
    /// A position past the end of the lists shown.
    NotInList,
    /// A title that matches none of the user's tasks.
    NotFound,
    /// A title several tasks match (they are shown).
    WhichOfThese,
}

/// The help text listing what the offline assistant can do, in `lang`; it says it is the offline assistant.
#[must_use]
pub fn help(lang: Lang) -> String {
    say(lang, Say::Help)
}

/// The text of a reply that needs no tool.
pub(super) fn say(lang: Lang, what: Say) -> String {
    pick(lang, texts(what)).to_owned()
}

/// The English, Roman Urdu and Urdu texts of a reply that needs no tool.
fn texts(what: Say) -> [&'static str; 3] {
    match what {
        Say::Help => [
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
        ],
        Say::Greet { salam: true } => [
            "Wa alaikum assalam! I'm the offline assistant; say \"help\" to see what I can do.",
            "Wa alaikum assalam! Main offline assistant hoon; \"madad\" likhein to bataun ga ke kya kar sakta hoon.",
            "وعلیکم السلام! میں آف لائن اسسٹنٹ ہوں؛ \"مدد\" لکھیں تو بتاؤں گا کہ کیا کر سکتا ہوں۔",
        ],
        Say::Greet { salam: false } => [
            "Hi! I'm the offline assistant; say \"help\" to see what I can do.",
            "Hello! Main offline assistant hoon; \"madad\" likhein to bataun ga ke kya kar sakta hoon.",
            "آداب! میں آف لائن اسسٹنٹ ہوں؛ \"مدد\" لکھیں تو بتاؤں گا کہ کیا کر سکتا ہوں۔",
        ],
        Say::Thanks => {
            ["You're welcome! Anything else?", "Koi baat nahi! Aur kuch?", "کوئی بات نہیں! اور کچھ؟"]
        }
        Say::WhichTask => [
            "Which task? Give its number, e.g. \"complete 3\". Say \"show my tasks\" to see the numbers.",
            "Kaunsa task? Us ka number batayein, jaise \"3 mukammal karo\". Numbers dekhne ke liye \"mere tasks dikhao\" likhein.",
            "کون سا کام؟ اس کا نمبر بتائیں، جیسے \"کام 3 مکمل کریں\"۔ نمبر دیکھنے کے لیے \"میرے کام دکھائیں\" لکھیں۔",
        ],
        Say::WhatTitle => [
            "What's the task? For example: \"add buy milk tomorrow 5pm\".",
            "Task kya hai? Jaise: \"kal shaam 5 baje doodh lena add karo\".",
            "کام کیا ہے؟ جیسے: \"کل شام 5 بجے دودھ لینا شامل کریں\"۔",
        ],
        Say::NewTitle => [
            "What should the new title be? For example: \"rename 3 to buy oat milk\".",
            "Naya naam kya rakhna hai? Jaise: \"3 ka naam doodh lena rakho\".",
            "نیا نام کیا رکھنا ہے؟ جیسے: \"کام 3 کا نام دودھ لینا رکھیں\"۔",
        ],
        Say::WhenRemind => [
            "When should I remind you? For example: \"remind me about 3 tomorrow at 9am\".",
            "Kab yaad dilaun? Jaise: \"3 ke liye kal subah 9 baje yaad dilao\".",
            "کب یاد دلاؤں؟ جیسے: \"کام 3 کی یاد دہانی کل صبح 9 بجے\"۔",
        ],
        Say::WhatSearch => [
            "What should I search for? For example: \"search milk\".",
            "Kya dhoondun? Jaise: \"doodh dhoondo\".",
            "کیا تلاش کروں؟ جیسے: \"دودھ تلاش کریں\"۔",
        ],
        Say::NoList => [
            "Which task? I haven't shown a list here yet: say \"show my tasks\", then \"the second one\".",
            "Kaunsa task? Abhi koi list nahi dikhayi: pehle \"mere tasks dikhao\" likhein.",
            "کون سا کام؟ ابھی کوئی فہرست نہیں دکھائی: پہلے \"میرے کام دکھائیں\" لکھیں۔",
        ],
        Say::WhichOne => [
            "Which one? Give its number or its place in the list, e.g. \"complete 3\".",
            "Kaunsa? Number ya list mein jagah batayein, jaise \"3 mukammal karo\".",
            "کون سا؟ نمبر یا فہرست میں جگہ بتائیں، جیسے \"کام 3 مکمل کریں\"۔",
        ],
        Say::NotInList => [
            "The list I showed is shorter than that. Which task? Give its number, e.g. \"complete 3\".",
            "Dikhayi gayi list itni lambi nahi. Kaunsa task? Number batayein, jaise \"3 mukammal karo\".",
            "دکھائی گئی فہرست اتنی لمبی نہیں۔ کون سا کام؟ نمبر بتائیں، جیسے \"کام 3 مکمل کریں\"۔",
        ],
        Say::NotFound => [
            "I couldn't find a task like that. Say \"show my tasks\" to see them.",
            "Aisa koi task nahi mila. \"mere tasks dikhao\" likh kar dekhein.",
            "ایسا کوئی کام نہیں ملا۔ \"میرے کام دکھائیں\" لکھ کر دیکھیں۔",
        ],
        Say::WhichOfThese => [
            "Several tasks match. Which one? Say \"the first one\" or give its number.",
            "Kayi tasks milte hain. Kaunsa? \"pehla wala\" ya us ka number batayein.",
            "کئی کام ملتے ہیں۔ کون سا؟ \"پہلا والا\" یا اس کا نمبر بتائیں۔",
        ],
        Say::WhichTags => [
            "Which tag? For example: \"tag 3 with work\".",
            "Kaunsa tag? Jaise: \"3 ko #work tag lagao\".",
            "کون سا ٹیگ؟ جیسے: \"کام 3 پر ٹیگ #دفتر لگائیں\"۔",
        ],
    }
}

/// One call that ran, as [`summary`] reads it: the call, whether it failed, the tool's text
/// for people (in Urdu and Roman Urdu already in the user's script), and the tasks it
/// returned, when it returns tasks.
pub type Ran<'a> = (&'a PlannedCall, bool, String, Option<&'a [TaskView]>);

/// A short reply after the calls ran, in the user's language. Tasks a call returned are a
/// heading that says what was asked ("📋 3 high-priority tasks due today:") and one line
/// per task (status, number, title, priority, due date); anything else keeps the tool's
/// text under a short lead sentence. When a tool failed, says so with the tool's message.
#[must_use]
pub fn summary(lang: Lang, results: &[Ran]) -> String {
    if results.is_empty() {
        return pick(lang, ["Nothing to do.", "Karne ko kuch nahi tha.", "کرنے کو کچھ نہیں تھا۔"]).to_owned();
    }
    let failed = ["Sorry, that didn't work:", "Maazrat, yeh nahi ho saka:", "معذرت، یہ نہیں ہو سکا:"];
    results
        .iter()
        .map(|(call, is_error, text, tasks)| {
            if !*is_error && let Some(reply) = tasks.and_then(|tasks| tasks_reply(lang, call, tasks)) {
                return reply;
            }
            let lead = if *is_error { pick(lang, failed) } else { done_lead(lang, call.tool) };
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
