//! The control centre: what a city operator (every district) or a
//! district operator (their own) watches in the browser.
//!
//! | part | file |
//! | --- | --- |
//! | live figures of each district for the overview | `overview` |
//! | statistics per bucket (minute, hour, day), CSV | `stats` |
//! | plugin health: calls, failures, p50/p99, breaker, version | `health` |
//! | alert rules, alert lifecycle | `alerts` |
//! | emergency broadcasts from the event bus | `emergency` |
//! | operators' browser sessions | `sessions` |
//! | the pages and their embedded assets | `pages` |
//! | what live pages are pushed | `sse` |
//!
//! It reads storage and the runtime's statistics; it knows no axum type:
//! `http::routes::control` turns it into routes.

mod alerts;
mod emergency;
mod error;
mod health;
mod overview;
pub mod pages;
mod sessions;
mod sse;
mod stats;

pub use alerts::{AlertView, AlertsQuery};
pub use emergency::{EMERGENCY_CLEARED_TOPIC, EMERGENCY_TOPIC};
pub use error::ControlError;
pub use health::{DistrictHealth, PluginHealth};
pub use overview::{CityOverview, DistrictOverview};
pub use sessions::{SESSION_COOKIE, Session};
pub use sse::Update;
pub use stats::{Bucket, StatsQuery, StatsRow, StatsTable};

use crate::admin::{Admin, Principal};
use crate::config::ControlConfig;
use crate::domain::readings::ReadingsService;
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::registry::{District, Registry};
use crate::runtime::Runtime;
use crate::storage::Storage;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A cheap handle to the control centre; clone it freely.
#[derive(Clone)]
pub struct ControlCentre {
    inner: Arc<Inner>,
}

struct Inner {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    storage: Storage,
    admin: Admin,
    readings: ReadingsService,
    metrics: Arc<Metrics>,
    events: EventBus,
    config: ControlConfig,
    /// Bumped whenever an alert is raised, acknowledged or cleared.
    alerts_changed: watch::Sender<u64>,
    /// Set once the server closes: live streams end so it can.
    closing: watch::Sender<bool>,
}

/// The background work of a control centre: rule evaluation and the
/// emergency listener. Dropping it stops both.
pub struct ControlTasks {
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for ControlTasks {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// What a control centre is built from.
pub struct ControlParts {
    /// Districts and plugins.
    pub registry: Arc<Registry>,
    /// The runtime, for breaker states.
    pub runtime: Arc<Runtime>,
    /// The database.
    pub storage: Storage,
    /// Operators, for tokens and plugin versions.
    pub admin: Admin,
    /// Metrics, for plugin call statistics.
    pub metrics: Arc<Metrics>,
    /// The in-process event stream, for emergency broadcasts.
    pub events: EventBus,
    /// `[control]`.
    pub config: ControlConfig,
}

impl ControlCentre {
    /// A control centre over these parts; nothing runs until
    /// [`ControlCentre::start`].
    pub fn new(parts: ControlParts) -> Self {
        let readings = ReadingsService::new(parts.registry.clone(), parts.storage.clone());
        Self {
            inner: Arc::new(Inner {
                registry: parts.registry,
                runtime: parts.runtime,
                storage: parts.storage,
                admin: parts.admin,
                readings,
                metrics: parts.metrics,
                events: parts.events,
                config: parts.config,
                alerts_changed: watch::channel(0).0,
                closing: watch::channel(false).0,
            }),
        }
    }

    /// Starts rule evaluation and the emergency listener.
    pub fn start(&self) -> ControlTasks {
        let evaluator = {
            let control = self.clone();
            let every = Duration::from_millis(self.inner.config.evaluate_ms);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    if let Err(e) = control.evaluate().await {
                        tracing::warn!(error = %e, "alert rules failed to run");
                    }
                }
            })
        };
        let listener = emergency::listen(self.clone());
        tracing::info!(
            evaluate_ms = self.inner.config.evaluate_ms,
            "control centre started"
        );
        ControlTasks {
            tasks: vec![evaluator, listener],
        }
    }

    /// `[control]` as loaded.
    pub fn config(&self) -> &ControlConfig {
        &self.inner.config
    }

    /// The districts `who` may watch, in id order.
    pub fn visible<'a>(&'a self, who: &'a Principal) -> impl Iterator<Item = &'a District> + 'a {
        self.inner
            .registry
            .districts()
            .filter(move |d| who.may_manage(&d.id))
    }

    /// The district `id`, if `who` may watch it.
    pub fn district(&self, who: &Principal, id: &str) -> Result<&District, ControlError> {
        let district = self
            .inner
            .registry
            .district(id)
            .ok_or_else(|| ControlError::UnknownDistrict(id.to_owned()))?;
        if !who.may_manage(id) {
            return Err(ControlError::Forbidden(format!(
                "this operator may not watch district {id:?}"
            )));
        }
        Ok(district)
    }

    /// Ends every live stream, for the server to shut down.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    fn notify_alerts(&self) {
        self.inner.alerts_changed.send_modify(|n| *n += 1);
    }
}

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Random hex of `bytes` bytes, for alert and session ids.
fn random_hex(bytes: usize) -> Result<String, ControlError> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)
        .map_err(|e| ControlError::Internal(format!("no randomness: {e}")))?;
    Ok(hex::encode(buf))
}
