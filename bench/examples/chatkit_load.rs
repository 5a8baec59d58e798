//! Load benchmark for the chat gateway's ChatKit endpoint (`POST /chatkit`, JSON in, SSE
//! out) with a responder that streams 50 short deltas and calls no tools, so what is
//! measured is the gateway itself: auth, the dispatcher, the thread store and SSE framing.
//!
//! ```text
//! cargo run --release -p bench --example chatkit_load
//! cargo run --release -p bench --example chatkit_load -- --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! The driver (the default mode) re-executes this binary with `--serve` as a child process,
//! so the server's CPU time and peak RSS (`/proc/<pid>/status`) are measured apart from the
//! load generator. The child runs the gateway exactly as the HTTP tests build it
//! (`startup::app` from `GatewayParts`, HS256 `Authenticator`, `startup::run`, rate limit off) on a
//! fresh SQLite file in a temp dir, or on `--database-url`; `--postgres ADMIN_URL` drops and
//! recreates the database `chat_gateway_bench` there first and uses it.
//!
//! Phases: closed-loop load with `--users` concurrent users (default 1, 64 and 1,000), each
//! its own user, for `--seconds` after `--warmup` (`--think-ms` adds a pause between a user's
//! turns; 0, the default, means every user sends its next turn as soon as the last ended, so
//! at 64 and 1,000 users the latencies include queueing). Every user starts a thread with
//! `threads.create` and then sends `threads.add_user_message` to it, starting a new thread
//! every `--turns-per-thread` turns (default 10: 10% creates, 90% follow-ups). Every SSE
//! response is read to the end; a turn counts as an error unless it is HTTP 200, has the
//! expected number of `data:` frames and its last `thread.item.done` is the assistant message.
//! Then `--streams` concurrent streams whose message is `hold` (the responder then sends its
//! 50 deltas over `--hold-seconds`) are opened; once every one has had its first event, the
//! server's VmRSS and VmHWM (reset just before the phase through `/proc/<pid>/clear_refs`)
//! are read, and the streams are closed.
//!
//! Instructions per turn (machine-independent, unlike turns/s): start the server under
//! callgrind with `BENCH_SERVER_WRAPPER` (see `bench/src/cost.rs`), e.g.
//! `BENCH_SERVER_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/ck-cg.%p"
//! chatkit_load --users 1,16 --streams 0 --seconds 20`; each phase then prints the server's
//! instructions in its measured window divided by the turns counted in it.
//!
//! Both processes raise `RLIMIT_NOFILE` to the hard limit. Linux only (`/proc`).

use std::collections::HashMap;
use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use bench::child::ChildServer;
use bench::cost;
use bench::latency::Latencies;
use bench::load::{self, Report, Window};
use bench::proc::{CLOCK_TICKS, CpuSnapshot, status_kb};
use bench::report::{clip, mib, print_errors, verdict};
use bench::{micros, random_secret};
use chat_gateway::auth::Authenticator;
use chat_gateway::chatkit::types::{ItemBody, user_text};
use chat_gateway::conversation::{AssistantMessageWriter, Responder, Turn, TurnError, TurnSink};
use chat_gateway::echo::EchoResponder;
use chat_gateway::startup::{self, GatewayParts};
use chat_gateway::store;
use clap::Parser;
use serde_json::{Value, json};
use shared::identity::TokenKey;
use tokio::io::AsyncBufReadExt;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// The token audience the gateway's tokens carry.
const AUDIENCE: &str = "chat-gateway";
/// The environment variable the driver hands the token secret to the server in.
const SECRET_ENV: &str = "CHAT_BENCH_SECRET";
/// The database `--postgres` recreates.
const BENCH_DB: &str = "chat_gateway_bench";
/// The message of a stream that the responder holds open.
const HOLD: &str = "hold";
/// What every load-phase user says: ~200 characters, so 50 deltas of about 4 characters.
const MESSAGE: &str = "Please add a task to call the plumber about the leaking kitchen sink on Friday \
     morning, remind me the day before, tag it home and repairs, and move the dentist \
     appointment to next Tuesday afternoon.";

