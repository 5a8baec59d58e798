//! What a task widget says, in the user's language: button labels, priority names, the
//! list's status line, and due dates written the way each language writes them (with no
//! English inside Urdu).

use chrono::{Datelike, NaiveDate, Utc};
use shared::contract::DueView;

use crate::agent::lang::Lang;
use crate::agent::lang::labels::pick;

/// A button's label.
pub(super) fn complete(lang: Lang) -> &'static str {
    pick(lang, ["Complete", "Mukammal", "مکمل"])
}

/// A button's label.
pub(super) fn reopen(lang: Lang) -> &'static str {
    pick(lang, ["Reopen", "Dobara kholein", "دوبارہ کھولیں"])
}

/// A button's label (snooze to tomorrow).
pub(super) fn snooze(lang: Lang) -> &'static str {
    pick(lang, ["Tomorrow", "Kal par", "کل پر"])
}

/// The date picker's label (move to another day).
pub(super) fn move_to(lang: Lang) -> &'static str {
    pick(lang, ["Move to…", "Kisi aur din par", "کسی اور دن پر"])
}

/// A button's label.
pub(super) fn delete(lang: Lang) -> &'static str {
    pick(lang, ["Delete", "Delete karein", "حذف کریں"])
}

/// The badge of an overdue task.
pub(super) fn overdue(lang: Lang) -> &'static str {
    pick(lang, ["Overdue", "Waqt guzar gaya", "وقت گزر گیا"])
}

/// The name of a priority `p1`…`p4` (unknown codes as they are).
pub(super) fn priority(lang: Lang, code: &str) -> String {
    let names = match code {
        "p1" => ["Urgent", "Fori", "فوری"],
        "p2" => ["High", "Zaroori", "اہم"],
        "p3" => ["Medium", "Darmiyani", "درمیانی"],
        "p4" => ["Low", "Kam", "کم"],
        other => return other.to_owned(),
    };
    pick(lang, names).to_owned()
}

/// The list's status line: how many tasks it shows.
pub(super) fn count(lang: Lang, n: usize) -> String {
    match (lang, n) {
        (Lang::English, 0) => "No tasks".into(),
        (Lang::English, 1) => "1 task".into(),
        (Lang::English, n) => format!("{n} tasks"),
        (Lang::RomanUrdu, 0) => "Koi task nahi".into(),
        (Lang::RomanUrdu, n) => format!("{n} tasks"),
        (Lang::Urdu, 0) => "کوئی کام نہیں".into(),
        (Lang::Urdu, n) => format!("{n} کام"),
    }
}

const MONTHS: [[&str; 12]; 3] = [
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"],
];

/// A due date in the user's zone (mcp-tasks already gives the local date and time) written
/// in the user's language: `Jan 7 17:00`, `7 Jan 17:00`, `7 جنوری 17:00`; the year only when
/// it is not this year. An unreadable date is shown as it came.
pub(super) fn due(lang: Lang, due: &DueView) -> String {
    let Ok(date) = NaiveDate::parse_from_str(&due.date, "%Y-%m-%d") else {
        return due.date.clone();
    };
    let row = match lang {
        Lang::English => 0,
        Lang::RomanUrdu => 1,
        Lang::Urdu => 2,
    };
    let month = MONTHS[row][date.month0() as usize];
    let day = date.day();
    let mut text = match lang {
        Lang::English => format!("{month} {day}"),
        Lang::RomanUrdu | Lang::Urdu => format!("{day} {month}"),
    };
    if date.year() != Utc::now().year() {
        text = match lang {
            Lang::English => format!("{text}, {}", date.year()),
            _ => format!("{text} {}", date.year()),
        };
    }
    if let Some(time) = &due.time {
        // Digits isolated left to right, or an Urdu line reorders them.
        let time = if lang == Lang::Urdu { format!("\u{2066}{time}\u{2069}") } else { time.clone() };
        text = format!("{text} {time}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due_on(date: &str, time: Option<&str>) -> DueView {
        DueView {
            date: date.into(),
            time: time.map(str::to_owned),
            utc: None,
            timezone: "Asia/Karachi".into(),
            phrase: None,
            overdue: false,
        }
    }

    #[test]
    fn due_dates_read_as_each_language_writes_them() {
        let year = Utc::now().year();
        let this_year = due_on(&format!("{year}-01-07"), Some("17:00"));
        assert_eq!(due(Lang::English, &this_year), "Jan 7 17:00");
        assert_eq!(due(Lang::RomanUrdu, &this_year), "7 Jan 17:00");
        assert_eq!(due(Lang::Urdu, &this_year), "7 جنوری \u{2066}17:00\u{2069}");
        let later = due_on(&format!("{}-12-31", year + 1), None);
        assert_eq!(due(Lang::English, &later), format!("Dec 31, {}", year + 1));
        assert_eq!(due(Lang::Urdu, &later), format!("31 دسمبر {}", year + 1));
        assert_eq!(due(Lang::English, &due_on("someday", None)), "someday");
    }

    #[test]
    fn urdu_labels_carry_no_english() {
        for text in [complete(Lang::Urdu), reopen(Lang::Urdu), snooze(Lang::Urdu), delete(Lang::Urdu)]
            .into_iter()
            .map(str::to_owned)
            .chain([priority(Lang::Urdu, "p1"), count(Lang::Urdu, 3), overdue(Lang::Urdu).to_owned()])
        {
            assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
        }
    }
}
