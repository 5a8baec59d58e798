//! `chat-gateway dev`, run as a user runs it: it starts mcp-tasks beside itself, prints a URL
//! and a dev token that work, keeps its secrets across restarts, and stops its child on SIGTERM.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `chat-gateway dev` with what it printed.
struct Dev {
    child: Child,
    url: String,
    mcp: String,
    token: String,
}

fn start(data: &Path) -> Option<Dev> {
    let exe = Path::new(env!("CARGO_BIN_EXE_chat-gateway"));
    if !exe.with_file_name("mcp-tasks").is_file() {
        // `cargo test --workspace` (what .ci/run runs) builds both binaries side by side.
        assert!(std::env::var_os("CI").is_none(), "mcp-tasks is not built beside chat-gateway");
        eprintln!("skipped: mcp-tasks is not built beside chat-gateway (run cargo build --workspace)");
        return None;
    }
    let mut cmd = Command::new(exe);
    for var in [
        "JWT_SECRET",
        "JWT_JWKS_URL",
        "CHAT_DATABASE_URL",
        "TASKS_TOKEN_SECRET",
        "MCP_TASKS_URL",
        "TASKS_DATABASE_URL",
        "LLM_API_KEY",
        "LLM_BASE_URL",
        "OPENAI_API_KEY",
        "GROQ_API_KEY",
        "GEMINI_API_KEY",
    ] {
        cmd.env_remove(var);
    }
    let mut child = cmd
        .arg("dev")
        .env("XDG_DATA_HOME", data)
        .env("GATEWAY_BIND", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (mut url, mut mcp, mut token) = (None, None, None);
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("chat page") {
            url = Some(rest.trim().trim_end_matches('/').to_owned());
        } else if let Some(rest) = line.strip_prefix("mcp-tasks") {
            mcp = Some(rest.trim().to_owned());
        } else if let Some(rest) = line.strip_prefix("export TOKEN=") {
            token = Some(rest.to_owned());
        } else if line.starts_with("Ctrl-C") {
            break;
        }
    }
    Some(Dev { child, url: url.unwrap(), mcp: mcp.unwrap(), token: token.unwrap() })
}

fn terminate(dev: &mut Dev) -> std::process::ExitStatus {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(dev.child.id()).unwrap());
    nix::sys::signal::kill(pid, nix::sys::signal::SIGTERM).unwrap();
    for _ in 0..200 {
        if let Some(status) = dev.child.try_wait().unwrap() {
            return status;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    dev.child.kill().unwrap();
    panic!("chat-gateway dev did not stop within 10 s of SIGTERM");
}

async fn chat(dev: &Dev, token: &str, message: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/api/chat", dev.url))
        .bearer_auth(token)
        .json(&serde_json::json!({"message": message}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn dev_runs_both_services_with_a_working_token_and_stops_them_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let Some(mut dev) = start(data.path()) else { return };
    let reply = chat(&dev, &dev.token, "add buy milk tomorrow at 5pm").await;
    assert_eq!(reply.status(), 200);
    let body: serde_json::Value = reply.json().await.unwrap();
    assert_eq!(body["tool_calls"][0]["name"], "add_task", "{body}");
    assert_eq!(body["tool_calls"][0]["status"], "ok", "{body}");
    for file in ["chat.db", "tasks.db", "dev-secrets.json"] {
        assert!(data.path().join("task-assistant").join(file).is_file(), "{file} is in the data directory");
    }
    // The chat page's one-click login answers under dev.
    let login: serde_json::Value =
        reqwest::get(format!("{}/dev/token", dev.url)).await.unwrap().json().await.unwrap();
    assert_eq!(chat(&dev, login["token"].as_str().unwrap(), "show my tasks").await.status(), 200);
    let mcp = dev.mcp.clone();
    assert!(terminate(&mut dev).success());
    let health = mcp.replace("/mcp", "/healthz");
    assert!(reqwest::get(&health).await.is_err(), "mcp-tasks stopped with its parent");

    // A restart keeps the secrets: the first token still works, and the task is still there.
    let first_token = dev.token.clone();
    let Some(mut again) = start(data.path()) else { return };
    let reply = chat(&again, &first_token, "show my tasks").await;
    assert_eq!(reply.status(), 200);
    let body: serde_json::Value = reply.json().await.unwrap();
    assert!(body["reply"].as_str().unwrap().contains("buy milk"), "{body}");
    assert!(terminate(&mut again).success());
}
