//! Alerts: threshold rules run every `[control] evaluate_ms` — a car
//! park full, a footfall surge, an energy spike, a plugin failing or its
//! breaker open — and each raises one alert per rule key while its
//! condition holds; the rule clears it once the condition has passed.
//! Operators acknowledge and clear alerts; everything is stored.
//!
//! Each tick also samples every district's occupancy, which the
//! statistics chart over time.

use super::health::HealthState;
use super::{ControlCentre, ControlError, now_ms, random_hex};
use crate::admin::Principal;
use crate::registry::District;
use crate::storage::{AlertFilter, AlertRecord, NewAlert};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// Who clears an alert whose condition has passed.
const RULE_ACTOR: &str = "rule: condition passed";

/// An alert as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    /// Alert id.
    pub id: String,
    /// District concerned.
    pub district: String,
    /// `parking_full`, `footfall_surge`, `energy_spike`,
    /// `plugin_failing` or `emergency`.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The car park, plugin or area concerned.
    pub subject: String,
    /// For people.
    pub message: String,
    /// `open`, `acknowledged` or `cleared`.
    pub status: String,
    /// When it was raised, milliseconds since the Unix epoch.
    pub raised_at_ms: i64,
    /// Who acknowledged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at_ms: Option<i64>,
    /// Who cleared it (`rule: condition passed` when its rule did).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleared_by: Option<String>,
    /// When.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cleared_at_ms: Option<i64>,
}

impl From<AlertRecord> for AlertView {
    fn from(r: AlertRecord) -> Self {
        Self {
            id: r.id,
            district: r.district,
            kind: r.kind,
            severity: r.severity,
            subject: r.subject,
            message: r.message,
            status: r.status,
            raised_at_ms: r.raised_at,
            acknowledged_by: r.acknowledged_by,
            acknowledged_at_ms: r.acknowledged_at,
            cleared_by: r.cleared_by,
            cleared_at_ms: r.cleared_at,
        }
    }
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AlertsQuery {
    /// Only this district.
    pub district: Option<String>,
    /// Cleared ones too.
    #[serde(default)]
    pub include_cleared: bool,
    /// At most this many (default 200, at most 1000).
    pub limit: Option<u32>,
}

/// One rule's verdict on this tick.
struct Verdict {
    key: String,
    alert: Option<NewAlert>,
}

impl ControlCentre {
    /// Alerts `who` may see, newest first.
    pub async fn alerts(
        &self,
        who: &Principal,
        query: &AlertsQuery,
    ) -> Result<Vec<AlertView>, ControlError> {
        let limit = query.limit.unwrap_or(200);
        if limit == 0 || limit > 1000 {
            return Err(ControlError::InvalidQuery(
                "limit must be within 1..=1000".into(),
            ));
        }
        let districts = match &query.district {
            Some(d) => vec![self.district(who, d)?.id.clone()],
            None => self.visible(who).map(|d| d.id.clone()).collect(),
        };
        let filter = AlertFilter {
            districts: Some(districts),
            include_cleared: query.include_cleared,
            limit,
        };
        let rows = self.inner.storage.control().alerts(&filter).await?;
        Ok(rows.into_iter().map(AlertView::from).collect())
    }

    /// Acknowledges an open alert.
    pub async fn acknowledge(&self, who: &Principal, id: &str) -> Result<AlertView, ControlError> {
        let alert = self.visible_alert(who, id).await?;
        let store = self.inner.storage.control();
        if !store.acknowledge_alert(id, &who.actor(), now_ms()).await? {
            return Err(ControlError::AlertState(format!(
                "alert {id:?} is {}; only an open alert can be acknowledged",
                alert.status
            )));
        }
        tracing::info!(alert = id, district = %alert.district, "alert acknowledged");
        self.notify_alerts();
        self.visible_alert(who, id).await.map(AlertView::from)
    }

    /// Clears an unresolved alert.
    pub async fn clear(&self, who: &Principal, id: &str) -> Result<AlertView, ControlError> {
        let alert = self.visible_alert(who, id).await?;
        let store = self.inner.storage.control();
        if !store.clear_alert(id, &who.actor(), now_ms()).await? {
            return Err(ControlError::AlertState(format!(
                "alert {id:?} is already cleared"
            )));
        }
        tracing::info!(alert = id, district = %alert.district, "alert cleared");
        self.notify_alerts();
        self.visible_alert(who, id).await.map(AlertView::from)
    }

    async fn visible_alert(&self, who: &Principal, id: &str) -> Result<AlertRecord, ControlError> {
        match self.inner.storage.control().alert(id).await? {
            Some(a) if who.may_manage(&a.district) => Ok(a),
            _ => Err(ControlError::UnknownAlert(id.to_owned())),
        }
    }

