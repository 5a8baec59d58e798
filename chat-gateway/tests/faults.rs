//! Faults the product survives, driven from outside over real HTTP: PostgreSQL (a cluster of
//! the test's own) restarted while twenty users chat on ChatKit, REST and `/v1`; the gateway
//! (the real binary) SIGKILLed mid-stream and restarted on the same database; mcp-tasks
//! (the real binary) killed with SIGKILL around a turn and started again.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::stack::{self, GatewayOptions, reply};
use support::wait_until_ok;
use tokio::sync::Mutex;

/// A user message the gateway accepted (answered 200 with the message stored): its thread and text.
type Accepted = Arc<Mutex<Vec<(String, String, String)>>>;

/// What one request during the fault saw, for the report at the end.
#[derive(Default)]
struct Tally {
    ok: AtomicUsize,
    unavailable: AtomicUsize,
    error_events: AtomicUsize,
    turn_failed: AtomicUsize,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(90)).build().unwrap()
}

/// A 503 must say when to retry.
fn check_unavailable(response: &reqwest::Response, face: &str) {
    assert_eq!(response.status(), 503, "{face}: only 200 or 503 during the outage");
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    assert!(retry.is_some_and(|s| s.parse::<u64>().is_ok_and(|n| n >= 1)), "{face}: 503 without Retry-After");
}

/// One ChatKit turn: Ok(thread id) if the user message was stored, else the reason.
async fn chatkit_turn(
    base: &str,
    user: &str,
    thread: Option<&str>,
    text: &str,
    tally: &Tally,
) -> Option<String> {
    let body = match thread {
        None => json!({"type": "threads.create", "params": {"input": stack::input(text)}}),
        Some(id) => {
            json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": stack::input(text)}})
        }
    };
    let response = client()
        .post(format!("{base}/chatkit"))
        .bearer_auth(stack::token(user))
        .json(&body)
        .send()
        .await
        .unwrap();
    if response.status() != 200 {
        check_unavailable(&response, "chatkit");
        tally.unavailable.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    let events = stack::events(response).await;
    for e in events.iter().filter(|e| e["type"] == "error") {
        assert_eq!(e["allow_retry"], true, "an outage error offers a retry: {e}");
        assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "and says what happened: {e}");
        tally.error_events.fetch_add(1, Ordering::Relaxed);
    }
    let stored =
        events.iter().any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "user_message");
    let thread_id = events
        .iter()
        .find(|e| e["type"] == "thread.created")
        .and_then(|e| e["thread"]["id"].as_str())
        .map(str::to_owned)
        .or_else(|| thread.map(str::to_owned));
    if stored && !events.iter().any(|e| e["type"] == "error") {
        tally.ok.fetch_add(1, Ordering::Relaxed);
    }
    stored.then_some(thread_id).flatten()
}

