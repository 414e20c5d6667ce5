//! District device registries: the files a district's `devices` key
//! names, listing each sensor, counter and meter that sends uplinks.
//!
//! ```toml
//! [[device]]
//! id = "jfb-p1-space-001"
//! kind = "parking-sensor"
//! decoder = "compact-decoder"
//! location = "Minzu Road car park, level B1, bay 001"
//! observes = "jfb-p1-b1-001"
//! car_park = "jfb-p1"
//! ```

use super::ConfigError;
use super::model::{DistrictConfig, PluginKind};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// What a device is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeviceKind {
    /// Reports whether one parking space is occupied.
    ParkingSensor,
    /// Counts people through an entrance.
    FootfallCounter,
    /// Counts vehicles through a car-park gate.
    VehicleCounter,
    /// Reports energy used.
    EnergyMeter,
}

impl DeviceKind {
    /// The kind as written in device files and passed to decoders.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::ParkingSensor => "parking-sensor",
            DeviceKind::FootfallCounter => "footfall-counter",
            DeviceKind::VehicleCounter => "vehicle-counter",
            DeviceKind::EnergyMeter => "energy-meter",
        }
    }

    /// Reads the kind back from its name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            DeviceKind::ParkingSensor,
            DeviceKind::FootfallCounter,
            DeviceKind::VehicleCounter,
            DeviceKind::EnergyMeter,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// `[[device]]`: one registered device.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceConfig {
    /// Id, unique in the district; the last segment of its uplink topic.
    pub id: String,
    /// What it is.
    pub kind: DeviceKind,
    /// Id of the district's decoder plugin that reads its payloads.
    pub decoder: String,
    /// Where it is, for people.
    pub location: String,
    /// What it observes: a parking space, entrance, gate or meter id.
    pub observes: String,
    /// The car park a parking sensor or gate belongs to.
    pub car_park: Option<String>,
    /// Vendor-specific values passed to the decoder.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeviceFile {
    #[serde(default, rename = "device")]
    devices: Vec<DeviceConfig>,
}

/// Reads and checks the device file of `district`; errors name that
/// file, the key at fault and why.
pub(super) fn load(district: &DistrictConfig) -> Result<Vec<DeviceConfig>, ConfigError> {
    let Some(file) = &district.devices else {
        return Ok(Vec::new());
    };
    let err = |key: &str, reason: String| ConfigError {
        file: file.clone(),
        key: key.to_owned(),
        reason,
    };
    let text =
        std::fs::read_to_string(file).map_err(|e| err("(file)", format!("failed to read: {e}")))?;
    let de = toml::Deserializer::parse(&text).map_err(|e| err("(syntax)", e.to_string()))?;
    let parsed: DeviceFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        err(&key, e.into_inner().message().to_owned())
    })?;
    check(district, &parsed.devices).map_err(|(key, reason)| err(&key, reason))?;
    Ok(parsed.devices)
}

fn check(district: &DistrictConfig, devices: &[DeviceConfig]) -> Result<(), (String, String)> {
    let decoders: HashSet<&str> = district
        .plugins
        .iter()
        .filter(|p| p.kind == PluginKind::Decoder)
        .map(|p| p.id.as_str())
        .collect();
    let mut ids = HashSet::new();
    for (i, device) in devices.iter().enumerate() {
        let at = |key: &str| format!("device[{i}].{key}");
        check_device(&district.id, &decoders, device).map_err(|(key, why)| (at(&key), why))?;
        if !ids.insert(device.id.as_str()) {
            return Err((at("id"), format!("device {:?} is listed twice", device.id)));
        }
    }
    Ok(())
}

/// Checks one device of `district`, whose decoder plugins are `decoders`;
/// an error names the field at fault and why. The device files and the
/// admin API share it.
pub fn check_device(
    district: &str,
    decoders: &HashSet<&str>,
    device: &DeviceConfig,
) -> Result<(), (String, String)> {
    if !valid_id(&device.id) {
        let reason = format!("{:?} must be 1-63 of a-z, 0-9, '-' and '_'", device.id);
        return Err(("id".into(), reason));
    }
    if !decoders.contains(device.decoder.as_str()) {
        let reason = format!(
            "district {district:?} has no decoder plugin {:?}",
            device.decoder
        );
        return Err(("decoder".into(), reason));
    }
    if device.observes.is_empty() {
        return Err((
            "observes".into(),
            "must name what the device observes".into(),
        ));
    }
    let needs_car_park = matches!(
        device.kind,
        DeviceKind::ParkingSensor | DeviceKind::VehicleCounter
    );
    if needs_car_park && device.car_park.as_deref().is_none_or(str::is_empty) {
        let reason = format!("a {} must name its car park", device.kind.as_str());
        return Err(("car_park".into(), reason));
    }
    Ok(())
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 63
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Resolves a district's device file against the config file's folder.
pub(super) fn resolve(district: &mut DistrictConfig, base: &Path) {
    if let Some(file) = &mut district.devices {
        *file = base.join(&*file);
    }
}
