//! Quotes: a stay priced by the district's `parking-pricing` plugin, and
//! the vocabulary (vehicle, space category) shared with reservations.

use super::{ParkingError, ParkingService};
use crate::config::PluginKind;
use crate::runtime::{self, Policy, PricingError, Stay};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
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

impl ParkingService {
    /// Prices a stay in `district`.
    pub async fn quote(
        &self,
        district: &str,
        request: &QuoteRequest,
    ) -> Result<ParkingQuote, ParkingError> {
        let plugin = self.plugin(district, PluginKind::ParkingPricing)?;
        if request.end <= request.start {
            return Err(ParkingError::InvalidStay("end must be after start".into()));
        }
        let stay = Stay {
            start: request.start.timestamp_millis(),
            end: request.end.timestamp_millis(),
            vehicle: request.vehicle.to_wit(),
            category: request.category.to_wit(),
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

    /// The district's reservation policy, from its pricing plugin.
    pub async fn policy(&self, district: &str) -> Result<Policy, ParkingError> {
        let plugin = self.plugin(district, PluginKind::ParkingPricing)?;
        Ok(runtime::policy(&self.runtime, &plugin).await?)
    }
}

impl Vehicle {
    /// The name used in URLs, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Vehicle::Car => "car",
            Vehicle::Motorcycle => "motorcycle",
            Vehicle::Van => "van",
            Vehicle::Coach => "coach",
        }
    }

    /// The contract's value.
    pub fn to_wit(self) -> runtime::VehicleType {
        match self {
            Vehicle::Car => runtime::VehicleType::Car,
            Vehicle::Motorcycle => runtime::VehicleType::Motorcycle,
            Vehicle::Van => runtime::VehicleType::Van,
            Vehicle::Coach => runtime::VehicleType::Coach,
        }
    }
}

impl SpaceCategory {
    /// The name used in URLs, JSON, data files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SpaceCategory::Standard => "standard",
            SpaceCategory::Disabled => "disabled",
            SpaceCategory::EvCharging => "ev-charging",
            SpaceCategory::Family => "family",
            SpaceCategory::Motorcycle => "motorcycle",
        }
    }

    /// The category with this name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            SpaceCategory::Standard,
            SpaceCategory::Disabled,
            SpaceCategory::EvCharging,
            SpaceCategory::Family,
            SpaceCategory::Motorcycle,
        ]
        .into_iter()
        .find(|c| c.as_str() == name)
    }

    /// The contract's value.
    pub fn to_wit(self) -> runtime::SpaceCategory {
        match self {
            SpaceCategory::Standard => runtime::SpaceCategory::Standard,
            SpaceCategory::Disabled => runtime::SpaceCategory::Disabled,
            SpaceCategory::EvCharging => runtime::SpaceCategory::EvCharging,
            SpaceCategory::Family => runtime::SpaceCategory::Family,
            SpaceCategory::Motorcycle => runtime::SpaceCategory::Motorcycle,
        }
    }
}
