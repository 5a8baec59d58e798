//! Reminder delivery: the worker POSTs due reminders to a real webhook server, marks them
//! delivered only after a 2xx, retries failures later, and keeps its state in the database
//! so a restarted server neither loses nor repeats deliveries.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use chrono::Utc;
use mcp_tasks::reminders::{self, Webhook};
use mcp_tasks::store::{NewReminder, NewTask, Priority, Store};
use serde_json::Value;

const SECRET: &str = "a-test-secret-of-some-length";

/// A webhook that records what it receives and answers with a status set by the test.
#[derive(Clone, Default)]
struct Hook {
    received: Arc<Mutex<Vec<Value>>>,
    status: Arc<Mutex<u16>>,
}

async fn start_hook(hook: Hook) -> reqwest::Url {
    let app = Router::new().route(
        "/hook",
        post(move |axum::Json(body): axum::Json<Value>| {
            let hook = hook.clone();
            async move {
                hook.received.lock().unwrap().push(body);
                StatusCode::from_u16(*hook.status.lock().unwrap()).unwrap()
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

async fn task_with_due_reminder(store: &dyn Store, user: &str, title: &str) {
    let past = Utc::now() - chrono::Duration::minutes(1);
    let task = NewTask {
        title: title.into(),
        description: None,
        priority: Priority::DEFAULT,
        tags: vec![],
        due: None,
        recurrence: None,
        reminders: vec![NewReminder { at: past, phrase: Some("a minute ago".into()) }],
    };
    store.add_tasks(user, vec![task], past - chrono::Duration::hours(1)).await.unwrap();
}

#[tokio::test]
async fn due_reminders_are_posted_once_and_failures_are_retried_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tasks.db").display());
    let hook = Hook::default();
    *hook.status.lock().unwrap() = 503;
    let webhook = Webhook::new(start_hook(hook.clone()).await, SECRET);
    let client = reqwest::Client::new();

    let store = mcp_tasks::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    task_with_due_reminder(store.as_ref(), "alice", "water the plants").await;

    let delivered = reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap();
    assert_eq!(delivered, 0, "a 503 is not a delivery");
    assert_eq!(hook.received.lock().unwrap().len(), 1);
    let again = reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap();
    assert_eq!(again, 0);
    assert_eq!(hook.received.lock().unwrap().len(), 1, "a failed reminder waits for its backoff");
    drop(store);

    // "Restart": a new store on the same file, once the backoff has passed.
    let store = mcp_tasks::store::connect(&url).await.unwrap();
    let later = Utc::now() + chrono::Duration::minutes(2);
    let waiting = store.pending_deliveries(later, 10).await.unwrap();
    assert_eq!(waiting.len(), 1, "the failed reminder survived the restart");
    assert_eq!(waiting[0].reminder.attempts, 1);

    *hook.status.lock().unwrap() = 200;
    task_with_due_reminder(store.as_ref(), "bob", "call the bank").await;
    let delivered = reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap();
    assert_eq!(delivered, 1, "bob's fresh reminder goes out; alice's still backs off");
    let body = hook.received.lock().unwrap().last().cloned().unwrap();
    assert_eq!(body["type"], "task.reminder");
    assert_eq!(body["user_id"], "bob");
    assert_eq!(body["title"], "call the bank");
    assert_eq!(body["task"], 1);
    let retried = store.pending_deliveries(later, 10).await.unwrap();
    assert_eq!(
        retried.iter().map(|d| d.user_id.as_str()).collect::<Vec<_>>(),
        vec!["alice"],
        "bob's is done"
    );
    assert_eq!(reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap(), 0, "nothing twice");
}

#[tokio::test]
async fn the_worker_delivers_in_the_background_and_stops_on_shutdown() {
    let (store, _dir) = support::sqlite_store().await;
    let hook = Hook::default();
    *hook.status.lock().unwrap() = 204;
    let webhook = Webhook::new(start_hook(hook.clone()).await, SECRET);
    task_with_due_reminder(store.as_ref(), "carol", "stretch").await;
    let shutdown = tokio_util::sync::CancellationToken::new();
    let worker =
        tokio::spawn(reminders::run(store.clone(), webhook, Duration::from_millis(20), shutdown.clone()));
    for _ in 0..200 {
        if !hook.received.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(hook.received.lock().unwrap().len(), 1);
    shutdown.cancel();
    tokio::time::timeout(Duration::from_secs(5), worker).await.unwrap().unwrap();
}

/// What a raw webhook saw: each POST's signature header and body bytes.
type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A webhook that keeps the raw body and signature header of each POST.
async fn start_raw_hook(seen: Seen) -> reqwest::Url {
    let app = Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let sig = headers
                    .get(reminders::SIGNATURE_HEADER)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                seen.lock().unwrap().push((sig, body.to_vec()));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn each_webhook_carries_an_hmac_sha256_signature_over_timestamp_and_body() {
    use hmac::{Hmac, Mac};
    let (store, _dir) = support::sqlite_store().await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let webhook = Webhook::new(start_raw_hook(seen.clone()).await, SECRET);
    task_with_due_reminder(store.as_ref(), "dana", "renew passport").await;
    let sent_after = Utc::now().timestamp();
    let delivered = reminders::deliver_due(store.as_ref(), &reqwest::Client::new(), &webhook).await.unwrap();
    assert_eq!(delivered, 1);
    let (header, body) = seen.lock().unwrap()[0].clone();

    // The receiver's side, computed here from the documented format: t=<unix>,v1=<hex>.
    let (t, v1) = header.split_once(',').unwrap();
    let t: i64 = t.strip_prefix("t=").unwrap().parse().unwrap();
    let v1 = v1.strip_prefix("v1=").unwrap();
    assert!(t >= sent_after && t <= Utc::now().timestamp(), "the timestamp is the sending time");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&body);
    assert_eq!(v1, hex::encode(mac.finalize().into_bytes()));
    let json: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["title"], "renew passport");

    let now = Utc::now().timestamp();
    let five_minutes = Duration::from_secs(300);
    assert!(reminders::verify(SECRET, &header, &body, now, five_minutes));
    let mut tampered = body.clone();
    tampered[body.len() / 2] ^= 1;
    assert!(!reminders::verify(SECRET, &header, &tampered, now, five_minutes), "a changed body fails");
    assert!(!reminders::verify("another-secret-entirely", &header, &body, now, five_minutes));
    assert!(
        !reminders::verify(SECRET, &header, &body, now + 3600, five_minutes),
        "a replay an hour on fails"
    );
    assert!(!reminders::verify(SECRET, "t=1,v1=zz", &body, now, five_minutes), "garbage fails");
}

#[tokio::test]
async fn a_reminder_that_keeps_failing_is_given_up_after_the_configured_attempts() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("tasks.db").display());
    let store = mcp_tasks::store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let hook = Hook::default();
    *hook.status.lock().unwrap() = 500;
    let mut webhook = Webhook::new(start_hook(hook.clone()).await, SECRET);
    webhook.max_attempts = 3;
    task_with_due_reminder(store.as_ref(), "erin", "file taxes").await;
    let client = reqwest::Client::new();
    let raw = sqlx::SqlitePool::connect(&url).await.unwrap();
    let far = Utc::now() + chrono::Duration::days(1);
    for attempt in 1..=3 {
        assert_eq!(reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap(), 0);
        assert_eq!(hook.received.lock().unwrap().len(), attempt, "one POST per attempt");
        let pending = store.pending_deliveries(far, 10).await.unwrap();
        if attempt < 3 {
            assert_eq!(pending.len(), 1, "attempt {attempt} of 3 is retried");
            assert_eq!(pending[0].reminder.attempts, i32::try_from(attempt).unwrap());
        } else {
            assert!(pending.is_empty(), "after the third failure it is given up on: {pending:?}");
        }
        // Skip the backoff instead of waiting for it.
        sqlx::query("UPDATE reminders SET next_attempt_at = NULL").execute(&raw).await.unwrap();
    }
    assert_eq!(reminders::deliver_due(store.as_ref(), &client, &webhook).await.unwrap(), 0);
    assert_eq!(hook.received.lock().unwrap().len(), 3, "no fourth attempt");
    let (attempts, gave_up): (i32, Option<i64>) =
        sqlx::query_as("SELECT attempts, gave_up_at FROM reminders").fetch_one(&raw).await.unwrap();
    assert_eq!(attempts, 3, "every attempt is recorded");
    assert!(gave_up.is_some(), "when it was given up on is recorded");
}

#[tokio::test]
async fn due_reminders_are_delivered_concurrently_up_to_the_bound() {
    let (store, _dir) = support::sqlite_store().await;
    let in_flight = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (flight, top) = (in_flight.clone(), peak.clone());
    let app = Router::new().route(
        "/hook",
        post(move || {
            let (flight, top) = (flight.clone(), top.clone());
            async move {
                use std::sync::atomic::Ordering::SeqCst;
                let now = flight.fetch_add(1, SeqCst) + 1;
                top.fetch_max(now, SeqCst);
                // Hold the request until four are in flight (or a while has passed).
                for _ in 0..100 {
                    if flight.load(SeqCst) >= 4 {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                flight.fetch_sub(1, SeqCst);
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap()).parse().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    for i in 0..12 {
        task_with_due_reminder(store.as_ref(), &format!("user{i}"), "stand up").await;
    }
    let mut webhook = Webhook::new(url, SECRET);
    webhook.concurrency = 4;
    let delivered = reminders::deliver_due(store.as_ref(), &reqwest::Client::new(), &webhook).await.unwrap();
    assert_eq!(delivered, 12);
    assert_eq!(peak.load(std::sync::atomic::Ordering::SeqCst), 4, "four at a time, never more");
}
