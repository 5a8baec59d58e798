//! Benchmark of the agent's overhead per turn: the real gateway (`/chatkit`, SSE), the real
//! agent loop and the real mcp-tasks over HTTP, with a scripted OpenAI-compatible model that
//! answers at once (or after `--model-ms`), making one tool call per turn.
//!
//! ```text
//! cargo run --release -p bench --example agent_load
//! cargo run --release -p bench --example agent_load -- --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! A turn is: the user message; model call 1 streams one tool call (`add_task` on even turns,
//! `list_tasks` on odd ones); the agent runs it over MCP with the user's minted token and
//! stores it; model call 2 streams a short reply. Overhead = the turn's wall time (request
//! sent to the last SSE byte) minus the time the model server spent inside its two handlers
//! for that turn (each user's messages carry its name, so the server books time per user).
//! It includes everything else: auth, the thread store, history, the MCP round trip and the
//! task database, SSE framing — and, on 2 cores, queueing for the CPU.
//!
//! Everything runs in this one process (model server, mcp-tasks, gateway, load generator)
//! on one multi-threaded runtime, so on a 2-core machine they share both cores, as they
//! would on a 2-core host. Each phase has `--users` concurrent users (default 64), each its
//! own user, continuing a thread for 10 turns then starting another; closed loop with
//! `--think-ms` between a user's turns. Phases: think time 0 (saturation: latency includes
//! queueing) and `--paced-think-ms` (default 1,000 ms: 64 users each sending a turn a second).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::post;
use bench::latency::Latencies;
use chat_gateway::agent::llm::{LlmClient, LlmConfig};
use chat_gateway::agent::{Agent, Brain};
use chat_gateway::auth::Authenticator;
use chat_gateway::startup::{self, GatewayParts};
use chat_gateway::tasks_client::TasksClient;
use clap::Parser;
use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio_util::sync::CancellationToken;

const TASKS_SECRET: &str = "bench-tasks-secret-bench-tasks-secret-00";
const USER_SECRET: &str = "bench-user-secret-bench-user-secret-0000";
/// The target: overhead p50 under 10 ms at 64 users.
const TARGET_MS: f64 = 10.0;

/// Agent overhead benchmark (see the top of bench/examples/agent_load.rs).
#[derive(Parser, Debug)]
struct Args {
    /// Concurrent users per phase.
    #[arg(long, default_value_t = 64)]
    users: usize,
    /// Seconds measured per phase.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Seconds of warm-up per phase (not measured).
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Pause between one user's turns in the paced phase (ms).
    #[arg(long, default_value_t = 1000)]
    paced_think_ms: u64,
    /// The model's own time per call (ms); 0: instant.
    #[arg(long, default_value_t = 0)]
    model_ms: u64,
    /// Use PostgreSQL (admin URL): recreates the databases `agent_bench_chat` and `agent_bench_tasks`.
    #[arg(long)]
    postgres: Option<String>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> Result<()> {
    let dir = tempfile::tempdir()?;
    let (chat_url, tasks_url) = match &args.postgres {
        Some(admin) => (
            bench::db::recreate(admin, "agent_bench_chat").await?,
            bench::db::recreate(admin, "agent_bench_tasks").await?,
        ),
        None => (
            format!("sqlite://{}", dir.path().join("chat.db").display()),
            format!("sqlite://{}", dir.path().join("tasks.db").display()),
        ),
    };
    let model = ModelServer::start(Duration::from_millis(args.model_ms)).await?;
    let gateway = start_stack(&chat_url, &tasks_url, &model.base).await?;
    let backend = if args.postgres.is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "agent overhead: {} users, {} s per phase after {} s warm-up, {backend}, model {} ms per call, {} cores",
        args.users,
        args.seconds,
        args.warmup,
        args.model_ms,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "{:<34} {:>8} {:>10} {:>10} {:>10} {:>10} {:>7}",
        "phase", "turns/s", "wall p50", "ovh p50", "ovh p90", "ovh p99", "errors"
    );
    let mut at_64 = None;
    for (name, users, think) in [
        ("1 user, back to back", 1, 0),
        (&*format!("{} users, back to back", args.users), args.users, 0),
        (
            &*format!("{} users, {} ms think time", args.users, args.paced_think_ms),
            args.users,
            args.paced_think_ms,
        ),
    ] {
        let phase =
            Phase { users, think: Duration::from_millis(think), seconds: args.seconds, warmup: args.warmup };
        let result = phase.run(&gateway, &model, name).await?;
        println!(
            "{name:<34} {:>8.0} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>7}",
            result.turns_per_s,
            quantile(&result.wall, 0.5),
            quantile(&result.overhead, 0.5),
            quantile(&result.overhead, 0.9),
            quantile(&result.overhead, 0.99),
            result.errors
        );
        if users == args.users && think > 0 {
            at_64 = Some(quantile(&result.overhead, 0.5));
        }
    }
    if let Some(p50) = at_64 {
        let verdict = if p50 < TARGET_MS { "MET" } else { "NOT MET" };
        println!(
            "target: overhead p50 < {TARGET_MS} ms at {} paced users: {p50:.2} ms, {verdict}",
            args.users
        );
    }
    println!("(ms; overhead = wall time minus the model server's own time for the turn's two calls)");
    Ok(())
}

