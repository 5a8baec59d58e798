//! MCP over stdio: in-process through a duplex pipe (the rmcp client against the real
//! server), and the real binary, whose stdout must carry nothing but JSON-RPC.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Stdio;

use mcp_tasks::tools::TaskServer;
use rmcp::ServiceExt;
use serde_json::{Value, json};
use support::ok;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

#[tokio::test]
async fn the_stdio_server_serves_exactly_its_one_user() {
    let (store, _dir) = support::sqlite_store().await;
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let alice = TaskServer::for_local_user(store.clone(), chrono_tz::UTC, "alice");
    tokio::spawn(async move { alice.serve(tokio::io::split(server_io)).await.unwrap().waiting().await });
    let client = ().serve(tokio::io::split(client_io)).await.unwrap();

    let added = ok(&client, "add_task", json!({"title": "stdio task", "due": "2030-02-01"})).await;
    assert_eq!(added["created"][0]["number"], 1);
    let listed = ok(&client, "list_tasks", json!({})).await;
    assert_eq!(listed["tasks"][0]["title"], "stdio task");
    let stored = store.get_tasks("alice", &[1]).await.unwrap();
    assert_eq!(stored[0].title, "stdio task", "the task belongs to the stdio user");
    assert!(store.get_tasks("local", &[1]).await.is_err());
}

fn binary() -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp-tasks"));
    cmd.env_remove("TASKS_TOKEN_SECRET").env_remove("TASKS_DATABASE_URL").kill_on_drop(true);
    cmd
}

#[tokio::test]
async fn the_binary_speaks_only_json_rpc_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = binary()
        .args(["stdio", "--user", "carol"])
        .env("TASKS_DATABASE_URL", format!("sqlite://{}", dir.path().join("t.db").display()))
        .env("RUST_LOG", "debug")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let requests = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"protocolVersion": "2025-11-25",
            "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ];
    for r in requests {
        stdin.write_all(format!("{r}\n").as_bytes()).await.unwrap();
    }
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let line = lines.next_line().await.unwrap().expect("stdout closed early");
        let message: Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON-RPC: {line} ({e})"));
        assert_eq!(message["jsonrpc"], "2.0");
        seen.push(message["id"].as_i64().unwrap());
    }
    seen.sort_unstable();
    assert_eq!(seen, vec![1, 2]);
    drop(stdin);
    let status = child.wait().await.unwrap();
    assert!(status.success(), "closing stdin ends the server cleanly");
}

/// Arguments, environment, and the variable the error must name.
type Case = (&'static [&'static str], &'static [(&'static str, &'static str)], &'static str);

#[tokio::test]
async fn configuration_errors_exit_non_zero_with_one_line_naming_the_variable() {
    let cases: [Case; 4] = [
        (&["token", "--user", "a"], &[], "TASKS_TOKEN_SECRET"),
        (&["token", "--user", "a"], &[("TASKS_TOKEN_SECRET", "short")], "TASKS_TOKEN_SECRET"),
        (&["migrate"], &[("TASKS_DATABASE_URL", "mysql://x")], "TASKS_DATABASE_URL"),
        (&["migrate"], &[("TASKS_DEFAULT_TZ", "Mars/Olympus")], "TASKS_DEFAULT_TZ"),
    ];
    for (args, env, variable) in cases {
        let out = binary().args(args).envs(env.iter().copied()).output().await.unwrap();
        assert!(!out.status.success(), "{args:?} {env:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(variable), "{stderr}");
    }
}

#[tokio::test]
async fn token_mints_a_token_the_server_accepts() {
    let secret = support::SECRET;
    let out = binary()
        .args(["token", "--user", "dave", "--ttl", "1h"])
        .env("TASKS_TOKEN_SECRET", secret)
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let token = String::from_utf8(out.stdout).unwrap();
    let key = shared::identity::TokenKey::new(secret).unwrap();
    let identity = key.verify(token.trim(), Some(shared::identity::TASKS_AUDIENCE)).unwrap();
    assert_eq!(identity.user_id, "dave");
    let help = binary().arg("--help").output().await.unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for command in ["stdio", "serve", "token", "migrate"] {
        assert!(help.contains(command), "--help lists {command}");
    }
}
