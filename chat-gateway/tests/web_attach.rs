//! The chat page's attachments in a real browser: the real gateway (offline agent, SQLite) and a
//! real mcp-tasks in-process on port 0, driven by `tests/web/attach.mjs` in headless Chromium
//! through playwright-core. The script attaches a text file with the keyboard, pastes an image
//! (thumbnail), drops a CSV and removes it, and sends "add these"; this test then checks that
//! mcp-tasks holds exactly the text file's lines and the stored message carries the two files.
//!
//! Opt-in like `web_browser.rs`:
//!
//! ```sh
//! eval "$(bash chat-gateway/tests/web/setup.sh)"   # exports WEB_NODE, WEB_CHROMIUM, WEB_PLAYWRIGHT
//! cargo test -p chat-gateway --test web_attach -- --nocapture
//! ```
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};

use chat_gateway::store::Order;
use serde_json::Value;
use support::browser::{expect_success, run, target_dir, web_tools};
use support::product::Stack;
use support::stack;
use tokio::process::Command;

#[tokio::test]
async fn a_person_attaches_files_by_keyboard_paste_and_drop_and_sends_them_in_headless_chromium() {
    let Some(tools) = web_tools() else { return };
    let (chat, _chat_dir) = support::sqlite_store().await;
    let stack = Stack::start(chat).await;
    let shots = target_dir().join("web-screenshots");
    let mut cmd = Command::new(&tools.node);
    cmd.arg(script())
        .env("WEB_BASE_URL", &stack.base)
        .env("WEB_TOKEN", stack::token("alice"))
        .env("WEB_CHROMIUM", &tools.chromium)
        .env("WEB_PLAYWRIGHT", &tools.playwright)
        .env("WEB_SCREENSHOTS", &shots);
    let out = run(cmd).await;
    expect_success(&out);

    let mut titles = stack.task_titles("alice").await;
    titles.sort();
    assert_eq!(titles, ["buy milk", "call mom", "pay rent"], "the text file's lines; not the removed CSV's");
    let threads = stack.store.list_threads("alice", None, 10, Order::Desc).await.unwrap().data;
    assert_eq!(threads.len(), 1);
    let items = stack.store.list_items("alice", &threads[0].id, None, 10, Order::Asc).await.unwrap().data;
    let names: Vec<&str> =
        items[0].json["attachments"].as_array().unwrap().iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["list.txt", "photo.png"]);
    let ids: Vec<&Value> =
        items[0].json["attachments"].as_array().unwrap().iter().map(|a| &a["id"]).collect();
    for id in ids {
        let record = stack.store.load_attachment("alice", id.as_str().unwrap()).await.unwrap();
        assert_eq!(record.thread_id.as_deref(), Some(threads[0].id.as_str()));
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/attach.mjs")
}
