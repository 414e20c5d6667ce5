//! Plugin health: for each plugin of each district the caller may watch,
//! its calls, failures by reason, p50/p99 latency of the latest calls,
//! circuit-breaker state and the version serving now.

use super::{ControlCentre, ControlError};
use crate::admin::Principal;
use crate::call_stats::CallSnapshot;
use crate::runtime::{BreakerState, BreakerStatus};
use serde::Serialize;

/// How a plugin is doing, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HealthState {
    /// Serving without trouble.
    Ok,
    /// Some recent calls failed.
    Degraded,
    /// Breaker open, or failing at least the configured share of calls.
    Failing,
}

/// One plugin's health.
#[derive(Debug, Clone, Serialize)]
pub struct PluginHealth {
    /// Plugin id.
    pub plugin: String,
    /// The world it implements.
    pub kind: String,
    /// The uploaded version serving now; none when the config's file does.
    pub version: Option<i64>,
    /// Digest of the component serving now.
    pub sha256: String,
    /// In one word.
    pub state: HealthState,
    /// Its circuit breaker.
    pub breaker: BreakerStatus,
    /// Its calls.
    #[serde(flatten)]
    pub calls: CallSnapshot,
}

/// The plugins of one district.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictHealth {
    /// District id.
    pub district: String,
    /// Display name.
    pub name: String,
    /// Its plugins, in id order.
    pub plugins: Vec<PluginHealth>,
}

impl ControlCentre {
    /// Health of every plugin `who` may watch (of `district` only, when
    /// given).
    pub async fn health(
        &self,
        who: &Principal,
        district: Option<&str>,
    ) -> Result<Vec<DistrictHealth>, ControlError> {
        let mut out = Vec::new();
        let ids: Vec<String> = match district {
            Some(d) => vec![self.district(who, d)?.id.clone()],
            None => self.visible(who).map(|d| d.id.clone()).collect(),
        };
        for id in ids {
            let d = self.district(who, &id)?;
            let mut plugins = Vec::new();
            for status in self.inner.admin.plugins(who, &id).await? {
                plugins.push(PluginHealth {
                    state: self.plugin_state(&id, &status.id),
                    calls: self.inner.metrics.call_stats.snapshot(&id, &status.id),
                    plugin: status.id,
                    kind: status.kind,
                    version: status.version,
                    sha256: status.sha256,
                    breaker: status.breaker,
                });
            }
            out.push(DistrictHealth {
                district: id,
                name: d.name.clone(),
                plugins,
            });
        }
        Ok(out)
    }

    /// How one plugin is doing now.
    pub(super) fn plugin_state(&self, district: &str, plugin: &str) -> HealthState {
        let breaker = self.inner.runtime.breaker_status(district, plugin);
        let calls = self.inner.metrics.call_stats.snapshot(district, plugin);
        classify(
            &breaker,
            &calls,
            self.inner.config.plugin_error_percent,
            self.inner.config.plugin_min_calls,
        )
    }
}

/// Failing when the breaker is not closed or enough recent calls failed;
/// degraded when any recent call failed.
pub(super) fn classify(
    breaker: &BreakerStatus,
    calls: &CallSnapshot,
    error_percent: f64,
    min_calls: u64,
) -> HealthState {
    if breaker.state != BreakerState::Closed {
        return HealthState::Failing;
    }
    let share = if calls.recent_calls == 0 {
        0.0
    } else {
        calls.recent_failures as f64 * 100.0 / calls.recent_calls as f64
    };
    if calls.recent_calls >= min_calls && share >= error_percent {
        HealthState::Failing
    } else if calls.recent_failures > 0 {
        HealthState::Degraded
    } else {
        HealthState::Ok
    }
}
