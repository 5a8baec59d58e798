//! A server running in-process on port 0: where it listens, how to stop it, and its task.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// A running server: its base URL, the token that stops it, and its task (ends when it has stopped).
pub struct Running {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// Cancelling starts the graceful shutdown.
    pub shutdown: CancellationToken,
    /// The server itself; resolves once it has stopped.
    pub handle: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Binds `127.0.0.1:0` and spawns `serve(listener, shutdown)` on it.
    pub async fn spawn<F>(serve: impl FnOnce(tokio::net::TcpListener, CancellationToken) -> F) -> Self
    where
        F: Future<Output = std::io::Result<()>> + Send + 'static,
    {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shutdown = CancellationToken::new();
        let handle = tokio::spawn(serve(listener, shutdown.clone()));
        Self { base, shutdown, handle }
    }

    /// Starts the shutdown and waits (at most 20 s) for the server to stop.
    pub async fn stop(self) {
        self.shutdown.cancel();
        let stopped = tokio::time::timeout(Duration::from_secs(20), self.handle).await;
        assert!(matches!(stopped, Ok(Ok(Ok(())))), "the server did not stop cleanly");
    }
}

/// Polls `url` until it answers 200 (a server started as a child process coming up); panics
/// after 30 s.
pub async fn wait_until_ok(url: &str) {
    for _ in 0..600 {
        if reqwest::get(url).await.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{url} did not answer 200 within 30 s");
}
