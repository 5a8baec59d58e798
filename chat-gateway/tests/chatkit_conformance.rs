//! Wire conformance against the reference ChatKit models: the real gateway router on port 0
//! (SQLite), driven by `tests/external/chatkit_conformance.py`, which validates every request
//! it sends with `ChatKitReq`, every SSE event with `ThreadStreamEvent` and every JSON answer
//! with `Thread` / `Page[Thread]` / `Page[ThreadItem]` from PyPI `openai-chatkit==1.6.5`, and
//! round-trips each payload to catch keys the models drop, defaults left out and coerced values.
//! Three responders cover the event kinds: the echo responder (assistant text), a scripted
//! one (progress, a workflow with a task added and updated, a notice, a client effect, text)
//! and a failing one (the `error` event). A fourth run puts the offline agent over a real
//! mcp-tasks and checks task widgets and their actions: every widget node against its own
//! strict `chatkit.widgets` class, every button's `ActionConfig`, `threads.custom_action`
//! events and the `threads.sync_custom_action` answer (`SyncCustomActionResponse`). A fifth
//! makes a two-phase upload (`attachments.create` and each upload answer as `Attachment`, a
//! multipart upload to the descriptor's URL, the preview) and sends a message carrying it. A
//! sixth puts a scripted transcription service behind `input.transcribe` and checks its answer
//! is a `TranscriptionResult`.
//!
//! The models are Python, so the test is opt-in. To enable (needs python3 and PyPI):
//!
//! ```sh
//! eval "$(bash mcp-tasks/tests/external/setup.sh)"   # exports CHATKIT_PYTHON (and the MCP clients)
//! cargo test -p chat-gateway --test chatkit_conformance -- --nocapture
//! ```
//!
//! Without `CHATKIT_PYTHON` each test prints one `skipped:` line and passes; when `CI` is set it
//! fails instead, so CI cannot go green without having run the models.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chat_gateway::auth::Authenticator;
use chat_gateway::chatkit::types::{
    Event, ItemBody, ItemUpdate, ThreadItem, Workflow, WorkflowTask, user_text,
};
use chat_gateway::conversation::{Responder, Turn, TurnError, TurnSink};
use chat_gateway::echo::EchoResponder;
use chat_gateway::startup::{self, GatewayParts};
use serde_json::json;
use shared::identity::TokenKey;
use tokio::process::Command;
use tokio_util::sync::CancellationToken;

const SECRET: &str = "conformance-test-secret-conformance-test";

/// Longest one run of the script may take.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);

/// The error the failing responder reports (the script expects exactly this).
const FAILING_MESSAGE: &str = "The model is busy; try again.";

/// Progress, a workflow whose one task is added then completed, a notice, a client effect,
/// then `Done: <user text>` in two deltas. The script checks each of these values.
struct Scripted;

#[async_trait::async_trait]
impl Responder for Scripted {
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let text = match turn.input.as_ref().map(|i| &i.body) {
            Some(ItemBody::UserMessage { content, .. }) => user_text(content),
            _ => String::from("(no message)"),
        };
        out.send(Event::Progress { icon: Some("sparkle".into()), text: "Checking your tasks".into() })
            .await?;

        let workflow = |tasks, summary| ItemBody::Workflow {
            workflow: Workflow { kind: "custom".into(), tasks, summary, expanded: false },
        };
        let item = out.item("wf", workflow(vec![], None));
        let id = item.id.clone();
        out.send(Event::ItemAdded { item: item.clone() }).await?;
        let mut task = WorkflowTask {
            kind: "custom".into(),
            title: Some("list_tasks".into()),
            content: Some("status: open".into()),
            status_indicator: "loading".into(),
        };
        let added = ItemUpdate::TaskAdded { task_index: 0, task: task.clone() };
        out.send(Event::ItemUpdated { item_id: id.clone(), update: added }).await?;
        task.status_indicator = "complete".into();
        let updated = ItemUpdate::TaskUpdated { task_index: 0, task: task.clone() };
        out.send(Event::ItemUpdated { item_id: id, update: updated }).await?;
        let summary = Some(json!({"title": "Checked 1 list"}));
        out.send(Event::ItemDone { item: ThreadItem { body: workflow(vec![task], summary), ..item } })
            .await?;

        out.send(Event::Notice {
            level: "info".into(),
            message: "Reminders are **on**.".into(),
            title: Some("Note".into()),
        })
        .await?;
        out.send(Event::ClientEffect { name: "tasks_changed".into(), data: json!({"count": 1}) }).await?;
        out.assistant_text(["Done: ".to_owned(), text]).await
    }
}

/// Fails every turn after the user message is stored.
struct Failing;

#[async_trait::async_trait]
impl Responder for Failing {
    async fn respond(&self, _: &Turn, _: &mut TurnSink) -> Result<(), TurnError> {
        Err(TurnError::Failed { message: FAILING_MESSAGE.into(), allow_retry: true })
    }
}