/// One load phase.
struct Phase {
    users: usize,
    think: Duration,
    seconds: u64,
    warmup: u64,
}

/// One phase's latencies.
struct PhaseResult {
    turns_per_s: f64,
    wall: Latencies,
    overhead: Latencies,
    errors: usize,
}

impl Phase {
    async fn run(&self, gateway: &str, model: &ModelServer, name: &str) -> Result<PhaseResult> {
        let started = Instant::now();
        let measure_from = started + Duration::from_secs(self.warmup);
        let end = measure_from + Duration::from_secs(self.seconds);
        let client = reqwest::Client::builder().pool_max_idle_per_host(self.users).build()?;
        let mut users = Vec::new();
        for n in 0..self.users {
            let user = format!("{}-u{n}", name.replace([' ', ','], ""));
            let (client, gateway, spent, think) =
                (client.clone(), gateway.to_owned(), model.spent.clone(), self.think);
            users.push(tokio::spawn(async move {
                let token =
                    key(USER_SECRET)?.mint(&user, "chat-gateway", "bench", None, Duration::from_secs(3600));
                let (mut wall, mut overhead, mut errors, mut thread, mut turn) =
                    (vec![], vec![], 0usize, None, 0u64);
                // Stagger the first turns over the think time so paced users don't arrive together.
                tokio::time::sleep(think.mul_f64(rand_fraction(&user))).await;
                while Instant::now() < end {
                    let text = if turn % 2 == 0 {
                        format!("add {user} errand {turn}")
                    } else {
                        format!("list {user}")
                    };
                    let before = model_time(&spent, &user);
                    let sent = Instant::now();
                    let outcome = send_turn(&client, &gateway, &token, thread.as_deref(), &text).await;
                    let took = sent.elapsed();
                    let model = Duration::from_nanos(model_time(&spent, &user) - before);
                    match outcome {
                        Ok(id) => {
                            thread = if turn % 10 == 9 { None } else { Some(id) };
                            if sent >= measure_from && Instant::now() <= end {
                                wall.push(bench::micros(took));
                                overhead.push(bench::micros(took.saturating_sub(model)));
                            }
                        }
                        Err(e) => {
                            errors += 1;
                            if errors < 3 {
                                eprintln!("turn failed: {e:#}");
                            }
                        }
                    }
                    turn += 1;
                    if !think.is_zero() {
                        tokio::time::sleep(think).await;
                    }
                }
                anyhow::Ok((wall, overhead, errors))
            }));
        }
        let mut result =
            PhaseResult { turns_per_s: 0.0, wall: Latencies::new(), overhead: Latencies::new(), errors: 0 };
        for user in users {
            let (wall, overhead, errors): (Vec<u32>, Vec<u32>, usize) = user.await??;
            wall.into_iter().for_each(|us| result.wall.record(us));
            overhead.into_iter().for_each(|us| result.overhead.record(us));
            result.errors += errors;
        }
        result.turns_per_s = result.wall.count() as f64 / self.seconds as f64;
        Ok(result)
    }
}

/// Sends one turn and reads its SSE stream to the end; the thread id, or why it failed.
async fn send_turn(
    client: &reqwest::Client,
    gateway: &str,
    token: &str,
    thread: Option<&str>,
    text: &str,
) -> Result<String> {
    let input = json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}});
    let body = match thread {
        None => json!({"type": "threads.create", "params": {"input": input}}),
        Some(id) => json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": input}}),
    };
    let response = client.post(format!("{gateway}/chatkit")).bearer_auth(token).json(&body).send().await?;
    if response.status() != 200 {
        bail!("HTTP {}", response.status());
    }
    let (mut thread_id, mut tool_done, mut last_done) = (thread.map(str::to_owned), false, String::new());
    let mut events = response.bytes_stream().eventsource();
    while let Some(event) = events.next().await {
        let event: Value = serde_json::from_str(&event?.data)?;
        match event["type"].as_str() {
            Some("thread.created") => thread_id = event["thread"]["id"].as_str().map(str::to_owned),
            Some("error") => bail!("error event: {}", event["message"]),
            Some("thread.item.done") => {
                let kind = event["item"]["type"].as_str().unwrap_or_default().to_owned();
                tool_done |= kind == "workflow";
                last_done = kind;
            }
            _ => {}
        }
    }
    if !tool_done || last_done != "assistant_message" {
        bail!("the turn did not end with a tool step and a reply (last item: {last_done})");
    }
    thread_id.context("no thread id")
}

fn model_time(spent: &Mutex<HashMap<String, u64>>, user: &str) -> u64 {
    spent.lock().map(|m| m.get(user).copied().unwrap_or(0)).unwrap_or(0)
}

