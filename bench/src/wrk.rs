//! A load phase driven by wrk (<https://github.com/wg/wrk>), the C load generator issue 16
//! measured with: it costs the shared cores less per request than a Rust client that
//! parses every answer, so it shows more of what the server can do. The calls are
//! written into a generated Lua script, formatted once per wrk thread and sent in turn
//! over keep-alive connections; an answer counts as failed when its status is not 200 or
//! its body is a JSON-RPC error or a tool error (`"isError":true`).

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result, bail};

/// One request: a JSON body POSTed with a Bearer token.
pub struct Call {
    /// The Bearer token.
    pub token: String,
    /// The JSON-RPC body.
    pub body: String,
}

/// What one wrk run reports.
#[derive(Debug)]
pub struct Summary {
    /// Answers received in the run.
    pub requests: u64,
    /// The run's length in seconds.
    pub seconds: f64,
    /// Answers that failed (status, JSON-RPC error or tool error) and socket errors.
    pub failed: u64,
    /// p50 in ms.
    pub p50: f64,
    /// p90 in ms.
    pub p90: f64,
    /// p99 in ms.
    pub p99: f64,
    /// The slowest answer in ms.
    pub max: f64,
}

/// Runs wrk with `threads` threads and `connections` connections for `seconds` against
/// `url` (the endpoint, e.g. `http://127.0.0.1:8080/mcp`), sending `calls` in turn.
pub async fn run(
    url: &str,
    threads: usize,
    connections: usize,
    seconds: u64,
    calls: &[Call],
) -> Result<Summary> {
    if calls.is_empty() {
        bail!("wrk needs at least one call to send");
    }
    let path = url.splitn(4, '/').nth(3).map_or_else(|| "/".to_owned(), |p| format!("/{p}"));
    let script = std::env::temp_dir().join(format!("tasks-load-{}.lua", std::process::id()));
    std::fs::write(&script, lua(&path, calls)).with_context(|| format!("writing {}", script.display()))?;
    let output = wrk(url, threads, connections, seconds, &script).await;
    let _ = std::fs::remove_file(&script);
    let output = output?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!("wrk failed ({}): {}{}", output.status, stdout, String::from_utf8_lossy(&output.stderr));
    }
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("wrk-summary "))
        .with_context(|| format!("wrk printed no summary: {stdout}"))?;
    parse_summary(line)
}

async fn wrk(
    url: &str,
    threads: usize,
    connections: usize,
    seconds: u64,
    script: &Path,
) -> Result<std::process::Output> {
    tokio::process::Command::new("wrk")
        .arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .args(["--timeout", "10s", "-s"])
        .arg(script)
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .await
        .context("running wrk (install it: apt-get install wrk)")
}

/// The Lua script: the calls as long strings, formatted once per thread.
fn lua(path: &str, calls: &[Call]) -> String {
    let mut script = String::from("local calls = {\n");
    for call in calls {
        script.push_str(&format!("{{{}, {}}},\n", long_string(&call.token), long_string(&call.body)));
    }
    script.push_str("}\nlocal path = ");
    script.push_str(&long_string(path));
    script.push_str(LUA_BODY);
    script
}

/// `text` as a Lua long string, with a level of `=` signs the text does not contain.
fn long_string(text: &str) -> String {
    let level =
        (0..).map(|n| "=".repeat(n)).find(|eq| !text.contains(&format!("]{eq}]"))).unwrap_or_default();
    format!("[{level}[{text}]{level}]")
}

const LUA_BODY: &str = r#"
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end

local prepared, index = {}, 0
failed = 0
function init(args)
  for k, c in ipairs(calls) do
    prepared[k] = wrk.format("POST", path, {
      ["Authorization"] = "Bearer " .. c[1],
      ["Content-Type"] = "application/json",
      ["Accept"] = "application/json, text/event-stream",
    }, c[2])
  end
  index = offset % #prepared
end

function request()
  index = index % #prepared + 1
  return prepared[index]
end

function response(status, headers, body)
  if status ~= 200 or body:find('"isError":true', 1, true) or body:find('"error":{', 1, true) then
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("failed") end
  local e = summary.errors
  bad = bad + e.connect + e.read + e.write + e.timeout
  io.write(string.format("wrk-summary requests=%d duration_us=%d failed=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, bad, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"#;

fn parse_summary(line: &str) -> Result<Summary> {
    let field = |name: &str| -> Result<u64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .with_context(|| format!("no {name} in wrk's summary {line:?}"))?
            .parse()
            .with_context(|| format!("{name} in wrk's summary {line:?}"))
    };
    let ms = |name: &str| field(name).map(|us| us as f64 / 1000.0);
    Ok(Summary {
        requests: field("requests")?,
        seconds: field("duration_us")? as f64 / 1e6,
        failed: field("failed")?,
        p50: ms("p50_us")?,
        p90: ms("p90_us")?,
        p99: ms("p99_us")?,
        max: ms("max_us")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_pick_a_level_the_text_lacks() {
        assert_eq!(long_string("a"), "[[a]]");
        assert_eq!(long_string("x]]y"), "[=[x]]y]=]");
        assert_eq!(long_string("x]]y]=]"), "[==[x]]y]=]]==]");
    }

    #[test]
    fn summary_lines_parse() {
        let s = parse_summary(
            "requests=10 duration_us=2000000 failed=1 p50_us=1500 p90_us=2000 p99_us=3000 max_us=4000",
        )
        .unwrap();
        assert_eq!((s.requests, s.failed), (10, 1));
        assert!((s.seconds - 2.0).abs() < 1e-9 && (s.p50 - 1.5).abs() < 1e-9 && (s.max - 4.0).abs() < 1e-9);
    }
}