#[tokio::test]
async fn every_op_with_the_echo_responder_matches_the_reference_models() {
    conformance("echo", Arc::new(EchoResponder { deltas: 3 })).await;
}

#[tokio::test]
async fn workflow_progress_notice_and_client_effect_events_match_the_reference_models() {
    conformance("scripted", Arc::new(Scripted)).await;
}

#[tokio::test]
async fn the_error_event_of_a_failing_turn_matches_the_reference_models() {
    conformance("failing", Arc::new(Failing)).await;
}

#[tokio::test]
async fn a_two_phase_upload_and_the_message_carrying_it_match_the_reference_attachment_models() {
    conformance("attachments", Arc::new(EchoResponder { deltas: 3 })).await;
}

#[tokio::test]
async fn task_widgets_and_their_actions_match_the_strict_reference_widget_models() {
    let Some(python) = chatkit_python() else { return };
    let (store, _dir) = support::sqlite_store().await;
    let stack = support::product::Stack::start(store).await;
    let mut cmd = Command::new(&python);
    cmd.arg(script())
        .arg(format!("{}/chatkit", stack.base))
        .args(["--responder", "tasks"])
        .env("CHATKIT_TOKEN", stack.token("conformance-tasks"));
    let out = run(cmd).await;
    expect_success("chatkit_conformance.py --responder tasks", &out);
}

/// Starts the gateway with `responder` and runs the script against it with `--responder name`.
async fn conformance(name: &str, responder: Arc<dyn Responder>) {
    let Some(python) = chatkit_python() else { return };
    let (store, _dir) = support::sqlite_store().await;
    let key = TokenKey::new(SECRET).unwrap();
    let parts = GatewayParts::new(store, responder, Authenticator::new(Some(key.clone()), None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/chatkit", listener.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));

    let token =
        key.mint(&format!("conformance-{name}"), "chat-gateway", "test", None, Duration::from_secs(600));
    let mut cmd = Command::new(&python);
    // The token goes through the environment, not argv, so it stays out of `ps`.
    cmd.arg(script()).arg(&url).args(["--responder", name]).env("CHATKIT_TOKEN", token);
    let out = run(cmd).await;
    shutdown.cancel();
    let _ = server.await;
    expect_success(&format!("chatkit_conformance.py --responder {name}"), &out);
}

#[tokio::test]
async fn a_transcription_answers_with_the_reference_transcription_result() {
    let Some(python) = chatkit_python() else { return };
    let service = support::transcriber::Transcriber::saying("add buy milk tomorrow").await;
    let (store, _dir) = support::sqlite_store().await;
    let options = support::stack::GatewayOptions {
        voice: Some(support::stack::voice(&service.base)),
        ..support::stack::GatewayOptions::default()
    };
    let stack = support::product::Stack::build(store, options, support::stack::offline_agent).await;
    let mut cmd = Command::new(&python);
    cmd.arg(script())
        .arg(format!("{}/chatkit", stack.base))
        .args(["--voice", "add buy milk tomorrow"])
        .env("CHATKIT_TOKEN", stack.token("conformance-voice"));
    let out = run(cmd).await;
    expect_success("chatkit_conformance.py --voice", &out);
    assert_eq!(service.requests().len(), 1, "only the valid recording reached the service");
}

/// The python from `CHATKIT_PYTHON`, or `None` after printing why the test is skipped.
/// Panics instead when `CI` is set: CI must run the models.
fn chatkit_python() -> Option<PathBuf> {
    match std::env::var_os("CHATKIT_PYTHON") {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CHATKIT_PYTHON is not set but CI is: run `eval \"$(bash mcp-tasks/tests/external/setup.sh)\"` \
             first (a python with openai-chatkit==1.6.5)"
        ),
        _ => {
            println!(
                "skipped: set CHATKIT_PYTHON to a python with openai-chatkit==1.6.5 \
                 (see mcp-tasks/tests/external/setup.sh)"
            );
            None
        }
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external/chatkit_conformance.py")
}

/// Runs `cmd` to completion (killed after [`SCRIPT_TIMEOUT`]), capturing its output.
async fn run(mut cmd: Command) -> Output {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let shown = format!("{:?}", cmd.as_std().get_args().collect::<Vec<_>>());
    let child =
        cmd.spawn().unwrap_or_else(|e| panic!("cannot start the python in CHATKIT_PYTHON {shown}: {e}"));
    match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(out) => out.unwrap_or_else(|e| panic!("{shown}: {e}")),
        Err(_) => panic!("{shown} did not finish within {SCRIPT_TIMEOUT:?}"),
    }
}

/// Prints the script's report; panics with its output when a check failed.
fn expect_success(what: &str, out: &Output) {
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
