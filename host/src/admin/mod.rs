//! Operators: who may do what, the registry of uploaded plugin versions,
//! verification, activation and rollback, and the audit log. A domain
//! service: it knows no HTTP framework; `http::routes::admin` serves it.
//!
//! - `auth`: roles, tokens (created once, stored as sha256) and checks.
//! - `signature`: the detached ed25519 signature format of uploads.
//! - `verify`: what an uploaded component must pass before it may run.
//! - `versions`: uploading and listing versions.
//! - `activation`: loading a version and swapping it in, rolling back,
//!   and restoring the serving versions at start-up.
//! - `status`: what the admin API shows of districts and plugins.
//! - `watch`: development mode, reloading plugins whose file changed.

mod activation;
mod auth;
mod error;
pub mod signature;
mod status;
mod verify;
mod versions;
pub mod watch;

pub use activation::{ActivationOutcome, ActivationRequest};
pub use auth::{NewToken, Principal, Role, create_token, hash_token};
pub use error::AdminError;
pub use status::{DistrictStatus, GrantsView, PluginStatus, VersionView};
pub use versions::UploadOutcome;

use crate::registry::{District, Registry};
use crate::runtime::Runtime;
use crate::storage::{AuditEntry, Storage};
use std::sync::Arc;

/// The operators' service; clone it freely.
#[derive(Clone)]
pub struct Admin {
    inner: Arc<Inner>,
}

struct Inner {
    storage: Storage,
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    /// One activation at a time, so the recorded order is the real one.
    activation: tokio::sync::Mutex<()>,
}

impl Admin {
    /// The service over a running registry.
    pub fn new(storage: Storage, registry: Arc<Registry>, runtime: Arc<Runtime>) -> Self {
        Self {
            inner: Arc::new(Inner {
                storage,
                registry,
                runtime,
                activation: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The district `id`, once `who` may manage it.
    fn district(&self, who: &Principal, id: &str) -> Result<&District, AdminError> {
        who.authorize(id)?;
        self.inner
            .registry
            .district(id)
            .ok_or_else(|| AdminError::UnknownDistrict(id.to_owned()))
    }

    /// Records an action in the audit log; a failure to record is logged,
    /// never hidden from the operator's result.
    async fn audit(&self, entry: AuditEntry) {
        if let Err(e) = self.inner.storage.audit().record(&entry).await {
            tracing::error!(action = %entry.action, error = %e, "failed to write the audit log");
        }
    }

    /// Runs `action`, recording its outcome in the audit log.
    async fn audited<T>(
        &self,
        mut entry: AuditEntry,
        action: impl Future<Output = Result<(T, String), AdminError>>,
    ) -> Result<T, AdminError> {
        match action.await {
            Ok((value, detail)) => {
                entry.outcome = "ok".into();
                entry.detail = detail;
                self.audit(entry).await;
                Ok(value)
            }
            Err(e) => {
                entry.outcome = match e {
                    AdminError::Forbidden(_) => "denied",
                    _ => "failed",
                }
                .into();
                entry.detail = e.to_string();
                self.audit(entry).await;
                Err(e)
            }
        }
    }
}