/// Load benchmark for chat-gateway's ChatKit endpoint: turns/s, time to first event and
/// peak RSS (see the docs at the top of bench/examples/chatkit_load.rs).
#[derive(Parser, Debug, Clone)]
#[command(name = "load")]
struct Args {
    /// Run the gateway in this process (the driver starts itself with this flag).
    #[arg(long)]
    serve: bool,
    /// Server: port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Database URL used as is (default: a fresh SQLite file in a temp dir).
    #[arg(long)]
    database_url: Option<String>,
    /// Driver: PostgreSQL admin URL; drops and recreates `chat_gateway_bench` and uses it.
    #[arg(long, conflicts_with = "database_url")]
    postgres: Option<String>,
    /// Concurrent users of each load phase, comma-separated (0: no load phases).
    #[arg(long, value_delimiter = ',', default_value = "1,64,1000")]
    users: Vec<usize>,
    /// Measured seconds of each load phase.
    #[arg(long, default_value_t = 5)]
    seconds: u64,
    /// Uncounted warm-up seconds before each load phase.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Deltas per assistant message.
    #[arg(long, default_value_t = 50)]
    deltas: usize,
    /// Pause of each user between turns, in ms (0: closed loop, each user at full speed).
    #[arg(long, default_value_t = 0)]
    think_ms: u64,
    /// Turns before a user starts a new thread (1: every turn is a threads.create).
    #[arg(long, default_value_t = 10)]
    turns_per_thread: usize,
    /// Concurrent held-open streams of the last phase (0: skip it).
    #[arg(long, default_value_t = 10_000)]
    streams: usize,
    /// How long the responder takes over a held stream's deltas.
    #[arg(long, default_value_t = 60)]
    hold_seconds: u64,
    /// Held streams being opened at once (the rest wait for a first event).
    #[arg(long, default_value_t = 256)]
    connect_concurrency: usize,
    /// Server: set TCP_NODELAY on the listening socket (accepted sockets inherit it on
    /// Linux). Off by default, as `startup::run` leaves it; on shows the effect of the fix.
    #[arg(long)]
    nodelay: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.turns_per_thread == 0 || args.deltas == 0 || args.seconds == 0 {
        bail!("--turns-per-thread, --deltas and --seconds must be at least 1");
    }
    let nofile = rlimit::increase_nofile_limit(u64::MAX).context("raising RLIMIT_NOFILE")?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    if args.serve { runtime.block_on(serve(args)) } else { runtime.block_on(drive(args, nofile)) }
}

// ---------------------------------------------------------------------------------------
// The server (`--serve`)

/// [`EchoResponder`] for ordinary messages; for `hold`, the same 50-delta message spread
/// over `hold` so the stream stays open.
struct BenchResponder {
    echo: EchoResponder,
    hold: Duration,
}

#[async_trait::async_trait]
impl Responder for BenchResponder {
    async fn respond(&self, turn: &Turn, out: &mut TurnSink) -> Result<(), TurnError> {
        let held = matches!(turn.input.as_ref().map(|i| &i.body),
            Some(ItemBody::UserMessage { content, .. }) if user_text(content).trim() == HOLD);
        if !held {
            return self.echo.respond(turn, out).await;
        }
        let deltas = self.echo.deltas.max(1);
        let pause = self.hold / u32::try_from(deltas).unwrap_or(u32::MAX);
        let mut message = AssistantMessageWriter::start(out).await?;
        for i in 0..deltas {
            tokio::time::sleep(pause).await;
            message.push(out, format!("h{i} ")).await?;
        }
        message.finish(out).await
    }
}

/// Runs the gateway until stdin closes (or Ctrl-C), then shuts down within 5 s.
async fn serve(args: Args) -> Result<()> {
    let (secret, generated) = match std::env::var(SECRET_ENV) {
        Ok(secret) => (secret, false),
        Err(_) => (random_secret(), true),
    };
    let key = TokenKey::new(&secret).map_err(|e| anyhow!("token secret: {e}"))?;
    let temp = match &args.database_url {
        Some(_) => None,
        None => Some(tempfile::tempdir().context("creating a temp dir for SQLite")?),
    };
    let url = match (&args.database_url, &temp) {
        (Some(url), _) => url.clone(),
        (None, Some(dir)) => format!("sqlite://{}", dir.path().join("chat.db").display()),
        (None, None) => bail!("no database"),
    };
    let store = store::connect(&url).await.with_context(|| format!("opening {url}"))?;
    store.migrate().await.context("migrating")?;
    let responder = Arc::new(BenchResponder {
        echo: EchoResponder { deltas: args.deltas },
        hold: Duration::from_secs(args.hold_seconds),
    });
    let mut parts = GatewayParts::new(store, responder, Authenticator::new(Some(key.clone()), None));
    // The 1,000-user phase and the held streams run more turns at once than the product's
    // default CHAT_MAX_TURNS (512) admits; the benchmark measures the server, not that bound.
    parts.request_limits.max_turns = 100_000;
    // A listen backlog of 4096 (tokio's `bind` uses 1024) so thousands of clients can connect at once.
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    if args.nodelay {
        socket.set_nodelay(true)?;
    }
    socket.bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port)))?;
    let listener = socket.listen(4096)?;
    let addr = listener.local_addr()?;
    println!("listening {addr}");
    if generated {
        eprintln!("database: {url}");
        eprintln!(
            "token for user `bench`: {}",
            key.mint("bench", AUDIENCE, "bench", None, Duration::from_secs(86_400))
        );
    }
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(startup::run(listener, startup::app(parts), shutdown.clone()));
    let stdin_closed = tokio::task::spawn_blocking(|| {
        let mut sink = Vec::new();
        let _ = std::io::stdin().read_to_end(&mut sink);
    });
    tokio::select! {
        _ = stdin_closed => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    shutdown.cancel();
    let _ = tokio::time::timeout(Duration::from_secs(5), server).await;
    drop(temp);
    // Turns still running (held streams) would keep the runtime's shutdown waiting.
    std::process::exit(0)
}

