//! When `serve` stops: Ctrl-C (SIGINT) or SIGTERM — what systemd, Docker
//! and Kubernetes send. Either way the server drains and then writes the
//! final SM2-signed anchor of the audit chain (issue #20), so a stop by a
//! service manager leaves the same proof as one by hand.

/// Resolves at the first SIGINT or SIGTERM.
pub(crate) async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
