//! Tests beyond the utterance table: language detection, date rewriting, help and summary
//! texts in each language, and messages that must not panic.

use serde_json::json;
use shared::contract::tools;

use super::dates::Dates;
use super::reply::{Say, say};
use super::text::tokenize;
use super::{Lang, Plan, PlannedCall, detect_lang, help, normalise_arguments, plan, summary, task_lines};

/// The due and recurrence phrases found in `text`.
fn rewrite(text: &str) -> (Option<String>, Option<String>) {
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let dates = Dates::scan(&keys, detect_lang(text) == Lang::RomanUrdu);
    (dates.due(), dates.recurrence())
}

/// The double-quoted examples in a text.
fn quoted(text: &str) -> Vec<&str> {
    text.split('"').skip(1).step_by(2).collect()
}

#[test]
fn language_is_detected_from_script_and_marker_words() {
    let cases = [
        ("add buy milk tomorrow", Lang::English),
        ("review peer feedback friday", Lang::English),
        ("3", Lang::English),
        ("", Lang::English),
        ("😀", Lang::English),
        ("hi", Lang::English),
        ("kal doodh lena", Lang::RomanUrdu),
        ("mujhe help chahiye", Lang::RomanUrdu),
        ("Mere Tasks Dikhao", Lang::RomanUrdu),
        ("3 ho gaya", Lang::RomanUrdu),
        ("salam", Lang::RomanUrdu),
        ("دودھ", Lang::Urdu),
        ("task 3 مکمل", Lang::Urdu),
        ("\u{200F}کام 3\u{200F}", Lang::Urdu),
    ];
    for (text, lang) in cases {
        assert_eq!(detect_lang(text), lang, "{text:?}");
    }
}

#[test]
fn urdu_and_roman_urdu_dates_are_rewritten_in_the_servers_english() {
    let due = |phrase: &str| Some(phrase.to_owned());
    let cases = [
        ("kal shaam 5 baje", due("tomorrow 5pm")),
        ("کل شام 5 بجے", due("tomorrow 5pm")),
        ("کل شام ۵ بجے", due("tomorrow 5pm")),
        ("parson", due("in 2 days")),
        ("پرسوں", due("in 2 days")),
        ("agle hafte", due("next week")),
        ("اگلے ہفتے", due("next week")),
        ("is hafte", due("end of week")),
        ("agle mahine", due("next month")),
        ("mahine ke aakhir", due("end of month")),
        ("aaj raat", due("tonight")),
        ("kal subah", due("tomorrow morning")),
        ("subah 9 baje", due("9am")),
        ("dopahar 12 baje", due("12pm")),
        ("raat 11 baje", due("11pm")),
        ("raat 12 baje", due("12am")),
        ("5 baje", due("5pm")),
        ("10 baje", due("10am")),
        ("do baje", due("2pm")),
        ("saade 5 baje", due("5:30pm")),
        ("3 din mein", due("in 3 days")),
        ("2 ghante baad", due("in 2 hours")),
        ("2 گھنٹے بعد", due("in 2 hours")),
        ("27 جنوری", due("jan 27")),
        ("27th of january 2027", due("jan 27 2027")),
        ("tomorrow at 5:30 pm", due("tomorrow 5:30pm")),
        ("next friday evening", due("next friday evening")),
        ("on the 1st", due("the 1st")),
        ("2026-01-27", due("2026-01-27")),
        ("2026-01-27T17:00", due("2026-01-27t17:00")),
        ("at 17:30", due("17:30")),
        ("in half an hour", due("in 30 minutes")),
    ];
    for (text, want) in cases {
        assert_eq!(rewrite(text), (want, None), "{text:?}");
    }
}

#[test]
fn repeating_phrases_become_every_phrases() {
    let every = |phrase: &str| (None, Some(phrase.to_owned()));
    let cases = [
        ("har peer", every("every monday")),
        ("ہر پیر", every("every monday")),
        ("roz", every("every day")),
        ("har roz", every("every day")),
        ("ہر روز", every("every day")),
        ("روزانہ", every("every day")),
        ("har hafte", every("every week")),
        ("har mahine", every("every month")),
        ("har 2 din", every("every 2 days")),
        ("har shaam", every("every day in the evening")),
        ("har jumma raat 9 baje", every("every friday at 9pm")),
        ("kal se har roz", every("every day starting tomorrow")),
        ("every monday at 9am", every("every monday at 9am")),
        ("every jumma", every("every friday")),
        ("daily at 8am", every("daily at 8am")),
        ("every day for 8 weeks", every("every day for 8 weeks")),
        ("every monday subah", every("every monday in the morning")),
        ("har mahine ki 1 tareekh", every("every month on the 1st")),
        ("ہر مہینے کی 22 تاریخ کو", every("every month on the 22nd")),
        ("har saal 5 march", every("every mar 5")),
    ];
    for (text, want) in cases {
        assert_eq!(rewrite(text), want, "{text:?}");
    }
}