// ---------------------------------------------------------------------------------------
// The driver

async fn drive(args: Args, nofile: u64) -> Result<()> {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let secret = random_secret();
    let key = TokenKey::new(&secret).map_err(|e| anyhow!("token secret: {e}"))?;
    let database_url = match (&args.postgres, &args.database_url) {
        (Some(admin), _) => Some(bench::db::recreate(admin, BENCH_DB).await?),
        (None, url) => url.clone(),
    };
    let store_name = match &database_url {
        Some(url) if url.starts_with("postgres") => {
            let version = bench::db::server_version(url).await?;
            format!("PostgreSQL {version} ({})", bench::db::redact(url))
        }
        Some(url) => url.clone(),
        None => "SQLite (fresh file in a temp dir, WAL)".to_owned(),
    };
    let server = Server::start(&args, database_url.as_deref(), &secret).await?;
    let url = format!("http://{}/chatkit", server.addr);
    let needed = args.streams + args.users.iter().copied().max().unwrap_or(0) + 64;
    println!("chat-gateway load benchmark");
    println!(
        "  machine: {cores} cores; store: {store_name}; responder: echo, {} deltas, no tools",
        args.deltas
    );
    println!(
        "  server: this binary --serve (pid {}) at {url}; TCP_NODELAY {}",
        server.process.pid,
        if args.nodelay { "on (--nodelay)" } else { "off (as startup::run serves)" }
    );
    println!(
        "  open-file limit: {nofile}{}",
        if (nofile as usize) < needed { " (too low for the streams phase: expect errors)" } else { "" }
    );
    println!(
        "  mix: threads.create, then threads.add_user_message on it; a new thread every {} turns",
        args.turns_per_thread
    );

    let mut results = Vec::new();
    let mut failure = None;
    for &users in args.users.iter().filter(|&&u| u > 0) {
        match load_phase(&args, &key, &url, &server, users, results.len() + 1).await {
            Ok(result) => results.push(result),
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let run_peak = server.process.status_kb("VmHWM");
    let mut streams = None;
    if failure.is_none() && args.streams > 0 {
        match streams_phase(&args, &key, &url, &server, results.len() + 1).await {
            Ok(result) => streams = Some(result),
            Err(e) => failure = Some(e),
        }
    }
    server.stop().await;
    if let Some(e) = failure {
        return Err(e);
    }

    println!();
    println!("== Summary ==");
    println!(
        "  {:>6}  {:>9}  {:>18}  {:>18}  {:>18}  {:>7}  {:>14}",
        "users",
        "turns/s",
        "TTFB p50/p99 ms",
        "1st event p50/p99",
        "turn p50/p99 ms",
        "errors",
        "server ms CPU/turn"
    );
    for r in &results {
        println!(
            "  {:>6}  {:>9.0}  {:>18}  {:>18}  {:>18}  {:>7}  {:>14}",
            r.users,
            r.turns_per_s,
            format!("{:.2} / {:.2}", r.ttfb.p(0.5), r.ttfb.p(0.99)),
            format!("{:.2} / {:.2}", r.first_event.p(0.5), r.first_event.p(0.99)),
            format!("{:.2} / {:.2}", r.turn.p(0.5), r.turn.p(0.99)),
            r.errors,
            r.server_cpu_ms_per_turn.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.3}")),
        );
    }
    if let Some(kb) = run_peak {
        println!("  server peak RSS over the load phases (VmHWM): {}", mib(kb));
    }
    if let Some(s) = &streams {
        println!(
            "  {} held streams open: server VmRSS {}, VmHWM {} ({} before the phase; {:.1} KiB per stream)",
            s.open,
            s.rss_kb.map_or("-".into(), mib),
            s.hwm_kb.map_or("-".into(), mib),
            s.rss_before_kb.map_or("-".into(), mib),
            s.per_stream_kb().unwrap_or(0.0),
        );
    }

    println!();
    println!("== Targets ({cores} cores; the load generator shares them) ==");
    let best = results.iter().max_by(|a, b| a.turns_per_s.total_cmp(&b.turns_per_s));
    match best {
        Some(b) => println!(
            "  >= 1,000 turns/s: {} (best {:.0} turns/s at {} users)",
            verdict(b.turns_per_s >= 1000.0 && b.errors == 0),
            b.turns_per_s,
            b.users
        ),
        None => println!("  >= 1,000 turns/s: not run"),
    }
    match results.iter().find(|r| r.users == 64) {
        Some(r) => println!(
            "  p50 time to first event < 5 ms at 64 users: {} ({:.2} ms; p50 TTFB {:.2} ms)",
            verdict(r.first_event.p(0.5) < 5.0),
            r.first_event.p(0.5),
            r.ttfb.p(0.5)
        ),
        None => println!("  p50 time to first event < 5 ms at 64 users: not run at 64 users"),
    }
    match &streams {
        Some(s) if s.open > 0 => {
            let peak = s.hwm_kb.or(s.rss_kb).unwrap_or(u64::MAX);
            println!(
                "  10,000 open streams < 300 MB: {} ({} streams, peak {} = {:.0} MB){}",
                verdict(peak as f64 * 1024.0 < 300e6 && s.open >= 10_000),
                s.open,
                mib(peak),
                peak as f64 * 1024.0 / 1e6,
                if s.open < 10_000 { "; note: fewer than 10,000 streams" } else { "" }
            );
        }
        _ => println!("  10,000 open streams < 300 MB: not run"),
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Load phases

/// One load phase's numbers.
struct PhaseResult {
    users: usize,
    turns_per_s: f64,
    ttfb: Latencies,
    first_event: Latencies,
    turn: Latencies,
    errors: usize,
    server_cpu_ms_per_turn: Option<f64>,
}

/// One measured turn, in microseconds from sending the request.
struct Sample {
    create: bool,
    ttfb: u32,
    first_event: u32,
    total: u32,
}

/// What one virtual user brings back.
type UserReport = Report<Sample>;

async fn load_phase(
    args: &Args,
    key: &TokenKey,
    url: &str,
    server: &Server,
    users: usize,
    number: usize,
) -> Result<PhaseResult> {
    println!();
    println!(
        "== Phase {number}: {users} concurrent user{} x {} s (+{} s warm-up), {} ==",
        if users == 1 { "" } else { "s" },
        args.seconds,
        args.warmup,
        if args.think_ms == 0 {
            "closed loop".to_owned()
        } else {
            format!("{} ms pause between turns", args.think_ms)
        }
    );
    let client = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(users)
        .tcp_nodelay(true)
        .timeout(Duration::from_secs(120))
        .build()
        .context("building the HTTP client")?;
    let start = Instant::now();
    let warm_end = start + Duration::from_secs(args.warmup);
    let end = warm_end + Duration::from_secs(args.seconds);
    let handles: Vec<_> = (0..users)
        .map(|i| {
            let token = key.mint(
                &format!("bench-p{number}-u{i:04}"),
                AUDIENCE,
                "bench",
                None,
                Duration::from_secs(3600),
            );
            let user = VirtualUser {
                client: client.clone(),
                url: url.to_owned(),
                token: format!("Bearer {token}"),
                deltas: args.deltas,
                turns_per_thread: args.turns_per_thread,
                think: Duration::from_millis(args.think_ms),
            };
            tokio::spawn(user.run(warm_end, end))
        })
        .collect();

    // Under callgrind (BENCH_SERVER_WRAPPER), the server's instructions in the same window.
    let pid = server.process.pid;
    let instructions = tokio::spawn(async move {
        tokio::time::sleep_until(warm_end.into()).await;
        tokio::task::spawn_blocking(move || cost::zero_instructions(pid)).await.ok()?;
        tokio::time::sleep_until(end.into()).await;
        tokio::task::spawn_blocking(move || cost::window_instructions(pid)).await.ok()?
    });
    let Window { cpu, samples, errors } = load::measure(pid, warm_end, end, handles).await?;
    let instructions = instructions.await.ok().flatten();
    let measured = args.seconds as f64;
    let total = samples.len();
    let failed: usize = errors.values().sum();
    let turns_per_s = total as f64 / measured;
    let ttfb = Latencies::of(samples.iter().map(|s| s.ttfb));
    let first_event = Latencies::of(samples.iter().map(|s| s.first_event));
    let turn = Latencies::of(samples.iter().map(|s| s.total));
    let creates = samples.iter().filter(|s| s.create).count();
    println!(
        "  {total} turns in {measured:.1} s = {turns_per_s:.0} turns/s ({creates} threads.create, {} add_user_message); {} SSE events/s",
        total - creates,
        (turns_per_s * (args.deltas + 6) as f64 + creates as f64 * 2.0 / measured) as u64
    );
    println!("    {:<22} {}", "ms", header());
    println!("    {:<22} {}", "time to first byte", columns(&ttfb));
    println!("    {:<22} {}", "time to first event", columns(&first_event));
    println!("    {:<22} {}", "whole turn", columns(&turn));
    for (label, create) in [("  create: first event", true), ("  add: first event", false)] {
        let lat = Latencies::of(samples.iter().filter(|s| s.create == create).map(|s| s.first_event));
        if lat.count() > 0 {
            println!("    {label:<22} {}", columns(&lat));
        }
    }
    println!("  errors: {failed} ({:.2}%)", 100.0 * failed as f64 / (total + failed).max(1) as f64);
    print_errors(&errors);
    let mut server_cpu_ms_per_turn = None;
    if let Some((before, after)) = cpu {
        println!("  CPU in the measured window, in cores busy:");
        println!("{}", CpuSnapshot::describe(&before, &after));
        let server_s = after.server.saturating_sub(before.server) as f64 / CLOCK_TICKS;
        if total > 0 {
            let per_turn = 1000.0 * server_s / total as f64;
            server_cpu_ms_per_turn = Some(per_turn);
            println!(
                "  server CPU per turn: {per_turn:.3} ms (so ~{:.0} turns/s per core the server has to itself)",
                1000.0 / per_turn
            );
        }
    }
    match instructions {
        Some(ir) => println!(
            "  server instructions (callgrind Ir) in the window: {ir}, {:.0} per turn",
            ir as f64 / total.max(1) as f64
        ),
        None if cost::server_under_callgrind() => println!("  server instructions: callgrind dump not found"),
        None => {}
    }
    if let Some(kb) = server.process.status_kb("VmRSS") {
        println!("  server VmRSS after the phase: {}", mib(kb));
    }
    Ok(PhaseResult { users, turns_per_s, ttfb, first_event, turn, errors: failed, server_cpu_ms_per_turn })
}

/// One closed-loop user: a turn, read to the end, then the next, until `end`.
struct VirtualUser {
    client: reqwest::Client,
    url: String,
    token: String,
    deltas: usize,
    turns_per_thread: usize,
    think: Duration,
}

impl VirtualUser {
    async fn run(self, warm_end: Instant, end: Instant) -> UserReport {
        let mut report = UserReport::with_capacity(1024);
        let mut thread: Option<String> = None;
        let mut turns_on_thread = 0;
        while Instant::now() < end {
            let create = thread.is_none() || turns_on_thread >= self.turns_per_thread;
            let body = match (&thread, create) {
                (Some(id), false) => {
                    json!({"type": "threads.add_user_message", "params": {"thread_id": id, "input": input(MESSAGE)}})
                }
                _ => json!({"type": "threads.create", "params": {"input": input(MESSAGE)}}),
            };
            let started = Instant::now();
            let outcome = self.turn(body.to_string(), create, started).await;
            let finished = Instant::now();
            let counted = finished >= warm_end && finished <= end;
            match outcome {
                Ok(t) => {
                    if create {
                        thread = t.thread_id;
                        turns_on_thread = 0;
                    }
                    turns_on_thread += 1;
                    if counted {
                        report.samples.push(Sample {
                            create,
                            ttfb: t.ttfb,
                            first_event: t.first_event,
                            total: micros(finished - started),
                        });
                    }
                }
                Err(e) => {
                    let op = if create { "threads.create" } else { "add_user_message" };
                    if counted {
                        *report
                            .errors
                            .entry(format!("{op}: {}", clip(&format!("{e:#}"), 160)))
                            .or_default() += 1;
                    }
                    // Start over on a fresh thread, and don't spin on a dead server.
                    thread = None;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            if !self.think.is_zero() {
                tokio::time::sleep(self.think).await;
            }
        }
        report
    }

    /// Sends one streaming request and reads its SSE response to the end, checking it.
    async fn turn(&self, body: String, create: bool, started: Instant) -> Result<TurnResult> {
        let mut response = self
            .client
            .post(&self.url)
            .header(reqwest::header::AUTHORIZATION, &self.token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .context("sending")?;
        let ttfb = micros(started.elapsed());
        let status = response.status();
        if status != reqwest::StatusCode::OK {
            let text = response.text().await.unwrap_or_default();
            bail!("HTTP {status}: {}", clip(&text, 160));
        }
        let mut sse = SseReader::default();
        let mut first_event = None;
        while let Some(chunk) = response.chunk().await.context("reading the stream")? {
            sse.push(&chunk)?;
            if first_event.is_none() && sse.frames > 0 {
                first_event = Some(micros(started.elapsed()));
            }
        }
        let expected = self.deltas + if create { 8 } else { 6 };
        if let Some(error) = sse.error {
            bail!("error event: {}", clip(&error, 160));
        }
        if sse.frames != expected {
            bail!("{} events, expected {expected}", sse.frames);
        }
        if sse.last_done.as_deref() != Some("assistant_message") {
            bail!("the last thread.item.done was {:?}, not the assistant message", sse.last_done);
        }
        if create && sse.thread_id.is_none() {
            bail!("no thread.created event");
        }
        Ok(TurnResult { ttfb, first_event: first_event.unwrap_or(u32::MAX), thread_id: sse.thread_id })
    }
}

struct TurnResult {
    ttfb: u32,
    first_event: u32,
    thread_id: Option<String>,
}

fn input(text: &str) -> Value {
    json!({"content": [{"type": "input_text", "text": text}], "attachments": [], "inference_options": {}})
}

/// Splits an SSE body into `data:` frames as it arrives; parses only the frames it checks.
#[derive(Default)]
struct SseReader {
    buffer: Vec<u8>,
    frames: usize,
    thread_id: Option<String>,
    last_done: Option<String>,
    error: Option<String>,
}

impl SseReader {
    fn push(&mut self, chunk: &[u8]) -> Result<()> {
        self.buffer.extend_from_slice(chunk);
        let mut start = 0;
        while let Some(at) = self.buffer[start..].windows(2).position(|w| w == b"\n\n") {
            let frame = &self.buffer[start..start + at];
            start += at + 2;
            let Some(data) = frame.strip_prefix(b"data: ") else {
                bail!("not a data frame: {}", clip(&String::from_utf8_lossy(frame), 80));
            };
            self.frames += 1;
            if data.starts_with(br#"{"type":"thread.item.updated""#) {
                continue;
            }
            if data.starts_with(br#"{"type":"thread.created""#) {
                let event: Value = serde_json::from_slice(data)?;
                self.thread_id = event["thread"]["id"].as_str().map(str::to_owned);
            } else if data.starts_with(br#"{"type":"thread.item.done""#) {
                let event: Value = serde_json::from_slice(data)?;
                self.last_done = event["item"]["type"].as_str().map(str::to_owned);
            } else if data.starts_with(br#"{"type":"error""#) {
                self.error = Some(String::from_utf8_lossy(data).into_owned());
            }
        }
        self.buffer.drain(..start);
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// Held-open streams

struct StreamsResult {
    open: usize,
    rss_before_kb: Option<u64>,
    rss_kb: Option<u64>,
    hwm_kb: Option<u64>,
}

impl StreamsResult {
    fn per_stream_kb(&self) -> Option<f64> {
        let (before, at) = (self.rss_before_kb?, self.rss_kb?);
        Some(at.saturating_sub(before) as f64 / self.open.max(1) as f64)
    }
}

async fn streams_phase(
    args: &Args,
    key: &TokenKey,
    url: &str,
    server: &Server,
    number: usize,
) -> Result<StreamsResult> {
    let n = args.streams;
    println!();
    println!(
        "== Phase {number}: {n} concurrent held streams (threads.create \"hold\"; {} deltas over {} s) ==",
        args.deltas, args.hold_seconds
    );
    // Give glibc a moment to trim, then start the peak over from the current RSS.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let reset = server.process.reset_peak();
    let rss_before_kb = server.process.status_kb("VmRSS");
    let fds_before = server.process.open_fds();
    println!(
        "  server before: VmRSS {}, {} open fds{}",
        rss_before_kb.map_or("-".into(), mib),
        fds_before.map_or("-".into(), |n| n.to_string()),
        if reset { "; VmHWM reset" } else { "; could not reset VmHWM, it includes earlier phases" }
    );
    let client = reqwest::Client::builder()
        .http1_only()
        .pool_max_idle_per_host(0)
        .tcp_nodelay(true)
        .build()
        .context("building the HTTP client")?;
    let ready = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let ended_early = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(std::sync::Mutex::new(HashMap::<String, usize>::new()));
    let gate = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let close = CancellationToken::new();
    let body = json!({"type": "threads.create", "params": {"input": input(HOLD)}}).to_string();
    let start = Instant::now();
    let mut handles = Vec::with_capacity(n);
    for i in 0..n {
        let token =
            key.mint(&format!("bench-hold-{i:05}"), AUDIENCE, "bench", None, Duration::from_secs(3600));
        let held = HeldStream {
            client: client.clone(),
            url: url.to_owned(),
            token: format!("Bearer {token}"),
            body: body.clone(),
            ready: ready.clone(),
            failed: failed.clone(),
            ended_early: ended_early.clone(),
            errors: errors.clone(),
            gate: gate.clone(),
            close: close.clone(),
        };
        handles.push(tokio::spawn(held.run()));
    }
    let deadline = start + Duration::from_secs(args.hold_seconds.max(10));
    let mut last_report = start;
    loop {
        let (r, f) = (ready.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
        if r + f >= n || Instant::now() >= deadline {
            break;
        }
        if last_report.elapsed() >= Duration::from_secs(5) {
            println!("  ... {r} open, {f} failed after {:.1} s", start.elapsed().as_secs_f64());
            last_report = Instant::now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let open_time = start.elapsed();
    let rss_kb = server.process.status_kb("VmRSS");
    let hwm_kb = server.process.status_kb("VmHWM");
    let fds = server.process.open_fds();
    let own_rss = status_kb("self", "VmRSS");
    let (open, fail, early) =
        (ready.load(Ordering::Relaxed), failed.load(Ordering::Relaxed), ended_early.load(Ordering::Relaxed));
    let still_open = open.saturating_sub(early);
    println!(
        "  {open} streams had their first event within {:.1} s ({:.0} streams/s opened); {fail} failed; \
         {early} ended before the measurement (raise --hold-seconds if not 0)",
        open_time.as_secs_f64(),
        open as f64 / open_time.as_secs_f64().max(1e-9)
    );
    print_errors(&errors.lock().map_or_else(|_| HashMap::new(), |e| e.clone()));
    println!(
        "  server with {still_open} streams open: VmRSS {}, VmHWM {}, {} open fds; load generator VmRSS {}",
        rss_kb.map_or("-".into(), mib),
        hwm_kb.map_or("-".into(), mib),
        fds.map_or("-".into(), |n| n.to_string()),
        own_rss.map_or("-".into(), mib),
    );
    if let (Some(before), Some(at)) = (rss_before_kb, rss_kb) {
        println!(
            "  RSS added by the streams: {} = {:.1} KiB per stream",
            mib(at.saturating_sub(before)),
            at.saturating_sub(before) as f64 / still_open.max(1) as f64
        );
    }

    // Close them all and see the server let go.
    let closing = Instant::now();
    close.cancel();
    let mut first_event_micros = Vec::with_capacity(n);
    for handle in handles {
        if let Ok(Some(us)) = handle.await {
            first_event_micros.push(us);
        }
    }
    let lat = Latencies::of(first_event_micros);
    println!("  time to first event while opening (ms): {}", lat.line());
    drop(client);
    let target = fds_before.unwrap_or(0) + 16;
    let settle = Instant::now() + Duration::from_secs(15);
    while server.process.open_fds().is_some_and(|f| f > target) && Instant::now() < settle {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!(
        "  closed in {:.1} s; server after closing: VmRSS {}, {} open fds",
        closing.elapsed().as_secs_f64(),
        server.process.status_kb("VmRSS").map_or("-".into(), mib),
        server.process.open_fds().map_or("-".into(), |n| n.to_string()),
    );
    Ok(StreamsResult { open: still_open, rss_before_kb, rss_kb, hwm_kb })
}

/// One held-open stream: opened under `gate`, read until `close`.
struct HeldStream {
    client: reqwest::Client,
    url: String,
    token: String,
    body: String,
    ready: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    ended_early: Arc<AtomicUsize>,
    errors: Arc<std::sync::Mutex<HashMap<String, usize>>>,
    gate: Arc<Semaphore>,
    close: CancellationToken,
}

impl HeldStream {
    /// Returns the time to the first event in microseconds, if there was one.
    async fn run(self) -> Option<u32> {
        let opened = async {
            let _permit = self.gate.acquire().await.context("gate closed")?;
            let started = Instant::now();
            let mut response = self
                .client
                .post(&self.url)
                .header(reqwest::header::AUTHORIZATION, &self.token)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(self.body.clone())
                .send()
                .await
                .context("sending")?;
            if response.status() != reqwest::StatusCode::OK {
                bail!("HTTP {}", response.status());
            }
            let mut sse = SseReader::default();
            while sse.frames == 0 {
                match response.chunk().await.context("reading the stream")? {
                    Some(chunk) => sse.push(&chunk)?,
                    None => bail!("the stream ended before its first event"),
                }
            }
            Ok((response, micros(started.elapsed())))
        };
        let (mut response, first) = match tokio::select! {
            r = opened => r,
            () = self.close.cancelled() => Err(anyhow!("not open when the phase ended")),
        } {
            Ok(opened) => opened,
            Err(e) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let Ok(mut errors) = self.errors.lock() {
                    *errors.entry(clip(&format!("{e:#}"), 160)).or_default() += 1;
                }
                return None;
            }
        };
        self.ready.fetch_add(1, Ordering::Relaxed);
        loop {
            tokio::select! {
                () = self.close.cancelled() => break,
                chunk = response.chunk() => match chunk {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => {
                        self.ended_early.fetch_add(1, Ordering::Relaxed);
                        self.close.cancelled().await;
                        break;
                    }
                }
            }
        }
        Some(first)
    }
}

// ---------------------------------------------------------------------------------------
// The server process and the database

/// The `--serve` child; killed on drop if [`Server::stop`] was not reached.
struct Server {
    process: ChildServer,
    addr: SocketAddr,
}

impl Server {
    async fn start(args: &Args, database_url: Option<&str>, secret: &str) -> Result<Self> {
        // `/proc/self/exe` is this very binary even if the file at its path has been replaced
        // since it started (a rebuild while it runs).
        let exe = match Path::new("/proc/self/exe") {
            proc if proc.exists() => proc.to_path_buf(),
            _ => std::env::current_exe().context("locating this executable")?,
        };
        let mut command = cost::server_command(&exe);
        command
            .arg("--serve")
            .args(["--deltas", &args.deltas.to_string()])
            .args(["--hold-seconds", &args.hold_seconds.to_string()])
            .env(SECRET_ENV, secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(url) = database_url {
            command.args(["--database-url", url]);
        }
        if args.nodelay {
            command.arg("--nodelay");
        }
        let mut process = ChildServer::spawn(command)?;
        let stdout = process.child.stdout.take().context("no stdout")?;
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let listening = async {
            while let Some(line) = lines.next_line().await? {
                if let Some(addr) = line.strip_prefix("listening ") {
                    return addr.parse::<SocketAddr>().with_context(|| format!("bad address: {line}"));
                }
            }
            bail!("the server exited before listening")
        };
        let addr = tokio::time::timeout(Duration::from_secs(60), listening)
            .await
            .context("the server did not start within 60 s")??;
        Ok(Self { process, addr })
    }

    /// Closes the server's stdin (it shuts down), then kills it if it is not gone in 10 s.
    async fn stop(self) {
        self.process.close_stdin(Duration::from_secs(10)).await;
    }
}

// ---------------------------------------------------------------------------------------
// Measurements

/// Titles for [`columns`].
fn header() -> String {
    format!("{:>7}  {:>8}  {:>8}  {:>8}  {:>8}", "count", "p50", "p90", "p99", "max")
}

/// Count, p50, p90, p99 and max of `lat` in ms, under [`header`].
fn columns(lat: &Latencies) -> String {
    format!(
        "{:>7}  {:>8.2}  {:>8.2}  {:>8.2}  {:>8.2}",
        lat.count(),
        lat.p(0.5),
        lat.p(0.9),
        lat.p(0.99),
        lat.max()
    )
}
