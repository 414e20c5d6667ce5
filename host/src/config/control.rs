//! `[control]`: the control centre — how often alert rules are
//! evaluated and pages are pushed fresh figures, how long an operator's
//! browser session lasts, and the thresholds of the alert rules.

use serde::Deserialize;

/// `[control]`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ControlConfig {
    /// How often alert rules run and occupancy is sampled, in ms.
    pub evaluate_ms: u64,
    /// How often open pages are sent fresh figures, in ms.
    pub push_ms: u64,
    /// How long a browser session lasts, in hours.
    pub session_hours: u64,
    /// A car park at or above this occupancy (percent) is full.
    pub parking_full_percent: f64,
    /// The window the surge and spike rules look back over, in minutes.
    pub window_minutes: u64,
    /// People entering a district within the window that make a surge.
    pub footfall_surge_people: i64,
    /// kWh used by a district within the window that make a spike.
    pub energy_spike_kwh: f64,
    /// A plugin failing at least this share (percent) of its recent
    /// calls is failing; its breaker being open always is.
    pub plugin_error_percent: f64,
    /// Fewest recent calls before the error share counts.
    pub plugin_min_calls: u64,
}

impl Default for ControlConfig {
    fn default() -> Self {
        Self {
            evaluate_ms: 15_000,
            push_ms: 2_000,
            session_hours: 12,
            parking_full_percent: 95.0,
            window_minutes: 5,
            footfall_surge_people: 2_000,
            energy_spike_kwh: 500.0,
            plugin_error_percent: 50.0,
            plugin_min_calls: 20,
        }
    }
}

/// Checks `[control]`; the error names the key and why.
pub(super) fn validate(c: &ControlConfig) -> Result<(), (String, String)> {
    let positive = [
        ("control.evaluate_ms", c.evaluate_ms),
        ("control.push_ms", c.push_ms),
        ("control.session_hours", c.session_hours),
        ("control.window_minutes", c.window_minutes),
    ];
    for (key, value) in positive {
        if value == 0 {
            return Err((key.into(), "must be above 0".into()));
        }
    }
    let percents = [
        ("control.parking_full_percent", c.parking_full_percent),
        ("control.plugin_error_percent", c.plugin_error_percent),
    ];
    for (key, value) in percents {
        if !(value > 0.0 && value <= 100.0) {
            return Err((key.into(), "must be within (0, 100]".into()));
        }
    }
    Ok(())
}
