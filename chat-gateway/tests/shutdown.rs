//! Graceful shutdown of the real gateway on port 0: a ChatKit stream still running when the
//! shutdown token fires (as on SIGTERM) is finished before the server stops, and a stream
//! that never ends does not keep the server up past its grace period.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::Arc;
use std::time::Duration;

use eventsource_stream::Eventsource;
use futures::StreamExt;
use serde_json::{Value, json};
use support::stack::{self, Gated, GatewayOptions};
use tokio::sync::Semaphore;

/// Opens a turn on `base` and reads up to its `stream_options` event; the rest is left open.
async fn open_turn(base: &str) -> futures::stream::BoxStream<'static, Value> {
    let body = json!({"type": "threads.create", "params": {"input": stack::input("take your time")}});
    let response = stack::post(base, "alice", &body).await;
    assert_eq!(response.status(), 200);
    let mut events = response
        .bytes_stream()
        .eventsource()
        .map(|e| serde_json::from_str::<Value>(&e.unwrap().data).unwrap())
        .boxed();
    while let Some(event) = events.next().await {
        if event["type"] == "stream_options" {
            break;
        }
    }
    events
}

#[tokio::test]
async fn a_stream_running_at_shutdown_is_finished_before_the_gateway_stops() {
    let gate = Arc::new(Semaphore::new(0));
    let (store, _dir) = support::sqlite_store().await;
    let gateway = stack::start_gateway(
        store,
        Arc::new(Gated(gate.clone())),
        GatewayOptions::with_grace(Duration::from_secs(30)),
    )
    .await;
    let rest = open_turn(&gateway.base).await;

    gateway.shutdown.cancel();
    assert!(!gateway.handle.is_finished(), "the gateway waits for the open stream");
    gate.add_permits(1);
    let rest: Vec<Value> = rest.collect().await;
    assert_eq!(stack::reply(&rest), "let through", "the turn finished after shutdown began: {rest:?}");

    let base = gateway.base.clone();
    gateway.stop().await;
    assert!(reqwest::get(format!("{base}/healthz")).await.is_err(), "no new connections once stopped");
}

#[tokio::test]
async fn a_stream_that_never_ends_is_abandoned_after_the_grace_period() {
    let gate = Arc::new(Semaphore::new(0));
    let (store, _dir) = support::sqlite_store().await;
    let gateway = stack::start_gateway(
        store,
        Arc::new(Gated(gate)),
        GatewayOptions::with_grace(Duration::from_millis(300)),
    )
    .await;
    let _stuck = open_turn(&gateway.base).await;
    // The gate is never opened: only the grace period can end this.
    gateway.stop().await;
}