#[test]
fn every_weekday_name_maps_to_english_in_each_script() {
    let names = [
        ("peer", "پیر", "monday"),
        ("mangal", "منگل", "tuesday"),
        ("budh", "بدھ", "wednesday"),
        ("jumeraat", "جمعرات", "thursday"),
        ("jumma", "جمعہ", "friday"),
        ("itwaar", "اتوار", "sunday"),
    ];
    for (roman, urdu, english) in names {
        let next = Some(format!("next {english}"));
        assert_eq!(rewrite(&format!("agle {roman}")).0, next, "{roman}");
        assert_eq!(rewrite(&format!("اگلے {urdu}")).0, next, "{urdu}");
        assert_eq!(rewrite(&format!("{urdu} کو")).0.as_deref(), Some(english), "{urdu}");
        assert_eq!(rewrite(&format!("har {roman}")).1, Some(format!("every {english}")), "{roman}");
    }
    // hafta / ہفتہ is both "week" and "Saturday": after agle / is / har it is the week, alone
    // (usually with "ko") it is the day.
    assert_eq!(rewrite("hafta ko").0.as_deref(), Some("saturday"));
    assert_eq!(rewrite("ہفتے کو").0.as_deref(), Some("saturday"));
    assert_eq!(rewrite("agle hafta").0.as_deref(), Some("next week"));
    assert_eq!(rewrite("har hafte").1.as_deref(), Some("every week"));
}

#[test]
fn words_that_only_look_like_dates_stay_in_the_title() {
    let title = |text: &str| match plan(text) {
        Plan::Calls { calls, .. } => calls.first().map(|c| c.arguments["title"].clone()),
        Plan::Reply { .. } => None,
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
                    Plan::Reply { text, .. } => panic!("{example:?} is not understood: {text}"),
                }
            }
        }
    }
}

