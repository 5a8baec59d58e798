//! Labels in the user's language that both agents show: what a running tool call is
//! called, the heading of a turn's tool calls, and the one way to pick a text by language.

use super::Lang;

/// Picks the English, Roman Urdu or Urdu text.
pub(crate) fn pick(lang: Lang, [english, roman_urdu, urdu]: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::English => english,
        Lang::RomanUrdu => roman_urdu,
        Lang::Urdu => urdu,
    }
}

/// What a running tool call is shown as, in the user's language (both brains use it).
#[must_use]
pub fn step_title(lang: Lang, tool: &str) -> String {
    let titles = match tool {
        "add_task" => ["Adding a task", "Task add kar raha hoon", "کام شامل کر رہا ہوں"],
        "list_tasks" => ["Listing tasks", "Tasks dekh raha hoon", "کام دیکھ رہا ہوں"],
        "search_tasks" => ["Searching tasks", "Tasks dhoond raha hoon", "کام تلاش کر رہا ہوں"],
        "complete_task" => ["Completing", "Mukammal kar raha hoon", "مکمل کر رہا ہوں"],
        "delete_task" => ["Deleting", "Delete kar raha hoon", "حذف کر رہا ہوں"],
        "update_task" => ["Updating a task", "Task badal raha hoon", "کام تبدیل کر رہا ہوں"],
        "set_priority" => ["Setting priority", "Priority set kar raha hoon", "ترجیح مقرر کر رہا ہوں"],
        "add_tags" => ["Tagging", "Tags laga raha hoon", "ٹیگ لگا رہا ہوں"],
        "schedule_reminder" => {
            ["Setting a reminder", "Yaad dihani set kar raha hoon", "یاد دہانی مقرر کر رہا ہوں"]
        }
        "get_recurring_tasks" => ["Recurring tasks", "Dohrane wale tasks", "بار بار ہونے والے کام"],
        "analytics_summary" => ["Summarising", "Khulasa bana raha hoon", "خلاصہ بنا رہا ہوں"],
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
