//! Reading and checking a configuration file.

use super::model::{Limits, PlazaConfig, PluginKind};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A configuration that cannot be used: which file, which key, and why.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct ConfigError {
    /// The file that was read.
    pub file: PathBuf,
    /// The dotted key at fault, e.g. `district[0].plugin[1].sha256`.
    pub key: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Highest per-call deadline a plugin may ask for.
const MAX_TIMEOUT_MS: u64 = 60_000;
/// Highest memory cap a plugin may ask for; also the pooling slot size.
pub(crate) const MAX_MEMORY_MIB: u64 = 1024;

/// Reads `file`, checks every value and resolves relative paths against
/// the file's folder.
pub fn load(file: &Path) -> Result<PlazaConfig, ConfigError> {
    let err = |key: &str, reason: String| ConfigError {
        file: file.to_path_buf(),
        key: key.to_owned(),
        reason,
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| err("(file)", format!("failed to read: {e}")))?;
    let mut config = parse(&text).map_err(|(key, reason)| err(&key, reason))?;
    let base = file.parent().unwrap_or(Path::new("."));
    resolve_paths(&mut config, base);
    validate(&config).map_err(|(key, reason)| err(&key, reason))?;
    for district in &mut config.districts {
        if let Some(path) = &district.parking {
            district.parking_data = Some(super::parking::load_parking(path)?);
        }
        if let Some(path) = &district.commerce {
            district.commerce_data = Some(super::load_commerce(path)?);
        }
        district.device_list = super::devices::load(district)?;
        if let Some(path) = &district.logistics {
            district.logistics_data = Some(super::load_logistics(path)?);
        }
        if let Some(path) = &district.facilities {
            district.facilities_data = Some(super::load_facilities(path)?);
        }
    }
    Ok(config)
}

fn parse(text: &str) -> Result<PlazaConfig, (String, String)> {
    let de = toml::Deserializer::parse(text).map_err(|e| ("(syntax)".to_owned(), e.to_string()))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let reason = e.into_inner().message().to_owned();
        (key, reason)
    })
}

fn resolve_paths(config: &mut PlazaConfig, base: &Path) {
    let data_dir = base.join(
        config
            .storage
            .data_dir
            .as_deref()
            .unwrap_or(Path::new("data")),
    );
    config.storage.data_dir = Some(data_dir);
    if let Some(cache) = &mut config.runtime.cache_dir {
        *cache = base.join(&*cache);
    }
    for district in &mut config.districts {
        super::devices::resolve(district, base);
        for plugin in &mut district.plugins {
            plugin.path = base.join(&plugin.path);
        }
        if let Some(parking) = &mut district.parking {
            *parking = base.join(&*parking);
        }
        if let Some(commerce) = &mut district.commerce {
            *commerce = base.join(&*commerce);
        }
        if let Some(logistics) = &mut district.logistics {
            *logistics = base.join(&*logistics);
        }
        if let Some(facilities) = &mut district.facilities {
            *facilities = base.join(&*facilities);
        }
    }
}

type Invalid = (String, String);

fn validate(config: &PlazaConfig) -> Result<(), Invalid> {
    if config.server.body_limit_bytes == 0 {
        return Err(("server.body_limit_bytes".into(), "must be above 0".into()));
    }
    validate_limits("runtime.limits", &config.runtime.limits)?;
    let breaker = &config.breaker;
    if breaker.window_ms == 0 || breaker.backoff_ms == 0 {
        let reason = "window_ms and backoff_ms must be above 0".to_owned();
        return Err(("breaker".into(), reason));
    }
    if breaker.max_backoff_ms < breaker.backoff_ms {
        let reason = "must be at least backoff_ms".to_owned();
        return Err(("breaker.max_backoff_ms".into(), reason));
    }
    validate_mqtt(&config.mqtt)?;
    super::control::validate(&config.control)?;

    let mut districts = HashSet::new();
    for (d, district) in config.districts.iter().enumerate() {
        let at = format!("district[{d}]");
        validate_id(&format!("{at}.id"), &district.id)?;
        if !districts.insert(&district.id) {
            return Err((
                format!("{at}.id"),
                format!("district {:?} is defined twice", district.id),
            ));
        }
        if !(-720..=840).contains(&district.utc_offset_minutes) {
            return Err((
                format!("{at}.utc_offset_minutes"),
                "must be within -720..=840".into(),
            ));
        }

        for (k, key) in district.trusted_keys.iter().enumerate() {
            if let Err(reason) = parse_public_key(key) {
                return Err((format!("{at}.trusted_keys[{k}]"), reason));
            }
        }

        let mut plugins = HashSet::new();
        let mut pricing = None;
        let mut payment = None;
        for (p, plugin) in district.plugins.iter().enumerate() {
            let at = format!("{at}.plugin[{p}]");
            validate_id(&format!("{at}.id"), &plugin.id)?;
            if !plugins.insert(&plugin.id) {
                let reason = format!("plugin {:?} is defined twice in this district", plugin.id);
                return Err((format!("{at}.id"), reason));
            }
            if plugin.kind == PluginKind::ParkingPricing
                && let Some(first) = pricing.replace(&plugin.id)
            {
                let reason = format!("the district already prices parking with {first:?}");
                return Err((format!("{at}.kind"), reason));
            }
            if plugin.kind == PluginKind::Payment
                && let Some(first) = payment.replace(&plugin.id)
            {
                let reason = format!("the district already takes payments with {first:?}");
                return Err((format!("{at}.kind"), reason));
            }
            validate_limits(&format!("{at}.limits"), &plugin.limits)?;
            for host in &plugin.grants.outbound_hosts {
                if host.is_empty() || host.contains('/') || host.contains('*') {
                    let reason = format!("{host:?} is not a host or host:port");
                    return Err((format!("{at}.grants.outbound_hosts"), reason));
                }
            }
            for topic in &plugin.grants.publish_topics {
                if let Err(reason) = check_topic_filter(topic) {
                    return Err((format!("{at}.grants.publish_topics"), reason));
                }
            }
            if let Some(pinned) = &plugin.sha256
                && (pinned.len() != 64 || !pinned.chars().all(|c| c.is_ascii_hexdigit()))
            {
                return Err((format!("{at}.sha256"), "must be 64 hex digits".into()));
            }
        }
    }
    Ok(())
}

