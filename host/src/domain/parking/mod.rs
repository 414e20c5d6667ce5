//! Smart parking: the district's car parks and spaces, their live
//! availability, quotes, reservations paid through the district's payment
//! plugin, guidance to the nearest car park with room, and flow statistics.
//!
//! - `quote`: prices a stay with the `parking-pricing` plugin; the
//!   vehicle and space vocabulary.
//! - `inventory`: car parks and spaces in FIWARE-compatible shapes, with
//!   availability counted from the spaces; guidance.
//! - `observe`: the hooks device ingest calls, [`ParkingService::observe_space`]
//!   and [`ParkingService::observe_gate`].
//! - `reservations` and `payment`: hold, pay, cancel, check in and out.
//! - `stats`: entries, exits, occupancy, stays and turnover over time.
//! - `clock`: the service's notion of now.
//!
//! No double booking rests on the database (see `storage::parking`), not
//! on this process, so replicas sharing PostgreSQL are just as safe.

mod clock;
mod error;
mod follow;
mod inventory;
mod observe;
mod payment;
mod quote;
mod reservations;
mod stats;

pub use clock::Clock;
pub use error::ParkingError;
pub use follow::follow_readings;
pub(crate) use inventory::distance_m;
pub use inventory::{CarPark, Entrance, GeoPoint, Guidance, ParkingSpot};
pub use observe::SpaceObservation;
pub use quote::{ParkingQuote, QuoteLine, QuoteRequest, SpaceCategory, Vehicle};
pub use reservations::{Reservation, ReserveRequest};
pub use stats::{FlowStats, HourStats};

use crate::config::{PlazaConfig, PluginKind};
use crate::registry::Registry;
use crate::runtime::{Plugin, Runtime};
use crate::storage::{ParkingStore, Storage, StorageError};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Parking services of every district.
#[derive(Clone)]
pub struct ParkingService {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    store: ParkingStore,
    clock: Clock,
}

impl ParkingService {
    /// A service over these districts and this database.
    pub fn new(registry: Arc<Registry>, runtime: Arc<Runtime>, storage: &Storage) -> Self {
        Self {
            registry,
            runtime,
            store: storage.parking(),
            clock: Clock::default(),
        }
    }

    /// The clock the service reads; advancing it ages holds and windows.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Adds the car parks and spaces of every district's data file that the
    /// database lacks; live status already stored is kept.
    pub async fn seed(&self, config: &PlazaConfig) -> Result<(), StorageError> {
        for district in &config.districts {
            if let Some(data) = &district.parking_data {
                let added = self.store.seed(&district.id, data).await?;
                tracing::info!(district = %district.id, car_parks = data.car_parks.len(),
                    added, "parking inventory seeded");
            }
        }
        Ok(())
    }

    fn check_district(&self, district: &str) -> Result<(), ParkingError> {
        match self.registry.district(district) {
            Some(_) => Ok(()),
            None => Err(ParkingError::UnknownDistrict(district.to_owned())),
        }
    }

    fn plugin(&self, district: &str, kind: PluginKind) -> Result<Arc<Plugin>, ParkingError> {
        let entry = self
            .registry
            .district(district)
            .ok_or_else(|| ParkingError::UnknownDistrict(district.to_owned()))?;
        entry.plugin_of_kind(kind).ok_or_else(|| match kind {
            PluginKind::Payment => ParkingError::NoPayment(district.to_owned()),
            _ => ParkingError::NoPricing(district.to_owned()),
        })
    }
}

/// An instant in ms as RFC 3339, UTC.
pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
