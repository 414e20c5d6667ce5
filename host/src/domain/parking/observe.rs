//! The hooks device ingest calls: a space sensor's reading and a gate
//! counter's tally. Both persist at once; availability, check-ins and
//! flow statistics follow from what they store.

use super::{ParkingError, ParkingService};
use crate::storage::parking::ObserveOutcome;
use chrono::{DateTime, Utc};

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
        self.check_district(district)?;
        let at_ms = at.timestamp_millis();
        let outcome = self
            .store
            .observe_space(district, space, occupied, at_ms)
            .await?;
        match outcome {
            ObserveOutcome::UnknownSpace => Err(ParkingError::UnknownSpace(space.to_owned())),
            ObserveOutcome::Stale => {
                tracing::debug!(district, space, "stale space reading ignored");
                let row = self.store.space(district, space).await?;
                Ok(SpaceObservation {
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
                tracing::trace!(district, car_park = %car_park, space, occupied,
                    previous = %previous, "space observed");
                for (id, what) in [(&checked_in, "checked in"), (&checked_out, "checked out")] {
                    if let Some(id) = id {
                        tracing::info!(district, car_park = %car_park, reservation = %id,
                            space, "reservation {what} by sensor");
                    }
                }
                Ok(SpaceObservation {
                    car_park,
                    recorded: true,
                    checked_in,
                    checked_out,
                })
            }
        }
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
        self.check_district(district)?;
        let car_park = self
            .store
            .gate_car_park(district, gate)
            .await?
            .ok_or_else(|| ParkingError::UnknownCarPark(gate.to_owned()))?;
        self.store
            .add_gate_counts(district, &car_park, entered, exited, at.timestamp_millis())
            .await?;
        tracing::trace!(district, car_park = %car_park, gate, entered, exited, "gate counted");
        Ok(())
    }
}
