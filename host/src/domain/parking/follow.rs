//! Parking follows the district's sensors: every newly stored reading of a
//! parking-space sensor or a car-park gate counter is applied to the
//! inventory through [`ParkingService::observe_spaces`] and
//! [`ParkingService::observe_gates`]. Device ingest stores readings first and
//! hands each stored batch here, so a redelivered uplink (not stored again)
//! is never counted twice.

use super::{ParkingError, ParkingService};
use crate::storage::parking::SpaceReading;
use crate::storage::{NewReading, ReadingValue};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use tokio::sync::mpsc;

/// Batches that may wait for the follower before ingest waits for it.
const BACKLOG: usize = 64;
/// Most readings applied in one go.
const MAX_READINGS: usize = 20_000;

/// Starts following stored readings; ingest sends each stored batch to the
/// returned sender. The follower stops when every sender is dropped.
///
/// Whatever has queued up is applied together: the space readings of a
/// district in one transaction, the gate counts summed per car park and
/// hour. So the follower keeps up with ingest's batches instead of paying
/// a commit per reading.
pub fn follow_readings(parking: ParkingService) -> mpsc::Sender<Vec<NewReading>> {
    let (sender, mut batches) = mpsc::channel::<Vec<NewReading>>(BACKLOG);
    tokio::spawn(async move {
        while let Some(mut readings) = batches.recv().await {
            while readings.len() < MAX_READINGS {
                match batches.try_recv() {
                    Ok(more) => readings.extend(more),
                    Err(_) => break,
                }
            }
            apply(&parking, &readings).await;
        }
    });
    sender
}

/// What one district's readings ask of parking.
#[derive(Default)]
struct DistrictWork<'a> {
    spaces: Vec<(&'a NewReading, SpaceReading<'a>)>,
    gates: Vec<(&'a str, u32, u32, DateTime<Utc>)>,
}

async fn apply(parking: &ParkingService, readings: &[NewReading]) {
    let mut work: BTreeMap<&str, DistrictWork<'_>> = BTreeMap::new();
    for reading in readings {
        let at = DateTime::<Utc>::from_timestamp_millis(reading.at).unwrap_or_else(Utc::now);
        let district = work.entry(reading.district.as_str()).or_default();
        match reading.value {
            ReadingValue::Space(occupied) => district.spaces.push((
                reading,
                SpaceReading {
                    space: &reading.target,
                    occupied,
                    at: at.timestamp_millis(),
                },
            )),
            ReadingValue::Vehicles { entered, exited } => {
                district
                    .gates
                    .push((reading.target.as_str(), entered, exited, at))
            }
            ReadingValue::People { .. } | ReadingValue::EnergyKwh(_) => {}
        }
    }
    for (district, work) in work {
        if !work.spaces.is_empty() {
            let spaces: Vec<SpaceReading<'_>> = work.spaces.iter().map(|(_, s)| *s).collect();
            match parking.observe_spaces(district, &spaces).await {
                Ok(observations) => {
                    for ((reading, _), seen) in work.spaces.iter().zip(observations) {
                        if seen.is_none() {
                            // A sensor registered for a space the inventory
                            // does not list: a data-file mistake an
                            // operator should see, not a failure.
                            tracing::warn!(district, device = %reading.device,
                                target = %reading.target, "reading names no known space");
                        }
                    }
                }
                Err(e) => failed(district, "space", &e),
            }
        }
        if !work.gates.is_empty() {
            match parking.observe_gates(district, &work.gates).await {
                Ok(unknown) => {
                    for gate in unknown {
                        tracing::warn!(district, target = %gate,
                            "reading names no known gate or car park");
                    }
                }
                Err(e) => failed(district, "gate", &e),
            }
        }
    }
}

fn failed(district: &str, what: &str, error: &ParkingError) {
    match error {
        // A district without parking: its sensors feed readings only.
        ParkingError::UnknownDistrict(_) => {
            tracing::debug!(district, what, error = %error, "readings not applied to parking");
        }
        _ => tracing::warn!(district, what, error = %error,
            "failed to apply readings to parking"),
    }
}
