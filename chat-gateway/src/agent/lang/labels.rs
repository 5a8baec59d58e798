//! Labels in the user's language that both agents show: one table of what each tool is
//! called while it runs and the lead sentence over what it did, keyed by the contract's
//! tool names; the heading of a turn's tool calls; and the one way to pick a text by language.

use shared::contract::tools;

use super::Lang;

/// Picks the English, Roman Urdu or Urdu text.
pub(crate) fn pick(lang: Lang, [english, roman_urdu, urdu]: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::English => english,
        Lang::RomanUrdu => roman_urdu,
        Lang::Urdu => urdu,
    }
}

/// What people read about one tool, each in English, Roman Urdu and Urdu.
struct ToolTexts {
    /// The tool name (from the contract).
    tool: &'static str,
    /// A running call's title.
    step: [&'static str; 3],
    /// The lead sentence over a call that worked.
    lead: [&'static str; 3],
}

/// Every tool's texts.
#[rustfmt::skip]
const TOOL_TEXTS: [ToolTexts; 11] = [
    ToolTexts {
        tool: tools::ADD_TASK,
        step: ["Adding a task", "Task add kar raha hoon", "کام شامل کر رہا ہوں"],
        lead: ["Done:", "Aap ka task add kar diya:", "آپ کا کام شامل کر دیا گیا:"],
    },
    ToolTexts {
        tool: tools::LIST_TASKS,
        step: ["Listing tasks", "Tasks dekh raha hoon", "کام دیکھ رہا ہوں"],
        lead: ["Here are your tasks:", "Yeh rahe aap ke tasks:", "یہ رہے آپ کے کام:"],
    },
    ToolTexts {
        tool: tools::SEARCH_TASKS,
        step: ["Searching tasks", "Tasks dhoond raha hoon", "کام تلاش کر رہا ہوں"],
        lead: ["Here's what I found:", "Yeh mila:", "یہ ملا:"],
    },
    ToolTexts {
        tool: tools::COMPLETE_TASK,
        step: ["Completing", "Mukammal kar raha hoon", "مکمل کر رہا ہوں"],
        lead: ["Marked done:", "Mukammal kar diya:", "مکمل کر دیا گیا:"],
    },
    ToolTexts {
        tool: tools::DELETE_TASK,
        step: ["Deleting", "Delete kar raha hoon", "حذف کر رہا ہوں"],
        lead: ["Deleted:", "Delete kar diya:", "حذف کر دیا گیا:"],
    },
    ToolTexts {
        tool: tools::UPDATE_TASK,
        step: ["Updating a task", "Task badal raha hoon", "کام تبدیل کر رہا ہوں"],
        lead: ["Updated:", "Task update kar diya:", "کام تبدیل کر دیا گیا:"],
    },
    ToolTexts {
        tool: tools::SET_PRIORITY,
        step: ["Setting priority", "Priority set kar raha hoon", "ترجیح مقرر کر رہا ہوں"],
        lead: ["Priority set:", "Priority set kar di:", "ترجیح مقرر کر دی گئی:"],
    },
    ToolTexts {
        tool: tools::ADD_TAGS,
        step: ["Tagging", "Tags laga raha hoon", "ٹیگ لگا رہا ہوں"],
        lead: ["Tags updated:", "Tags update kar diye:", "ٹیگ تبدیل کر دیے گئے:"],
    },
    ToolTexts {
        tool: tools::SCHEDULE_REMINDER,
        step: ["Setting a reminder", "Yaad dihani set kar raha hoon", "یاد دہانی مقرر کر رہا ہوں"],
        lead: ["Reminder set:", "Yaad dihani set kar di:", "یاد دہانی مقرر کر دی گئی:"],
    },
    ToolTexts {
        tool: tools::GET_RECURRING_TASKS,
        step: ["Recurring tasks", "Dohrane wale tasks", "بار بار ہونے والے کام"],
        lead: ["Your recurring tasks:", "Aap ke dohrane wale tasks:", "آپ کے بار بار ہونے والے کام:"],
    },
    ToolTexts {
        tool: tools::ANALYTICS_SUMMARY,
        step: ["Summarising", "Khulasa bana raha hoon", "خلاصہ بنا رہا ہوں"],
        lead: ["Your summary:", "Aap ka khulasa:", "آپ کا خلاصہ:"],
    },
];

fn texts(tool: &str) -> Option<&'static ToolTexts> {
    TOOL_TEXTS.iter().find(|t| t.tool == tool)
}

/// What a running tool call is shown as, in the user's language (both brains use it); an
/// unknown tool keeps its name.
#[must_use]
pub fn step_title(lang: Lang, tool: &str) -> String {
    match texts(tool) {
        Some(texts) => pick(lang, texts.step).to_owned(),
        None => tool.to_owned(),
    }
}

/// The lead sentence over a call of `tool` that worked, in the user's language.
pub(crate) fn done_lead(lang: Lang, tool: &str) -> &'static str {
    pick(lang, texts(tool).map_or(["Done:", "Ho gaya:", "ہو گیا:"], |texts| texts.lead))
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
