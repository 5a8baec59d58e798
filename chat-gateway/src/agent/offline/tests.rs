//! Tests beyond the utterance table: help and summary texts in each language, words that
//! only look like dates, and messages that must not panic. The language layer's own tests
//! (detection, date rewriting, task lines) are in `lang::tests`.

use serde_json::json;

use super::reply::{Say, say};
use super::{Lang, Plan, PlannedCall, help, plan, summary};
use crate::agent::lang::detect_lang;

/// The eleven `mcp-tasks` tools.
pub(super) const TOOLS: [&str; 11] = [
    "add_task",
    "list_tasks",
    "search_tasks",
    "complete_task",
    "delete_task",
    "update_task",
    "set_priority",
    "add_tags",
    "schedule_reminder",
    "get_recurring_tasks",
    "analytics_summary",
];

/// The double-quoted examples in a text.
fn quoted(text: &str) -> Vec<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

#[test]
fn words_that_only_look_like_dates_stay_in_the_title() {
    let title = |text: &str| match plan(text) {
        Plan::Calls { calls, .. } => calls.first().map(|c| c.arguments["title"].clone()),
        _ => None,
    };
    assert_eq!(title("add watch movie night"), Some(json!("watch movie night")));
    assert_eq!(title("add review peer feedback"), Some(json!("review peer feedback")));
    assert_eq!(title("add buy 3 apples"), Some(json!("buy 3 apples")));
    assert_eq!(title("add read every book"), Some(json!("read every book")));
    assert_eq!(title("add do laundry"), Some(json!("do laundry")));
}

#[test]
fn arabic_letter_variants_and_invisible_marks_are_read_like_urdu() {
    let want = Plan::Calls {
        lang: Lang::Urdu,
        calls: vec![PlannedCall { tool: "complete_task", arguments: json!({"task": 3}) }],
    };
    assert_eq!(plan("كام 3 مكمل كريں"), want, "Arabic kaf and yeh");
    assert_eq!(plan("\u{200F}کام ٣ مکمل کریں\u{200F}"), want, "RTL marks and Arabic-Indic digits");
    assert_eq!(plan("کامِ 3 مکمّل کریں"), want, "diacritics");
}

#[test]
fn help_says_it_is_the_offline_assistant_in_each_language() {
    assert!(help(Lang::English).contains("offline assistant"));
    assert!(help(Lang::RomanUrdu).contains("offline assistant"));
    assert!(help(Lang::Urdu).contains("آف لائن اسسٹنٹ"));
    assert!(!help(Lang::RomanUrdu).chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
    assert!(help(Lang::Urdu).chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)));
}

#[test]
fn every_example_the_assistant_suggests_is_understood_in_its_language() {
    let asks =
        [Say::WhichTask, Say::WhatTitle, Say::NewTitle, Say::WhenRemind, Say::WhatSearch, Say::WhichTags];
    for lang in [Lang::English, Lang::RomanUrdu, Lang::Urdu] {
        let mut texts = vec![help(lang)];
        texts.extend(asks.iter().map(|what| say(lang, *what)));
        for text in &texts {
            for example in quoted(text).into_iter().filter(|e| !["help", "madad", "مدد"].contains(e)) {
                match plan(example) {
                    Plan::Calls { lang: got, .. } => assert_eq!(got, lang, "{example:?}"),
                    other => panic!("{example:?} is not understood: {other:?}"),
                }
            }
        }
    }
}

#[test]
fn greetings_are_answered_in_kind() {
    let reply = |text: &str| match plan(text) {
        Plan::Reply { text, .. } => text,
        other => panic!("{text:?} planned {other:?}"),
    };
    assert!(reply("assalam o alaikum").starts_with("Wa alaikum assalam"));
    assert!(reply("السلام علیکم").starts_with("وعلیکم السلام"));
    assert!(reply("good morning 👋").starts_with("Hi!"));
    assert!(reply("thank you so much").starts_with("You're welcome"));
    assert!(reply("بہت شکریہ").starts_with("کوئی بات نہیں"));
    assert_eq!(plan("hi, show my tasks"), plan("show my tasks"));
    assert_eq!(plan("salam, mere tasks dikhao"), plan("mere tasks dikhao"));
}

