//! Development mode (`plaza serve --watch`): every plugin whose config
//! file changes on disk is reloaded and swapped in like an activation.
//! Files are polled (size, modification time, then digest) twice a second;
//! no file-notification machinery is needed.

use super::{Admin, Principal};
use crate::storage::AuditEntry;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use tokio::task::JoinHandle;

/// How often files are looked at.
pub const POLL_INTERVAL: Duration = Duration::from_millis(500);

type Stamp = (u64, Option<SystemTime>);

fn stamp(path: &PathBuf) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.len(), meta.modified().ok()))
}

/// Starts watching every plugin file of the config; stops when the
/// returned task is aborted.
pub fn spawn(admin: Admin) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen: HashMap<(String, String), Stamp> = HashMap::new();
        for d in admin.inner.registry.districts() {
            for (plugin, path) in &d.paths {
                if let Some(s) = stamp(path) {
                    seen.insert((d.id.clone(), plugin.clone()), s);
                }
            }
        }
        tracing::info!(files = seen.len(), "watching plugin files for changes");
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        loop {
            tick.tick().await;
            for d in admin.inner.registry.districts() {
                for (plugin, path) in &d.paths {
                    let key = (d.id.clone(), plugin.clone());
                    let Some(now) = stamp(path) else { continue };
                    if seen.get(&key) == Some(&now) {
                        continue;
                    }
                    seen.insert(key, now);
                    admin.reload_from_file(&d.id, plugin, path).await;
                }
            }
        }
    })
}

impl Admin {
    /// Loads the slot's file again and swaps it in when its digest
    /// changed; a failure leaves the old plugin serving.
    async fn reload_from_file(&self, district: &str, plugin: &str, path: &PathBuf) {
        let Some(d) = self.inner.registry.district(district) else {
            return;
        };
        let (Some((spec, sandbox)), Some(current)) = (d.slot_spec(plugin), d.plugin(plugin)) else {
            return;
        };
        let bytes = match tokio::fs::read(path).await {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::warn!(district, plugin, path = %path.display(), error = %e,
                    "failed to read the changed plugin file");
                return;
            }
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        if sha256 == current.meta.sha256 {
            return;
        }
        let mut spec = spec.clone();
        spec.bytes = bytes;
        spec.sha256 = sha256.clone();
        let entry = AuditEntry {
            actor: Principal::local("watch").actor(),
            action: "plugin.reload".into(),
            district: Some(district.to_owned()),
            plugin: Some(plugin.to_owned()),
            ..AuditEntry::default()
        };
        let _guard = self.inner.activation.lock().await;
        let result = self.inner.runtime.load_with(spec, sandbox.clone()).await;
        let outcome = match result {
            Ok(loaded) => {
                if d.swap(loaded).is_ok() {
                    self.inner.runtime.reset_breaker(district, plugin);
                }
                tracing::info!(district, plugin, sha256 = %sha256, "plugin reloaded from file");
                ("ok", format!("sha256 {sha256} from {}", path.display()))
            }
            Err(why) => {
                tracing::warn!(district, plugin, error = %why,
                    "changed plugin file failed to load; the old version keeps serving");
                ("failed", why)
            }
        };
        let entry = AuditEntry {
            outcome: outcome.0.into(),
            detail: outcome.1,
            ..entry
        };
        self.audit(entry).await;
    }
}
