//! The reminder worker: finds due, undelivered reminders and POSTs each to the webhook,
//! signed. Delivery is at least once: a reminder is marked delivered only after a 2xx;
//! failures are retried with backoff up to a limit, then given up on (recorded in the
//! database and counted in metrics). A poll's reminders are delivered concurrently, at
//! most `concurrency` at a time, and the state lives in the database so restarts lose nothing.
//!
//! Each POST carries `X-Reminder-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is
//! HMAC-SHA256 keyed with `REMINDER_WEBHOOK_SECRET` over `<t>.<raw body>` (Stripe's scheme),
//! so a receiver can check who sent it and refuse replays older than a few minutes.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use hmac::{Hmac, Mac};
use serde_json::json;
use sha2::Sha256;
use tokio_util::sync::CancellationToken;

use crate::store::{DueReminder, Store, StoreError};

/// How often the worker looks for due reminders.
pub const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-reminder-signature";

/// Reminders handled per poll.
const BATCH: i64 = 100;

/// Where and how reminders are delivered.
#[derive(Clone)]
pub struct Webhook {
    /// `REMINDER_WEBHOOK_URL`: where each reminder is POSTed.
    pub url: reqwest::Url,
    /// `REMINDER_WEBHOOK_SECRET`: the HMAC-SHA256 key for the signature header.
    pub secret: String,
    /// `REMINDER_MAX_ATTEMPTS`: failed attempts after which a reminder is given up on.
    pub max_attempts: u32,
    /// `REMINDER_CONCURRENCY`: deliveries in flight at once.
    pub concurrency: usize,
    /// `REMINDER_TIMEOUT`: how long one POST may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("secret", &"<redacted>")
            .field("max_attempts", &self.max_attempts)
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Webhook {
    /// Default attempts before giving up (30 s, 1 min … 1 h of backoff: about three hours in all).
    pub const DEFAULT_MAX_ATTEMPTS: u32 = 10;
    /// Default deliveries in flight at once.
    pub const DEFAULT_CONCURRENCY: usize = 8;
    /// Default time one POST may take.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// `url` signed with `secret`, with the default limits.
    pub fn new(url: reqwest::Url, secret: impl Into<String>) -> Self {
        Self {
            url,
            secret: secret.into(),
            max_attempts: Self::DEFAULT_MAX_ATTEMPTS,
            concurrency: Self::DEFAULT_CONCURRENCY,
            timeout: Self::DEFAULT_TIMEOUT,
        }
    }
}

/// The `X-Reminder-Signature` value for `body` sent at `timestamp` (Unix seconds).
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", hex::encode(mac(secret, timestamp, body).finalize().into_bytes()))
}

/// Whether `header` is a valid signature of `body` by `secret`, made within `tolerance`
/// of `now` (Unix seconds); the comparison takes constant time.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance: Duration) -> bool {
    let mut timestamp = None;
    let mut given = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", v)) => given = hex::decode(v).ok(),
            _ => {}
        }
    }
    let (Some(t), Some(given)) = (timestamp, given) else { return false };
    let fresh = now.abs_diff(t) <= tolerance.as_secs();
    fresh && mac(secret, t, body).verify_slice(&given).is_ok()
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Runs until `shutdown`: every `interval`, delivers what is due.
pub async fn run(store: Arc<dyn Store>, webhook: Webhook, interval: Duration, shutdown: CancellationToken) {
    let client = reqwest::Client::new();
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

/// Delivers every reminder due now, at most `webhook.concurrency` at a time; returns how
/// many were delivered. A reminder that fails its last allowed attempt is given up on.
pub async fn deliver_due(
    store: &dyn Store,
    client: &reqwest::Client,
    webhook: &Webhook,
) -> Result<usize, StoreError> {
    let now = Utc::now();
    let due = store.pending_deliveries(now, BATCH).await?;
    let outcomes: Vec<Result<bool, StoreError>> = futures::stream::iter(due)
        .map(|item| deliver_one(store, client, webhook, item))
        .buffer_unordered(webhook.concurrency.max(1))
        .collect()
        .await;
    let mut delivered = 0;
    for outcome in outcomes {
        delivered += usize::from(outcome?);
    }
    Ok(delivered)
}

/// One attempt at one reminder, recorded; whether it was delivered.
async fn deliver_one(
    store: &dyn Store,
    client: &reqwest::Client,
    webhook: &Webhook,
    item: DueReminder,
) -> Result<bool, StoreError> {
    let ok = post(client, webhook, &item).await;
    let id = item.reminder.id;
    let now = Utc::now();
    let failures = u32::try_from(item.reminder.attempts).unwrap_or(0).saturating_add(1);
    if ok {
        crate::metrics::reminder_delivery(crate::metrics::Delivery::Delivered);
        store.record_delivery(id, now, None).await?;
    } else if failures >= webhook.max_attempts {
        crate::metrics::reminder_delivery(crate::metrics::Delivery::GaveUp);
        tracing::warn!(reminder = id, attempts = failures, "giving up on reminder delivery");
        store.give_up_delivery(id, now).await?;
    } else {
        crate::metrics::reminder_delivery(crate::metrics::Delivery::Failed);
        store.record_delivery(id, now, Some(now + backoff(item.reminder.attempts))).await?;
    }
    Ok(ok)
}

async fn post(client: &reqwest::Client, webhook: &Webhook, item: &DueReminder) -> bool {
    let r = &item.reminder;
    let body = json!({
        "type": "task.reminder",
        "reminder_id": r.id,
        "user_id": item.user_id,
        "task": r.task,
        "title": r.title,
        "remind_at": r.remind_at,
        "phrase": r.phrase,
    })
    .to_string();
    let signed = signature(&webhook.secret, Utc::now().timestamp(), body.as_bytes());
    let request = client
        .post(webhook.url.clone())
        .timeout(webhook.timeout)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE_HEADER, signed)
        .body(body);
    match request.send().await {
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
