//! The utterance table: messages in English, Roman Urdu and Urdu script, each with the exact
//! plan expected (tool calls and their JSON arguments, or the reply).

use serde_json::json;

use super::reply::Say;
use super::tests::TOOLS;
use super::tests_talk::expected;
use super::tests_talk::rows::{Want, call as one};
use super::{Lang, Plan, plan};

/// Plans every row and reports all mismatches at once.
fn check(lang: Lang, rows: Vec<(&str, Want)>) {
    let failures: Vec<String> = rows
        .into_iter()
        .filter_map(|(text, want)| {
            let (got, want) = (plan(text), expected(lang, want));
            (got != want).then(|| format!("{text:?}\n   got:  {got:?}\n   want: {want:?}"))
        })
        .collect();
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

fn english() -> Vec<(&'static str, Want)> {
    vec![
        (
            "add buy milk tomorrow at 5pm",
            one("add_task", json!({"title": "buy milk", "due": "tomorrow 5pm"})),
        ),
        // "remind me to …" adds a task due then (no `reminder`: see build::remind).
        ("remind me to call mom friday", one("add_task", json!({"title": "call mom", "due": "friday"}))),
        (
            "add pay rent every month on the 1st #bills !!",
            one(
                "add_task",
                json!({"title": "pay rent", "recurrence": "every month on the 1st", "tags": ["bills"], "priority": "p2"}),
            ),
        ),
        (
            "add call bank #work urgent tomorrow 10am",
            one(
                "add_task",
                json!({"title": "call bank", "due": "tomorrow 10am", "priority": "p1", "tags": ["work"]}),
            ),
        ),
        // A priority word inside the title is part of the title, not a priority.
        (
            "add call about important documents",
            one("add_task", json!({"title": "call about important documents"})),
        ),
        (
            "Remind me to call mom on Friday at 5",
            one("add_task", json!({"title": "call mom", "due": "friday 5pm"})),
        ),
        (
            "add standup every weekday at 9",
            one("add_task", json!({"title": "standup", "recurrence": "every weekday at 9am"})),
        ),
        ("show my tasks", one("list_tasks", json!({}))),
        ("what's due today", one("list_tasks", json!({"due": "today"}))),
        ("show urgent tasks", one("list_tasks", json!({"priority": "p1"}))),
        // "high priority" as a filter means p1 and p2.
        ("show high priority tasks", one("list_tasks", json!({"priority": ["p1", "p2"]}))),
        ("overdue tasks", one("list_tasks", json!({"due": "overdue"}))),
        ("tasks tagged work", one("list_tasks", json!({"tags": ["work"]}))),
        ("completed tasks", one("list_tasks", json!({"status": "completed"}))),
        ("what do I have this week", one("list_tasks", json!({"due": "this_week"}))),
        ("complete 3", one("complete_task", json!({"task": 3}))),
        ("mark 3 and 5 done", one("complete_task", json!({"tasks": [3, 5]}))),
        ("done #4", one("complete_task", json!({"task": 4}))),
        ("delete 2", one("delete_task", json!({"task": 2}))),
        ("remove task 7", one("delete_task", json!({"task": 7}))),
        // "remove" with "date" clears the date; it must never delete the task.
        ("remove date from 3", one("update_task", json!({"task": 3, "due": "no date"}))),
        ("rename 3 to buy oat milk", one("update_task", json!({"task": 3, "title": "buy oat milk"}))),
        ("move 3 to friday", one("update_task", json!({"task": 3, "due": "friday"}))),
        ("change 3 due to next week", one("update_task", json!({"task": 3, "due": "next week"}))),
        ("reopen 3", one("update_task", json!({"task": 3, "status": "pending"}))),
        ("make 3 urgent", one("set_priority", json!({"task": 3, "priority": "p1"}))),
        ("set priority of 4 to high", one("set_priority", json!({"task": 4, "priority": "p2"}))),
        ("tag 3 with work", one("add_tags", json!({"task": 3, "tags": ["work"]}))),
        ("add tag home to 5", one("add_tags", json!({"task": 5, "tags": ["home"]}))),
        ("remove tag work from 3", one("add_tags", json!({"task": 3, "tags": ["work"], "remove": true}))),
        ("search milk", one("search_tasks", json!({"query": "milk"}))),
        ("find tasks about dentist", one("search_tasks", json!({"query": "dentist"}))),
        (
            "remind me about 3 tomorrow at 9am",
            one("schedule_reminder", json!({"task": 3, "at": "tomorrow 9am"})),
        ),
        (
            "remind me about 3 and 5 tomorrow at 9am",
            one("schedule_reminder", json!({"tasks": [3, 5], "at": "tomorrow 9am"})),
        ),
        ("show recurring tasks", one("get_recurring_tasks", json!({}))),
        ("summary", one("analytics_summary", json!({}))),
        ("how am I doing", one("analytics_summary", json!({}))),
        ("stats for the last 7 days", one("analytics_summary", json!({"days": 7}))),
        ("hi", Want::Say(Say::Greet { salam: false })),
        ("thanks!", Want::Say(Say::Thanks)),
        ("help", Want::Say(Say::Help)),
        ("what is the weather", Want::Say(Say::Help)),
        // No verb: "3" here counts people, so task 3 is left alone.
        ("call 3 people tomorrow", Want::Say(Say::Help)),
        // A number alone does not make a command: nothing is completed or deleted on a guess.
        ("I finished reading 3 books", Want::Say(Say::Help)),
        ("remove urgent from 3", Want::Say(Say::Help)),
        ("please delete task number 2, thanks", one("delete_task", json!({"task": 2}))),
    ]
}

fn roman_urdu() -> Vec<(&'static str, Want)> {
    vec![
        (
            "kal shaam 5 baje doodh lena add karo",
            one("add_task", json!({"title": "doodh lena", "due": "tomorrow 5pm"})),
        ),
        (
            "naya task: bill jama karna parson",
            one("add_task", json!({"title": "bill jama karna", "due": "in 2 days"})),
        ),
        (
            "yaad dilao ke kal subah 9 baje doctor ko call karna hai",
            one("add_task", json!({"title": "doctor ko call karna", "due": "tomorrow 9am"})),
        ),
        (
            "har peer subah 9 baje team meeting add karo",
            one("add_task", json!({"title": "team meeting", "recurrence": "every monday at 9am"})),
        ),
        (
            "roz subah 7 baje walk add karo",
            one("add_task", json!({"title": "walk", "recurrence": "every day at 7am"})),
        ),
        (
            "agle hafte report jama karni hai add karo",
            one("add_task", json!({"title": "report jama karni", "due": "next week"})),
        ),
        ("agle jumma ko party add karo", one("add_task", json!({"title": "party", "due": "next friday"}))),
        // "raat" with 12 or 1–4 is after midnight.
        (
            "raat 2 baje dawai leni hai add karo",
            one("add_task", json!({"title": "dawai leni", "due": "2am"})),
        ),
        (
            "zaroori: bill jama karna kal add karo",
            one("add_task", json!({"title": "bill jama karna", "due": "tomorrow", "priority": "p2"})),
        ),
        ("mere tasks dikhao", one("list_tasks", json!({}))),
        ("aaj ke kaam dikhao", one("list_tasks", json!({"due": "today"}))),
        ("urgent kaam batao", one("list_tasks", json!({"priority": "p1"}))),
        ("mukammal kaam dikhao", one("list_tasks", json!({"status": "completed"}))),
        ("work tag wale kaam dikhao", one("list_tasks", json!({"tags": ["work"]}))),
        ("3 ho gaya", one("complete_task", json!({"task": 3}))),
        ("task 3 mukammal karo", one("complete_task", json!({"task": 3}))),
        ("3 aur 5 mukammal", one("complete_task", json!({"tasks": [3, 5]}))),
        ("2 delete karo", one("delete_task", json!({"task": 2}))),
        ("task 2 hatao", one("delete_task", json!({"task": 2}))),
        ("3 ki tareekh hatao", one("update_task", json!({"task": 3, "due": "no date"}))),
        ("3 ko kal tak karo", one("update_task", json!({"task": 3, "due": "tomorrow"}))),
        ("3 ko kal shaam 6 baje tak karo", one("update_task", json!({"task": 3, "due": "tomorrow 6pm"}))),
        ("3 ko har peer karo", one("update_task", json!({"task": 3, "recurrence": "every monday"}))),
        ("3 ka naam doodh lena rakho", one("update_task", json!({"task": 3, "title": "doodh lena"}))),
        ("3 dobara kholo", one("update_task", json!({"task": 3, "status": "pending"}))),
        ("3 ko urgent karo", one("set_priority", json!({"task": 3, "priority": "p1"}))),
        ("3 ki priority high karo", one("set_priority", json!({"task": 3, "priority": "p2"}))),
        ("3 ko #office tag lagao", one("add_tags", json!({"task": 3, "tags": ["office"]}))),
        ("doodh dhoondo", one("search_tasks", json!({"query": "doodh"}))),
        ("doctor ke bare mein kaam dhoondo", one("search_tasks", json!({"query": "doctor"}))),
        (
            "3 ke liye kal subah 9 baje yaad dilao",
            one("schedule_reminder", json!({"task": 3, "at": "tomorrow 9am"})),
        ),
        ("3 ki yaad dihani kal 9 baje", one("schedule_reminder", json!({"task": 3, "at": "tomorrow 9am"}))),
        (
            "3 aur 5 ki yaad dihani kal 9 baje",
            one("schedule_reminder", json!({"tasks": [3, 5], "at": "tomorrow 9am"})),
        ),
        ("dohrane wale kaam dikhao", one("get_recurring_tasks", json!({}))),
        ("khulasa batao", one("analytics_summary", json!({}))),
        ("pichle 30 din ka khulasa", one("analytics_summary", json!({"days": 30}))),
        ("salam", Want::Say(Say::Greet { salam: true })),
        ("shukriya", Want::Say(Say::Thanks)),
        ("madad", Want::Say(Say::Help)),
        ("mujhe kuch nahi pata", Want::Say(Say::Help)),
    ]
}

fn urdu() -> Vec<(&'static str, Want)> {
    vec![
        (
            "کل شام 5 بجے دودھ لینا شامل کریں",
            one("add_task", json!({"title": "دودھ لینا", "due": "tomorrow 5pm"})),
        ),
        (
            "نیا کام: بجلی کا بل جمع کرنا پرسوں",
            one("add_task", json!({"title": "بجلی کا بل جمع کرنا", "due": "in 2 days"})),
        ),
        (
            "ہر پیر صبح 9 بجے میٹنگ شامل کریں",
            one("add_task", json!({"title": "میٹنگ", "recurrence": "every monday at 9am"})),
        ),
        ("ہر روز ورزش شامل کریں", one("add_task", json!({"title": "ورزش", "recurrence": "every day"}))),
        (
            "ہر مہینے کی 5 تاریخ کو بجلی کا بل جمع کرنا شامل کریں",
            one("add_task", json!({"title": "بجلی کا بل جمع کرنا", "recurrence": "every month on the 5th"})),
        ),
        ("اتوار کو کپڑے دھونا شامل کریں", one("add_task", json!({"title": "کپڑے دھونا", "due": "sunday"}))),
        (
            "آج رات 9 بجے دوا لینا شامل کریں",
            one("add_task", json!({"title": "دوا لینا", "due": "today 9pm"})),
        ),
        ("۵ بجے چائے شامل کریں", one("add_task", json!({"title": "چائے", "due": "5pm"}))),
        (
            "اگلے ہفتے رپورٹ جمع کرنی ہے شامل کریں",
            one("add_task", json!({"title": "رپورٹ جمع کرنی", "due": "next week"})),
        ),
        (
            "مجھے یاد دلائیں کہ کل صبح 10 بجے ڈاکٹر کو فون کرنا ہے",
            one("add_task", json!({"title": "ڈاکٹر کو فون کرنا", "due": "tomorrow 10am"})),
        ),
        ("میرے کام دکھائیں", one("list_tasks", json!({}))),
        ("آج کے کام دکھائیں", one("list_tasks", json!({"due": "today"}))),
        ("مجھے کل کے کام دکھائیں", one("list_tasks", json!({"due": "tomorrow"}))),
        ("مکمل کام دکھائیں", one("list_tasks", json!({"status": "completed"}))),
        ("زائد المیعاد کام دکھائیں", one("list_tasks", json!({"due": "overdue"}))),
        ("اگلے ہفتے کے کام دکھائیں", one("list_tasks", json!({"due": "next_week"}))),
        ("ٹیگ دفتر والے کام دکھائیں", one("list_tasks", json!({"tags": ["دفتر"]}))),
        ("کام 3 مکمل کریں", one("complete_task", json!({"task": 3}))),
        ("۳ مکمل", one("complete_task", json!({"task": 3}))),
        ("3 اور 5 مکمل", one("complete_task", json!({"tasks": [3, 5]}))),
        // ختم means finish: it completes; only حذف / ڈیلیٹ / مٹا دیں delete.
        ("2 ختم کریں", one("complete_task", json!({"task": 2}))),
        ("کام 2 حذف کریں", one("delete_task", json!({"task": 2}))),
        ("کام 3 اور 4 مٹا دیں", one("delete_task", json!({"tasks": [3, 4]}))),
        ("کام 3 کی تاریخ جمعہ کر دیں", one("update_task", json!({"task": 3, "due": "friday"}))),
        ("کام 3 کو کل تک کر دیں", one("update_task", json!({"task": 3, "due": "tomorrow"}))),
        ("کام 3 کی تاریخ ہٹائیں", one("update_task", json!({"task": 3, "due": "no date"}))),
        (
            "کام 3 کا نام بدل کر دودھ لینا کر دیں",
            one("update_task", json!({"task": 3, "title": "دودھ لینا"})),
        ),
        ("کام 3 دوبارہ کھولیں", one("update_task", json!({"task": 3, "status": "pending"}))),
        ("کام 3 کو فوری کریں", one("set_priority", json!({"task": 3, "priority": "p1"}))),
        ("کام 3 پر ٹیگ دفتر لگائیں", one("add_tags", json!({"task": 3, "tags": ["دفتر"]}))),
        ("دودھ تلاش کریں", one("search_tasks", json!({"query": "دودھ"}))),
        (
            "کام 3 کی یاد دہانی کل صبح 9 بجے",
            one("schedule_reminder", json!({"task": 3, "at": "tomorrow 9am"})),
        ),
        (
            "کام 3 اور 5 کی یاد دہانی کل صبح 9 بجے",
            one("schedule_reminder", json!({"tasks": [3, 5], "at": "tomorrow 9am"})),
        ),
        ("بار بار ہونے والے کام دکھائیں", one("get_recurring_tasks", json!({}))),
        ("خلاصہ دکھائیں", one("analytics_summary", json!({}))),
        ("پچھلے 7 دن کا خلاصہ", one("analytics_summary", json!({"days": 7}))),
        ("السلام علیکم", Want::Say(Say::Greet { salam: true })),
        ("شکریہ", Want::Say(Say::Thanks)),
        ("مدد", Want::Say(Say::Help)),
        ("کام حذف کریں", Want::Say(Say::WhichTask)),
    ]
}

#[test]
fn english_messages_plan_the_expected_calls_and_replies() {
    check(Lang::English, english());
}

#[test]
fn roman_urdu_messages_plan_the_expected_calls_and_replies() {
    check(Lang::RomanUrdu, roman_urdu());
}

#[test]
fn urdu_messages_plan_the_expected_calls_and_replies() {
    check(Lang::Urdu, urdu());
}

#[test]
fn the_table_is_split_evenly_across_the_three_languages() {
    let sizes = [english().len(), roman_urdu().len(), urdu().len()];
    assert!(sizes.iter().sum::<usize>() >= 60, "{sizes:?}");
    assert!(
        sizes.iter().all(|n| *n * 4 >= sizes.iter().sum::<usize>()),
        "each language is about a third: {sizes:?}"
    );
}

#[test]
fn every_planned_call_names_a_known_tool_with_object_arguments() {
    let tools = TOOLS;
    for (text, _) in english().into_iter().chain(roman_urdu()).chain(urdu()) {
        if let Plan::Calls { calls, .. } = plan(text) {
            assert!(!calls.is_empty(), "{text}");
            for call in calls {
                assert!(tools.contains(&call.tool), "{text}: {}", call.tool);
                assert!(call.arguments.is_object(), "{text}: {}", call.arguments);
            }
        }
    }
}
