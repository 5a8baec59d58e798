//! Table tests of the task widget: what each row holds, and updating a row in place.

use chrono::DateTime;
use serde_json::Value;
use shared::contract::{DueView, Status, TaskView};

use super::*;

fn task(number: i64, status: Status, tags: &[&str]) -> TaskView {
    TaskView {
        number,
        title: format!("task {number}"),
        description: None,
        status,
        priority: "p1".into(),
        priority_name: "urgent".into(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        due: Some(DueView {
            date: "2020-01-07".into(),
            time: Some("17:00".into()),
            utc: None,
            timezone: "UTC".into(),
            phrase: None,
            overdue: true,
        }),
        recurrence: None,
        created_at: DateTime::UNIX_EPOCH,
        completed_at: None,
    }
}

/// Every action type sent by the row of task `number` (each naming that number).
fn actions(widget: &Value, number: i64) -> Vec<String> {
    let row = widget["children"].as_array().unwrap().iter().find(|r| r["key"] == format!("task-{number}"));
    let mut found = Vec::new();
    collect(row.unwrap(), number, &mut found);
    found
}

fn collect(node: &Value, number: i64, found: &mut Vec<String>) {
    if let Some(action) = node.get("onClickAction").or_else(|| node.get("onChangeAction")) {
        assert_eq!(action["payload"]["number"], number, "{action}");
        found.push(action["type"].as_str().unwrap().to_owned());
    }
    for child in node["children"].as_array().into_iter().flatten() {
        collect(child, number, found);
    }
}

#[test]
fn each_task_is_a_row_with_its_buttons_badges_and_date() {
    let tasks = [task(1, Status::Pending, &["errands"]), task(2, Status::Completed, &[])];
    let widget = task_list(Lang::English, &tasks);
    assert_eq!(widget["type"], "ListView");
    assert_eq!(widget["status"]["text"], "2 tasks");
    assert_eq!(actions(&widget, 1), vec![COMPLETE, SNOOZE, MOVE, DELETE]);
    assert_eq!(actions(&widget, 2), vec![REOPEN, DELETE], "a done task is not snoozed or moved");
    let picker = &widget["children"][0]["children"][3];
    assert_eq!(picker["type"], "DatePicker");
    assert_eq!(picker["name"], MOVE_FIELD);
    assert_eq!(picker["defaultValue"], "2020-01-07T00:00:00", "it shows the due day");
    assert_eq!(picker["onChangeAction"]["payload"]["time"], "17:00", "a moved task keeps its time of day");
    let text = widget.to_string();
    for shown in ["#1 task 1", "Jan 7, 2020 17:00", "Urgent", "#errands", "Overdue"] {
        assert!(text.contains(shown), "{shown} in {text}");
    }
    assert!(!text.contains("null"), "no nulls: the reference omits them");
    let copy = copy_text(Lang::English, &tasks);
    assert_eq!(copy.lines().count(), 2);
    assert!(copy.starts_with("#1 task 1"));
}

#[test]
fn urdu_rows_say_everything_in_urdu() {
    let widget = task_list(Lang::Urdu, &[task(1, Status::Pending, &[])]);
    assert_eq!(widget["children"][0]["children"][0]["label"], "مکمل");
    assert_eq!(widget["children"][0]["children"][0]["onClickAction"]["payload"]["lang"], "ur");
    assert!(widget.to_string().contains("جنوری"));
}

#[test]
fn a_row_is_replaced_or_removed_in_place() {
    let mut item =
        task_list_item(Lang::English, &[task(1, Status::Pending, &[]), task(2, Status::Pending, &[])]);
    assert!(update_row(&mut item, Lang::English, 1, Some(&task(1, Status::Completed, &[]))));
    let ItemBody::Widget { widget, copy_text } = &item else { panic!("a widget") };
    assert_eq!(actions(widget, 1), vec![REOPEN, DELETE]);
    assert!(copy_text.as_deref().unwrap().starts_with("#1 task 1 · done"));
    assert!(update_row(&mut item, Lang::English, 2, None));
    let ItemBody::Widget { widget, copy_text } = &item else { panic!("a widget") };
    assert_eq!(widget["children"].as_array().unwrap().len(), 1);
    assert_eq!(widget["status"]["text"], "1 task");
    assert!(!copy_text.as_deref().unwrap().contains("#2 "));
    assert!(!update_row(&mut item, Lang::English, 2, None), "no row for #2 any more");
    assert!(!has_row(&json!({"type": "Card", "children": []}), 1));
}

#[test]
fn a_task_list_reads_back_as_the_rows_it_shows_and_a_card_as_none() {
    let mut second = task(7, Status::Completed, &[]);
    second.title = "#42 review".into();
    let widget = task_list(Lang::Urdu, &[task(3, Status::Pending, &["x"]), second]);
    assert_eq!(
        shown_rows(&widget),
        Some(vec![(3, "task 3".to_owned(), false), (7, "#42 review".to_owned(), true)])
    );
    assert_eq!(shown_rows(&serde_json::json!({"type": "Card", "children": []})), None);
}

/// The widget's exact JSON text (keys in the order written), so building it differently
/// (children moved in rather than copied) cannot change what clients and the store get.
#[test]
fn a_task_list_serialises_to_the_same_text() {
    let tasks = [task(1, Status::Pending, &["errands"]), task(2, Status::Completed, &[])];
    let text = serde_json::to_string(&task_list(Lang::English, &tasks)).unwrap();
    assert_eq!(text, EXPECTED_LIST, "{text}");
}

const EXPECTED_LIST: &str = r##"{"children":[{"align":"center","children":[{"color":"success","iconStart":"empty-circle","label":"Complete","onClickAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":1},"streaming":true,"type":"tasks.complete"},"size":"sm","type":"Button","variant":"outline"},{"children":[{"type":"Text","value":"#1 task 1","weight":"medium"},{"align":"center","children":[{"color":"danger","type":"Caption","value":"Jan 7, 2020 17:00"},{"color":"danger","label":"Overdue","size":"sm","type":"Badge","variant":"soft"},{"color":"danger","label":"Urgent","size":"sm","type":"Badge","variant":"soft"},{"color":"discovery","label":"#errands","size":"sm","type":"Badge","variant":"outline"}],"gap":2,"type":"Row","wrap":"wrap"}],"flex":1,"gap":1,"type":"Col"},{"color":"secondary","iconStart":"clock","label":"Tomorrow","onClickAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":1,"time":"17:00"},"streaming":true,"type":"tasks.snooze"},"size":"sm","type":"Button","variant":"ghost"},{"defaultValue":"2020-01-07T00:00:00","name":"date","onChangeAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":1,"time":"17:00"},"streaming":true,"type":"tasks.move"},"placeholder":"Move to…","size":"sm","type":"DatePicker","variant":"outline"},{"color":"danger","label":"Delete","onClickAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":1},"streaming":true,"type":"tasks.delete"},"size":"sm","type":"Button","variant":"ghost"}],"gap":3,"key":"task-1","type":"ListViewItem"},{"align":"center","children":[{"color":"secondary","iconStart":"check-circle-filled","label":"Reopen","onClickAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":2},"streaming":true,"type":"tasks.reopen"},"size":"sm","type":"Button","variant":"soft"},{"children":[{"color":"secondary","lineThrough":true,"type":"Text","value":"#2 task 2","weight":"medium"},{"align":"center","children":[{"color":"secondary","type":"Caption","value":"Jan 7, 2020 17:00"},{"color":"danger","label":"Urgent","size":"sm","type":"Badge","variant":"soft"}],"gap":2,"type":"Row","wrap":"wrap"}],"flex":1,"gap":1,"type":"Col"},{"color":"danger","label":"Delete","onClickAction":{"handler":"server","loadingBehavior":"self","payload":{"lang":"en","number":2},"streaming":true,"type":"tasks.delete"},"size":"sm","type":"Button","variant":"ghost"}],"gap":3,"key":"task-2","type":"ListViewItem"}],"status":{"icon":"check-circle","text":"2 tasks"},"type":"ListView"}"##;
