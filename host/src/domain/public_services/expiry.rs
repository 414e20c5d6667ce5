//! The task that ends alerts on time: it sleeps until the next expiry
//! (or at most [`MAX_SLEEP`], or until an alert is issued or withdrawn),
//! then clears every alert that has ended.

use super::PublicServices;
use std::time::Duration;

/// Longest sleep between passes, so another replica's alerts are cleared
/// on time too.
const MAX_SLEEP: Duration = Duration::from_secs(1);

/// Shortest sleep, so a pass that keeps failing does not spin.
const MIN_SLEEP: Duration = Duration::from_millis(10);

/// Runs until aborted.
pub(super) async fn run(services: PublicServices) {
    loop {
        if let Err(e) = pass(&services).await {
            tracing::warn!(error = %e, "failed to clear ended alerts; retrying");
        }
        let store = services.inner.storage.broadcasts();
        let now = chrono::Utc::now().timestamp_millis();
        let wait = match store.next_expiry().await {
            Ok(Some(at)) => Duration::from_millis(u64::try_from(at - now).unwrap_or(0)),
            _ => MAX_SLEEP,
        };
        tokio::select! {
            () = tokio::time::sleep(wait.clamp(MIN_SLEEP, MAX_SLEEP)) => {}
            () = services.inner.wake.notified() => {}
        }
    }
}

async fn pass(services: &PublicServices) -> Result<(), super::PublicServiceError> {
    let now = chrono::Utc::now().timestamp_millis();
    let ended = services
        .inner
        .storage
        .broadcasts()
        .ended_uncleared(now)
        .await?;
    for record in ended {
        services.clear(&record).await?;
    }
    Ok(())
}
