//! The hooks device ingest calls: a space sensor's reading and a gate
//! counter's tally. Both persist at once; availability, check-ins and
//! flow statistics follow from what they store.

use super::{ParkingError, ParkingService};
use crate::storage::parking::{ObserveOutcome, SpaceReading};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// What one space reading did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceObservation {
    /// The space's car park.
    pub car_park: String,
    /// False when the reading was older than one already stored, and so
    /// ignored.
    pub recorded: bool,
    /// A reservation this reading checked in.
    pub checked_in: Option<String>,
    /// A reservation this reading checked out.
    pub checked_out: Option<String>,
}

impl ParkingService {
    /// A space sensor saw `space` occupied (or free) at `at`. Stores the
    /// space's status and observation time, starts or ends a stay, checks
    /// in a paid reservation on the space within its window and grace,
    /// checks out a checked-in one when the space frees up, and samples
    /// the car park's occupancy. Readings older than the stored one are
    /// ignored, so redelivered or reordered messages do no harm.
    pub async fn observe_space(
        &self,
        district: &str,
        space: &str,
        occupied: bool,
        at: DateTime<Utc>,
    ) -> Result<SpaceObservation, ParkingError> {
        let reading = SpaceReading {
            space,
            occupied,
            at: at.timestamp_millis(),
        };
        let outcome = self.observe_spaces(district, &[reading]).await?.pop();
        match outcome.expect("one outcome per reading") {
            Some(observation) => Ok(observation),
            None => Err(ParkingError::UnknownSpace(space.to_owned())),
        }
    }

    /// Many space readings of one district, applied in order as
    /// [`Self::observe_space`] would, in one transaction. One entry per
    /// reading; `None` for a space the inventory does not list.
    pub async fn observe_spaces(
        &self,
        district: &str,
        readings: &[SpaceReading<'_>],
    ) -> Result<Vec<Option<SpaceObservation>>, ParkingError> {
        self.check_district(district)?;
        let outcomes = self.store.observe_spaces(district, readings).await?;
        let mut observations = Vec::with_capacity(outcomes.len());
        for (reading, outcome) in readings.iter().zip(outcomes) {
            let space = reading.space;
            observations.push(match outcome {
                ObserveOutcome::UnknownSpace => None,
                ObserveOutcome::Stale => {
                    tracing::debug!(district, space, "stale space reading ignored");
                    let row = self.store.space(district, space).await?;
                    Some(SpaceObservation {
                        car_park: row.map(|r| r.car_park).unwrap_or_default(),
                        recorded: false,
                        checked_in: None,
                        checked_out: None,
                    })
                }
                ObserveOutcome::Recorded {
                    car_park,
                    previous,
                    checked_in,
                    checked_out,
                } => {
                    tracing::trace!(district, car_park = %car_park, space,
                        occupied = reading.occupied, previous = %previous, "space observed");
                    for (id, what) in [(&checked_in, "checked in"), (&checked_out, "checked out")] {
                        if let Some(id) = id {
                            tracing::info!(district, car_park = %car_park, reservation = %id,
                                space, "reservation {what} by sensor");
                        }
                    }
                    Some(SpaceObservation {
                        car_park,
                        recorded: true,
                        checked_in,
                        checked_out,
                    })
                }
            });
        }
        Ok(observations)
    }

    /// A gate counter at `gate` (an entrance id, or a car park id for a
    /// counter covering all its gates) counted `entered` vehicles in and
    /// `exited` out, reported at `at`. Adds them to the car park's hour.
    // Counts are added: callers hand each reading over once. Device ingest
    // does, since it forwards only readings it newly stored.
    pub async fn observe_gate(
        &self,
        district: &str,
        gate: &str,
        entered: u32,
        exited: u32,
        at: DateTime<Utc>,
    ) -> Result<(), ParkingError> {
        let unknown = self
            .observe_gates(district, &[(gate, entered, exited, at)])
            .await?;
        match unknown.is_empty() {
            true => Ok(()),
            false => Err(ParkingError::UnknownCarPark(gate.to_owned())),
        }
    }

    /// Many gate counts of one district: `(gate, entered, exited, at)`.
    /// Counts of the same car park and hour are added up first, so a
    /// batch costs one write per car park and hour. Returns the gates the
    /// inventory does not know; their counts are not applied.
    pub async fn observe_gates(
        &self,
        district: &str,
        counts: &[(&str, u32, u32, DateTime<Utc>)],
    ) -> Result<Vec<String>, ParkingError> {
        self.check_district(district)?;
        let mut car_parks: BTreeMap<&str, Option<String>> = BTreeMap::new();
        // (car park, hour) -> (entered, exited, latest instant)
        let mut sums: BTreeMap<(String, i64), (u32, u32, DateTime<Utc>)> = BTreeMap::new();
        let mut unknown = Vec::new();
        for &(gate, entered, exited, at) in counts {
            if !car_parks.contains_key(gate) {
                let car_park = self.store.gate_car_park(district, gate).await?;
                car_parks.insert(gate, car_park);
            }
            let Some(car_park) = car_parks[gate].clone() else {
                unknown.push(gate.to_owned());
                continue;
            };
            let hour = at.timestamp_millis().div_euclid(3_600_000);
            let sum = sums.entry((car_park, hour)).or_insert((0, 0, at));
            sum.0 = sum.0.saturating_add(entered);
            sum.1 = sum.1.saturating_add(exited);
            sum.2 = sum.2.max(at);
        }
        for ((car_park, _), (entered, exited, at)) in sums {
            self.store
                .add_gate_counts(district, &car_park, entered, exited, at.timestamp_millis())
                .await?;
            tracing::trace!(district, car_park = %car_park, entered, exited, "gates counted");
        }
        Ok(unknown)
    }
}
