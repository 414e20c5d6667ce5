//! The figures of the city overview and of a district's header: parking
//! occupancy, people in the district now, vehicle flow over the last
//! hour, orders and energy today, open alerts and plugin health.
//!
//! Deliveries on time has a slot but no source yet: it stays `null`
//! (shown as "—") until the logistics service reports SLA outcomes.

use super::{ControlCentre, ControlError, now_ms};
use crate::admin::Principal;
use crate::registry::District;
use crate::storage::AlertFilter;
use serde::Serialize;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// Occupancy of one car park now.
#[derive(Debug, Clone, Serialize)]
pub struct CarParkOccupancy {
    /// Car park id.
    pub car_park: String,
    /// Spaces whose sensor has reported.
    pub sensed: i64,
    /// Of those, occupied.
    pub occupied: i64,
    /// Vehicles inside, counted at its gates.
    pub vehicles: i64,
}

/// Parking across a district now.
#[derive(Debug, Clone, Serialize)]
pub struct ParkingFigures {
    /// Sensed spaces.
    pub sensed: i64,
    /// Of those, occupied.
    pub occupied: i64,
    /// Occupied share, percent; none when no sensor has reported.
    pub percent: Option<f64>,
    /// By car park.
    pub car_parks: Vec<CarParkOccupancy>,
}

/// Vehicles through the gates over the last hour.
#[derive(Debug, Clone, Serialize)]
pub struct VehicleFlow {
    /// Came in.
    pub entered: i64,
    /// Went out.
    pub exited: i64,
}

/// Unresolved alerts by severity.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AlertCounts {
    /// All unresolved alerts.
    pub total: i64,
    /// Critical ones.
    pub critical: i64,
    /// Warnings.
    pub warning: i64,
    /// For information.
    pub info: i64,
}

/// Plugins of a district, by health.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PluginCounts {
    /// Loaded plugins.
    pub total: i64,
    /// Serving without trouble.
    pub healthy: i64,
    /// Failing some calls recently.
    pub degraded: i64,
    /// Breaker open or failing most calls.
    pub failing: i64,
}

/// One district's live figures.
#[derive(Debug, Clone, Serialize)]
pub struct DistrictOverview {
    /// District id.
    pub district: String,
    /// Display name.
    pub name: String,
    /// When, milliseconds since the Unix epoch.
    pub as_of_ms: i64,
    /// Parking occupancy.
    pub parking: ParkingFigures,
    /// People in the district now (in minus out since local midnight).
    pub people_in_district: i64,
    /// People who came in since local midnight.
    pub people_entered_today: i64,
    /// Vehicles through the gates over the last hour.
    pub vehicles_last_hour: VehicleFlow,
    /// Orders placed since local midnight.
    pub orders_today: i64,
    /// kWh used since local midnight.
    pub energy_kwh_today: f64,
    /// Unresolved alerts.
    pub alerts: AlertCounts,
    /// Plugin health.
    pub plugins: PluginCounts,
    /// Deliveries that reached their outcome today (delivered, failed or
    /// late) and, of those, the ones delivered within their SLA.
    pub deliveries_today: i64,
    /// Deliveries on time today, percent; `null` when none ended today.
    pub deliveries_on_time_percent: Option<f64>,
}

/// Every district `who` may watch, with city totals.
#[derive(Debug, Clone, Serialize)]
pub struct CityOverview {
    /// When, milliseconds since the Unix epoch.
    pub as_of_ms: i64,
    /// Each district.
    pub districts: Vec<DistrictOverview>,
}

impl ControlCentre {
    /// The overview of every district `who` may watch.
    pub async fn city_overview(&self, who: &Principal) -> Result<CityOverview, ControlError> {
        let mut districts = Vec::new();
        for d in self.visible(who) {
            districts.push(self.overview_of(d).await?);
        }
        Ok(CityOverview {
            as_of_ms: now_ms(),
            districts,
        })
    }

    /// The overview of one district.
    pub async fn district_overview(
        &self,
        who: &Principal,
        district: &str,
    ) -> Result<DistrictOverview, ControlError> {
        let d = self.district(who, district)?;
        self.overview_of(d).await
    }

    pub(super) async fn overview_of(&self, d: &District) -> Result<DistrictOverview, ControlError> {
        let now = now_ms();
        let offset = i64::from(d.utc_offset_minutes) * 60_000;
        let midnight = (now + offset) - (now + offset).rem_euclid(DAY_MS) - offset;
        let live = self.inner.readings.live(&d.id).await?;
        let control = self.inner.storage.control();

        let car_parks: Vec<CarParkOccupancy> = live
            .car_parks
            .iter()
            .map(|p| CarParkOccupancy {
                car_park: p.car_park.clone(),
                sensed: p.sensed_spaces,
                occupied: p.occupied_spaces,
                vehicles: p.vehicles,
            })
            .collect();
        let sensed: i64 = car_parks.iter().map(|p| p.sensed).sum();
        let occupied: i64 = car_parks.iter().map(|p| p.occupied).sum();

        let hour_ago = now - HOUR_MS;
        let flows = control
            .flows(&d.id, "minute", hour_ago, HOUR_MS * 2, hour_ago, now + 1)
            .await?;
        let vehicles = flows.iter().filter(|f| f.kind == "vehicles");
        let vehicles_last_hour = VehicleFlow {
            entered: vehicles.clone().map(|f| f.entered).sum(),
            exited: vehicles.map(|f| f.exited).sum(),
        };

        let (on_time, deliveries_today) = control.deliveries_since(&d.id, midnight).await?;
        Ok(DistrictOverview {
            district: d.id.clone(),
            name: d.name.clone(),
            as_of_ms: now,
            parking: ParkingFigures {
                sensed,
                occupied,
                percent: (sensed > 0).then(|| occupied as f64 * 100.0 / sensed as f64),
                car_parks,
            },
            people_in_district: live.people_in_district,
            people_entered_today: live.entrances.iter().map(|e| e.entered).sum(),
            vehicles_last_hour,
            orders_today: control.orders_since(&d.id, midnight).await?,
            energy_kwh_today: live.energy_kwh_today,
            alerts: self.alert_counts(&d.id).await?,
            plugins: self.plugin_counts(d),
            deliveries_today,
            deliveries_on_time_percent: (deliveries_today > 0)
                .then(|| on_time as f64 * 100.0 / deliveries_today as f64),
        })
    }

    async fn alert_counts(&self, district: &str) -> Result<AlertCounts, ControlError> {
        let filter = AlertFilter {
            districts: Some(vec![district.to_owned()]),
            include_cleared: false,
            limit: 1000,
        };
        let mut counts = AlertCounts::default();
        for alert in self.inner.storage.control().alerts(&filter).await? {
            counts.total += 1;
            match alert.severity.as_str() {
                "critical" => counts.critical += 1,
                "warning" => counts.warning += 1,
                _ => counts.info += 1,
            }
        }
        Ok(counts)
    }

    fn plugin_counts(&self, d: &District) -> PluginCounts {
        let mut counts = PluginCounts::default();
        for plugin in d.plugins() {
            counts.total += 1;
            match self.plugin_state(&d.id, &plugin.meta.id) {
                super::health::HealthState::Ok => counts.healthy += 1,
                super::health::HealthState::Degraded => counts.degraded += 1,
                super::health::HealthState::Failing => counts.failing += 1,
            }
        }
        counts
    }
}
