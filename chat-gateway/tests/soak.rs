//! The soak (run on demand, `#[ignore]`d): 1,000 users at once, 10 ChatKit turns each, through
//! the real `chat-gateway serve` and `mcp-tasks serve` binaries with the offline agent, on a
//! PostgreSQL cluster of the test's own. Asserts 0 errors and that each user's tasks are exactly
//! their own; prints p50/p99 turn latency and each server's peak RSS.
//!
//! ```sh
//! cargo build --workspace && cargo test -p chat-gateway --test soak -- --ignored --nocapture
//! ```
//! `SOAK_USERS` and `SOAK_TURNS` scale it (default 1000 and 10).
#![allow(clippy::unwrap_used)]

mod support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::stack::{self, reply};
use support::wait_until_ok;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn spawn(exe: &Path, envs: &[(&str, String)]) -> Child {
    let mut cmd = Command::new(exe);
    for var in [
        "REMINDER_WEBHOOK_URL",
        "LLM_API_KEY",
        "OPENAI_API_KEY",
        "GROQ_API_KEY",
        "GEMINI_API_KEY",
        "JWT_JWKS_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.arg("serve").envs(envs.iter().map(|(k, v)| (*k, v.as_str())));
    cmd.env("RUST_LOG", "warn").stdout(Stdio::null()).stderr(Stdio::inherit()).spawn().unwrap()
}

/// Peak resident set of process `pid`, in MiB.
fn peak_rss_mib(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb / 1024.0
}

fn env_number(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One user's turns: their latencies, or the first failure.
async fn user_session(
    http: reqwest::Client,
    base: String,
    u: usize,
    turns: usize,
) -> Result<Vec<Duration>, String> {
    let mut thread: Option<String> = None;
    let mut latencies = Vec::with_capacity(turns);
    for n in 0..turns {
        let last = n + 1 == turns;
        let text = if last { "show my tasks".to_owned() } else { format!("add u{u} chore {n}") };
        let body = match &thread {
            None => json!({"type": "threads.create", "params": {"input": stack::input(&text)}}),
            Some(id) => {
                json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": stack::input(&text)}})
            }
        };
        let started = Instant::now();
        let response = http
            .post(format!("{base}/chatkit"))
            .bearer_auth(stack::token(&format!("soak-{u}")))
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("user {u} turn {n}: {e}"))?;
        if response.status() != 200 {
            return Err(format!("user {u} turn {n}: HTTP {}", response.status()));
        }
        let events: Vec<Value> = stack::events(response).await;
        latencies.push(started.elapsed());
        if let Some(e) = events.iter().find(|e| e["type"] == "error") {
            return Err(format!("user {u} turn {n}: error event {e}"));
        }
        if let Some(id) = events.iter().find(|e| e["type"] == "thread.created") {
            thread = Some(id["thread"]["id"].as_str().unwrap().to_owned());
        }
        let said = reply(&events);
        if said.is_empty() {
            return Err(format!("user {u} turn {n}: no reply"));
        }
        if last {
            let others = said.match_indices(" chore ").count();
            let own = said.matches(&format!("u{u} chore ")).count();
            if others != own || own == 0 {
                return Err(format!("user {u} sees tasks that are not theirs: {said}"));
            }
        }
    }
    Ok(latencies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a soak: minutes of load; run on demand with --ignored"]
async fn a_thousand_users_times_ten_turns_through_chatkit_make_no_error_and_keep_tasks_apart() {
    let users = env_number("SOAK_USERS", 1000);
    let turns = env_number("SOAK_TURNS", 10).max(2);
    let gateway_exe = Path::new(env!("CARGO_BIN_EXE_chat-gateway")).to_owned();
    let tasks_exe = gateway_exe.with_file_name("mcp-tasks");
    assert!(tasks_exe.is_file(), "build mcp-tasks first: cargo build --workspace");
    let Some(pg) = Cluster::start() else { return };
    let (tasks_port, gateway_port) = (free_port(), free_port());
    let tasks_base = format!("http://127.0.0.1:{tasks_port}");
    let base = format!("http://127.0.0.1:{gateway_port}");
    let mut tasks = spawn(
        &tasks_exe,
        &[
            ("TASKS_DATABASE_URL", pg.url.clone()),
            ("TASKS_BIND", format!("127.0.0.1:{tasks_port}")),
            ("TASKS_TOKEN_SECRET", stack::TASKS_SECRET.to_owned()),
        ],
    );
    wait_until_ok(&format!("{tasks_base}/readyz")).await;
    let mut gateway = spawn(
        &gateway_exe,
        &[
            ("CHAT_DATABASE_URL", pg.url.clone()),
            ("GATEWAY_BIND", format!("127.0.0.1:{gateway_port}")),
            ("JWT_SECRET", stack::USER_SECRET.to_owned()),
            ("MCP_TASKS_URL", format!("{tasks_base}/mcp")),
            ("TASKS_TOKEN_SECRET", stack::TASKS_SECRET.to_owned()),
        ],
    );
    wait_until_ok(&format!("{base}/readyz")).await;

    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .pool_max_idle_per_host(users)
        .build()
        .unwrap();
    let started = Instant::now();
    let sessions: Vec<_> =
        (0..users).map(|u| tokio::spawn(user_session(http.clone(), base.clone(), u, turns))).collect();
    let mut latencies = Vec::with_capacity(users * turns);
    let mut errors = Vec::new();
    for session in sessions {
        match session.await.unwrap() {
            Ok(l) => latencies.extend(l),
            Err(e) => errors.push(e),
        }
    }
    let took = started.elapsed();
    latencies.sort();
    let at = |q: f64| {
        latencies.get(((latencies.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or_default()
    };
    let (gateway_rss, tasks_rss) = (peak_rss_mib(gateway.id()), peak_rss_mib(tasks.id()));
    println!(
        "soak: {users} users x {turns} turns = {} turns in {:.1} s ({:.0} turns/s); errors {}; \
         p50 {} ms, p99 {} ms, max {} ms; peak RSS gateway {gateway_rss:.0} MiB, mcp-tasks {tasks_rss:.0} MiB",
        latencies.len(),
        took.as_secs_f64(),
        latencies.len() as f64 / took.as_secs_f64(),
        errors.len(),
        at(0.5).as_millis(),
        at(0.99).as_millis(),
        at(1.0).as_millis(),
    );
    assert!(errors.is_empty(), "{} users failed, e.g. {:?}", errors.len(), &errors[..errors.len().min(5)]);

    // Each user's tasks are exactly the ones they added.
    let store = mcp_tasks::store::connect(&pg.url).await.unwrap();
    for u in 0..users {
        let mut titles = stack::task_titles(store.as_ref(), &format!("soak-{u}")).await;
        titles.sort();
        let mut expected: Vec<String> = (0..turns - 1).map(|n| format!("u{u} chore {n}")).collect();
        expected.sort();
        assert_eq!(titles, expected, "user {u}'s tasks");
    }
    gateway.kill().unwrap();
    tasks.kill().unwrap();
    let _ = (gateway.wait(), tasks.wait());
}
