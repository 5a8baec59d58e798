//! Graceful shutdown: a cancellation token tripped by Ctrl-C or SIGTERM, and a bound on how
//! long a server may then take to drain its in-flight requests and streams (used by
//! the `serve` module, which both services serve their routers with).

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// How long in-flight work may take after SIGTERM when `SHUTDOWN_GRACE` is unset.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(30);

/// Cancels `token` on Ctrl-C or (on Unix) SIGTERM; servers then finish in-flight requests.
pub async fn on_signal(token: CancellationToken) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing in-flight requests");
    token.cancel();
}

/// Drives `server` (an axum server already set to drain when `shutdown` fires) to its end,
/// but for no longer than `grace` once `shutdown` has fired: past that it returns and what
/// is still open is left behind, to be dropped when the process exits.
pub async fn drain_within<F>(server: F, shutdown: CancellationToken, grace: Duration) -> std::io::Result<()>
where
    F: IntoFuture<Output = std::io::Result<()>>,
{
    let server = server.into_future();
    tokio::pin!(server);
    let deadline = async {
        shutdown.cancelled().await;
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        result = &mut server => result,
        () = deadline => {
            tracing::warn!(grace_secs = grace.as_secs_f64(), "grace period over: abandoning requests still in flight");
            Ok(())
        }
    }
}