/// One `POST /api/chat`: the thread id when answered 200.
async fn rest_turn(base: &str, user: &str, text: &str, tally: &Tally) -> Option<String> {
    let response = client()
        .post(format!("{base}/api/chat"))
        .bearer_auth(stack::token(user))
        .json(&json!({"message": text}))
        .send()
        .await
        .unwrap();
    if response.status() != 200 {
        check_unavailable(&response, "/api/chat");
        tally.unavailable.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    let body: Value = response.json().await.unwrap();
    if body.get("error").is_some() {
        tally.turn_failed.fetch_add(1, Ordering::Relaxed);
    } else {
        tally.ok.fetch_add(1, Ordering::Relaxed);
    }
    Some(body["thread_id"].as_str().unwrap().to_owned())
}

/// One `POST /v1/chat/completions`: the conversation id when answered 200.
async fn v1_turn(base: &str, user: &str, text: &str, tally: &Tally) -> Option<String> {
    let body = json!({"model": "task-assistant", "messages": [{"role": "user", "content": text}]});
    let response = client()
        .post(format!("{base}/v1/chat/completions"))
        .bearer_auth(stack::token(user))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let conversation = response.headers().get("x-conversation-id").map(|v| v.to_str().unwrap().to_owned());
    match status {
        200 => {
            tally.ok.fetch_add(1, Ordering::Relaxed);
            Some(conversation.unwrap())
        }
        502 => {
            // The message was stored and the turn failed mid-way (the task service lost
            // its database): an OpenAI-shaped turn_failed, not a 500.
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "turn_failed", "{body}");
            tally.turn_failed.fetch_add(1, Ordering::Relaxed);
            None
        }
        _ => {
            check_unavailable(&response, "/v1");
            tally.unavailable.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

/// The user-message texts of a thread, read through ChatKit.
async fn user_texts(base: &str, user: &str, thread: &str) -> Vec<String> {
    let list = json!({"type": "items.list", "params": {"thread_id": thread, "order": "asc", "limit": 100}});
    let (status, page) = stack::json_op(base, user, &list).await;
    assert_eq!(status, 200, "{page}");
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "user_message")
        .map(|i| i["content"][0]["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_postgres_restart_while_twenty_users_chat_answers_503_or_an_error_event_and_loses_no_accepted_message()
 {
    let Some(pg) = Cluster::start() else { return };
    let tasks_store = mcp_tasks::store::connect(&pg.url).await.unwrap();
    tasks_store.migrate().await.unwrap();
    let tasks = stack::start_tasks(tasks_store.clone()).await;
    let chat_store = chat_gateway::store::connect(&pg.url).await.unwrap();
    chat_store.migrate().await.unwrap();
    let gateway =
        stack::start_gateway(chat_store, stack::offline_agent(&tasks.base), GatewayOptions::default()).await;
    let base = gateway.base.clone();

    let accepted: Accepted = Arc::default();
    let tally = Arc::new(Tally::default());
    let restarted = Arc::new(AtomicBool::new(false));
    let recovered = Arc::new(AtomicUsize::new(0));
    let mut users = Vec::new();
    for u in 0..20 {
        let (base, accepted, tally, restarted, recovered) =
            (base.clone(), accepted.clone(), tally.clone(), restarted.clone(), recovered.clone());
        users.push(tokio::spawn(async move {
            let user = format!("user{u}");
            let mut thread: Option<String> = None;
            let mut after_restart_ok = false;
            for n in 0..400 {
                let text = format!("add u{u} errand {n}");
                let before = tally.ok.load(Ordering::Relaxed);
                let face = (u + n) % 3;
                let in_thread = match face {
                    0 => chatkit_turn(&base, &user, thread.as_deref(), &text, &tally).await,
                    1 => rest_turn(&base, &user, &text, &tally).await,
                    _ => v1_turn(&base, &user, &text, &tally).await,
                };
                if let Some(id) = in_thread {
                    if face == 0 {
                        thread = Some(id.clone());
                    }
                    accepted.lock().await.push((user.clone(), id, text));
                }
                let succeeded = tally.ok.load(Ordering::Relaxed) > before;
                if restarted.load(Ordering::SeqCst) && succeeded && !after_restart_ok {
                    after_restart_ok = true;
                    recovered.fetch_add(1, Ordering::SeqCst);
                }
                if after_restart_ok && n >= 3 {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            panic!("{user} never got a clean turn after the restart");
        }));
    }
    // Let everyone get going, then take the database away for a few seconds.
    while tally.ok.load(Ordering::Relaxed) < 20 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pg_ctl = tokio::task::spawn_blocking(move || {
        pg.down();
        std::thread::sleep(Duration::from_secs(4));
        pg.up();
        pg
    });
    let pg = pg_ctl.await.unwrap();
    restarted.store(true, Ordering::SeqCst);
    for user in users {
        tokio::time::timeout(Duration::from_secs(300), user).await.unwrap().unwrap();
    }
    assert_eq!(
        recovered.load(Ordering::SeqCst),
        20,
        "every user chats again without a restart of either service"
    );
    eprintln!(
        "during the run: {} clean turns, {} answered 503, {} error events, {} turns failed after storing",
        tally.ok.load(Ordering::Relaxed),
        tally.unavailable.load(Ordering::Relaxed),
        tally.error_events.load(Ordering::Relaxed),
        tally.turn_failed.load(Ordering::Relaxed),
    );

    // Every message answered 200 is in its thread.
    let accepted = accepted.lock().await.clone();
    let mut by_thread: HashMap<(String, String), Vec<String>> = HashMap::new();
    for (user, thread, text) in accepted {
        by_thread.entry((user, thread)).or_default().push(text);
    }
    for ((user, thread), texts) in by_thread {
        let stored = user_texts(&base, &user, &thread).await;
        for text in texts {
            assert!(
                stored.contains(&text),
                "{user}'s accepted message {text:?} is missing from {thread}: {stored:?}"
            );
        }
    }
    // The task service recovered too, and each user's tasks are their own.
    let after = stack::stream(
        &base,
        "user7",
        &json!({"type": "threads.create", "params": {"input": stack::input("add after the restart")}}),
    )
    .await;
    assert!(reply(&after).contains("after the restart"), "{after:?}");
    let titles = stack::task_titles(tasks_store.as_ref(), "user7").await;
    assert!(titles.iter().all(|t| t.starts_with("u7 ") || t == "after the restart"), "{titles:?}");
    gateway.stop().await;
    tasks.stop().await;
    drop(pg);
}

/// `mcp-tasks serve` (the real binary) on `port`, on the SQLite file `db`.
fn spawn_tasks(port: u16, db: &std::path::Path) -> Option<Child> {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_chat-gateway")).with_file_name("mcp-tasks");
    if !exe.is_file() {
        assert!(std::env::var_os("CI").is_none(), "mcp-tasks is not built beside chat-gateway");
        eprintln!("skipped: mcp-tasks is not built beside chat-gateway (run cargo build --workspace)");
        return None;
    }
    let child = Command::new(exe)
        .arg("serve")
        .env_remove("REMINDER_WEBHOOK_URL")
        .env("TASKS_BIND", format!("127.0.0.1:{port}"))
        .env("TASKS_DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("TASKS_TOKEN_SECRET", stack::TASKS_SECRET)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    Some(child)
}

#[tokio::test]
async fn mcp_tasks_killed_around_a_turn_gives_a_clear_error_and_the_next_turn_works_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("tasks.db");
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let Some(mut child) = spawn_tasks(port, &db) else { return };
    let tasks_base = format!("http://127.0.0.1:{port}");
    wait_until_ok(&format!("{tasks_base}/readyz")).await;
    let (store, _chat) = support::sqlite_store().await;
    let gateway =
        stack::start_gateway(store, stack::offline_agent(&tasks_base), GatewayOptions::default()).await;
    let base = gateway.base.clone();
    let create = |text: &str| json!({"type": "threads.create", "params": {"input": stack::input(text)}});
    let first = stack::stream(&base, "alice", &create("add water the plants")).await;
    assert!(reply(&first).contains("water the plants"), "{first:?}");

    // Turns in flight while mcp-tasks is SIGKILLed (as many as one user may run at once): each
    // ends (an answer or an error), none hangs.
    let turns: Vec<_> = (0..4)
        .map(|i| {
            let base = base.clone();
            tokio::spawn(
                async move { stack::stream(&base, "alice", &create(&format!("add chore {i}"))).await },
            )
        })
        .collect();
    child.kill().unwrap();
    child.wait().unwrap();
    for turn in turns {
        let events = tokio::time::timeout(Duration::from_secs(120), turn).await.unwrap().unwrap();
        let ended = events.iter().any(|e| e["type"] == "error") || !reply(&events).is_empty();
        assert!(ended, "the turn ended visibly: {events:?}");
    }

    // While it is down: the user is told clearly (an `error` event with a retry, or the
    // assistant saying the task service failed), and the message is kept.
    let down = stack::stream(&base, "alice", &create("add call the bank")).await;
    match down.iter().find(|e| e["type"] == "error") {
        Some(error) => {
            assert_eq!(error["allow_retry"], true, "{error}");
            assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{error}");
        }
        None => assert!(reply(&down).contains("task service"), "{down:?}"),
    }
    assert!(down.iter().any(|e| e["type"] == "thread.item.done" && e["item"]["type"] == "user_message"));

    // Back on the same port and database: the next turn works, and nothing was lost.
    let mut child = spawn_tasks(port, &db).unwrap();
    wait_until_ok(&format!("{tasks_base}/readyz")).await;
    let mut again = Vec::new();
    for _ in 0..20 {
        again = stack::stream(&base, "alice", &create("add renew passport")).await;
        if reply(&again).contains("renew passport") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(reply(&again).contains("renew passport"), "{again:?}");
    let listed = stack::stream(&base, "alice", &create("show my tasks")).await;
    assert!(reply(&listed).contains("water the plants"), "{listed:?}");
    child.kill().unwrap();
    child.wait().unwrap();
    gateway.stop().await;
}

/// A model whose first answer streams one piece of text and then never finishes; later
/// answers are whole.
async fn stalling_model() -> String {
    use axum::body::Body;
    use futures::StreamExt;
    let calls = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/v1/chat/completions",
        axum::routing::post(move || {
            let calls = calls.clone();
            async move {
                let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
                let piece = |text: &str, finish: Option<&str>| {
                    let chunk = support::model::chunk(&json!({"content": text}), finish);
                    Ok::<_, std::convert::Infallible>(axum::body::Bytes::from(format!("data: {chunk}\n\n")))
                };
                let body = if first {
                    let head = futures::stream::iter(vec![piece("Working on it", None)]);
                    Body::from_stream(head.chain(futures::stream::pending()))
                } else {
                    let done = axum::body::Bytes::from_static(b"data: [DONE]\n\n");
                    let all = vec![piece("Here it is again.", None), piece("", Some("stop")), Ok(done)];
                    Body::from_stream(futures::stream::iter(all))
                };
                axum::response::Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(body)
                    .unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// `chat-gateway serve` (the real binary) on `port` over `database`, with `model`.
fn spawn_gateway(port: u16, database: &str, model: &str, tasks_base: &str) -> Child {
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_chat-gateway"));
    let mut cmd = Command::new(exe);
    for var in
        ["OPENAI_API_KEY", "GROQ_API_KEY", "GEMINI_API_KEY", "JWT_JWKS_URL", "JWT_AUDIENCE", "JWT_ISSUER"]
    {
        cmd.env_remove(var);
    }
    cmd.arg("serve")
        .env("GATEWAY_BIND", format!("127.0.0.1:{port}"))
        .env("CHAT_DATABASE_URL", database)
        .env("JWT_SECRET", stack::USER_SECRET)
        .env("MCP_TASKS_URL", format!("{tasks_base}/mcp"))
        .env("TASKS_TOKEN_SECRET", stack::TASKS_SECRET)
        .env("LLM_BASE_URL", model)
        .env("LLM_API_KEY", "test-key")
        .env("LLM_MODEL", "scripted")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_mid_stream_restarts_with_the_thread_readable_ended_and_retryable() {
    use eventsource_stream::Eventsource;
    use futures::StreamExt;
    let Some(pg) = support::TestPg::create().await else { return };
    let (tasks_store, _tasks_dir) = stack::tasks_sqlite().await;
    let tasks = stack::start_tasks(tasks_store).await;
    let model = stalling_model().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let mut gateway = spawn_gateway(port, &pg.url, &model, &tasks.base);
    wait_until_ok(&format!("{base}/readyz")).await;

    // A turn streams its first words, then the gateway dies with SIGKILL.
    let create = json!({"type": "threads.create", "params": {"input": stack::input("plan my week")}});
    let response = stack::post(&base, "kim", &create).await;
    assert_eq!(response.status(), 200);
    let mut sse = response.bytes_stream().eventsource();
    let mut thread = None;
    let mut message = None;
    while let Some(Ok(event)) = sse.next().await {
        let event: Value = serde_json::from_str(&event.data).unwrap();
        if event["type"] == "thread.created" {
            thread = event["thread"]["id"].as_str().map(str::to_owned);
        }
        if event["type"] == "thread.item.done" && event["item"]["type"] == "user_message" {
            message = event["item"]["id"].as_str().map(str::to_owned);
        }
        if event["update"]["type"] == "assistant_message.content_part.text_delta" {
            break;
        }
    }
    let (thread, message) = (thread.unwrap(), message.unwrap());
    gateway.kill().unwrap();
    gateway.wait().unwrap();
    assert!(sse.next().await.is_none_or(|e| e.is_err()), "the stream ends with the process");

    // Restarted on the same database: the thread reads, the message is there, nothing is
    // left running (no half-written or loading item).
    let mut gateway = spawn_gateway(port, &pg.url, &model, &tasks.base);
    wait_until_ok(&format!("{base}/readyz")).await;
    let get = json!({"type": "threads.get_by_id", "params": {"thread_id": thread}});
    let (status, view) = stack::json_op(&base, "kim", &get).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"]["type"], "active", "the thread takes new messages: {view}");
    let items = view["items"]["data"].as_array().unwrap();
    assert!(items.iter().any(|i| i["id"] == message.as_str()), "{view}");
    for item in items {
        let text = item["content"][0]["text"].as_str();
        assert!(
            item["type"] != "assistant_message" || text.is_some_and(|t| !t.is_empty()),
            "no empty assistant message is left behind: {view}"
        );
        assert!(!item.to_string().contains("\"loading\""), "nothing is left loading: {view}");
    }

    // Retrying the message continues the thread.
    let retry =
        json!({"type": "threads.retry_after_item", "params": {"thread_id": thread, "item_id": message}});
    let again = stack::stream(&base, "kim", &retry).await;
    assert_eq!(reply(&again), "Here it is again.", "{again:?}");
    let (_, view) = stack::json_op(&base, "kim", &get).await;
    let kinds: Vec<&str> =
        view["items"]["data"].as_array().unwrap().iter().map(|i| i["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["user_message", "assistant_message"], "{view}");
    gateway.kill().unwrap();
    gateway.wait().unwrap();
    tasks.stop().await;
}
