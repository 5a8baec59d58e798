//! Cost per tool call for the load benchmark: server CPU µs, server instructions (when the
//! server runs under callgrind) and PostgreSQL statements and time (from
//! `pg_stat_statements`, when the cluster preloads it). Self-contained so it can move with
//! the load tool.
//!
//! Instructions: wall-clock swings ±25% on a shared machine, instruction counts do not.
//! `perf stat` has no hardware counters on this machine, so run the server under callgrind:
//!
//! ```text
//! BENCH_SERVER_WRAPPER="valgrind --tool=callgrind --callgrind-out-file=/tmp/mcp-cg.%p" \
//!   cargo run --release -p bench --example tasks_load -- --clients 4 --seconds 20 --big-user-tasks 0
//! ```
//!
//! The counters are zeroed (`callgrind_control -z`) when the measured window opens and dumped
//! (`callgrind_control --dump`) when it closes; instructions per call is the dump's total `Ir`
//! divided by the calls counted in the window. Under callgrind the server runs ~50x slower,
//! so only its per-call counts mean anything, not calls/s.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::{Connection, PgConnection};

/// Environment variable naming a command (split on spaces) to run the server under.
pub const WRAPPER_ENV: &str = "BENCH_SERVER_WRAPPER";

/// The command that starts the server binary, under [`WRAPPER_ENV`] if set.
pub fn server_command(binary: &Path) -> tokio::process::Command {
    let wrapper = std::env::var(WRAPPER_ENV).unwrap_or_default();
    let mut words = wrapper.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut command = tokio::process::Command::new(program);
            command.args(words).arg(binary);
            command
        }
        None => tokio::process::Command::new(binary),
    }
}

/// Whether the server runs under callgrind.
fn under_callgrind() -> bool {
    std::env::var(WRAPPER_ENV).is_ok_and(|w| w.contains("callgrind"))
}

/// The callgrind output file prefix named in the wrapper (`--callgrind-out-file=`), `%p`
/// replaced by `pid`.
fn callgrind_prefix(pid: u32) -> Option<PathBuf> {
    let wrapper = std::env::var(WRAPPER_ENV).ok()?;
    let file = wrapper.split_whitespace().find_map(|w| w.strip_prefix("--callgrind-out-file="))?;
    Some(PathBuf::from(file.replace("%p", &pid.to_string())))
}

/// Measures one window: create with [`Probe::open`] as it opens, [`Probe::report`] as it closes.
pub struct Probe {
    pg: Option<PgConnection>,
    pg_error: Option<String>,
    server_pid: u32,
}

impl Probe {
    /// Resets `pg_stat_statements` in the bench database and zeroes callgrind's counters.
    pub async fn open(bench_url: &str, server_pid: u32) -> Self {
        let (pg, pg_error) = match reset_statements(bench_url).await {
            Ok(conn) => (Some(conn), None),
            Err(e) => (None, Some(format!("{e:#}"))),
        };
        zero_instructions(server_pid);
        Self { pg, pg_error, server_pid }
    }

    /// Prints the cost per call of the `calls` counted in the window, given the server's and
    /// PostgreSQL's CPU seconds in it (from `/proc`).
    pub async fn report(self, calls: usize, server_cpu_s: f64, postgres_cpu_s: f64) {
        let calls_f = calls.max(1) as f64;
        let instructions = window_instructions(self.server_pid);
        println!("  cost per tool call ({calls} calls in the window):");
        println!(
            "    server CPU {:.0} µs, PostgreSQL CPU {:.0} µs (all backends, from /proc)",
            server_cpu_s * 1e6 / calls_f,
            postgres_cpu_s * 1e6 / calls_f
        );
        match instructions {
            Some(ir) => println!("    server instructions (callgrind Ir) {:.0}", ir as f64 / calls_f),
            None if under_callgrind() => println!("    server instructions: callgrind dump not found"),
            None => {
                println!("    server instructions: not measured (set {WRAPPER_ENV}, see bench/src/cost.rs)")
            }
        }
        match (self.pg, self.pg_error) {
            (Some(mut pg), _) => match statements(&mut pg).await {
                Ok(rows) => print_statements(&rows, calls_f),
                Err(e) => println!("    pg_stat_statements: unavailable ({e:#})"),
            },
            (None, e) => println!("    pg_stat_statements: unavailable ({})", e.unwrap_or_default()),
        }
    }
}