fn call(tool: &'static str) -> PlannedCall {
    PlannedCall { tool, arguments: json!({}) }
}

#[test]
fn a_summary_leads_with_a_sentence_in_the_users_language_and_keeps_the_tool_text() {
    let add = call("add_task");
    let tool_text = "Added 1 task:\n#12 buy milk — due 2026-01-28 17:00".to_owned();
    let results = [(&add, false, tool_text.clone(), None)];
    let cases = [
        (Lang::English, "Done:"),
        (Lang::RomanUrdu, "Aap ka task add kar diya:"),
        (Lang::Urdu, "آپ کا کام شامل کر دیا گیا:"),
    ];
    for (lang, lead) in cases {
        assert_eq!(summary(lang, &results), format!("{lead}\n{tool_text}"), "{lang:?}");
    }
}

#[test]
fn a_failed_call_is_reported_with_the_tools_message() {
    let delete = call("delete_task");
    let results = [(&delete, true, "No task #99.".to_owned(), None)];
    assert_eq!(summary(Lang::English, &results), "Sorry, that didn't work:\nNo task #99.");
    assert_eq!(summary(Lang::RomanUrdu, &results), "Maazrat, yeh nahi ho saka:\nNo task #99.");
    assert_eq!(summary(Lang::Urdu, &results), "معذرت، یہ نہیں ہو سکا:\nNo task #99.");
}

#[test]
fn several_results_are_summarised_in_order() {
    let (first, second) = (call("schedule_reminder"), call("schedule_reminder"));
    let results = [
        (&first, false, "I'll remind you about #3.".to_owned(), None),
        (&second, true, "No task #5.".to_owned(), None),
    ];
    assert_eq!(
        summary(Lang::RomanUrdu, &results),
        "Yaad dihani set kar di:\nI'll remind you about #3.\n\nMaazrat, yeh nahi ho saka:\nNo task #5."
    );
}

#[test]
fn a_summary_without_tool_text_is_just_the_lead_sentence() {
    let list = call("list_tasks");
    assert_eq!(summary(Lang::English, &[(&list, false, "  ".to_owned(), None)]), "Here are your tasks.");
    assert_eq!(summary(Lang::Urdu, &[(&list, false, String::new(), None)]), "یہ رہے آپ کے کام۔");
    assert_eq!(summary(Lang::RomanUrdu, &[]), "Karne ko kuch nahi tha.");
}

#[test]
fn every_tool_has_its_own_lead_sentence_in_every_language() {
    let tools = TOOLS;
    for lang in [Lang::English, Lang::RomanUrdu, Lang::Urdu] {
        let leads: Vec<String> =
            tools.iter().map(|tool| summary(lang, &[(&call(tool), false, String::new(), None)])).collect();
        let mut unique = leads.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), tools.len(), "{lang:?}: {leads:?}");
    }
}

