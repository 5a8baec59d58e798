//! English rows of the everyday-talk table (see `super`).

use serde_json::json;

use super::rows::{Row, Seen, Want, add, call, confirm_delete, delete, done, due, list, priority, search};
use crate::agent::offline::reply::Say;

/// Dentists a title search found.
const TWO_DENTISTS: &[(i64, &str)] = &[(7, "dentist appointment"), (9, "dentist bill")];

pub(super) fn rows() -> Vec<Row> {
    use Seen::{Found, List, Nothing, One};
    vec![
        // References by title or position in the list shown.
        ("I finished the milk", List, done(1)),
        ("complete the second one", List, done(2)),
        ("mark the third one as done", List, done(3)),
        ("the last one is done", List, done(7)),
        ("done with the dentist appointment", List, done(7)),
        ("milk is done", List, done(1)),
        ("finished paying the electricity bill", List, done(3)),
        ("tick off buy milk", List, done(1)),
        ("check off the dentist", List, done(7)),
        ("I'm done with the first one", List, done(1)),
        ("wrapped up the call mom task", List, done(2)),
        ("delete the first one", List, delete(1)),
        ("remove the 2nd one", List, delete(2)),
        ("get rid of the dentist appointment", List, confirm_delete(7)),
        ("move the milk to friday", List, due(1, "friday")),
        ("push call mom to tomorrow", List, due(2, "tomorrow")),
        ("postpone the second one to next week", List, due(2, "next week")),
        ("make the first one urgent", List, priority(1, "p1")),
        ("reopen the milk", List, Want::Find("milk", "completed")),
        ("delete that", One, delete(8)),
        ("mark it done", One, done(8)),
        ("complete this one", One, done(8)),
        ("push it to tomorrow", One, due(8, "tomorrow")),
        ("complete the fifth one", One, call("complete_task", json!({"task": 5}))),
        ("delete that", List, Want::Say(Say::WhichOne)),
        ("complete the second one", Nothing, Want::Say(Say::NoList)),
        ("I finished the report", Nothing, Want::Find("report", "pending")),
        // A title names a task: searched for, not answered with "which task?".
        ("complete the report", Nothing, Want::Find("report", "pending")),
        ("delete the gym task", Nothing, Want::Find("gym", "all")),
        ("delete the dentist", Found(TWO_DENTISTS), Want::Choose(vec![7, 9])),
        ("delete the dentist", Found(&[(7, "dentist appointment")]), confirm_delete(7)),
        ("finish the laundry", Found(&[]), Want::Say(Say::NotFound)),
        // Statements of need: tasks with a due time.
        ("I need to call mom tomorrow", Nothing, add("call mom", Some("tomorrow"))),
        ("have to submit the report by friday", Nothing, add("submit the report", Some("friday"))),
        ("I have to renew my passport next week", Nothing, add("renew my passport", Some("next week"))),
        ("don't forget to water the plants tonight", Nothing, add("water the plants", Some("tonight"))),
        ("gotta pick up the kids at 3pm", Nothing, add("pick up the kids", Some("3pm"))),
        ("I should call the bank tomorrow morning", Nothing, add("call the bank", Some("tomorrow morning"))),
        ("must pay rent on the 1st", Nothing, add("pay rent", Some("the 1st"))),
        ("remember to buy bread", Nothing, add("buy bread", None)),
        ("tomorrow I need to email Sara", Nothing, add("email Sara", Some("tomorrow"))),
        ("I still need to fix the bike", Nothing, add("fix the bike", None)),
        // Questions.
        ("what did I complete this week?", Nothing, list(json!({"status": "completed"}))),
        ("what have I finished today?", Nothing, list(json!({"status": "completed"}))),
        ("what's on my plate today?", Nothing, list(json!({"due": "today"}))),
        ("what do I have tomorrow?", Nothing, list(json!({"due": "tomorrow"}))),
        ("anything due this week?", Nothing, list(json!({"due": "this_week"}))),
        ("which tasks are overdue?", Nothing, list(json!({"due": "overdue"}))),
        ("how many tasks do I have?", Nothing, list(json!({}))),
        ("any urgent tasks?", Nothing, list(json!({"priority": "p1"}))),
        ("do I have anything about the dentist?", Nothing, search("dentist")),
        ("what's left for today?", Nothing, list(json!({"due": "today"}))),
        // The many verbs of one command.
        ("jot down buy eggs", Nothing, add("buy eggs", None)),
        ("note: call the plumber", Nothing, add("call the plumber", None)),
        ("write down pick up dry cleaning", Nothing, add("pick up dry cleaning", None)),
        ("put buy stamps on my list", Nothing, add("buy stamps", None)),
        ("look for dentist", Nothing, search("dentist")),
        ("where is my passport task", Nothing, search("passport")),
        ("shift 3 to monday", Nothing, due(3, "monday")),
        ("push 4 to next week", Nothing, due(4, "next week")),
        ("get rid of 5", Nothing, delete(5)),
        ("scrap task 6", Nothing, delete(6)),
        ("finished 3", Nothing, done(3)),
        ("knocked out 2 and 4", Nothing, call("complete_task", json!({"tasks": [2, 4]}))),
        // Plural pointers, several titles, reports of done, a task with only a date.
        ("mark the first two as done", List, call("complete_task", json!({"tasks": [1, 2]}))),
        ("delete all of them", List, call("delete_task", json!({"tasks": [1, 2, 3, 4, 5, 6, 7]}))),
        ("delete both", List, Want::Say(Say::WhichOne)),
        ("complete buy milk and call mom", List, call("complete_task", json!({"tasks": [1, 2]}))),
        ("I called mom", List, done(2)),
        ("the electricity bill is paid", List, done(3)),
        ("I called mom", Nothing, Want::Say(Say::Help)),
        ("set the 3rd one to urgent", List, priority(3, "p1")),
        ("call the plumber tomorrow at 10", Nothing, add("call the plumber", Some("tomorrow 10am"))),
        ("buy groceries tomorrow", Nothing, add("buy groceries", Some("tomorrow"))),
        ("can you mark 3 as finished", Nothing, done(3)),
        ("move the report to friday", Nothing, Want::Find("report", "pending")),
        // Held out: written after the grammar and run once before any change (see README).
        ("finished the second task", List, done(2)),
        ("cross off call mom", List, done(2)),
        ("the dentist appointment is done", List, done(7)),
        ("please delete the third one", List, delete(3)),
        ("trash the last one", List, delete(7)),
        ("bump the milk to next week", List, due(1, "next week")),
        ("mark that as complete", One, done(8)),
        (
            "I need to buy a birthday gift for Ali on saturday",
            Nothing,
            add("buy a birthday gift for Ali", Some("saturday")),
        ),
        ("need to renew car insurance", Nothing, add("renew car insurance", None)),
        ("what's due tomorrow?", Nothing, list(json!({"due": "tomorrow"}))),
        ("what have I got this week?", Nothing, list(json!({"due": "this_week"}))),
        ("anything overdue?", Nothing, list(json!({"due": "overdue"}))),
        ("which ones did I finish?", Nothing, list(json!({"status": "completed"}))),
        ("search for passport", Nothing, search("passport")),
        ("jot down: return library books", Nothing, add("return library books", None)),
        ("wipe task 9", Nothing, delete(9)),
    ]
}
