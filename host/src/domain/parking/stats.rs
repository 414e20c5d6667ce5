//! Flow statistics of a car park over a period: entries and exits and
//! occupancy per hour, stays, their average length and turnover.

use super::{ParkingError, ParkingService, rfc3339};
use serde::Serialize;
use utoipa::ToSchema;

/// Longest period one request may ask about.
const MAX_PERIOD_MS: i64 = 92 * 24 * 3_600_000;

/// One hour of a car park.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HourStats {
    /// Start of the hour, RFC 3339.
    pub hour: String,
    /// Vehicles in through the gates.
    pub vehicle_entrance_count: i64,
    /// Vehicles out.
    pub vehicle_exit_count: i64,
    /// Mean occupied share over the hour's sensor readings, 0 to 1.
    pub average_occupancy: Option<f64>,
    /// Highest occupied share in the hour, 0 to 1.
    pub peak_occupancy: Option<f64>,
}

/// A car park's flow over a period.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FlowStats {
    /// The car park.
    pub car_park: String,
    /// Period start, RFC 3339.
    pub from: String,
    /// Period end (exclusive), RFC 3339.
    pub to: String,
    /// Spaces in the car park.
    pub total_spot_number: i64,
    /// Vehicles in over the period.
    pub vehicle_entrance_count: i64,
    /// Vehicles out over the period.
    pub vehicle_exit_count: i64,
    /// Hours with any observation, in order.
    pub hours: Vec<HourStats>,
    /// Stays (a space occupied, then free) that began in the period.
    pub stays_started: i64,
    /// Stays that ended in the period.
    pub stays_ended: i64,
    /// Mean length of the stays that ended, minutes.
    pub average_stay_minutes: Option<f64>,
    /// Stays begun per space over the period.
    pub turnover: f64,
}

impl ParkingService {
    /// The car park's flow from `from` to `to` (ms since the epoch).
    pub async fn stats(
        &self,
        district: &str,
        car_park: &str,
        from: i64,
        to: i64,
    ) -> Result<FlowStats, ParkingError> {
        if to <= from {
            return Err(ParkingError::InvalidQuery(
                "`to` must be after `from`".into(),
            ));
        }
        if to - from > MAX_PERIOD_MS {
            return Err(ParkingError::InvalidQuery(
                "the period is longer than 92 days".into(),
            ));
        }
        let total = self.spaces(district, car_park).await?.len() as i64;
        let hours = self.store.flow_hours(district, car_park, from, to).await?;
        let stays = self
            .store
            .stay_figures(district, car_park, from, to)
            .await?;
        let share = |n: f64| (total > 0).then(|| n / total as f64);
        Ok(FlowStats {
            car_park: car_park.to_owned(),
            from: rfc3339(from),
            to: rfc3339(to),
            total_spot_number: total,
            vehicle_entrance_count: hours.iter().map(|h| h.entered).sum(),
            vehicle_exit_count: hours.iter().map(|h| h.exited).sum(),
            hours: hours
                .iter()
                .map(|h| HourStats {
                    hour: rfc3339(h.hour_start),
                    vehicle_entrance_count: h.entered,
                    vehicle_exit_count: h.exited,
                    average_occupancy: (h.samples > 0)
                        .then(|| share(h.occupied_sum as f64 / h.samples as f64))
                        .flatten(),
                    peak_occupancy: (h.samples > 0)
                        .then(|| share(h.occupied_peak as f64))
                        .flatten(),
                })
                .collect(),
            stays_started: stays.started,
            stays_ended: stays.ended,
            average_stay_minutes: stays
                .average_ms
                .map(|ms| (ms / 60_000.0 * 10.0).round() / 10.0),
            turnover: share(stays.started as f64).unwrap_or(0.0),
        })
    }
}
