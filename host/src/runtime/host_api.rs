//! The Plaza host interfaces a plugin may import: `log`, `config`, `kv`,
//! `clock` and `events`. Each call is scoped to the calling (district,
//! plugin) held in the store; a plugin cannot name anything else.

use super::bindings::ParkingPricing;
use super::bindings::plaza::district::{clock, config, events, kv, log, types};
use super::state::PluginState;
use crate::events::{Event, MAX_PAYLOAD_BYTES, check_topic};
use crate::metrics::PluginLabels;
use crate::storage::KvError;
use wasmtime::component::{HasSelf, Linker};

/// Longest log message kept; the rest is cut.
const MAX_LOG_MESSAGE: usize = 4096;

pub(crate) fn add_to_linker(linker: &mut Linker<PluginState>) -> wasmtime::Result<()> {
    ParkingPricing::add_to_linker::<_, HasSelf<_>>(linker, |state| state)
}

impl types::Host for PluginState {}

impl log::Host for PluginState {
    fn write(&mut self, level: log::Level, message: String) -> wasmtime::Result<()> {
        let meta = &self.host.meta;
        let mut message = message;
        if message.len() > MAX_LOG_MESSAGE {
            let mut cut = MAX_LOG_MESSAGE;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        let (district, plugin) = (&*meta.district, &*meta.id);
        match level {
            log::Level::Trace => tracing::trace!(district, plugin, "{message}"),
            log::Level::Debug => tracing::debug!(district, plugin, "{message}"),
            log::Level::Info => tracing::info!(district, plugin, "{message}"),
            log::Level::Warn => tracing::warn!(district, plugin, "{message}"),
            log::Level::Error => tracing::error!(district, plugin, "{message}"),
        }
        Ok(())
    }
}

impl config::Host for PluginState {
    fn get(&mut self, key: String) -> wasmtime::Result<Option<String>> {
        Ok(self.host.meta.config.get(&key).map(|value| match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }))
    }

    fn get_all(&mut self) -> wasmtime::Result<String> {
        Ok(self.host.meta.config_json.clone())
    }
}

/// Whether `topic` matches an MQTT-style `filter`: `+` is one segment, a
/// final `#` any rest (including none).
fn topic_matches(filter: &str, topic: &str) -> bool {
    let mut topic_parts = topic.split('/');
    for part in filter.split('/') {
        match (part, topic_parts.next()) {
            ("#", _) => return true,
            ("+", Some(_)) => {}
            (f, Some(t)) if f == t => {}
            _ => return false,
        }
    }
    topic_parts.next().is_none()
}

fn kv_error(e: KvError) -> kv::Error {
    match e {
        KvError::KeyTooLong => kv::Error::KeyTooLong,
        KvError::ValueTooLarge => kv::Error::ValueTooLarge,
        KvError::QuotaExceeded(_) => kv::Error::QuotaExceeded,
        KvError::Storage(e) => {
            tracing::warn!(error = %e, "key-value storage failed");
            kv::Error::Storage("storage unavailable".into())
        }
    }
}

impl kv::Host for PluginState {
    async fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, kv::Error>> {
        Ok(self
            .host
            .kv
            .get(&self.host.kv_scope, &key)
            .await
            .map_err(kv_error))
    }

    async fn set(
        &mut self,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), kv::Error>> {
        let quota = self.host.meta.limits.kv_quota_bytes;
        let done = self
            .host
            .kv
            .set(&self.host.kv_scope, &key, &value, quota)
            .await;
        Ok(done.map_err(kv_error))
    }

    async fn delete(&mut self, key: String) -> wasmtime::Result<Result<bool, kv::Error>> {
        Ok(self
            .host
            .kv
            .delete(&self.host.kv_scope, &key)
            .await
            .map_err(kv_error))
    }

    async fn list_keys(
        &mut self,
        prefix: String,
        limit: u32,
    ) -> wasmtime::Result<Result<Vec<String>, kv::Error>> {
        let keys = self
            .host
            .kv
            .list_keys(&self.host.kv_scope, &prefix, limit)
            .await;
        Ok(keys.map_err(kv_error))
    }
}

impl clock::Host for PluginState {
    fn now(&mut self) -> wasmtime::Result<i64> {
        Ok(chrono::Utc::now().timestamp_millis())
    }

    fn utc_offset_minutes(&mut self) -> wasmtime::Result<i32> {
        Ok(self.host.meta.utc_offset_minutes)
    }
}

impl events::Host for PluginState {
    fn publish(&mut self, topic: String, payload: Vec<u8>) -> wasmtime::Result<Result<(), String>> {
        if let Err(why) = check_topic(&topic) {
            return Ok(Err(why));
        }
        if !self
            .host
            .meta
            .publish_topics
            .iter()
            .any(|filter| topic_matches(filter, &topic))
        {
            return Ok(Err(format!(
                "topic {topic:?} is not granted to this plugin (grants.publish_topics)"
            )));
        }
        if payload.len() > MAX_PAYLOAD_BYTES {
            return Ok(Err(format!(
                "payload larger than {MAX_PAYLOAD_BYTES} bytes"
            )));
        }
        let meta = &self.host.meta;
        self.host
            .metrics
            .events_published
            .get_or_create(&PluginLabels {
                district: meta.district.to_string(),
                plugin: meta.id.to_string(),
            })
            .inc();
        self.host.events.publish(Event {
            district: meta.district.clone(),
            plugin: meta.id.clone(),
            topic,
            payload: payload.into(),
            at_ms: chrono::Utc::now().timestamp_millis(),
        });
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::topic_matches;

    #[test]
    fn topic_filters_match_like_mqtt() {
        assert!(topic_matches("promotions/started", "promotions/started"));
        assert!(topic_matches("promotions/+", "promotions/started"));
        assert!(!topic_matches("promotions/+", "promotions/a/b"));
        assert!(topic_matches("promotions/#", "promotions"));
        assert!(topic_matches("promotions/#", "promotions/a/b"));
        assert!(!topic_matches("promotions", "parking"));
        assert!(!topic_matches("a/b", "a"));
    }
}
