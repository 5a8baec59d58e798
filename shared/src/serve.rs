//! Serving an axum router with the bounds a public listener needs, for both services: a
//! header-read timeout (which also closes a keep-alive connection idle that long), a write
//! timeout (a client that stops reading is dropped), and a cap on open connections (past it
//! new connections wait in the listen backlog); graceful shutdown within a grace period.
//! Small request bodies are read before a request is handled ([`read_small_body`]), so a
//! request refused unread keeps its keep-alive connection.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::Sleep;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt as _;

/// The bounds on one listener's connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// `HTTP_HEADER_TIMEOUT`: how long a request head may take to arrive, counted from when
    /// the connection is ready for one (so also how long a keep-alive connection may idle).
    pub header_timeout: Duration,
    /// `HTTP_WRITE_TIMEOUT`: how long a write may wait for a client that stopped reading.
    pub write_timeout: Duration,
    /// `HTTP_MAX_CONNECTIONS`: connections open at once.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(60),
            max_connections: 1_024,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` fires, then stops accepting
/// and lets open requests and streams finish for up to `grace`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
    grace: Duration,
) -> io::Result<()> {
    let app = app.layer(axum::middleware::from_fn(read_small_body));
    let server = accept_loop(listener, app, limits, shutdown.clone());
    crate::shutdown::drain_within(server, shutdown, grace).await
}

/// Bodies declared (`Content-Length`) up to this size are read before the request is handled.
pub const SMALL_BODY: usize = 64 * 1024;

/// How long such a body may take to arrive once the request head has.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// Reads a small request body in full before the request is handled. hyper closes a
/// keep-alive connection whose request body was left unread, so without this a request
/// refused before its body is read (a 401, a 429) closes the connection, and a client that
/// had already sent its next request on it sees "server disconnected". Bodies of unknown
/// length or over [`SMALL_BODY`] stream to the handler as before.
pub async fn read_small_body(request: Request, next: Next) -> Response {
    if !is_small_body(request.headers()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match tokio::time::timeout(BODY_TIMEOUT, axum::body::to_bytes(body, SMALL_BODY)).await {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Ok(Err(_)) => refused(StatusCode::BAD_REQUEST, "the request body could not be read"),
        Err(_) => refused(StatusCode::REQUEST_TIMEOUT, "the request body did not arrive in time"),
    }
}

/// Whether the request declares a body of 1 to [`SMALL_BODY`] bytes: one that
/// [`read_small_body`] has read in full before any handler sees it.
pub fn is_small_body(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok())
        .is_some_and(|n| n > 0 && n <= SMALL_BODY)
}

fn refused(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::REQUEST_TIMEOUT { "timeout" } else { "bad_request" };
    (status, axum::Json(serde_json::json!({"error": {"code": code, "message": message}}))).into_response()
}

async fn accept_loop(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(limits.header_timeout)
        .keep_alive_timeout(limits.header_timeout);
    let builder = Arc::new(builder);
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => permit.map_err(io::Error::other)?,
            () = shutdown.cancelled() => break,
        };
        let tcp = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, _)) => tcp,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        // Without TCP_NODELAY each SSE frame after the headers waits for the client's delayed ACK.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY");
        }
        let io = TokioIo::new(WriteDeadline::new(tcp, limits.write_timeout));
        let service = TowerToHyperService::new(
            app.clone().map_request(|request: axum::http::Request<Incoming>| request.map(Body::new)),
        );
        let watcher = graceful.watcher();
        let builder = builder.clone();
        tokio::spawn(async move {
            let connection = builder.serve_connection_with_upgrades(io, service);
            if let Err(e) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A TCP stream whose writes fail with `TimedOut` once one has waited `timeout` for the
/// client to read.
struct WriteDeadline {
    inner: TcpStream,
    timeout: Duration,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(inner: TcpStream, timeout: Duration) -> Self {
        Self { inner, timeout, waiting: None }
    }

    /// After a write (or flush) was `pending`: an error once it has waited too long.
    fn check<T>(&mut self, pending: Poll<io::Result<T>>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        if pending.is_ready() {
            self.waiting = None;
            return pending;
        }
        let timeout = self.timeout;
        let sleep = self.waiting.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => {
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading")))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.check(polled, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.check(polled, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_flush(cx);
        self.check(polled, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
