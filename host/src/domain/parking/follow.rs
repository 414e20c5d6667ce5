//! Parking follows the district's sensors: every newly stored reading of a
//! parking-space sensor or a car-park gate counter is applied to the
//! inventory through [`ParkingService::observe_space`] and
//! [`ParkingService::observe_gate`]. Device ingest stores readings first and
//! hands each stored batch here, so a redelivered uplink (not stored again)
//! is never counted twice.

use super::{ParkingError, ParkingService};
use crate::storage::{NewReading, ReadingValue};
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

/// Batches that may wait for the follower before ingest waits for it.
const BACKLOG: usize = 64;

/// Starts following stored readings; ingest sends each stored batch to the
/// returned sender. The follower stops when every sender is dropped.
pub fn follow_readings(parking: ParkingService) -> mpsc::Sender<Vec<NewReading>> {
    let (sender, mut batches) = mpsc::channel::<Vec<NewReading>>(BACKLOG);
    tokio::spawn(async move {
        while let Some(batch) = batches.recv().await {
            for reading in &batch {
                apply(&parking, reading).await;
            }
        }
    });
    sender
}

async fn apply(parking: &ParkingService, reading: &NewReading) {
    let at = DateTime::<Utc>::from_timestamp_millis(reading.at).unwrap_or_else(Utc::now);
    let district = reading.district.as_str();
    let target = reading.target.as_str();
    let result = match reading.value {
        ReadingValue::Space(occupied) => parking
            .observe_space(district, target, occupied, at)
            .await
            .map(|_| ()),
        ReadingValue::Vehicles { entered, exited } => {
            parking
                .observe_gate(district, target, entered, exited, at)
                .await
        }
        ReadingValue::People { .. } | ReadingValue::EnergyKwh(_) => Ok(()),
    };
    match result {
        Ok(()) => {}
        // A sensor registered for a space the inventory does not list is
        // a data-file mistake an operator should see, not a failure.
        Err(e @ (ParkingError::UnknownSpace(..) | ParkingError::UnknownCarPark(..))) => {
            tracing::warn!(district, device = %reading.device, target, error = %e,
                "reading names no known space or gate");
        }
        Err(e) => {
            tracing::warn!(district, device = %reading.device, target, error = %e,
                "failed to apply a reading to parking");
        }
    }
}
