//! The chat page's task widgets in a real browser: the real gateway (offline agent, SQLite) and
//! a real mcp-tasks, both in-process on port 0, driven by `tests/web/widgets.mjs` in headless
//! Debian Chromium through playwright-core. In English and then in Urdu (right to left), a
//! person lists their tasks, ticks one off in the list widget from the keyboard (done in
//! mcp-tasks, and still done after a reload), asks to delete two tasks, cancels (nothing is
//! deleted), asks again and confirms (both are gone), deletes #4 from its row (focus moves to the
//! row before), and sees an error in the widget when it completes #2 from the now stale list. The
//! script asks this test what mcp-tasks holds at each step
//! (`? tasks USER` on its stdout, answered with the user's tasks from mcp-tasks' store as one
//! JSON line on its stdin). Screenshots go to `target/web-screenshots/`.
//!
//! Opt-in like `web_browser.rs`:
//!
//! ```sh
//! eval "$(bash chat-gateway/tests/web/setup.sh)"   # exports WEB_NODE, WEB_CHROMIUM, WEB_PLAYWRIGHT
//! cargo test -p chat-gateway --test web_widgets -- --nocapture
//! ```
//!
//! Without those variables the test prints one `skipped:` line and passes; when `CI` is set it
//! fails instead.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::Stdio;

use chrono::Utc;
use mcp_tasks::store::{NewTask, Priority, StatusFilter, TaskQuery};
use serde_json::{Value, json};
use support::browser::{SCRIPT_TIMEOUT, target_dir, web_tools};
use support::product::Stack;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::Command;

const ENGLISH: [&str; 4] = ["buy milk", "call mom", "pay rent", "water the plants"];
const URDU: [&str; 4] = ["دودھ لینا", "بل جمع کروانا", "کتاب واپس کرنا", "امی کو فون کرنا"];

/// Gives `user` the tasks `titles` (#1, #2 … in that order); the first is urgent and tagged.
async fn seed(stack: &Stack, user: &str, titles: &[&str]) {
    let tasks = titles
        .iter()
        .enumerate()
        .map(|(i, title)| NewTask {
            title: (*title).to_owned(),
            description: None,
            priority: if i == 0 { Priority::new(1).unwrap() } else { Priority::DEFAULT },
            tags: if i == 0 { vec!["errands".into()] } else { vec![] },
            due: None,
            recurrence: None,
            reminders: vec![],
        })
        .collect();
    stack.tasks.add_tasks(user, tasks, Utc::now()).await.unwrap();
}

/// `user`'s tasks as mcp-tasks holds them: `[{number, title, status}]`.
async fn tasks_of(stack: &Stack, user: &str) -> Value {
    let query = TaskQuery { limit: 50, status: StatusFilter::All, ..Default::default() };
    let page = stack.tasks.query_tasks(user, &query).await.unwrap();
    let mut tasks: Vec<Value> = page
        .tasks
        .into_iter()
        .map(|t| {
            let status = format!("{:?}", t.status).to_lowercase();
            json!({"number": t.number, "title": t.title, "status": status})
        })
        .collect();
    tasks.sort_by_key(|t| t["number"].as_i64());
    Value::Array(tasks)
}

/// Answers one question of the script: `tasks USER`.
async fn answer(stack: &Stack, question: &str) -> Value {
    match question.split_whitespace().collect::<Vec<_>>().as_slice() {
        ["tasks", user] => tasks_of(stack, user).await,
        _ => panic!("the script asked something unknown: {question:?}"),
    }
}

#[tokio::test]
async fn task_widgets_complete_cancel_and_confirm_in_english_and_urdu_in_headless_chromium() {
    let Some(tools) = web_tools() else { return };
    let (chat, _chat_dir) = support::sqlite_store().await;
    let stack = Stack::start(chat).await;
    seed(&stack, "alice", &ENGLISH).await;
    seed(&stack, "amna", &URDU).await;
    let shots = target_dir().join("web-screenshots");

    let mut cmd = Command::new(&tools.node);
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/widgets.mjs"))
        .env("WEB_BASE_URL", &stack.base)
        .env("WEB_TOKEN_EN", stack.token("alice"))
        .env("WEB_TOKEN_UR", stack.token("amna"))
        .env("WEB_CHROMIUM", &tools.chromium)
        .env("WEB_PLAYWRIGHT", &tools.playwright)
        .env("WEB_SCREENSHOTS", &shots)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child =
        cmd.spawn().unwrap_or_else(|e| panic!("cannot start WEB_NODE {}: {e}", tools.node.display()));
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = String::new();
    let conversation = async {
        while let Some(line) = lines.next_line().await.unwrap() {
            println!("{line}");
            said.push_str(&line);
            said.push('\n');
            if let Some(question) = line.strip_prefix("? ") {
                let reply = answer(&stack, question).await;
                println!("  -> {reply}");
                stdin.write_all(format!("{reply}\n").as_bytes()).await.unwrap();
                stdin.flush().await.unwrap();
            }
        }
        child.wait().await.unwrap()
    };
    let status = tokio::time::timeout(SCRIPT_TIMEOUT, conversation)
        .await
        .unwrap_or_else(|_| panic!("widgets.mjs did not finish within {SCRIPT_TIMEOUT:?}"));
    let mut errors = String::new();
    stderr.read_to_string(&mut errors).await.unwrap();
    assert!(status.success(), "widgets.mjs failed ({status}):\n{said}\n--- stderr ---\n{errors}");

    // What the script saw is what mcp-tasks ends with: #1 completed, #2 and #3 deleted by the
    // confirmed batch, #4 from its row; each user's tasks are their own.
    for (user, titles) in [("alice", ENGLISH), ("amna", URDU)] {
        let tasks = tasks_of(&stack, user).await;
        assert_eq!(tasks, json!([{"number": 1, "title": titles[0], "status": "completed"}]), "{user}");
    }
    for shot in [
        "widgets-en.png",
        "widgets-en-confirm.png",
        "widgets-en-dark.png",
        "widgets-ur.png",
        "widgets-ur-phone.png",
    ] {
        assert!(shots.join(shot).is_file(), "screenshot {shot} saved in {}", shots.display());
    }
}
