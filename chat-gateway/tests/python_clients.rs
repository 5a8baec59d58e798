//! Official Python clients against the real gateway (SQLite, offline agent, real mcp-tasks):
//! `tests/external/openai_client.py` drives `/v1` with PyPI `openai==3.51.0` as an app would
//! (models, completions with and without streaming, `X-Conversation-Id` through
//! `with_raw_response` and `extra_headers`, the exception classes), and
//! `tests/external/openapi_check.py` validates `/openapi.json` with `openapi-spec-validator`.
//!
//! Both packages live in the venv of `mcp-tasks/tests/external/setup.sh`, named by
//! `CHATKIT_PYTHON`:
//!
//! ```sh
//! eval "$(bash mcp-tasks/tests/external/setup.sh)"
//! cargo test -p chat-gateway --test python_clients -- --nocapture
//! ```
//!
//! Without `CHATKIT_PYTHON` each test prints one `skipped:` line and passes; when `CI` is set
//! it fails instead, so CI cannot go green without having run the clients.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use support::product::{Mind, Stack};
use tokio::process::Command;

/// Longest one run of a script may take.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(120);

#[tokio::test]
async fn the_official_openai_client_uses_the_task_assistant_as_a_model() {
    let Some(python) = python() else { return };
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::start(store).await;
    let (dead_store, _dead_dir) = support::sqlite_store().await;
    let dead = Stack::with(dead_store, Mind::DeadModel, (0, 0)).await;
    let mut cmd = Command::new(python);
    cmd.arg(script("openai_client.py"))
        .arg(format!("{}/v1", stack.base))
        .arg(format!("{}/v1", dead.base))
        // Through the environment, not argv, so the token stays out of `ps`.
        .env("OPENAI_TEST_TOKEN", stack.token("py-user"));
    run(cmd).await;
    assert_eq!(stack.task_titles("py-user").await, ["buy milk"]);
    let (_, threads) = dead.get("py-user", "/api/threads").await;
    assert_eq!(
        threads["data"].as_array().unwrap().len(),
        2,
        "the client did not retry failed turns: {threads}"
    );
}

#[tokio::test]
async fn the_openapi_document_passes_the_openapi_validator() {
    let Some(python) = python() else { return };
    let (store, _dir) = support::sqlite_store().await;
    let stack = Stack::start(store).await;
    let mut cmd = Command::new(python);
    cmd.arg(script("openapi_check.py")).arg(format!("{}/openapi.json", stack.base));
    run(cmd).await;
}

/// The python from `CHATKIT_PYTHON`, or `None` after printing why the test is skipped.
/// Panics instead when `CI` is set: CI must run the clients.
fn python() -> Option<PathBuf> {
    match std::env::var_os("CHATKIT_PYTHON") {
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ if std::env::var_os("CI").is_some() => panic!(
            "CHATKIT_PYTHON is not set but CI is: run `eval \"$(bash mcp-tasks/tests/external/setup.sh)\"` \
             first (a python with openai==3.51.0 and openapi-spec-validator==0.9.0)"
        ),
        _ => {
            println!("skipped: set CHATKIT_PYTHON (see mcp-tasks/tests/external/setup.sh)");
            None
        }
    }
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/external").join(name)
}

/// Runs `cmd` to completion (killed after [`SCRIPT_TIMEOUT`]); panics with its output unless it succeeded.
async fn run(mut cmd: Command) {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    let shown = format!("{:?}", cmd.as_std().get_args().collect::<Vec<_>>());
    let child =
        cmd.spawn().unwrap_or_else(|e| panic!("cannot start the python in CHATKIT_PYTHON {shown}: {e}"));
    let out = match tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output()).await {
        Ok(out) => out.unwrap_or_else(|e| panic!("{shown}: {e}")),
        Err(_) => panic!("{shown} did not finish within {SCRIPT_TIMEOUT:?}"),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    print!("{stdout}");
    assert!(
        out.status.success(),
        "{shown} failed ({}):\n{stdout}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}
