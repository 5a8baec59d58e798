//! Graceful shutdown: a cancellation token tripped by Ctrl-C or SIGTERM.

use tokio_util::sync::CancellationToken;

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
