//! Draining after shutdown, with a real server on port 0 and a real client: a response
//! still streaming when the shutdown token fires is finished, while one that never ends is
//! abandoned once the grace period is over so the process can exit.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::routing::get;
use shared::shutdown::drain_within;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

type Chunks = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// A server whose `/slow` response streams whatever the returned sender sends.
async fn slow_server(
    shutdown: &CancellationToken,
    grace: Duration,
) -> (String, Chunks, tokio::task::JoinHandle<std::io::Result<()>>) {
    let (tx, rx) = mpsc::channel(4);
    let rx = Arc::new(Mutex::new(Some(rx)));
    let app = Router::new().route(
        "/slow",
        get(move || {
            let rx = rx.lock().unwrap().take().unwrap();
            let chunks =
                futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) });
            async move { Body::from_stream(chunks) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = axum::serve(listener, app).with_graceful_shutdown(shutdown.clone().cancelled_owned());
    let handle = tokio::spawn(drain_within(server, shutdown.clone(), grace));
    (base, tx, handle)
}

#[tokio::test]
async fn a_stream_in_flight_when_shutdown_fires_still_finishes() {
    let shutdown = CancellationToken::new();
    let (base, tx, server) = slow_server(&shutdown, Duration::from_secs(30)).await;
    let response = reqwest::get(format!("{base}/slow")).await.unwrap();
    let mut body = response;
    tx.send(Ok(Bytes::from_static(b"one "))).await.unwrap();
    assert_eq!(body.chunk().await.unwrap().unwrap(), "one ");

    shutdown.cancel();
    assert!(!server.is_finished(), "the server waits for the open stream");
    tx.send(Ok(Bytes::from_static(b"two"))).await.unwrap();
    drop(tx);
    let mut rest = Vec::new();
    while let Some(chunk) = body.chunk().await.unwrap() {
        rest.extend_from_slice(&chunk);
    }
    assert_eq!(rest, b"two", "the rest of the stream arrived");
    let stopped = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server stopped cleanly once the stream ended");
}

#[tokio::test]
async fn a_stuck_stream_is_abandoned_once_the_grace_period_is_over() {
    let shutdown = CancellationToken::new();
    let (base, tx, server) = slow_server(&shutdown, Duration::from_millis(200)).await;
    let response = reqwest::get(format!("{base}/slow")).await.unwrap();
    let mut body = response;
    tx.send(Ok(Bytes::from_static(b"never finished"))).await.unwrap();
    assert!(body.chunk().await.unwrap().is_some());

    shutdown.cancel();
    // `tx` stays alive: the stream would never end on its own.
    let stopped = tokio::time::timeout(Duration::from_secs(20), server).await;
    assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server gave up on the stream and returned");
    drop(tx);
}