    /// Runs every rule over every district once, samples occupancy,
    /// raises new alerts and clears those whose condition has passed.
    pub async fn evaluate(&self) -> Result<(), ControlError> {
        let now = now_ms();
        let store = self.inner.storage.control();
        let mut verdicts = Vec::new();
        for d in self.inner.registry.districts() {
            verdicts.extend(self.district_rules(d, now).await?);
            verdicts.extend(self.plugin_rules(d, now)?);
        }
        let unresolved: HashSet<String> = store.unresolved_rule_keys().await?.into_iter().collect();
        let mut changed = false;
        for verdict in verdicts {
            match verdict.alert {
                Some(alert) if !unresolved.contains(&verdict.key) => {
                    let raised = store.raise_alert(&alert).await?;
                    if raised {
                        tracing::warn!(district = %alert.district, kind = %alert.kind,
                            severity = %alert.severity, subject = %alert.subject,
                            "alert raised");
                        changed = true;
                    }
                }
                Some(_) => {}
                None if unresolved.contains(&verdict.key) => {
                    if let Some(id) = store.clear_rule(&verdict.key, RULE_ACTOR, now).await? {
                        tracing::info!(alert = %id, key = %verdict.key,
                            "alert cleared by its rule");
                        changed = true;
                    }
                }
                None => {}
            }
        }
        if changed {
            self.notify_alerts();
        }
        Ok(())
    }

    async fn district_rules(&self, d: &District, now: i64) -> Result<Vec<Verdict>, ControlError> {
        let config = &self.inner.config;
        let readings = self.inner.storage.readings();
        let store = self.inner.storage.control();
        let mut out = Vec::new();

        let parks = readings.spaces_by_car_park(&d.id).await?;
        let sensed: i64 = parks.iter().map(|p| p.reported).sum();
        let occupied: i64 = parks.iter().map(|p| p.occupied).sum();
        if sensed > 0 {
            store.sample_occupancy(&d.id, now, occupied, sensed).await?;
        }
        for park in parks.iter().filter(|p| p.reported > 0) {
            let percent = park.occupied as f64 * 100.0 / park.reported as f64;
            let full = percent >= config.parking_full_percent;
            let message = format!(
                "car park {} is {percent:.0}% full ({} of {} sensed spaces occupied)",
                park.car_park, park.occupied, park.reported
            );
            let severity = if park.occupied >= park.reported {
                "critical"
            } else {
                "warning"
            };
            let key = format!("parking_full:{}:{}", d.id, park.car_park);
            let alert = full.then(|| {
                new_alert(
                    d,
                    &key,
                    "parking_full",
                    severity,
                    &park.car_park,
                    message,
                    now,
                )
            });
            out.push(Verdict { key, alert });
        }

        let window = config.window_minutes as i64 * 60_000;
        let since = now - window;
        let flows = store
            .flows(&d.id, "minute", since, window * 2, since, now + 1)
            .await?;
        let people: i64 = flows
            .iter()
            .filter(|f| f.kind == "people")
            .map(|f| f.entered)
            .sum();
        let kwh: f64 = flows
            .iter()
            .filter(|f| f.kind == "energy")
            .map(|f| f.kwh)
            .sum();
        let minutes = config.window_minutes;

        let key = format!("footfall_surge:{}", d.id);
        let surge = people >= config.footfall_surge_people;
        let message = format!(
            "{people} people entered in the last {minutes} minutes (threshold {})",
            config.footfall_surge_people
        );
        let alert = surge.then(|| {
            new_alert(
                d,
                &key,
                "footfall_surge",
                "warning",
                "entrances",
                message,
                now,
            )
        });
        out.push(Verdict { key, alert });

        let key = format!("energy_spike:{}", d.id);
        let spike = kwh >= config.energy_spike_kwh;
        let message = format!(
            "{kwh:.1} kWh used in the last {minutes} minutes (threshold {})",
            config.energy_spike_kwh
        );
        let alert =
            spike.then(|| new_alert(d, &key, "energy_spike", "warning", "meters", message, now));
        out.push(Verdict { key, alert });
        Ok(out)
    }

    fn plugin_rules(&self, d: &District, now: i64) -> Result<Vec<Verdict>, ControlError> {
        let mut out = Vec::new();
        for plugin in d.plugins() {
            let id = plugin.meta.id.to_string();
            let key = format!("plugin_failing:{}:{id}", d.id);
            let alert = match self.plugin_state(&d.id, &id) {
                HealthState::Failing => {
                    let breaker = self.inner.runtime.breaker_status(&d.id, &id);
                    let calls = self.inner.metrics.call_stats.snapshot(&d.id, &id);
                    let (severity, message) =
                        if breaker.state == crate::runtime::BreakerState::Closed {
                            let m = format!(
                                "plugin {id} failed {} of its last {} calls",
                                calls.recent_failures, calls.recent_calls
                            );
                            ("warning", m)
                        } else {
                            let m = format!(
                                "plugin {id}: circuit breaker {} after repeated failures",
                                serde_json::to_value(breaker.state)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_owned))
                                    .unwrap_or_default()
                            );
                            ("critical", m)
                        };
                    Some(new_alert(
                        d,
                        &key,
                        "plugin_failing",
                        severity,
                        &id,
                        message,
                        now,
                    ))
                }
                _ => None,
            };
            out.push(Verdict { key, alert });
        }
        Ok(out)
    }
}

fn new_alert(
    d: &District,
    key: &str,
    kind: &str,
    severity: &str,
    subject: &str,
    message: String,
    now: i64,
) -> NewAlert {
    NewAlert {
        // Randomness failing is as good as impossible; the key keeps the
        // alert unique enough to trace even then.
        id: random_hex(8).unwrap_or_else(|_| format!("{key}:{now}")),
        district: d.id.clone(),
        rule_key: key.to_owned(),
        kind: kind.to_owned(),
        severity: severity.to_owned(),
        subject: subject.to_owned(),
        message,
        at: now,
    }
}
