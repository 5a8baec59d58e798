//! Reading task actions: payloads refused with a reason, numbers outside the sending widget.

use super::*;

fn action(kind: &str, payload: Value) -> Action {
    Action { kind: kind.into(), payload }
}

#[test]
fn actions_are_read_and_bad_payloads_refused_with_a_reason() {
    let parsed = TaskAction::parse(&action("tasks.complete", json!({"number": 3}))).unwrap();
    assert_eq!(parsed, TaskAction { kind: Kind::Complete, number: 3, lang: Lang::English, time: None });
    let urdu = TaskAction::parse(&action("tasks.snooze", json!({"number": 1, "lang": "ur"}))).unwrap();
    assert_eq!(urdu.lang, Lang::Urdu);
    assert_eq!(urdu.call().1["due"], "tomorrow");
    let timed = TaskAction::parse(&action("tasks.snooze", json!({"number": 1, "time": "07:30"}))).unwrap();
    assert_eq!(timed.call().1["due"], "tomorrow 07:30", "the time of day is kept");
    let day = (Utc::now() + chrono::Duration::days(3)).date_naive();
    let iso = day.format("%Y-%m-%d").to_string();
    let moved =
        TaskAction::parse(&action("tasks.move", json!({"number": 2, "date": iso, "time": "09:15"}))).unwrap();
    assert_eq!(moved.kind, Kind::Move(day));
    assert_eq!(
        moved.call(),
        (shared::contract::tools::UPDATE_TASK, {
            let mut args = JsonObject::new();
            args.insert("task".into(), json!(2));
            args.insert("due".into(), json!(format!("{iso}T09:15")));
            args
        })
    );
    for (kind, payload, says) in [
        ("tasks.move", json!({"number": 1}), "payload.date"),
        ("tasks.move", json!({"number": 1, "date": 20261210}), "payload.date"),
        ("tasks.move", json!({"number": 1, "date": "2026-02-30"}), "calendar day"),
        ("tasks.move", json!({"number": 1, "date": "next week"}), "calendar day"),
        ("tasks.move", json!({"number": 1, "date": "1990-01-01"}), "too far"),
        ("tasks.explode", json!({"number": 1}), "unknown action type"),
        ("tasks.delete", Value::Null, "payload object"),
        ("tasks.delete", json!({"number": "3"}), "payload.number"),
        ("tasks.delete", json!({"number": 0}), "payload.number"),
        ("tasks.delete", json!({"number": 1.5}), "payload.number"),
        ("tasks.delete", json!({"number": 1, "lang": "fr"}), "payload.lang"),
        ("tasks.delete", json!({"number": 1, "lang": 7}), "payload.lang"),
        ("tasks.snooze", json!({"number": 1, "time": "25:00"}), "payload.time"),
        ("tasks.snooze", json!({"number": 1, "time": "5pm; drop"}), "payload.time"),
        ("tasks.snooze", json!({"number": 1, "time": 5}), "payload.time"),
    ] {
        match TaskAction::parse(&action(kind, payload.clone())) {
            Err(TurnError::Failed { message, allow_retry: false }) => {
                assert!(message.contains(says), "{kind} {payload}: {message}");
            }
            other => panic!("{kind} {payload}: {other:?}"),
        }
    }
}

#[test]
fn a_number_the_sending_widget_does_not_list_is_not_found() {
    let tasks = [];
    let item = ThreadItem {
        id: "w".into(),
        thread_id: "t".into(),
        created_at: Utc::now(),
        body: widgets::task_list_item(Lang::English, &tasks),
    };
    let refused = TaskAction::check(&action("tasks.complete", json!({"number": 1})), Some(&item));
    assert!(matches!(refused, Err(TurnError::NotFound("task"))));
}
