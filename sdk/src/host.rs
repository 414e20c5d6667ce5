//! Calls from a plugin into the host: log, config, key-value, clock,
//! events. Every call is scoped by the host to the calling plugin's
//! district and id; there is no way to name another district.

use crate::bindings::host::plaza::district as wit;
use serde::de::DeserializeOwned;

pub use wit::kv::Error as KvError;

/// Logging into the host's log, tagged with district and plugin.
pub mod log {
    use super::wit::log::{Level, write};

    /// Logs at debug level.
    pub fn debug(message: &str) {
        write(Level::Debug, message);
    }

    /// Logs at info level.
    pub fn info(message: &str) {
        write(Level::Info, message);
    }

    /// Logs at warn level: something an operator should look at.
    pub fn warn(message: &str) {
        write(Level::Warn, message);
    }

    /// Logs at error level.
    pub fn error(message: &str) {
        write(Level::Error, message);
    }
}

/// The plugin's configuration, as its district's config file sets it.
pub mod config {
    use super::{DeserializeOwned, wit};

    /// One value as text: strings as they are, anything else as JSON.
    pub fn get(key: &str) -> Option<String> {
        wit::config::get(key)
    }

    /// Every value, deserialised into the plugin's own config type.
    pub fn load<T: DeserializeOwned>() -> Result<T, String> {
        serde_json::from_str(&wit::config::get_all())
            .map_err(|e| format!("invalid plugin config: {e}"))
    }
}

/// Key-value storage private to this plugin in this district.
pub mod kv {
    use super::{KvError, wit};

    /// Reads a value; `None` when the key is not set.
    pub fn get(key: &str) -> Result<Option<Vec<u8>>, KvError> {
        wit::kv::get(key)
    }

    /// Writes a value, replacing any earlier one.
    pub fn set(key: &str, value: &[u8]) -> Result<(), KvError> {
        wit::kv::set(key, value)
    }

    /// Removes a key; `true` when it existed.
    pub fn delete(key: &str) -> Result<bool, KvError> {
        wit::kv::delete(key)
    }

    /// Keys starting with `prefix`, in order, at most `limit`.
    pub fn list_keys(prefix: &str, limit: u32) -> Result<Vec<String>, KvError> {
        wit::kv::list_keys(prefix, limit)
    }
}

/// The district's clock.
pub mod clock {
    use super::wit;

    /// Milliseconds since the Unix epoch, UTC.
    pub fn now_ms() -> i64 {
        wit::clock::now()
    }

    /// The district's offset from UTC in minutes.
    pub fn utc_offset_minutes() -> i32 {
        wit::clock::utc_offset_minutes()
    }

    /// Minutes since local midnight in the district, 0..1440.
    pub fn local_minute_of_day() -> u32 {
        let local_ms = now_ms() + i64::from(utc_offset_minutes()) * 60_000;
        (local_ms.rem_euclid(86_400_000) / 60_000) as u32
    }
}

/// The district's event stream.
pub mod events {
    use super::wit;

    /// Publishes `payload` under `topic`, relative to the district.
    pub fn publish(topic: &str, payload: &[u8]) -> Result<(), String> {
        wit::events::publish(topic, payload)
    }
}
