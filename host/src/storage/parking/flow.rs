//! Observations from sensors and gate counters, and the flow statistics
//! drawn from them: entries and exits per hour, occupancy per hour, stays.

use super::{ParkingStore, retry_busy};
use crate::storage::StorageError;
use sqlx::Row;

/// One hour's length in ms.
const HOUR_MS: i64 = 3_600_000;

/// What an observation of a space did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObserveOutcome {
    /// No such space in the district.
    UnknownSpace,
    /// Older than what is already known of the space; ignored.
    Stale,
    /// Recorded.
    Recorded {
        /// The space's car park.
        car_park: String,
        /// Status before.
        previous: String,
        /// A reservation checked in by it.
        checked_in: Option<String>,
        /// A reservation checked out by it.
        checked_out: Option<String>,
    },
}

/// One hour of a car park's flow.
#[derive(Debug, Clone)]
pub struct FlowHour {
    /// Start of the hour, ms since the epoch.
    pub hour_start: i64,
    /// Vehicles in through the gates.
    pub entered: i64,
    /// Vehicles out.
    pub exited: i64,
    /// Occupancy samples taken (one per space observation).
    pub samples: i64,
    /// Sum of occupied spaces over the samples.
    pub occupied_sum: i64,
    /// Most spaces occupied at once.
    pub occupied_peak: i64,
    /// Latest observation in the hour, ms.
    pub last_observed: i64,
}

/// Stays sensors saw in a period.
#[derive(Debug, Clone, Default)]
pub struct StayFigures {
    /// Stays that began in the period.
    pub started: i64,
    /// Stays that ended in the period.
    pub ended: i64,
    /// Their mean length, ms.
    pub average_ms: Option<f64>,
}

fn hour_of(at: i64) -> i64 {
    at.div_euclid(HOUR_MS) * HOUR_MS
}

impl ParkingStore {
    /// Records that a sensor saw `space` occupied (or free) at `at`: the
    /// space's status, the stay it starts or ends, the check-in or
    /// check-out of a reservation on it, and an occupancy sample.
    pub async fn observe_space(
        &self,
        district: &str,
        space: &str,
        occupied: bool,
        at: i64,
    ) -> Result<ObserveOutcome, StorageError> {
        let reading = SpaceReading {
            space,
            occupied,
            at,
        };
        let mut outcomes = self.observe_spaces(district, &[reading]).await?;
        Ok(outcomes.pop().expect("one outcome per reading"))
    }

    /// Records many space readings of one district in order, in one
    /// transaction: each as [`Self::observe_space`] would, at the cost of
    /// one commit. One outcome per reading.
    pub async fn observe_spaces(
        &self,
        district: &str,
        readings: &[SpaceReading<'_>],
    ) -> Result<Vec<ObserveOutcome>, StorageError> {
        Ok(retry_busy(|| async {
            let mut tx = self.storage.begin_write().await?;
            let mut outcomes = Vec::with_capacity(readings.len());
            for r in readings {
                outcomes.push(observe_in(&mut tx, district, r.space, r.occupied, r.at).await?);
            }
            tx.commit().await?;
            Ok(outcomes)
        })
        .await?)
    }
}

/// One sensor reading of a space.
#[derive(Debug, Clone, Copy)]
pub struct SpaceReading<'a> {
    /// Space id.
    pub space: &'a str,
    /// Occupied (true) or free.
    pub occupied: bool,
    /// When it was seen, ms since the epoch.
    pub at: i64,
}

/// [`ParkingStore::observe_space`] inside the caller's transaction.
async fn observe_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    district: &str,
    space: &str,
    occupied: bool,
    at: i64,
) -> Result<ObserveOutcome, sqlx::Error> {
    // A no-op write first: the space's row lock (PostgreSQL) or the
    // write lock (SQLite) before the read below.
    let touched =
        sqlx::query("UPDATE parking_spaces SET status = status WHERE district = $1 AND id = $2")
            .bind(district)
            .bind(space)
            .execute(&mut **tx)
            .await?;
    if touched.rows_affected() == 0 {
        return Ok(ObserveOutcome::UnknownSpace);
    }
    let row = sqlx::query(
        "SELECT car_park, status, date_observed FROM parking_spaces \
             WHERE district = $1 AND id = $2",
    )
    .bind(district)
    .bind(space)
    .fetch_one(&mut **tx)
    .await?;
    let (car_park, previous, observed): (String, String, Option<i64>) =
        (row.get(0), row.get(1), row.get(2));
    if observed.is_some_and(|seen| seen > at) {
        return Ok(ObserveOutcome::Stale);
    }
    // An operator's closure outlives sensor readings.
    let status = match (previous.as_str(), occupied) {
        ("closed", _) => "closed",
        (_, true) => "occupied",
        (_, false) => "free",
    };
    sqlx::query(
        "UPDATE parking_spaces SET status = $3, date_observed = $4 \
             WHERE district = $1 AND id = $2",
    )
    .bind(district)
    .bind(space)
    .bind(status)
    .bind(at)
    .execute(&mut **tx)
    .await?;

    let (mut checked_in, mut checked_out) = (None, None);
    if occupied && previous != "occupied" {
        sqlx::query(
            "INSERT INTO parking_stays (district, car_park, space, started_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (district, space, started_at) DO NOTHING",
        )
        .bind(district)
        .bind(&car_park)
        .bind(space)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        // A car on a paid space within its window (from one grace
        // period before the start to the end of the grace) checks in.
        checked_in = sqlx::query(
            "UPDATE parking_reservations SET status = 'checked_in', checked_in_at = $3 \
                 WHERE district = $1 AND space = $2 AND status = 'confirmed' \
                 AND $3 >= start_ms - (grace_until - start_ms) AND $3 < grace_until \
                 RETURNING id",
        )
        .bind(district)
        .bind(space)
        .bind(at)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.get(0));
    }
    if !occupied && previous == "occupied" {
        sqlx::query(
            "UPDATE parking_stays SET ended_at = $3 \
                 WHERE district = $1 AND space = $2 AND ended_at IS NULL",
        )
        .bind(district)
        .bind(space)
        .bind(at)
        .execute(&mut **tx)
        .await?;
        checked_out = sqlx::query(
            "UPDATE parking_reservations SET status = 'completed', checked_out_at = $3 \
                 WHERE district = $1 AND space = $2 AND status = 'checked_in' RETURNING id",
        )
        .bind(district)
        .bind(space)
        .bind(at)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.get(0));
    }

    let occupied_now: i64 = sqlx::query(
        "SELECT COUNT(*) FROM parking_spaces \
             WHERE district = $1 AND car_park = $2 AND status = 'occupied'",
    )
    .bind(district)
    .bind(&car_park)
    .fetch_one(&mut **tx)
    .await?
    .get(0);
    sqlx::query(
        "INSERT INTO parking_flow_hourly (district, car_park, hour_start, samples, \
             occupied_sum, occupied_peak, last_observed) VALUES ($1, $2, $3, 1, $4, $4, $5) \
             ON CONFLICT (district, car_park, hour_start) DO UPDATE SET \
             samples = parking_flow_hourly.samples + 1, \
             occupied_sum = parking_flow_hourly.occupied_sum + excluded.occupied_sum, \
             occupied_peak = CASE WHEN excluded.occupied_peak > parking_flow_hourly.occupied_peak \
               THEN excluded.occupied_peak ELSE parking_flow_hourly.occupied_peak END, \
             last_observed = CASE WHEN excluded.last_observed > parking_flow_hourly.last_observed \
               THEN excluded.last_observed ELSE parking_flow_hourly.last_observed END",
    )
    .bind(district)
    .bind(&car_park)
    .bind(hour_of(at))
    .bind(occupied_now)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(ObserveOutcome::Recorded {
        car_park,
        previous,
        checked_in,
        checked_out,
    })
}

