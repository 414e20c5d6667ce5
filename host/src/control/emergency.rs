//! Emergency broadcasts on the in-process event bus become alerts.
//!
//! The host's public-service side publishes them as plugin `plaza`:
//! topic `alerts/emergency` with `{"id", "district", "severity", "area",
//! "text", "issued_at_ms", "expires_at_ms", "issued_by"}` raises one, and
//! `alerts/emergency/cleared` with `{"id", "district"}` clears it. An
//! emergency also clears itself when `expires_at_ms` passes.

use super::{ControlCentre, ControlError, now_ms, random_hex};
use crate::events::Event;
use crate::storage::{ControlStore, NewAlert};
use serde::Deserialize;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;

/// Topic of an emergency broadcast's end.
pub use crate::domain::public_services::CLEARED_TOPIC as EMERGENCY_CLEARED_TOPIC;
/// Only the host itself may broadcast emergencies.
use crate::domain::public_services::HOST_PUBLISHER as PUBLISHER;
/// Topic of an emergency broadcast, as public services publish it.
pub use crate::domain::public_services::ISSUED_TOPIC as EMERGENCY_TOPIC;

/// Tries at storing one emergency's alert before giving up on it.
const STORE_ATTEMPTS: u32 = 5;

#[derive(Debug, Deserialize)]
struct Broadcast {
    id: String,
    district: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    area: String,
    text: String,
    #[serde(default)]
    expires_at_ms: Option<i64>,
    #[serde(default)]
    issued_by: String,
}

#[derive(Debug, Deserialize)]
struct Cleared {
    id: String,
}

/// What handling one event did.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Handled {
    /// Not an emergency event.
    Ignored,
    /// Raised an alert; it expires then, if it says so.
    Raised(Option<i64>),
    /// Cleared the alert of this broadcast id.
    Cleared(String),
    /// Nothing changed (already raised, or nothing to clear).
    Unchanged,
}

fn rule_key(id: &str) -> String {
    format!("emergency:{id}")
}

fn severity(given: &str) -> &'static str {
    match given.to_ascii_lowercase().as_str() {
        "info" | "information" | "advisory" => "info",
        "warning" | "watch" | "moderate" => "warning",
        // Anything else, or nothing, in an emergency is critical.
        _ => "critical",
    }
}

/// Turns one bus event into an alert change.
pub(super) async fn handle(store: &ControlStore, event: &Event) -> Result<Handled, ControlError> {
    if &*event.plugin != PUBLISHER {
        return Ok(Handled::Ignored);
    }
    let bad = |e: serde_json::Error| {
        ControlError::InvalidQuery(format!(
            "emergency event {:?} is malformed: {e}",
            event.topic
        ))
    };
    match event.topic.as_str() {
        EMERGENCY_TOPIC => {
            let b: Broadcast = serde_json::from_slice(&event.payload).map_err(bad)?;
            let by = if b.issued_by.is_empty() { "" } else { " — " };
            let alert = NewAlert {
                id: random_hex(8)?,
                district: b.district.clone(),
                rule_key: rule_key(&b.id),
                kind: "emergency".into(),
                severity: severity(&b.severity).into(),
                subject: if b.area.is_empty() {
                    "district".into()
                } else {
                    b.area
                },
                message: format!("{}{by}{}", b.text, b.issued_by),
                at: now_ms(),
            };
            Ok(if store.raise_alert(&alert).await? {
                tracing::warn!(district = %b.district, broadcast = %b.id,
                    "emergency broadcast raised an alert");
                Handled::Raised(b.expires_at_ms)
            } else {
                Handled::Unchanged
            })
        }
        EMERGENCY_CLEARED_TOPIC => {
            let c: Cleared = serde_json::from_slice(&event.payload).map_err(bad)?;
            let by = "emergency broadcast cleared";
            Ok(
                match store.clear_rule(&rule_key(&c.id), by, now_ms()).await? {
                    Some(_) => Handled::Cleared(c.id),
                    None => Handled::Unchanged,
                },
            )
        }
        _ => Ok(Handled::Ignored),
    }
}

