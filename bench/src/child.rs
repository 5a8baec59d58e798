//! A server the load tool runs as a child process, so that its CPU time and memory are
//! measured apart from the load generator's. It is killed if the tool stops early.

use std::time::Duration;

use anyhow::{Context, Result};

use crate::proc;

/// A running child process; killed on drop if it was not stopped.
pub struct ChildServer {
    /// The process.
    pub child: tokio::process::Child,
    /// Its process id.
    pub pid: u32,
}

impl ChildServer {
    /// Spawns `command` (killed when this is dropped).
    pub fn spawn(mut command: tokio::process::Command) -> Result<Self> {
        let program = command.as_std().get_program().to_string_lossy().into_owned();
        let child = command.kill_on_drop(true).spawn().with_context(|| format!("starting {program}"))?;
        let pid = child.id().context("the server exited at once")?;
        Ok(Self { child, pid })
    }

    /// A field of its `/proc/<pid>/status` in KiB (`VmRSS`, `VmHWM`).
    #[must_use]
    pub fn status_kb(&self, key: &str) -> Option<u64> {
        proc::status_kb(&self.pid.to_string(), key)
    }

    /// Resets its VmHWM to the current RSS (`echo 5 > /proc/<pid>/clear_refs`, Linux 4.0+).
    #[must_use]
    pub fn reset_peak(&self) -> bool {
        std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5").is_ok()
    }

    /// How many files it has open.
    #[must_use]
    pub fn open_fds(&self) -> Option<usize> {
        Some(std::fs::read_dir(format!("/proc/{}/fd", self.pid)).ok()?.count())
    }

    /// Kills it and waits for it to exit.
    pub async fn kill(mut self) -> Result<()> {
        self.child.start_kill().context("stopping the server")?;
        self.child.wait().await.context("waiting for the server to exit")?;
        Ok(())
    }

    /// Closes its stdin (the server's signal to shut down), then kills it if it is not gone
    /// within `grace`.
    pub async fn close_stdin(mut self, grace: Duration) {
        drop(self.child.stdin.take());
        if tokio::time::timeout(grace, self.child.wait()).await.is_err() {
            let _ = self.child.start_kill();
            let _ = self.child.wait().await;
        }
    }
}