impl ParkingStore {
    /// The car park a gate counter reports for: a car park id, or the id of
    /// one of its entrances.
    pub async fn gate_car_park(
        &self,
        district: &str,
        gate: &str,
    ) -> Result<Option<String>, StorageError> {
        let row = sqlx::query(
            "SELECT id FROM car_parks WHERE district = $1 AND id = $2 \
             UNION ALL SELECT car_park FROM parking_entrances WHERE district = $1 AND id = $2",
        )
        .bind(district)
        .bind(gate)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.get(0)))
    }

    /// Adds gate counts to the car park's hour containing `at`.
    pub async fn add_gate_counts(
        &self,
        district: &str,
        car_park: &str,
        entered: u32,
        exited: u32,
        at: i64,
    ) -> Result<(), StorageError> {
        retry_busy(|| async {
            sqlx::query(
                "INSERT INTO parking_flow_hourly (district, car_park, hour_start, entered, \
                 exited, last_observed) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (district, car_park, hour_start) DO UPDATE SET \
                 entered = parking_flow_hourly.entered + excluded.entered, \
                 exited = parking_flow_hourly.exited + excluded.exited, \
                 last_observed = CASE \
                   WHEN excluded.last_observed > parking_flow_hourly.last_observed \
                   THEN excluded.last_observed ELSE parking_flow_hourly.last_observed END",
            )
            .bind(district)
            .bind(car_park)
            .bind(hour_of(at))
            .bind(i64::from(entered))
            .bind(i64::from(exited))
            .bind(at)
            .execute(self.pool())
            .await
        })
        .await?;
        Ok(())
    }

    /// The car park's hours that start within `[from, to)`, in order.
    pub async fn flow_hours(
        &self,
        district: &str,
        car_park: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<FlowHour>, StorageError> {
        let rows = sqlx::query(
            "SELECT hour_start, entered, exited, samples, occupied_sum, occupied_peak, \
             last_observed \
             FROM parking_flow_hourly WHERE district = $1 AND car_park = $2 \
             AND hour_start >= $3 AND hour_start < $4 ORDER BY hour_start",
        )
        .bind(district)
        .bind(car_park)
        .bind(hour_of(from))
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| FlowHour {
                hour_start: r.get(0),
                entered: r.get(1),
                exited: r.get(2),
                samples: r.get(3),
                occupied_sum: r.get(4),
                occupied_peak: r.get(5),
                last_observed: r.get(6),
            })
            .collect())
    }

    /// Stays in the car park that began or ended within `[from, to)`.
    pub async fn stay_figures(
        &self,
        district: &str,
        car_park: &str,
        from: i64,
        to: i64,
    ) -> Result<StayFigures, StorageError> {
        let started: i64 = sqlx::query(
            "SELECT COUNT(*) FROM parking_stays WHERE district = $1 AND car_park = $2 \
             AND started_at >= $3 AND started_at < $4",
        )
        .bind(district)
        .bind(car_park)
        .bind(from)
        .bind(to)
        .fetch_one(self.pool())
        .await?
        .get(0);
        let row = sqlx::query(
            "SELECT COUNT(*), CAST(AVG(ended_at - started_at) AS DOUBLE PRECISION) \
             FROM parking_stays WHERE district = $1 AND car_park = $2 \
             AND ended_at IS NOT NULL AND ended_at >= $3 AND ended_at < $4",
        )
        .bind(district)
        .bind(car_park)
        .bind(from)
        .bind(to)
        .fetch_one(self.pool())
        .await?;
        Ok(StayFigures {
            started,
            ended: row.get(0),
            average_ms: row.get(1),
        })
    }
}
