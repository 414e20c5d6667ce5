//! `plaza serve`: run until SIGINT or SIGTERM, then let in-flight requests
//! finish. With `--watch`, plugins are reloaded when their files change.

use crate::server::{self, ServeOptions};
use anyhow::Context;

pub(super) async fn run(options: ServeOptions, watch: bool) -> anyhow::Result<()> {
    let server = server::start(options).await?;
    println!("plaza listening on {}", server.url());
    let watcher = watch.then(|| crate::admin::watch::spawn(server.plaza.admin.clone()));
    shutdown_signal().await;
    if let Some(watcher) = watcher {
        watcher.abort();
    }
    tracing::info!("shutting down; letting in-flight requests finish");
    server
        .shutdown()
        .await
        .context("server failed while shutting down")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
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
    {
        let _ = ctrl_c.await;
    }
}
