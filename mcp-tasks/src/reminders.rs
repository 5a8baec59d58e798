//! The reminder worker: finds due, undelivered reminders and POSTs each to the webhook.
//! Delivery is at least once: a reminder is marked delivered only after a 2xx, failures
//! are retried with backoff, and the state lives in the database so restarts lose nothing.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use crate::store::{DueReminder, Store};

/// How often the worker looks for due reminders.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Reminders handled per poll.
const BATCH: i64 = 100;

/// Runs until `shutdown`: every `interval`, delivers what is due.
pub async fn run(
    store: Arc<dyn Store>,
    webhook: reqwest::Url,
    interval: Duration,
    shutdown: CancellationToken,
) {
    let client = match reqwest::Client::builder().timeout(Duration::from_secs(10)).build() {
        Ok(client) => client,
        Err(e) => {
            tracing::error!(error = %e, "reminder worker could not start");
            return;
        }
    };
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        if let Err(e) = deliver_due(store.as_ref(), &client, &webhook).await {
            tracing::warn!(error = %e, "reminder poll failed");
        }
    }
}

/// Delivers every reminder due now; returns how many were delivered.
pub async fn deliver_due(
    store: &dyn Store,
    client: &reqwest::Client,
    webhook: &reqwest::Url,
) -> Result<usize, crate::store::StoreError> {
    let now = Utc::now();
    let due = store.pending_deliveries(now, BATCH).await?;
    let mut delivered = 0;
    for item in due {
        let ok = post(client, webhook, &item).await;
        crate::metrics::reminder_delivery(ok);
        let retry_at = (!ok).then(|| now + backoff(item.reminder.attempts));
        store.record_delivery(item.reminder.id, Utc::now(), retry_at).await?;
        delivered += usize::from(ok);
    }
    Ok(delivered)
}

async fn post(client: &reqwest::Client, webhook: &reqwest::Url, item: &DueReminder) -> bool {
    let r = &item.reminder;
    let body = json!({
        "type": "task.reminder",
        "reminder_id": r.id,
        "user_id": item.user_id,
        "task": r.task,
        "title": r.title,
        "remind_at": r.remind_at,
        "phrase": r.phrase,
    });
    match client.post(webhook.clone()).json(&body).send().await {
        Ok(resp) if resp.status().is_success() => true,
        Ok(resp) => {
            tracing::warn!(status = %resp.status(), reminder = r.id, "webhook refused reminder");
            false
        }
        Err(e) => {
            tracing::warn!(error = %e, reminder = r.id, "webhook unreachable");
            false
        }
    }
}

/// 30 s, 1 min, 2 min … capped at one hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.clamp(0, 7)).unwrap_or(0);
    chrono::Duration::seconds((30_i64 << exp).min(3600))
}
