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
use mcp_tasks::reminders;
use mcp_tasks::store::{NewReminder, NewTask, Priority, Store};
use serde_json::Value;

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
    let webhook = start_hook(hook.clone()).await;
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
    let webhook = start_hook(hook.clone()).await;
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
