//! mcp-tasks under hostile input, from outside over real HTTP: a request head sent half-way
//! and left open is closed by the header timeout while other clients are served; a client
//! that keeps connections open waits for a place rather than taking the server down; tool
//! calls naming or carrying more than the limits are refused with a clear tool error and
//! change nothing.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use mcp_tasks::startup::{Application, Parts};
use serde_json::json;
use shared::serve::ConnectionLimits;
use support::{SECRET, ok, tool_error};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// mcp-tasks on port 0 within `connections`; its base URL and the token that stops it.
async fn serve(connections: ConnectionLimits) -> (String, CancellationToken, tempfile::TempDir) {
    let (store, dir) = support::sqlite_store().await;
    let key = shared::identity::TokenKey::new(SECRET).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = Application::from_parts(Parts { connections, ..Parts::new(store, key) }, listener);
    let base = format!("http://{}", app.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    tokio::spawn(app.run_until_stopped(shutdown.clone()));
    (base, shutdown, dir)
}

/// Reads until the server closes the connection (bounded: 30 s); what it sent.
async fn read_to_close(socket: &mut TcpStream) -> String {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), socket.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the server kept the half-sent request open");
    String::from_utf8_lossy(&seen).into_owned()
}

#[tokio::test]
async fn a_half_sent_request_head_is_closed_by_the_header_timeout_while_others_are_served() {
    let limits = ConnectionLimits { header_timeout: Duration::from_secs(1), ..ConnectionLimits::default() };
    let (base, shutdown, _dir) = serve(limits).await;
    let addr = base.trim_start_matches("http://");
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ").await.unwrap();
    let healthy = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(healthy.status(), 200, "another client is served meanwhile");
    let answer = read_to_close(&mut slow).await;
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 408"), "{answer}");
    // An idle keep-alive connection is closed the same way.
    let mut idle = TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").await.unwrap();
    assert!(read_to_close(&mut idle).await.starts_with("HTTP/1.1 200"));
    shutdown.cancel();
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_place_and_are_then_served() {
    let limits = ConnectionLimits { max_connections: 2, ..ConnectionLimits::default() };
    let (base, shutdown, _dir) = serve(limits).await;
    let addr = base.trim_start_matches("http://").to_owned();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut socket = TcpStream::connect(&addr).await.unwrap();
        socket.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").await.unwrap();
        let mut head = [0u8; 12];
        socket.read_exact(&mut head).await.unwrap();
        assert_eq!(&head, b"HTTP/1.1 200");
        held.push(socket);
    }
    let waiting =
        tokio::spawn(async move { reqwest::get(format!("{base}/healthz")).await.unwrap().status() });
    drop(held);
    let status = tokio::time::timeout(Duration::from_secs(30), waiting).await.unwrap().unwrap();
    assert_eq!(status, 200);
    shutdown.cancel();
}

#[tokio::test]
async fn tool_calls_past_the_batch_and_field_limits_are_refused_and_change_nothing() {
    let (store, _dir) = support::sqlite_store().await;
    let server = support::TestServer::start(Arc::clone(&store)).await;
    let client = server.client("mallory").await;
    let numbers: Vec<i64> = (1..=100_000).collect();
    let said = tool_error(&client, "complete_task", json!({"tasks": numbers})).await;
    assert!(said.contains("At most 100 tasks per call"), "{said}");
    let said = tool_error(&client, "update_task", json!({"tasks": numbers, "status": "pending"})).await;
    assert!(said.contains("At most 100 tasks per call"), "{said}");
    let said = tool_error(&client, "schedule_reminder", json!({"tasks": numbers, "at": "in 1 hour"})).await;
    assert!(said.contains("At most 100 tasks per call"), "{said}");
    let many: Vec<_> = (0..1_000).map(|i| json!({"title": format!("t{i}")})).collect();
    let said = tool_error(&client, "add_task", json!({"tasks": many})).await;
    assert!(said.contains("100"), "{said}");
    let said = tool_error(&client, "add_task", json!({"title": "x".repeat(100_000)})).await;
    assert!(said.contains("the limit is 500"), "{said}");
    let tags: Vec<String> = (0..1_000).map(|i| format!("tag{i}")).collect();
    let said = tool_error(&client, "add_task", json!({"title": "ok", "tags": tags})).await;
    assert!(said.contains("At most 20 tags"), "{said}");
    let listed = ok(&client, "list_tasks", json!({"status": "all"})).await;
    assert_eq!(listed["tasks"], json!([]), "nothing was stored");
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `mcp-tasks serve` with `METRICS_BIND` (as compose runs it): the unauthenticated `/metrics`
/// is only on that listener; on the main port, the one published, it is an unknown path
/// (behind the Bearer check like every path but the probes).
#[tokio::test]
async fn with_metrics_bind_metrics_leave_the_main_port() {
    let dir = tempfile::tempdir().unwrap();
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_mcp-tasks"))
        .arg("serve")
        .env_remove("TASKS_ALLOWED_HOSTS")
        .env_remove("TASKS_OAUTH_ISSUER")
        .env("TASKS_BIND", format!("127.0.0.1:{port}"))
        .env("METRICS_BIND", format!("127.0.0.1:{metrics_port}"))
        .env("TASKS_DATABASE_URL", format!("sqlite://{}", dir.path().join("tasks.db").display()))
        .env("TASKS_TOKEN_SECRET", SECRET)
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    support::wait_until_ok(&format!("{base}/readyz")).await;
    let main = http.get(format!("{base}/metrics")).send().await.unwrap();
    assert!(main.status().is_client_error(), "{}", main.status());
    assert!(!main.text().await.unwrap().contains("http_requests_total"));
    let scraped = http.get(format!("http://127.0.0.1:{metrics_port}/metrics")).send().await.unwrap();
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.unwrap();
    assert!(text.contains("route=\"/readyz\""), "the main listener's requests are counted: {text}");
    child.kill().await.unwrap();
}
