//! Emergency broadcasts: a district operator (own district) or the city
//! admin (any district, or every district at once) issues an alert; it is
//! stored, listed to shoppers until it expires, published retained on
//! MQTT topic `plaza/{district}/alerts` and on the event bus as
//! `alerts/emergency` (plugin `plaza`) for the control centre. When it
//! expires or is withdrawn, `alerts/emergency/cleared` goes out and the
//! retained message is cleared (or replaced by the district's newest
//! alert still live).

use super::{PublicServiceError, PublicServices};
use crate::events::Event;
use crate::storage::BroadcastRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Severities an alert may have, mildest first.
pub const SEVERITIES: [&str; 3] = ["info", "warning", "critical"];

/// Longest an alert may stay live.
const MAX_TTL_MS: i64 = 7 * 24 * 3_600_000;
/// Longest `area` and `text` accepted, in characters.
const MAX_AREA: usize = 200;
const MAX_TEXT: usize = 2_000;

/// Event topic of an issued alert.
pub const ISSUED_TOPIC: &str = "alerts/emergency";
/// Event topic of an alert that expired or was withdrawn.
pub const CLEARED_TOPIC: &str = "alerts/emergency/cleared";
/// The `plugin` the host's own events carry.
pub const HOST_PUBLISHER: &str = "plaza";

/// An alert to issue.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BroadcastRequest {
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// Where it applies, e.g. "Jiefangbei square and Minzu Road".
    pub area: String,
    /// What shoppers should know or do.
    pub text: String,
    /// When it stops applying, RFC 3339; or give `ttl_seconds`.
    pub expires_at: Option<String>,
    /// How long it applies from now, in seconds; or give `expires_at`.
    pub ttl_seconds: Option<u64>,
}

/// An alert as the APIs, MQTT and the event bus show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Broadcast {
    /// Its id.
    pub id: String,
    /// District it is for.
    pub district: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// Where it applies.
    pub area: String,
    /// What it says.
    pub text: String,
    /// When it was issued, ms since the Unix epoch.
    pub issued_at_ms: i64,
    /// When it stops applying, ms since the Unix epoch.
    pub expires_at_ms: i64,
    /// Who issued it.
    pub issued_by: String,
}

impl Broadcast {
    pub(super) fn from_record(r: BroadcastRecord) -> Self {
        Self {
            id: r.id,
            district: r.district,
            severity: r.severity,
            area: r.area,
            text: r.text,
            issued_at_ms: r.issued_at,
            expires_at_ms: r.expires_at,
            issued_by: r.issued_by,
        }
    }

    /// The JSON published on MQTT and the event bus.
    pub(super) fn payload(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

fn invalid(why: impl Into<String>) -> PublicServiceError {
    PublicServiceError::InvalidRequest(why.into())
}

/// Checks `request` and works out its expiry.
fn expiry(request: &BroadcastRequest, now: i64) -> Result<i64, PublicServiceError> {
    if !SEVERITIES.contains(&request.severity.as_str()) {
        let why = format!(
            "severity {:?} is not one of {}",
            request.severity,
            SEVERITIES.join(", ")
        );
        return Err(invalid(why));
    }
    let area = request.area.trim();
    if area.is_empty() || area.chars().count() > MAX_AREA {
        return Err(invalid(format!("area must be 1-{MAX_AREA} characters")));
    }
    let text = request.text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT {
        return Err(invalid(format!("text must be 1-{MAX_TEXT} characters")));
    }
    let expires = match (&request.expires_at, request.ttl_seconds) {
        (Some(at), None) => chrono::DateTime::parse_from_rfc3339(at)
            .map_err(|e| invalid(format!("expires_at {at:?} is not RFC 3339: {e}")))?
            .timestamp_millis(),
        (None, Some(ttl)) => {
            now.saturating_add(i64::try_from(ttl).unwrap_or(i64::MAX).saturating_mul(1000))
        }
        _ => return Err(invalid("give exactly one of expires_at and ttl_seconds")),
    };
    if expires <= now {
        return Err(invalid("the alert would expire before it is issued"));
    }
    if expires - now > MAX_TTL_MS {
        return Err(invalid("an alert may stay live at most 7 days"));
    }
    Ok(expires)
}

fn new_id() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No randomness: fall back on the clock, still unique enough for
        // one process issuing alerts by hand.
        bytes = chrono::Utc::now()
            .timestamp_nanos_opt()
            .unwrap_or_default()
            .to_be_bytes();
    }
    format!("alert-{}", hex::encode(bytes))
}