#[test]
fn weird_messages_never_panic_and_always_plan_something_sensible() {
    let long_words = "buy milk ".repeat(1_200);
    let long_digits = "7".repeat(10_000);
    let long_urdu = "کل شام 5 بجے ".repeat(800);
    let long_every = format!("add x every {}", "day and ".repeat(1_500));
    let mut inputs: Vec<String> = [
        "",
        " ",
        "\n\t",
        "😀",
        "😀😀 🎉",
        "\u{200F}",
        "\u{200F}\u{200E}\u{202B}",
        "\u{FEFF}",
        "123",
        "#",
        "##",
        "!!",
        "!!!!!!!!",
        "#3",
        "3-",
        "-3",
        "3-99999999",
        "1-1000",
        "::",
        "at",
        "every",
        "har",
        "in",
        "in 3",
        "9999999999999",
        "۰۱۲۳۴۵۶۷۸۹",
        "add",
        "add #",
        "add !!",
        "add every",
        "rename 3 to",
        "tag 3 #",
        "remind",
        "remind me about",
        "delete 0",
        "complete -1",
        "٣٤٥",
        "saade baje",
        "5 baje baje",
        "25:99",
        "at 13 pm",
        "2026-02-30",
        "jan 99",
        "the 99th",
        "p5",
        "priority 9",
        "\u{0640}\u{064B}",
        "ﷺ",
        "a\u{0000}b",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    inputs.extend([long_words, long_digits, long_urdu, long_every, "x".repeat(10_000)]);
    for input in &inputs {
        let lang = detect_lang(input);
        match plan(input) {
            Plan::Calls { lang: got, calls } => {
                assert_eq!(got, lang);
                assert!(!calls.is_empty(), "{input:?}");
                for c in &calls {
                    assert!(c.arguments.is_object());
                }
                let results: Vec<_> = calls.iter().map(|c| (c, false, String::new(), None)).collect();
                assert!(!summary(lang, &results).is_empty());
            }
            Plan::Reply { lang: got, text } | Plan::Choose { lang: got, text, .. } => {
                assert_eq!(got, lang);
                assert!(!text.is_empty(), "{input:?}");
            }
            Plan::Find { lang: got, query, .. } => {
                assert_eq!(got, lang);
                assert!(!query.is_empty(), "{input:?}");
            }
            Plan::Confirm { lang: got, call } => {
                assert_eq!(got, lang);
                assert!(call.arguments.is_object());
            }
        }
    }
}

#[test]
fn an_empty_or_unreadable_message_gets_the_help_text() {
    for input in ["", "   ", "😀", "\u{200F}", "?!"] {
        assert_eq!(plan(input), Plan::Reply { lang: Lang::English, text: help(Lang::English) }, "{input:?}");
    }
}

fn view(
    number: i64,
    title: &str,
    priority: &str,
    due: Option<&str>,
    done: bool,
) -> shared::contract::TaskView {
    serde_json::from_value(json!({
        "number": number, "title": title, "status": if done { "completed" } else { "pending" },
        "priority": priority, "priority_name": "x", "tags": [],
        "due": due.map(|d| json!({"date": d, "timezone": "Asia/Karachi", "overdue": false})),
        "created_at": "2026-01-01T00:00:00Z",
    }))
    .unwrap()
}

#[test]
fn tasks_are_answered_with_a_heading_and_one_line_each_in_the_users_language() {
    use chrono::Datelike;
    let year = chrono::Utc::now().year();
    let tasks = [
        view(1, "Review PR #42", "p1", Some(&format!("{year}-01-07")), false),
        view(2, "Pay rent", "p2", None, true),
    ];
    let list =
        PlannedCall { tool: "list_tasks", arguments: json!({"priority": ["p1", "p2"], "due": "today"}) };
    let reply = |lang| summary(lang, &[(&list, false, "tool text".to_owned(), Some(&tasks[..]))]);
    assert_eq!(
        reply(Lang::English),
        "📋 2 high-priority tasks due today:\n⬜ #1 Review PR #42 · p1 · Jan 7\n✅ #2 Pay rent · p2"
    );
    assert_eq!(
        reply(Lang::RomanUrdu),
        "📋 Aaj ke 2 zaroori tasks:\n⬜ #1 Review PR #42 · Fori · 7 Jan\n✅ #2 Pay rent · Zaroori"
    );
    assert_eq!(
        reply(Lang::Urdu),
        "📋 آج کے 2 اہم کام:\n⬜ #1 Review PR #42 · فوری · 7 جنوری\n✅ #2 Pay rent · اہم"
    );
    let none = summary(Lang::Urdu, &[(&list, false, String::new(), Some(&[]))]);
    assert_eq!(none, "📋 آج کے کوئی اہم کام نہیں۔");
    let search = PlannedCall { tool: "search_tasks", arguments: json!({"query": "milk"}) };
    let found = summary(Lang::English, &[(&search, false, String::new(), Some(&tasks[..1]))]);
    assert!(found.starts_with("🔎 1 task matches “milk”:\n⬜ #1"), "{found}");
    // The Urdu heading carries no English words.
    let urdu = reply(Lang::Urdu);
    let head = urdu.lines().next().unwrap();
    assert!(!head.chars().any(|c| c.is_ascii_alphabetic()), "{head}");
}
