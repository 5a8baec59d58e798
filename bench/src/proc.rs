//! What Linux's `/proc` tells about CPU time and memory: a snapshot of the CPU time of the
//! machine, a server, PostgreSQL and this process (with the children it waited for), and a
//! process's memory and open files.
//! Everything returns `None` where `/proc` is not there.

use std::fmt::Write as _;

/// `/proc` clock ticks per second (USER_HZ; 100 on every Linux this runs on).
pub const CLOCK_TICKS: f64 = 100.0;

/// CPU time (in `/proc` clock ticks) of the machine, the server, PostgreSQL and this process.
pub struct CpuSnapshot {
    machine_busy: u64,
    machine_total: u64,
    /// The server's CPU ticks.
    pub server: u64,
    /// Every PostgreSQL process's CPU ticks.
    pub postgres: u64,
    postgres_procs: usize,
    bench: u64,
}

impl CpuSnapshot {
    /// The CPU time so far of the machine, process `server_pid`, every `postgres` process
    /// and this process.
    #[must_use]
    pub fn take(server_pid: u32) -> Option<Self> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let cpu: Vec<u64> =
            stat.lines().next()?.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
        // user nice system idle iowait irq softirq steal (guest is already inside user).
        let total: u64 = cpu.iter().take(8).sum();
        let idle = cpu.get(3).copied().unwrap_or(0) + cpu.get(4).copied().unwrap_or(0);
        let mut postgres = 0;
        let mut postgres_procs = 0;
        for entry in std::fs::read_dir("/proc").ok()?.flatten() {
            let name = entry.file_name();
            let Some(pid) = name.to_str().filter(|n| n.bytes().all(|b| b.is_ascii_digit())) else { continue };
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            if comm.trim() == "postgres" {
                postgres += process_ticks(pid).unwrap_or(0);
                postgres_procs += 1;
            }
        }
        Some(Self {
            machine_busy: total - idle,
            machine_total: total,
            server: process_ticks(&server_pid.to_string())?,
            postgres,
            postgres_procs,
            // With the children this tool waited for (wrk, when it drives the load).
            bench: process_ticks("self")? + children_ticks("self").unwrap_or(0),
        })
    }

    /// How the window from `before` to `after` split the machine, in cores busy, with a
    /// warning when other processes took a noticeable share.
    #[must_use]
    pub fn describe(before: &Self, after: &Self) -> String {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
        let total = after.machine_total.saturating_sub(before.machine_total).max(1) as f64;
        let share = |a: u64, b: u64| cores * a.saturating_sub(b) as f64 / total;
        let (server, postgres, bench) = (
            share(after.server, before.server),
            share(after.postgres, before.postgres),
            share(after.bench, before.bench),
        );
        let machine = share(after.machine_busy, before.machine_busy);
        let other = (machine - server - postgres - bench).max(0.0);
        let mut text = format!(
            "    server {server:.2}, postgres {postgres:.2} ({} processes), load generator {bench:.2}, \
             other {other:.2}; whole machine {machine:.2}",
            after.postgres_procs,
        );
        if other > 0.15 {
            let _ = write!(
                text,
                "\n    warning: other processes used {other:.2} cores; the numbers are not clean"
            );
        }
        text
    }
}

/// utime + stime of `/proc/<pid>/stat` (`pid` may be `self`), in clock ticks.
#[must_use]
pub fn process_ticks(pid: &str) -> Option<u64> {
    stat_pair(pid, 11)
}

/// cutime + cstime of `/proc/<pid>/stat`: the CPU time of the children it waited for.
fn children_ticks(pid: &str) -> Option<u64> {
    stat_pair(pid, 13)
}

/// The sum of fields `at` and `at + 1` of `/proc/<pid>/stat`, counted after the command name.
fn stat_pair(pid: &str, at: usize) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    Some(fields.get(at)?.parse::<u64>().ok()? + fields.get(at + 1)?.parse::<u64>().ok()?)
}

/// A field of `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`; `pid` may be `self`).
#[must_use]
pub fn status_kb(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.strip_prefix(key).is_some_and(|r| r.starts_with(':')))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