#[test]
fn greetings_are_answered_in_kind() {
    let reply = |text: &str| match plan(text) {
        Plan::Reply { text, .. } => text,
        Plan::Calls { calls, .. } => panic!("{text:?} planned {calls:?}"),
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
    let results = [(&add, false, tool_text.clone())];
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
    let results = [(&delete, true, "No task #99.".to_owned())];
    assert_eq!(summary(Lang::English, &results), "Sorry, that didn't work:\nNo task #99.");
    assert_eq!(summary(Lang::RomanUrdu, &results), "Maazrat, yeh nahi ho saka:\nNo task #99.");
    assert_eq!(summary(Lang::Urdu, &results), "معذرت، یہ نہیں ہو سکا:\nNo task #99.");
}

#[test]
fn several_results_are_summarised_in_order() {
    let (first, second) = (call("schedule_reminder"), call("schedule_reminder"));
    let results =
        [(&first, false, "I'll remind you about #3.".to_owned()), (&second, true, "No task #5.".to_owned())];
    assert_eq!(
        summary(Lang::RomanUrdu, &results),
        "Yaad dihani set kar di:\nI'll remind you about #3.\n\nMaazrat, yeh nahi ho saka:\nNo task #5."
    );
}

#[test]
fn a_summary_without_tool_text_is_just_the_lead_sentence() {
    let list = call("list_tasks");
    assert_eq!(summary(Lang::English, &[(&list, false, "  ".to_owned())]), "Here are your tasks.");
    assert_eq!(summary(Lang::Urdu, &[(&list, false, String::new())]), "یہ رہے آپ کے کام۔");
    assert_eq!(summary(Lang::RomanUrdu, &[]), "Karne ko kuch nahi tha.");
}

#[test]
fn every_tool_has_its_own_lead_sentence_in_every_language() {
    let tools = [
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
    for lang in [Lang::English, Lang::RomanUrdu, Lang::Urdu] {
        let leads: Vec<String> =
            tools.iter().map(|tool| summary(lang, &[(&call(tool), false, String::new())])).collect();
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
                let results: Vec<_> = calls.iter().map(|c| (c, false, String::new())).collect();
                assert!(!summary(lang, &results).is_empty());
            }
            Plan::Reply { lang: got, text } => {
                assert_eq!(got, lang);
                assert!(!text.is_empty(), "{input:?}");
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

#[test]
fn a_models_urdu_date_arguments_are_rewritten_in_english() {
    let normalised = |args: serde_json::Value| match args {
        serde_json::Value::Object(map) => serde_json::Value::Object(normalise_arguments(map)),
        other => other,
    };
    let cases = [
        (
            json!({"title": "doodh", "due": "kal shaam 5 baje"}),
            json!({"title": "doodh", "due": "tomorrow 5pm"}),
        ),
        (json!({"due": "ہر پیر صبح 9 بجے"}), json!({"due": "every monday at 9am"})),
        (json!({"recurrence": "roz"}), json!({"recurrence": "every day"})),
        (json!({"task": 3, "at": "کل صبح ۹ بجے"}), json!({"task": 3, "at": "tomorrow 9am"})),
        (json!({"task": 3, "at": "30 minute pehle"}), json!({"task": 3, "at": "30 minutes before"})),
        (
            json!({"tasks": [{"title": "a", "due": "parson"}, 7]}),
            json!({"tasks": [{"title": "a", "due": "in 2 days"}, 7]}),
        ),
        (json!({"task": 2, "priority": "فوری"}), json!({"task": 2, "priority": "p1"})),
        (json!({"task": 2, "priority": "zaroori"}), json!({"task": 2, "priority": "p2"})),
        // Left alone: English, ISO, words that are not a date, non-strings, known priorities.
        (json!({"due": "friday 5pm", "priority": "High"}), json!({"due": "friday 5pm", "priority": "High"})),
        (json!({"due": "2026-01-27T17:00"}), json!({"due": "2026-01-27T17:00"})),
        (json!({"due": "kal ya parson"}), json!({"due": "kal ya parson"})),
        (json!({"due": 5, "title": "kal"}), json!({"due": 5, "title": "kal"})),
    ];
    for (input, want) in cases {
        assert_eq!(normalised(input.clone()), want, "{input}");
    }
}

#[test]
fn urdu_replies_list_tasks_from_the_structured_result_without_english() {
    let created = json!({"created": [{"number": 1, "title": "دودھ لینا", "status": "pending",
        "due": {"date": "2026-11-23", "time": "17:00"}}]});
    assert_eq!(
        task_lines(Lang::Urdu, tools::ADD_TASK, &created).unwrap(),
        "#1 دودھ لینا · \u{2066}2026-11-23 17:00\u{2069}"
    );
    let done = json!({"completed": [{"number": 2, "title": "bill", "status": "completed"}], "rescheduled": [], "already_completed": []});
    assert_eq!(task_lines(Lang::RomanUrdu, tools::COMPLETE_TASK, &done).unwrap(), "#2 bill ✓");
    let empty = json!({"tasks": [], "has_more": false});
    assert_eq!(task_lines(Lang::Urdu, tools::LIST_TASKS, &empty).unwrap(), "کوئی کام نہیں ملا۔");
    let recurring = json!({"tasks": [{"task": {"number": 4, "title": "gym", "status": "pending",
        "due": {"date": "2026-11-24"}}, "rule": "every week", "next": []}], "has_more": false});
    assert_eq!(
        task_lines(Lang::Urdu, tools::GET_RECURRING_TASKS, &recurring).unwrap(),
        "#4 gym · \u{2066}2026-11-24\u{2069}"
    );
    assert_eq!(
        task_lines(Lang::English, tools::ADD_TASK, &created),
        None,
        "English keeps the tool's own text"
    );
    assert_eq!(
        task_lines(Lang::Urdu, tools::SCHEDULE_REMINDER, &json!({"task": 3, "reminders": []})),
        None,
        "no tasks: the tool's text"
    );
}

#[test]
fn tool_steps_are_labelled_in_the_users_language() {
    use super::{step_title, steps_title};
    assert_eq!(step_title(Lang::English, "add_task"), "Adding a task");
    assert_eq!(step_title(Lang::Urdu, "add_task"), "کام شامل کر رہا ہوں");
    assert_eq!(step_title(Lang::RomanUrdu, "list_tasks"), "Tasks dekh raha hoon");
    assert_eq!(step_title(Lang::Urdu, "some_new_tool"), "some_new_tool", "an unknown tool keeps its name");
    assert_eq!(steps_title(Lang::English, 2), "2 tool call(s)");
    assert_eq!(steps_title(Lang::Urdu, 1), "اقدامات: 1");
}
