//! A request refused before its body is read keeps its keep-alive connection: the real
//! `shared::serve` on port 0, a handler that answers 401 without reading the body, and a raw
//! HTTP/1.1 client that sends the body only after the head (as httpx and browsers may) and
//! then its next request on the same connection.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use shared::serve::{ConnectionLimits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

#[tokio::test]
async fn a_request_refused_unread_leaves_the_connection_open_for_the_next_one() {
    let app = Router::new().route("/mcp", post(|| async { StatusCode::UNAUTHORIZED }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = CancellationToken::new();
    tokio::spawn(serve(listener, app, ConnectionLimits::default(), shutdown.clone(), Duration::from_secs(1)));

    let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    for _ in 0..3 {
        stream.write_all(head.as_bytes()).await.unwrap();
        // The head alone first: a handler that answers without the body could answer now.
        tokio::time::sleep(Duration::from_millis(50)).await;
        stream.write_all(body.as_bytes()).await.unwrap();
        let answer = read_response(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer:?}");
    }
    shutdown.cancel();
}

/// Reads one response (head and a `Content-Length` body) from `stream`; empty if it closed.
async fn read_response(stream: &mut tokio::net::TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let text = String::from_utf8_lossy(&got).into_owned();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned())
                })
                .map_or(0, |v| v.parse::<usize>().unwrap());
            if got.len() >= end + 4 + length {
                return text;
            }
        }
        let read = tokio::time::timeout_at(deadline, stream.read(&mut buf)).await.unwrap().unwrap_or(0);
        if read == 0 {
            return text;
        }
        got.extend_from_slice(&buf[..read]);
    }
}