/// Listens to the bus for emergency broadcasts until aborted.
pub(super) fn listen(control: ControlCentre) -> JoinHandle<()> {
    let mut events = control.inner.events.subscribe();
    tokio::spawn(async move {
        loop {
            let event = match events.recv().await {
                Ok(event) => event,
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "control centre fell behind the event bus");
                    continue;
                }
                Err(RecvError::Closed) => return,
            };
            let store = control.inner.storage.control();
            match handle_with_retries(&store, &event).await {
                Ok(Handled::Raised(expires)) => {
                    control.notify_alerts();
                    if let Some(at) = expires {
                        expire_later(control.clone(), &event, at);
                    }
                }
                Ok(Handled::Cleared(_)) => control.notify_alerts(),
                Ok(Handled::Ignored | Handled::Unchanged) => {}
                Err(e) => tracing::warn!(topic = %event.topic, error = %e,
                    "emergency event not turned into an alert"),
            }
        }
    })
}

/// [`handle`], tried again a few times when the database fails, so a
/// passing storage error does not lose an emergency's alert.
async fn handle_with_retries(store: &ControlStore, event: &Event) -> Result<Handled, ControlError> {
    let mut wait = Duration::from_millis(100);
    for _ in 1..STORE_ATTEMPTS {
        match handle(store, event).await {
            Err(ControlError::Storage(e)) => {
                tracing::warn!(topic = %event.topic, error = %e, retry_ms = wait.as_millis() as u64,
                    "emergency alert not stored yet; retrying");
                tokio::time::sleep(wait).await;
                wait *= 2;
            }
            done => return done,
        }
    }
    handle(store, event).await
}

/// Clears an emergency's alert when it expires.
fn expire_later(control: ControlCentre, event: &Event, at: i64) {
    let Ok(b) = serde_json::from_slice::<Broadcast>(&event.payload) else {
        return;
    };
    tokio::spawn(async move {
        let wait = (at - now_ms()).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(wait)).await;
        let store = control.inner.storage.control();
        match store
            .clear_rule(&rule_key(&b.id), "emergency expired", now_ms())
            .await
        {
            Ok(Some(_)) => control.notify_alerts(),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "failed to clear an expired emergency"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::EventBus;
    use crate::storage::{AlertFilter, Storage};
    use std::sync::Arc;

    fn event(plugin: &str, topic: &str, payload: serde_json::Value) -> Event {
        Event {
            district: "jiefangbei".into(),
            plugin: Arc::from(plugin),
            topic: topic.into(),
            payload: payload.to_string().into(),
            at_ms: 0,
        }
    }

    #[tokio::test]
    async fn an_emergency_on_the_bus_raises_an_alert_and_its_clearing_clears_it() {
        let storage = Storage::in_memory().await.unwrap();
        let store = storage.control();
        let bus = EventBus::new();
        let mut rx = bus.subscribe();
        bus.publish(event(
            "plaza",
            EMERGENCY_TOPIC,
            serde_json::json!({"id": "e1", "district": "jiefangbei", "severity": "severe",
                "area": "Minzu Road", "text": "Flooding: keep clear", "issued_at_ms": 1,
                "expires_at_ms": null, "issued_by": "city emergency office"}),
        ));
        bus.publish(event(
            "someone",
            EMERGENCY_TOPIC,
            serde_json::json!({"id": "e2", "district": "jiefangbei", "text": "forged"}),
        ));
        bus.publish(event(
            "plaza",
            EMERGENCY_CLEARED_TOPIC,
            serde_json::json!({"id": "e1", "district": "jiefangbei"}),
        ));

        let first = rx.recv().await.unwrap();
        assert_eq!(handle(&store, &first).await.unwrap(), Handled::Raised(None));
        let all = AlertFilter {
            include_cleared: true,
            limit: 10,
            ..AlertFilter::default()
        };
        let alerts = store.alerts(&all).await.unwrap();
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, "emergency");
        assert_eq!(alerts[0].severity, "critical");
        assert_eq!(alerts[0].subject, "Minzu Road");
        assert!(alerts[0].message.contains("Flooding"));

        let forged = rx.recv().await.unwrap();
        assert_eq!(handle(&store, &forged).await.unwrap(), Handled::Ignored);
        let cleared = rx.recv().await.unwrap();
        assert_eq!(
            handle(&store, &cleared).await.unwrap(),
            Handled::Cleared("e1".into())
        );
        let alerts = store.alerts(&all).await.unwrap();
        assert_eq!(alerts.len(), 1, "the forged broadcast raised nothing");
        assert_eq!(alerts[0].status, "cleared");
    }
}