/// A number in [0, 1) from a name, to spread users' start times.
fn rand_fraction(name: &str) -> f64 {
    let hash =
        name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    (hash % 1000) as f64 / 1000.0
}

/// The `q` quantile of `latencies` in ms (NaN when there are none).
fn quantile(latencies: &Latencies, q: f64) -> f64 {
    if latencies.count() == 0 { f64::NAN } else { latencies.p(q) }
}

/// The scripted model: a tool call for a user message, a short reply after a tool result.
struct ModelServer {
    base: String,
    /// Nanoseconds spent inside the handler, per user (the user's name is in its messages).
    spent: Arc<Mutex<HashMap<String, u64>>>,
}

impl ModelServer {
    async fn start(delay: Duration) -> Result<Self> {
        let spent = Arc::new(Mutex::new(HashMap::<String, u64>::new()));
        let calls = Arc::new(AtomicU64::new(0));
        let book = spent.clone();
        let app = Router::new().route(
            "/v1/chat/completions",
            post(move |body: axum::body::Bytes| {
                let (book, calls) = (book.clone(), calls.clone());
                async move {
                    // The model's own time starts with reading the request (11 tool schemas and
                    // the history), which a real provider does too.
                    let started = Instant::now();
                    calls.fetch_add(1, Ordering::Relaxed);
                    if !delay.is_zero() {
                        // (A zero sleep still waits for the next 1 ms timer tick.)
                        tokio::time::sleep(delay).await;
                    }
                    let request: ModelRequest = serde_json::from_slice(&body).unwrap_or_default();
                    let messages = request.messages;
                    let said = messages
                        .iter()
                        .rev()
                        .find(|m| m.role == "user")
                        .and_then(|m| m.content.as_deref())
                        .unwrap_or("");
                    let user = said.split_whitespace().nth(1).unwrap_or("?").to_owned();
                    let last_is_tool = messages.last().is_some_and(|m| m.role == "tool");
                    let chunks = if last_is_tool {
                        vec![
                            chunk(&json!({"role": "assistant", "content": "Done"}), None),
                            chunk(&json!({"content": "."}), Some("stop")),
                        ]
                    } else if said.starts_with("add ") {
                        tool_call(
                            "add_task",
                            &json!({"title": said.strip_prefix("add ").unwrap_or(said), "priority": "high"}),
                        )
                    } else {
                        tool_call("list_tasks", &json!({"limit": 10}))
                    };
                    let mut sse: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
                    sse.push_str("data: [DONE]\n\n");
                    let took = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                    if let Ok(mut book) = book.lock() {
                        *book.entry(user).or_default() += took;
                    }
                    ([("content-type", "text/event-stream")], sse).into_response()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}/v1", listener.local_addr()?);
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Self { base, spent })
    }
}

/// What the scripted model reads of a request (the rest, tools included, is skipped unparsed).
#[derive(serde::Deserialize, Default)]
struct ModelRequest {
    messages: Vec<ModelMessage>,
}

#[derive(serde::Deserialize)]
struct ModelMessage {
    role: String,
    #[serde(default)]
    content: Option<String>,
}

fn chunk(delta: &Value, finish: Option<&str>) -> Value {
    json!({"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "scripted",
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

fn tool_call(name: &str, args: &Value) -> Vec<Value> {
    let call = json!({"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": args.to_string()}});
    vec![
        chunk(&json!({"role": "assistant", "tool_calls": [call]}), None),
        chunk(&json!({}), Some("tool_calls")),
    ]
}

/// Starts mcp-tasks and the gateway (agent with the scripted model) on port 0; the gateway URL.
async fn start_stack(chat_url: &str, tasks_url: &str, model_base: &str) -> Result<String> {
    let tasks = mcp_tasks::store::connect(tasks_url).await?;
    tasks.migrate().await?;
    let parts = mcp_tasks::startup::Parts::new(tasks, key(TASKS_SECRET)?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let mcp_url = format!("http://{}/mcp", listener.local_addr()?).parse()?;
    let app = mcp_tasks::startup::Application::from_parts(parts, listener);
    tokio::spawn(app.run_until_stopped(CancellationToken::new()));

    let chat = chat_gateway::store::connect(chat_url).await?;
    chat.migrate().await?;
    let client = Arc::new(TasksClient::new(mcp_url, key(TASKS_SECRET)?, Duration::from_secs(15)));
    let llm = LlmClient::new(LlmConfig {
        base_url: model_base.to_owned(),
        api_key: "bench".into(),
        model: "scripted".into(),
        timeout: Duration::from_secs(30),
    });
    let agent = Arc::new(Agent::new(client, Brain::Llm(llm), 8));
    let parts = GatewayParts::new(chat, agent, Authenticator::new(Some(key(USER_SECRET)?), None));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let gateway = format!("http://{}", listener.local_addr()?);
    tokio::spawn(startup::run(listener, startup::app(parts), CancellationToken::new()));
    Ok(gateway)
}

fn key(secret: &str) -> Result<TokenKey> {
    TokenKey::new(secret).map_err(anyhow::Error::msg)
}