/// Reads a hex ed25519 public key as written in `trusted_keys`.
pub fn parse_public_key(hex_key: &str) -> Result<ed25519_dalek::VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("{hex_key:?} is not 64 hex digits (an ed25519 public key)"))?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|e| format!("{hex_key:?} is not a valid ed25519 public key: {e}"))
}

/// Checks a topic filter: segments as in event topics, or `+` for one
/// segment, or a final `#` for the rest.
fn check_topic_filter(filter: &str) -> Result<(), String> {
    let segments: Vec<&str> = filter.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        let ok = match *segment {
            "+" => true,
            "#" => i == last,
            s => crate::events::check_topic(s).is_ok(),
        };
        if !ok || segments.len() > 8 {
            return Err(format!(
                "{filter:?} is not a topic filter: 1-8 '/'-separated segments of a-z, 0-9, \
                 '-', '_', '.', or '+', or a final '#'"
            ));
        }
    }
    Ok(())
}

fn validate_mqtt(mqtt: &super::MqttConfig) -> Result<(), Invalid> {
    if let Some(Err(reason)) = mqtt.external() {
        return Err(("mqtt.url".into(), reason));
    }
    let checks = [
        ("connections", mqtt.connections as u64, 1, 64),
        (
            "max_payload_bytes",
            mqtt.max_payload_bytes as u64,
            1,
            256 << 10,
        ),
        ("batch_max", mqtt.batch_max as u64, 1, 20_000),
        (
            "dead_letter_capacity",
            mqtt.dead_letter_capacity,
            1,
            10_000_000,
        ),
    ];
    for (key, value, min, max) in checks {
        if !(min..=max).contains(&value) {
            let reason = format!("{value} is outside {min}..={max}");
            return Err((format!("mqtt.{key}"), reason));
        }
    }
    if mqtt.client_id.is_empty() || mqtt.client_id.len() > 40 {
        return Err(("mqtt.client_id".into(), "must be 1-40 characters".into()));
    }
    Ok(())
}

pub(super) fn validate_id(key: &str, id: &str) -> Result<(), Invalid> {
    let ok = !id.is_empty()
        && id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        let reason =
            format!("{id:?} must be 1-63 of a-z, 0-9 and '-', starting with a letter or digit");
        Err((key.to_owned(), reason))
    }
}

fn validate_limits(at: &str, limits: &Limits) -> Result<(), Invalid> {
    let checks = [
        ("timeout_ms", limits.timeout_ms, 1, MAX_TIMEOUT_MS),
        ("memory_mib", limits.memory_mib, 1, MAX_MEMORY_MIB),
        ("max_response_bytes", limits.max_response_bytes, 1, 1 << 30),
        ("kv_quota_bytes", limits.kv_quota_bytes, 0, 1 << 40),
    ];
    for (key, value, min, max) in checks {
        if let Some(v) = value
            && !(min..=max).contains(&v)
        {
            return Err((
                format!("{at}.{key}"),
                format!("{v} is outside {min}..={max}"),
            ));
        }
    }
    Ok(())
}

/// A plugin's component file as read from disk, with its digest.
#[derive(Debug, Clone)]
pub struct PluginArtifact {
    /// The component's bytes.
    pub bytes: Vec<u8>,
    /// Their sha256, lower-case hex.
    pub sha256: String,
}

/// Reads the component of plugin `p` of district `d` and checks it against
/// the config's sha256 pin; errors name the config file and key.
pub fn read_plugin(
    file: &Path,
    config: &PlazaConfig,
    d: usize,
    p: usize,
) -> Result<PluginArtifact, ConfigError> {
    let plugin = &config.districts[d].plugins[p];
    let at = format!("district[{d}].plugin[{p}]");
    let err = |key: &str, reason: String| ConfigError {
        file: file.to_path_buf(),
        key: format!("{at}.{key}"),
        reason,
    };
    let bytes = std::fs::read(&plugin.path).map_err(|e| {
        err(
            "path",
            format!("failed to read {}: {e}", plugin.path.display()),
        )
    })?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    if let Some(pinned) = &plugin.sha256
        && !pinned.eq_ignore_ascii_case(&sha256)
    {
        let reason = format!(
            "{} has sha256 {sha256}, config pins {pinned}",
            plugin.path.display()
        );
        return Err(err("sha256", reason));
    }
    Ok(PluginArtifact { bytes, sha256 })
}
