//! Parking quotes: a stay priced by the district's `parking-pricing`
//! plugin.

use crate::config::PluginKind;
use crate::registry::Registry;
use crate::runtime::{self, PluginError, PricingError, Runtime, Stay};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::ToSchema;

/// What is parked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Vehicle {
    /// A passenger car.
    #[default]
    Car,
    /// A motorcycle or scooter.
    Motorcycle,
    /// A van or light truck.
    Van,
    /// A coach or bus.
    Coach,
}

/// What kind of space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SpaceCategory {
    /// An ordinary space.
    #[default]
    Standard,
    /// A space for disabled drivers.
    Disabled,
    /// A space with an EV charger.
    EvCharging,
    /// A wider space for families.
    Family,
    /// A motorcycle space.
    Motorcycle,
}

/// A stay to price.
#[derive(Debug, Clone)]
pub struct QuoteRequest {
    /// When the stay starts.
    pub start: DateTime<FixedOffset>,
    /// When it ends.
    pub end: DateTime<FixedOffset>,
    /// What is parked.
    pub vehicle: Vehicle,
    /// In what kind of space.
    pub category: SpaceCategory,
}

/// One line of a price breakdown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuoteLine {
    /// What it is for.
    pub label: String,
    /// Amount in minor units (fen); negative for a discount.
    pub amount: i64,
}

/// The price of a stay.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ParkingQuote {
    /// District id.
    pub district: String,
    /// Pricing plugin that set the price.
    pub priced_by: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Amount to pay in minor units (fen).
    pub total: i64,
    /// Length of the stay in minutes, rounded up.
    pub minutes: i64,
    /// How the total was reached.
    pub lines: Vec<QuoteLine>,
}

/// Why a quote could not be given.
#[derive(Debug, thiserror::Error)]
pub enum ParkingError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The district has no pricing plugin.
    #[error("district {0:?} has no parking-pricing plugin")]
    NoPricing(String),
    /// The stay itself is wrong.
    #[error("invalid stay: {0}")]
    InvalidStay(String),
    /// The district does not offer this stay.
    #[error("not offered: {0}")]
    NotOffered(String),
    /// The pricing plugin failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
}

/// Parking services of every district.
#[derive(Clone)]
pub struct ParkingService {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
}

impl ParkingService {
    /// A service over these districts.
    pub fn new(registry: Arc<Registry>, runtime: Arc<Runtime>) -> Self {
        Self { registry, runtime }
    }

    /// Prices a stay in `district`.
    pub async fn quote(
        &self,
        district: &str,
        request: &QuoteRequest,
    ) -> Result<ParkingQuote, ParkingError> {
        let entry = self
            .registry
            .district(district)
            .ok_or_else(|| ParkingError::UnknownDistrict(district.to_owned()))?;
        let plugin = entry
            .plugin_of_kind(PluginKind::ParkingPricing)
            .ok_or_else(|| ParkingError::NoPricing(district.to_owned()))?;
        if request.end <= request.start {
            return Err(ParkingError::InvalidStay("end must be after start".into()));
        }
        let stay = Stay {
            start: request.start.timestamp_millis(),
            end: request.end.timestamp_millis(),
            vehicle: match request.vehicle {
                Vehicle::Car => runtime::VehicleType::Car,
                Vehicle::Motorcycle => runtime::VehicleType::Motorcycle,
                Vehicle::Van => runtime::VehicleType::Van,
                Vehicle::Coach => runtime::VehicleType::Coach,
            },
            category: match request.category {
                SpaceCategory::Standard => runtime::SpaceCategory::Standard,
                SpaceCategory::Disabled => runtime::SpaceCategory::Disabled,
                SpaceCategory::EvCharging => runtime::SpaceCategory::EvCharging,
                SpaceCategory::Family => runtime::SpaceCategory::Family,
                SpaceCategory::Motorcycle => runtime::SpaceCategory::Motorcycle,
            },
        };
        let price = match runtime::quote(&self.runtime, &plugin, &stay).await? {
            Ok(price) => price,
            Err(PricingError::InvalidStay(why)) => return Err(ParkingError::InvalidStay(why)),
            Err(PricingError::NotOffered(why)) => return Err(ParkingError::NotOffered(why)),
        };
        let minutes = (stay.end - stay.start + 59_999) / 60_000;
        Ok(ParkingQuote {
            district: district.to_owned(),
            priced_by: plugin.meta.id.to_string(),
            currency: price.currency,
            total: price.total,
            minutes,
            lines: price
                .lines
                .into_iter()
                .map(|l| QuoteLine {
                    label: l.label,
                    amount: l.amount,
                })
                .collect(),
        })
    }
}
