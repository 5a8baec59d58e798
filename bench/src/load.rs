//! A load phase's measured window: closed-loop clients run through a warm-up and a measured
//! window; the CPU split is snapshotted at both ends of the window, and every client's samples
//! and errors are gathered when they are done.

use std::time::Instant;

use anyhow::{Context, Result};
use tokio::task::JoinHandle;

use crate::proc::CpuSnapshot;
use crate::report::{ErrorCounts, merge_errors};

/// What one client brings back: its measured samples and its errors by kind.
pub struct Report<S> {
    /// One per measured call or turn.
    pub samples: Vec<S>,
    /// Errors in the measured window, by kind.
    pub errors: ErrorCounts,
}

impl<S> Report<S> {
    /// An empty report with room for `capacity` samples.
    #[must_use]
    pub fn with_capacity(capacity: usize) -> Self {
        Self { samples: Vec::with_capacity(capacity), errors: ErrorCounts::new() }
    }
}

/// The measured window of a phase.
pub struct Window<S> {
    /// The CPU time at the start and at the end of the window (None without `/proc`).
    pub cpu: Option<(CpuSnapshot, CpuSnapshot)>,
    /// Every client's samples.
    pub samples: Vec<S>,
    /// Every client's errors, by kind.
    pub errors: ErrorCounts,
}

/// Waits until `warm_end`, then until `end`, snapshotting the CPU time (of process
/// `server_pid` among others) at both; then waits for `clients` and gathers their reports.
pub async fn measure<S>(
    server_pid: u32,
    warm_end: Instant,
    end: Instant,
    clients: Vec<JoinHandle<Report<S>>>,
) -> Result<Window<S>> {
    tokio::time::sleep_until(warm_end.into()).await;
    let before = CpuSnapshot::take(server_pid);
    tokio::time::sleep_until(end.into()).await;
    let after = CpuSnapshot::take(server_pid);
    let mut samples = Vec::new();
    let mut errors = ErrorCounts::new();
    for client in clients {
        let report = client.await.context("a client task panicked")?;
        samples.extend(report.samples);
        merge_errors(&mut errors, report.errors);
    }
    Ok(Window { cpu: before.zip(after), samples, errors })
}
