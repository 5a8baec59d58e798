//! Tests of the language layer: detection, date rewriting, a model's arguments normalised,
//! task lines and step labels.

use serde_json::json;
use shared::contract::tools;

use super::dates::Dates;
use super::tokens::tokenize;
use super::{Lang, detect_lang, normalise_arguments, step_title, steps_title, task_lines};

/// The due and recurrence phrases found in `text`.
fn rewrite(text: &str) -> (Option<String>, Option<String>) {
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let dates = Dates::scan(&keys, detect_lang(text) == Lang::RomanUrdu);
    (dates.due(), dates.recurrence())
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
    let many = json!({"updated": [{"number": 1, "title": "bill", "status": "pending"}],
        "unchanged": [2], "not_found": [39, 40]});
    assert_eq!(
        task_lines(Lang::Urdu, tools::UPDATE_TASK, &many).unwrap(),
        "#1 bill\nپہلے سے ایسے ہی تھے، کچھ نہیں بدلا: #2\nیہ کام نہیں ملے: #39، #40"
    );
    let none_changed = json!({"updated": [], "unchanged": [2, 3]});
    assert_eq!(
        task_lines(Lang::RomanUrdu, tools::SET_PRIORITY, &none_changed).unwrap(),
        "Pehle se aise hi the, kuch nahi badla: #2, #3"
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
    assert_eq!(step_title(Lang::English, "add_task"), "Adding a task");
    assert_eq!(step_title(Lang::Urdu, "add_task"), "کام شامل کر رہا ہوں");
    assert_eq!(step_title(Lang::RomanUrdu, "list_tasks"), "Tasks dekh raha hoon");
    assert_eq!(step_title(Lang::Urdu, "some_new_tool"), "some_new_tool", "an unknown tool keeps its name");
    assert_eq!(steps_title(Lang::English, 2), "2 tool call(s)");
    assert_eq!(steps_title(Lang::Urdu, 1), "اقدامات: 1");
}

#[test]
fn urdu_and_roman_urdu_say_the_summary_and_reminders_without_english() {
    let stats = json!({"pending": 4, "completed": 9, "overdue": 1, "due_today": 2, "due_this_week": 3,
        "by_priority": {}, "by_tag": {}, "completed_per_day": [{"date": "2026-11-22", "completed": 2},
        {"date": "2026-11-23", "completed": 1}], "completion_rate": 0.4, "streak_days": 2});
    let urdu = task_lines(Lang::Urdu, tools::ANALYTICS_SUMMARY, &stats).unwrap();
    assert_eq!(urdu, "4 کام باقی (1 وقت گزرے، 2 آج، 3 اس ہفتے)، 9 مکمل۔ پچھلے 2 دن: 3 مکمل؛ مسلسل 2 دن۔");
    let roman = task_lines(Lang::RomanUrdu, tools::ANALYTICS_SUMMARY, &stats).unwrap();
    assert!(roman.starts_with("4 tasks baqi (1 waqt guzre"), "{roman}");
    let set = json!({"task": 3, "reminders": [{"id": 1, "task": 3, "title": "دودھ", "at": "2026-11-23T04:00:00Z",
        "at_local": "2026-11-23 09:00", "delivered": false}]});
    let urdu = task_lines(Lang::Urdu, tools::SCHEDULE_REMINDER, &set).unwrap();
    assert_eq!(urdu, "⏰ #3 دودھ · \u{2066}2026-11-23 09:00\u{2069}");
    // The many form: the reminders set, then the tasks that got none and those not found.
    let many = json!({"scheduled": [{"id": 1, "task": 3, "title": "دودھ", "at": "2026-11-23T04:00:00Z",
        "at_local": "2026-11-23 09:00", "delivered": false}, {"id": 2, "task": 5, "title": "ڈاکٹر",
        "at": "2026-11-23T04:00:00Z", "at_local": "2026-11-23 09:00", "delivered": false}],
        "not_scheduled": [{"task": 4, "reason": "This task has no due date"}], "not_found": [40]});
    let many_urdu = task_lines(Lang::Urdu, tools::SCHEDULE_REMINDER, &many).unwrap();
    let lines: Vec<&str> = many_urdu.lines().collect();
    assert_eq!(lines.len(), 4, "{many_urdu}");
    assert_eq!(lines[1], "⏰ #5 ڈاکٹر · \u{2066}2026-11-23 09:00\u{2069}");
    assert!(lines[2].ends_with("#4") && lines[3] == "یہ کام نہیں ملے: #40", "{many_urdu}");
    let many_roman = task_lines(Lang::RomanUrdu, tools::SCHEDULE_REMINDER, &many).unwrap();
    assert!(many_roman.ends_with("Yeh tasks nahi mile: #40"), "{many_roman}");
    assert!(many_roman.starts_with("⏰ #3 دودھ · 2026-11-23 09:00\n⏰ #5"), "{many_roman}");
    for text in [task_lines(Lang::Urdu, tools::ANALYTICS_SUMMARY, &stats).unwrap(), urdu, many_urdu] {
        assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "no English in {text}");
    }
    assert_eq!(
        task_lines(Lang::English, tools::ANALYTICS_SUMMARY, &stats),
        None,
        "English keeps the tool's text"
    );
}
