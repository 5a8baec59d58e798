//! The chat page at `/` in a real browser: the real gateway (offline agent, SQLite, dev login on)
//! and a real mcp-tasks, both in-process on port 0, driven by `tests/web/browser.mjs` in headless
//! Debian Chromium through playwright-core. The script signs in with a pasted token, adds a task
//! in English (streamed reply, tool progress), reloads, renames and deletes the thread, holds an
//! Urdu conversation (right to left), retries a failed turn, uses dev login (another user, with a
//! reminder notice), checks a phone-width Urdu layout, and that no request left the gateway's
//! origin. Screenshots go to `target/web-screenshots/`.
//!
//! The browser is an external program, so the test is opt-in. To enable:
//!
//! ```sh
//! eval "$(bash chat-gateway/tests/web/setup.sh)"   # exports WEB_NODE, WEB_CHROMIUM, WEB_PLAYWRIGHT
//! cargo test -p chat-gateway --test web_browser -- --nocapture
//! ```
//!
//! Without those variables the test prints one `skipped:` line and passes; when `CI` is set it
//! fails instead, so CI cannot go green without having run the browser.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chat_gateway::chatkit::types::{ItemBody, user_text};
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::store::Order;
use chrono::Utc;
use mcp_tasks::store::{NewReminder, NewTask, Priority};
use support::browser::{expect_success, run, target_dir, web_tools};
use support::product::Stack;
use support::stack::{self, GatewayOptions};
use tokio::process::Command;
/// The message the gateway fails once (retryably) before answering it.
const FAIL_ONCE: &str = "please fail once";

/// The offline agent, except that [`FAIL_ONCE`] fails the first time it is answered.
struct FailOnce {
    agent: Arc<dyn Responder>,
    failed: AtomicBool,
}

#[async_trait::async_trait]
impl Responder for FailOnce {
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let text = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::new(),
        };
        if text == FAIL_ONCE && !self.failed.swap(true, Ordering::SeqCst) {
            return Err(TurnError::Failed {
                message: "The assistant tripped; try again.".into(),
                allow_retry: true,
            });
        }
        self.agent.respond(turn, out).await
    }
}

/// The product with dev login on, answered by [`FailOnce`].
async fn start() -> (Stack, tempfile::TempDir) {
    let (chat, chat_dir) = support::sqlite_store().await;
    let options = GatewayOptions { dev_login: true, ..GatewayOptions::default() };
    let stack = Stack::build(chat, options, |tasks_base| {
        Arc::new(FailOnce { agent: stack::offline_agent(tasks_base), failed: AtomicBool::new(false) })
    })
    .await;
    (stack, chat_dir)
}

/// A task for `user` whose reminder fell due a minute ago: the next turn shows it as a notice.
async fn due_reminder(stack: &Stack, user: &str, title: &str) {
    let now = Utc::now();
    let task = NewTask {
        title: title.into(),
        description: None,
        priority: Priority::DEFAULT,
        tags: vec![],
        due: None,
        recurrence: None,
        reminders: vec![NewReminder { at: now - chrono::Duration::minutes(1), phrase: None }],
    };
    stack.tasks.add_tasks(user, vec![task], now - chrono::Duration::minutes(2)).await.unwrap();
}

#[tokio::test]
async fn a_person_chats_renames_and_deletes_threads_in_urdu_and_english_in_headless_chromium() {
    let Some(tools) = web_tools() else { return };
    let (stack, _chat_dir) = start().await;
    due_reminder(&stack, "dev", "call the bank").await;
    let token = stack::token("alice");
    let shots = target_dir().join("web-screenshots");

    let mut cmd = Command::new(&tools.node);
    cmd.arg(script())
        .env("WEB_BASE_URL", &stack.base)
        .env("WEB_TOKEN", token)
        .env("WEB_FAIL_ONCE", FAIL_ONCE)
        .env("WEB_CHROMIUM", &tools.chromium)
        .env("WEB_PLAYWRIGHT", &tools.playwright)
        .env("WEB_SCREENSHOTS", &shots);
    let out = run(cmd).await;
    expect_success(&out);

    let alice = stack.task_titles("alice").await;
    assert!(alice.iter().any(|t| t == "buy milk"), "the English task exists: {alice:?}");
    assert!(alice.iter().any(|t| t == "دودھ لینا"), "the Urdu task exists: {alice:?}");
    assert!(!stack.task_titles("dev").await.iter().any(|t| t == "buy milk"), "dev never saw alice's task");
    let threads = stack.store.list_threads("alice", None, 50, Order::Desc).await.unwrap().data;
    let names: Vec<_> = threads.iter().map(|t| t.title.clone().unwrap_or_default()).collect();
    assert_eq!(
        threads.len(),
        2,
        "the renamed thread was deleted; the Urdu one and the retried one stay: {names:?}"
    );
    assert!(!names.iter().any(|n| n.contains("renamed")), "{names:?}");
    for shot in
        ["conversation.png", "urdu.png", "error.png", "dev-notice.png", "phone.png", "phone-threads.png"]
    {
        assert!(shots.join(shot).is_file(), "screenshot {shot} saved in {}", shots.display());
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/browser.mjs")
}