impl PublicServices {
    /// Issues one alert in each of `districts`, by `issued_by`; returns
    /// them as stored.
    pub async fn issue(
        &self,
        districts: &[String],
        request: &BroadcastRequest,
        issued_by: &str,
    ) -> Result<Vec<Broadcast>, PublicServiceError> {
        for district in districts {
            self.known(district)?;
        }
        let now = chrono::Utc::now().timestamp_millis();
        let expires = expiry(request, now)?;
        let store = self.inner.storage.broadcasts();
        let mut issued = Vec::with_capacity(districts.len());
        for district in districts {
            let record = BroadcastRecord {
                id: new_id(),
                district: district.clone(),
                severity: request.severity.clone(),
                area: request.area.trim().to_owned(),
                text: request.text.trim().to_owned(),
                issued_at: now,
                expires_at: expires,
                issued_by: issued_by.to_owned(),
                withdrawn_at: None,
                cleared_at: None,
            };
            store.insert(&record).await?;
            let alert = Broadcast::from_record(record);
            tracing::info!(district, alert = %alert.id, severity = %alert.severity,
                expires_at_ms = expires, "emergency broadcast issued");
            self.emit(district, ISSUED_TOPIC, alert.payload());
            if let Some(mqtt) = self.inner.mqtt.get() {
                mqtt.retain(district, alert.payload()).await;
            }
            issued.push(alert);
        }
        self.inner.wake.notify_one();
        Ok(issued)
    }

    /// The district's live alerts, newest first.
    pub async fn live_broadcasts(
        &self,
        district: &str,
    ) -> Result<Vec<Broadcast>, PublicServiceError> {
        self.known(district)?;
        let now = chrono::Utc::now().timestamp_millis();
        let live = self.inner.storage.broadcasts().live(district, now).await?;
        Ok(live.into_iter().map(Broadcast::from_record).collect())
    }

    /// Withdraws a live alert of `district` and clears it at once.
    pub async fn withdraw(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Broadcast, PublicServiceError> {
        self.known(district)?;
        let store = self.inner.storage.broadcasts();
        let record = store
            .get(id)
            .await?
            .filter(|r| r.district == district)
            .ok_or_else(|| PublicServiceError::UnknownBroadcast(id.to_owned()))?;
        let now = chrono::Utc::now().timestamp_millis();
        if record.expires_at <= now || !store.withdraw(id, now).await? {
            return Err(PublicServiceError::BroadcastEnded(id.to_owned()));
        }
        tracing::info!(district, alert = id, "emergency broadcast withdrawn");
        self.clear(&record).await?;
        Ok(Broadcast::from_record(record))
    }

    /// Publishes the end of an alert, once (whichever replica marks it
    /// first): the cleared event, and the district's retained message
    /// replaced by its newest live alert or emptied.
    pub(super) async fn clear(&self, record: &BroadcastRecord) -> Result<(), PublicServiceError> {
        let now = chrono::Utc::now().timestamp_millis();
        if !self
            .inner
            .storage
            .broadcasts()
            .mark_cleared(&record.id, now)
            .await?
        {
            return Ok(());
        }
        let payload = serde_json::json!({ "id": record.id, "district": record.district });
        self.emit(
            &record.district,
            CLEARED_TOPIC,
            payload.to_string().into_bytes(),
        );
        tracing::info!(district = %record.district, alert = %record.id,
            "emergency broadcast cleared");
        self.republish(&record.district).await
    }

    /// Sets the district's retained MQTT alert to its newest live one, or
    /// empties it.
    pub(super) async fn republish(&self, district: &str) -> Result<(), PublicServiceError> {
        let Some(mqtt) = self.inner.mqtt.get() else {
            return Ok(());
        };
        let now = chrono::Utc::now().timestamp_millis();
        let live = self.inner.storage.broadcasts().live(district, now).await?;
        let payload = live
            .into_iter()
            .next()
            .map(|r| Broadcast::from_record(r).payload())
            .unwrap_or_default();
        mqtt.retain(district, payload).await;
        Ok(())
    }

    fn emit(&self, district: &str, topic: &str, payload: Vec<u8>) {
        self.inner.events.publish(Event {
            district: district.into(),
            plugin: HOST_PUBLISHER.into(),
            topic: topic.to_owned(),
            payload: payload.into(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{BroadcastRequest, expiry};

    fn request(ttl: Option<u64>, at: Option<&str>) -> BroadcastRequest {
        BroadcastRequest {
            severity: "warning".into(),
            area: "square".into(),
            text: "heavy rain".into(),
            expires_at: at.map(str::to_owned),
            ttl_seconds: ttl,
        }
    }

    #[test]
    fn an_alert_needs_exactly_one_expiry_within_seven_days() {
        let now = 1_800_000_000_000;
        assert_eq!(expiry(&request(Some(60), None), now).unwrap(), now + 60_000);
        assert!(expiry(&request(None, None), now).is_err());
        assert!(expiry(&request(Some(60), Some("2027-01-01T00:00:00Z")), now).is_err());
        assert!(expiry(&request(Some(8 * 24 * 3600), None), now).is_err());
        assert!(expiry(&request(Some(0), None), now).is_err());
        let mut bad = request(Some(60), None);
        bad.severity = "panic".into();
        assert!(expiry(&bad, now).is_err());
    }
}
