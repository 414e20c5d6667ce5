//! A district's logistics data file, referenced from its config as
//! `[[district]] logistics = "districts/<id>/logistics.toml"`: the zones
//! it delivers to, the SLA classes each zone offers and the rule picking
//! among couriers' offers. The couriers themselves are the district's
//! plugins of kind `logistics`. Errors name the data file, the key and
//! the reason.

use super::commerce::check_id;
use super::load::ConfigError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// How the host picks among the offers that meet a delivery's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PickRule {
    /// The lowest fee; the earlier ETA breaks a tie.
    Cheapest,
    /// The earliest ETA; the lower fee breaks a tie.
    Fastest,
}

/// The whole logistics data file of one district.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogisticsData {
    /// How offers are picked.
    pub pick: PickRule,
    /// How often a delivery in progress is tracked, in milliseconds.
    #[serde(default = "default_poll")]
    pub poll_interval_ms: u64,
    /// ISO 4217 code of compensation amounts (default `CNY`).
    #[serde(default = "cny")]
    pub currency: String,
    /// Delivery promises, written `[[sla]]`.
    #[serde(rename = "sla")]
    pub slas: Vec<SlaClass>,
    /// Where the district delivers, written `[[zone]]`; the first zone
    /// holding a drop-off is its zone.
    #[serde(rename = "zone")]
    pub zones: Vec<Zone>,
}

fn default_poll() -> u64 {
    5_000
}

fn cny() -> String {
    "CNY".into()
}

/// `[[sla]]`: a delivery promise.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaClass {
    /// Id, e.g. `instant`, `4h`, `24h`.
    pub id: String,
    /// Delivered within this many minutes of dispatch (fractions allowed).
    pub minutes: f64,
    /// Paid to the shopper when the promise is broken, minor units.
    pub compensation: i64,
}

/// `[[zone]]`: an area the district delivers to, a circle.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Id, e.g. `main-urban`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The circle's centre.
    pub center: Point,
    /// The circle's radius in kilometres.
    pub radius_km: f64,
    /// SLA classes offered into this zone; the first is the default.
    pub sla: Vec<String>,
}

/// A WGS 84 position.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Point {
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
}

impl LogisticsData {
    /// The SLA class with this id.
    pub fn sla(&self, id: &str) -> Option<&SlaClass> {
        self.slas.iter().find(|s| s.id == id)
    }
}

/// Reads and checks a logistics data file.
pub fn load_logistics(file: &Path) -> Result<LogisticsData, ConfigError> {
    let err = |key: String, reason: String| ConfigError {
        file: file.to_path_buf(),
        key,
        reason,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| err("(file)".into(), format!("failed to read: {e}")))?;
    let de = toml::Deserializer::parse(&text).map_err(|e| err("(syntax)".into(), e.to_string()))?;
    let data: LogisticsData = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        err(key, e.into_inner().message().to_owned())
    })?;
    validate(&data).map_err(|(key, reason)| err(key, reason))?;
    Ok(data)
}

fn validate(data: &LogisticsData) -> Result<(), (String, String)> {
    if !(10..=600_000).contains(&data.poll_interval_ms) {
        let reason = format!("{} is outside 10..=600000", data.poll_interval_ms);
        return Err(("poll_interval_ms".into(), reason));
    }
    if data.currency.len() != 3 || !data.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(("currency".into(), "must be an ISO 4217 code".into()));
    }
    if data.slas.is_empty() {
        return Err(("sla".into(), "at least one [[sla]] class is needed".into()));
    }
    let mut slas = HashSet::new();
    for (i, sla) in data.slas.iter().enumerate() {
        let at = format!("sla[{i}]");
        check_id(&format!("{at}.id"), &sla.id)?;
        if !slas.insert(sla.id.as_str()) {
            return Err((format!("{at}.id"), format!("{:?} is defined twice", sla.id)));
        }
        if !sla.minutes.is_finite() || sla.minutes <= 0.0 || sla.minutes > 10_080.0 {
            let reason = "must be above 0 and at most 10080 (a week)".into();
            return Err((format!("{at}.minutes"), reason));
        }
        if sla.compensation < 0 {
            let reason = "must not be negative (minor units)".into();
            return Err((format!("{at}.compensation"), reason));
        }
    }
    if data.zones.is_empty() {
        return Err(("zone".into(), "at least one [[zone]] is needed".into()));
    }
    let mut zones = HashSet::new();
    for (z, zone) in data.zones.iter().enumerate() {
        let at = format!("zone[{z}]");
        check_id(&format!("{at}.id"), &zone.id)?;
        if !zones.insert(zone.id.as_str()) {
            return Err((
                format!("{at}.id"),
                format!("{:?} is defined twice", zone.id),
            ));
        }
        if zone.name.trim().is_empty() {
            return Err((format!("{at}.name"), "must not be empty".into()));
        }
        let c = zone.center;
        if !(-90.0..=90.0).contains(&c.lat) || !(-180.0..=180.0).contains(&c.lon) {
            let reason = format!("({}, {}) is not a WGS 84 position", c.lat, c.lon);
            return Err((format!("{at}.center"), reason));
        }
        if !zone.radius_km.is_finite() || zone.radius_km <= 0.0 || zone.radius_km > 1000.0 {
            return Err((format!("{at}.radius_km"), "must be within 0..=1000".into()));
        }
        if zone.sla.is_empty() {
            let reason = "names no SLA class; list at least one".into();
            return Err((format!("{at}.sla"), reason));
        }
        for (s, id) in zone.sla.iter().enumerate() {
            if !slas.contains(id.as_str()) {
                let reason = format!("{id:?} is not an [[sla]] class of this file");
                return Err((format!("{at}.sla[{s}]"), reason));
            }
        }
    }
    Ok(())
}
