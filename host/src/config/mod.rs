//! Plaza's configuration: one TOML file describing the server, storage,
//! the Wasm runtime's defaults, MQTT ingest and every district with its
//! plugins; each district may name a device file (`devices`).
//!
//! `model` holds the types as they appear in the file; `load` reads a file,
//! resolves relative paths against the file's folder and refuses anything
//! wrong with a [`ConfigError`] naming file, key and reason; `parking` and
//! `commerce` read a district's parking and commerce data files (car
//! parks; merchants, catalogue, guarantee policy) the same way, and
//! `logistics` its delivery zones, SLA classes and courier pick rule,
//! `facilities` its facilities and agencies with opening hours. The reference
//! for every key is the README's "Configuration" section.

mod commerce;
mod control;
mod devices;
mod facilities;
mod load;
mod logistics;
mod model;
mod mqtt;
mod parking;

pub(crate) use commerce::check_id;
pub use commerce::{
    CLAIM_REASONS, CommerceData, GuaranteePolicy, ItemData, MerchantData, load_commerce,
};
pub use control::ControlConfig;
pub use devices::{DeviceConfig, DeviceKind, check_device};
pub use facilities::{
    DAY_KEYS, DayHours, FACILITY_KINDS, FacilitiesData, FacilityData, load_facilities,
};
pub(crate) use load::MAX_MEMORY_MIB;
pub use load::{ConfigError, PluginArtifact, load, parse_public_key, read_plugin};
pub use logistics::{LogisticsData, PickRule, Point, SlaClass, Zone, load_logistics};
pub use model::{
    BreakerConfig, DistrictConfig, Grants, Limits, PlazaConfig, PluginConfig, PluginKind,
    RuntimeConfig, ServerConfig, StorageConfig,
};
pub use mqtt::{MqttConfig, parse_url as parse_mqtt_url};
pub use parking::{
    CarParkData, EntranceData, ParkingData, SPACE_CATEGORIES, SpaceData, SpaceGroup, load_parking,
};
