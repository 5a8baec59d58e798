//! The offline agent following the conversation, end to end over real HTTP (`/api/chat`):
//! the real gateway and the real mcp-tasks. "The second one" and "that" are read against
//! the list this thread showed (never another thread's or user's); a task named by title is
//! found by a search of the user's own tasks; two matches are a question, shown as a list
//! the next message can point into; a delete a title named waits for "yes"; and replies
//! are a heading and one line per task in the user's language.
#![allow(clippy::unwrap_used)]

mod support;

use mcp_tasks::store::Status;
use serde_json::{Value, json};
use support::product::Stack;
use support::widgets::offline;

/// Says `text` as `user` in `thread` (a new thread when `None`); returns (thread, reply).
async fn chat(stack: &Stack, user: &str, text: &str, thread: Option<&str>) -> (String, String) {
    let body = json!({"message": text, "thread_id": thread});
    let (status, reply): (_, Value) = stack.call(user, reqwest::Method::POST, "/api/chat", Some(body)).await;
    assert_eq!(status, 200, "{reply}");
    (reply["thread_id"].as_str().unwrap().to_owned(), reply["reply"].as_str().unwrap().to_owned())
}

async fn status(stack: &Stack, user: &str, number: i64) -> Status {
    stack.tasks.get_tasks(user, &[number]).await.unwrap().remove(0).status
}

/// The task numbers of the reply's task lines ("⬜ #3 …"), in order.
fn listed(reply: &str) -> Vec<i64> {
    reply
        .lines()
        .filter_map(|l| l.strip_prefix("⬜ #").or_else(|| l.strip_prefix("✅ #")))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_second_one_is_the_second_row_of_the_list_this_thread_showed() {
    let (stack, _dir) = offline().await;
    let (thread, _) = chat(&stack, "alice", "add buy milk", None).await;
    for title in ["call mom", "pay rent"] {
        chat(&stack, "alice", &format!("add {title}"), Some(&thread)).await;
    }
    let (_, list) = chat(&stack, "alice", "show my tasks", Some(&thread)).await;
    assert!(list.starts_with("📋 3 tasks:"), "a heading, then one line per task: {list}");
    let order = listed(&list);
    assert_eq!(order.len(), 3, "{list}");
    assert!(list.lines().nth(1).unwrap().contains(" · p4"), "status, number, title, priority: {list}");

    let (_, done) = chat(&stack, "alice", "complete the second one", Some(&thread)).await;
    assert!(done.starts_with("✅ Marked done:"), "{done}");
    assert_eq!(status(&stack, "alice", order[1]).await, Status::Completed);
    assert_eq!(status(&stack, "alice", order[0]).await, Status::Pending);

    // "that" after a list of several is a question: nothing is deleted on a guess.
    let (_, list) = chat(&stack, "alice", "show my tasks", Some(&thread)).await;
    assert_eq!(listed(&list).len(), 2, "{list}");
    let (_, asked) = chat(&stack, "alice", "delete that", Some(&thread)).await;
    assert!(asked.starts_with("Which one?"), "{asked}");
    assert_eq!(stack.task_titles("alice").await.len(), 3);

    // Another thread showed nothing: its "second one" is a question too.
    let (_, elsewhere) = chat(&stack, "alice", "complete the first one", None).await;
    assert!(elsewhere.contains("haven't shown a list"), "{elsewhere}");
    assert_eq!(status(&stack, "alice", order[0]).await, Status::Pending);
}

#[tokio::test]
async fn a_title_is_found_among_the_users_own_tasks_and_two_matches_are_a_question() {
    let (stack, _dir) = offline().await;
    let (thread, _) = chat(&stack, "alice", "add buy milk", None).await;
    for title in ["dentist appointment", "pay the dentist bill"] {
        chat(&stack, "alice", &format!("add {title}"), Some(&thread)).await;
    }
    // Bob has a milk task too; Alice's search never sees it.
    chat(&stack, "bob", "add milk for bob", None).await;

    let (fresh, done) = chat(&stack, "alice", "I finished the milk", None).await;
    assert!(done.starts_with("✅ Marked done:") && done.contains("buy milk"), "{done}");
    assert_eq!(status(&stack, "alice", 1).await, Status::Completed);
    assert_eq!(status(&stack, "bob", 1).await, Status::Pending, "bob's milk is his own");

    let (_, asked) = chat(&stack, "alice", "delete the dentist", Some(&fresh)).await;
    assert!(asked.starts_with("Several tasks match"), "{asked}");
    assert_eq!(stack.task_titles("alice").await.len(), 3, "nothing deleted on a guess");
    // The matches were shown as a list: "the second one" points into it (a position is
    // not a guess, so it runs at once).
    let (_, deleted) = chat(&stack, "alice", "delete the second one", Some(&fresh)).await;
    assert!(deleted.starts_with("Deleted:"), "{deleted}");
    assert_eq!(stack.task_titles("alice").await.len(), 2);

    // A delete a title named, with one match: asked first, then done on "haan".
    let (_, confirm) = chat(&stack, "alice", "get rid of the dentist", Some(&fresh)).await;
    assert!(confirm.contains("Nothing changes until you confirm"), "{confirm}");
    chat(&stack, "alice", "haan", Some(&fresh)).await;
    assert_eq!(stack.task_titles("alice").await, vec!["buy milk"]);

    let (_, missing) = chat(&stack, "bob", "I finished the dentist", None).await;
    assert!(missing.starts_with("I couldn't find a task like that"), "{missing}");
}

#[tokio::test]
async fn urdu_talk_is_followed_and_answered_without_english_labels() {
    let (stack, _dir) = offline().await;
    let (thread, added) = chat(&stack, "alice", "جمعہ کو بل جمع کروانا ہے", None).await;
    assert!(added.starts_with("➕ کام شامل کر دیا گیا:"), "{added}");
    chat(&stack, "alice", "کام شامل کریں: کتاب واپس کرنا", Some(&thread)).await;
    let mut titles = stack.task_titles("alice").await;
    titles.sort();
    assert_eq!(titles, vec!["بل جمع کروانا", "کتاب واپس کرنا"]);

    let (_, list) = chat(&stack, "alice", "میرے کام دکھائیں", Some(&thread)).await;
    let order = listed(&list);
    assert_eq!(order.len(), 2, "{list}");
    let words: String = list.lines().flat_map(|l| l.split(' ')).filter(|w| !w.starts_with('#')).collect();
    assert!(!words.chars().any(|c| c.is_ascii_alphabetic()), "no English labels: {list}");

    let (_, done) = chat(&stack, "alice", "دوسرا والا مکمل کریں", Some(&thread)).await;
    assert!(done.starts_with("✅ مکمل کر دیا گیا:"), "{done}");
    assert_eq!(status(&stack, "alice", order[1]).await, Status::Completed);
}