async fn reset_statements(bench_url: &str) -> anyhow::Result<PgConnection> {
    let mut pg = PgConnection::connect(bench_url).await?;
    sqlx::raw_sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").execute(&mut pg).await?;
    sqlx::raw_sql("SELECT pg_stat_statements_reset()").execute(&mut pg).await?;
    Ok(pg)
}

/// One statement's totals: calls, execution ms, planning ms, normalised text.
type StatementRow = (i64, f64, f64, String);

async fn statements(pg: &mut PgConnection) -> anyhow::Result<Vec<StatementRow>> {
    Ok(sqlx::query_as(
        "SELECT s.calls, s.total_exec_time, s.total_plan_time, \
                left(regexp_replace(s.query, '\\s+', ' ', 'g'), 90) \
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
         WHERE d.datname = current_database() AND s.query NOT LIKE '%pg_stat_statements%' \
         ORDER BY s.total_exec_time DESC",
    )
    .fetch_all(pg)
    .await?)
}

fn print_statements(rows: &[StatementRow], calls: f64) {
    let statements: i64 = rows.iter().map(|r| r.0).sum();
    let exec_ms: f64 = rows.iter().map(|r| r.1).sum();
    let plan_ms: f64 = rows.iter().map(|r| r.2).sum();
    println!(
        "    PostgreSQL (pg_stat_statements): {:.2} statements, {:.0} µs executing, {:.0} µs planning",
        statements as f64 / calls,
        exec_ms * 1000.0 / calls,
        plan_ms * 1000.0 / calls
    );
    println!("      {:>9} {:>9} {:>9}  statement", "per call", "mean µs", "µs/call");
    for (n, exec, _, text) in rows.iter().take(8) {
        println!(
            "      {:>9.3} {:>9.1} {:>9.1}  {text}",
            *n as f64 / calls,
            exec * 1000.0 / (*n).max(1) as f64,
            exec * 1000.0 / calls
        );
    }
}

/// Zeroes callgrind's counters in the server at `pid` when it runs under callgrind (see
/// [`WRAPPER_ENV`]): opens a window that [`window_instructions`] closes. Blocks briefly.
pub fn zero_instructions(pid: u32) {
    if under_callgrind() {
        callgrind_control(&["-z", &pid.to_string()]);
    }
}

/// The server's instructions since [`zero_instructions`], from a callgrind dump; `None`
/// when it does not run under callgrind or the dump is not found. Blocks until the dump is read.
pub fn window_instructions(pid: u32) -> Option<u64> {
    if under_callgrind() { dumped_instructions(pid) } else { None }
}

/// Whether [`WRAPPER_ENV`] runs the server under callgrind.
pub fn server_under_callgrind() -> bool {
    under_callgrind()
}

fn callgrind_control(args: &[&str]) -> bool {
    std::process::Command::new("callgrind_control")
        .args(args)
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Dumps callgrind's counters and returns the dump's total instructions (`summary:` line).
fn dumped_instructions(pid: u32) -> Option<u64> {
    let prefix = callgrind_prefix(pid)?;
    let started = std::time::SystemTime::now();
    if !callgrind_control(&["--dump=window", &pid.to_string()]) {
        return None;
    }
    let dir = prefix.parent()?.to_path_buf();
    let name = prefix.file_name()?.to_string_lossy().into_owned();
    // The dump is written asynchronously by the instrumented process; wait for it.
    for _ in 0..100 {
        let newest = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&name))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .filter(|(modified, _)| *modified >= started)
            .max();
        if let Some((_, path)) = newest
            && let Some(ir) = std::fs::read_to_string(&path).ok().and_then(|text| summary(&text))
        {
            return Some(ir);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    None
}

fn summary(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}
