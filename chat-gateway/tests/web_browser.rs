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
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chat_gateway::chatkit::types::{ItemBody, user_text};
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::store::Order;
use chrono::Utc;
use mcp_tasks::store::{NewReminder, NewTask, Priority};
use support::product::Stack;
use support::stack::{self, GatewayOptions};
use tokio::process::Command;
/// The message the gateway fails once (retryably) before answering it.
const FAIL_ONCE: &str = "please fail once";
/// Longest the browser script may take.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(240);

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

/// Node, Chromium and playwright-core as the setup script exported them.
struct WebTools {
    node: PathBuf,
    chromium: PathBuf,
    playwright: PathBuf,
}

/// The tools from `WEB_NODE`, `WEB_CHROMIUM` and `WEB_PLAYWRIGHT`, or `None` after printing why
/// the test is skipped. Panics instead when `CI` is set: CI must run the browser.
fn web_tools() -> Option<WebTools> {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    match (var("WEB_NODE"), var("WEB_CHROMIUM"), var("WEB_PLAYWRIGHT")) {
        (Some(node), Some(chromium), Some(playwright)) => Some(WebTools { node, chromium, playwright }),
        _ if std::env::var_os("CI").is_some() => panic!(
            "WEB_NODE, WEB_CHROMIUM and WEB_PLAYWRIGHT are not all set but CI is: run \
             `eval \"$(bash chat-gateway/tests/web/setup.sh)\"` first"
        ),
        _ => {
            println!(
                "skipped: set WEB_NODE, WEB_CHROMIUM and WEB_PLAYWRIGHT (see chat-gateway/tests/web/setup.sh)"
            );
            None
        }
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/web/browser.mjs")
}

/// The target directory this test binary was built into (`<target>/debug/deps/web_browser-…`).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"), Path::to_path_buf)
}

/// Runs `cmd` to completion (killed after [`SCRIPT_TIMEOUT`]), capturing its output.
async fn run(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let child =
        cmd.spawn().unwrap_or_else(|e| panic!("cannot start WEB_NODE {:?}: {e}", cmd.as_std().get_program()));
    match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(out) => out.unwrap(),
        Err(_) => panic!("browser.mjs did not finish within {SCRIPT_TIMEOUT:?}"),
    }
}

/// Prints the script's steps; panics with its output when one failed.
fn expect_success(out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "browser.mjs failed ({}):\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
