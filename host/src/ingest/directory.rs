//! The devices ingest knows: seeded into the database from the districts'
//! device files, edited through the admin API, and read back into memory
//! for lookups by topic. [`Devices`] holds the current directory and swaps
//! in a fresh one whenever the table changes.

use crate::config::{DeviceConfig, DeviceKind, PlazaConfig};
use crate::runtime::DecoderDevice;
use crate::storage::{DeviceRecord, Storage, StorageError};
use arc_swap::ArcSwap;
use std::collections::HashMap;
use std::sync::Arc;

/// The live device directory, shared by ingest and the admin API.
#[derive(Clone)]
pub struct Devices(Arc<ArcSwap<DeviceDirectory>>);

impl Devices {
    /// Reads every registered device from the database.
    pub async fn load(storage: &Storage) -> Result<Self, StorageError> {
        let directory = DeviceDirectory::load(storage).await?;
        Ok(Self(Arc::new(ArcSwap::from_pointee(directory))))
    }

    /// The directory as it is now; uplinks of a batch are checked against
    /// one snapshot.
    pub fn current(&self) -> Arc<DeviceDirectory> {
        self.0.load_full()
    }

    /// Reads the table again after a change; later batches see it.
    pub async fn reload(&self, storage: &Storage) -> Result<(), StorageError> {
        let directory = DeviceDirectory::load(storage).await?;
        self.0.store(Arc::new(directory));
        Ok(())
    }
}

/// One device as ingest uses it.
#[derive(Debug, Clone)]
pub struct KnownDevice {
    /// Its registration.
    pub record: DeviceRecord,
    /// Its kind.
    pub kind: DeviceKind,
    /// What its decoder is told about it.
    pub decoder_view: DecoderDevice,
}

/// Devices by (district, device id).
#[derive(Debug, Default)]
pub struct DeviceDirectory {
    devices: HashMap<String, HashMap<String, Arc<KnownDevice>>>,
}

/// The registry rows for every device in `config`'s device files.
pub fn records(config: &PlazaConfig) -> Vec<DeviceRecord> {
    let mut out = Vec::new();
    for district in &config.districts {
        for d in &district.device_list {
            out.push(record(&district.id, d));
        }
    }
    out
}

/// The registry row of device `d` of `district`.
pub fn record(district: &str, d: &DeviceConfig) -> DeviceRecord {
    DeviceRecord {
        district: district.to_owned(),
        id: d.id.clone(),
        kind: d.kind.as_str().to_owned(),
        decoder: d.decoder.clone(),
        location: d.location.clone(),
        observes: d.observes.clone(),
        car_park: d.car_park.clone(),
        variables: serde_json::to_string(&d.variables).unwrap_or_else(|_| "{}".into()),
    }
}

impl DeviceDirectory {
    /// Reads every registered device from the database.
    pub async fn load(storage: &Storage) -> Result<Self, StorageError> {
        let mut devices: HashMap<String, HashMap<String, Arc<KnownDevice>>> = HashMap::new();
        for record in storage.devices().all().await? {
            let Some(kind) = DeviceKind::parse(&record.kind) else {
                tracing::warn!(district = %record.district, device = %record.id,
                    kind = %record.kind, "device of unknown kind ignored");
                continue;
            };
            let variables: HashMap<String, String> =
                serde_json::from_str(&record.variables).unwrap_or_default();
            let mut variables: Vec<(String, String)> = variables.into_iter().collect();
            variables.sort();
            let decoder_view = DecoderDevice {
                id: record.id.clone(),
                kind: record.kind.clone(),
                observes: record.observes.clone(),
                location: record.location.clone(),
                variables,
            };
            let known = KnownDevice {
                record,
                kind,
                decoder_view,
            };
            devices
                .entry(known.record.district.clone())
                .or_default()
                .insert(known.record.id.clone(), Arc::new(known));
        }
        Ok(Self { devices })
    }

    /// The device `id` of `district`.
    pub fn get(&self, district: &str, id: &str) -> Option<&Arc<KnownDevice>> {
        self.devices.get(district)?.get(id)
    }

    /// How many devices are known.
    pub fn len(&self) -> usize {
        self.devices.values().map(HashMap::len).sum()
    }

    /// Whether no device is known.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
