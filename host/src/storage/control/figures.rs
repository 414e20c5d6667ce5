//! Figures the statistics need beyond the reading rollups: per-minute
//! occupancy samples of each district's sensed spaces (the space table
//! knows only the present), and orders counted per bucket.

use super::ControlStore;
use crate::storage::StorageError;
use sqlx::Row;

/// Occupancy averaged over one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct OccupancySample {
    /// Start of the bucket, milliseconds since the epoch.
    pub start: i64,
    /// Occupied spaces, on average.
    pub occupied: f64,
    /// Sensed spaces, on average.
    pub sensed: f64,
}

/// Flows and energy of one reading kind in one bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowBucket {
    /// Start of the bucket, milliseconds since the epoch.
    pub start: i64,
    /// `people`, `vehicles` or `energy`.
    pub kind: String,
    /// Came in.
    pub entered: i64,
    /// Went out.
    pub exited: i64,
    /// kWh used.
    pub kwh: f64,
}

/// Orders placed in one bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCount {
    /// Start of the bucket, milliseconds since the epoch.
    pub start: i64,
    /// Orders placed.
    pub orders: i64,
}

const MINUTE_MS: i64 = 60_000;

impl ControlStore {
    /// Adds one sample of a district's occupancy to its minute.
    pub async fn sample_occupancy(
        &self,
        district: &str,
        at: i64,
        occupied: i64,
        sensed: i64,
    ) -> Result<(), StorageError> {
        let start = at - at.rem_euclid(MINUTE_MS);
        sqlx::query(
            "INSERT INTO control_occupancy (district, start_at, samples, occupied, sensed) \
             VALUES ($1, $2, 1, $3, $4) ON CONFLICT (district, start_at) DO UPDATE SET \
             samples = control_occupancy.samples + 1, \
             occupied = control_occupancy.occupied + excluded.occupied, \
             sensed = control_occupancy.sensed + excluded.sensed",
        )
        .bind(district)
        .bind(start)
        .bind(occupied)
        .bind(sensed)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Average occupancy of `district` per bucket of `width_ms` (aligned
    /// to `origin`) in `[since, until)`, oldest first.
    pub async fn occupancy(
        &self,
        district: &str,
        origin: i64,
        width_ms: i64,
        since: i64,
        until: i64,
    ) -> Result<Vec<OccupancySample>, StorageError> {
        let rows = sqlx::query(
            "SELECT (start_at - $1) / $2, CAST(SUM(samples) AS BIGINT), \
             CAST(SUM(occupied) AS BIGINT), CAST(SUM(sensed) AS BIGINT) \
             FROM control_occupancy WHERE district = $3 AND start_at >= $4 AND start_at < $5 \
             GROUP BY 1 ORDER BY 1",
        )
        .bind(origin)
        .bind(width_ms)
        .bind(district)
        .bind(since)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let n: i64 = r.get(0);
                let samples = r.get::<i64, _>(1).max(1) as f64;
                OccupancySample {
                    start: origin + n * width_ms,
                    occupied: r.get::<i64, _>(2) as f64 / samples,
                    sensed: r.get::<i64, _>(3) as f64 / samples,
                }
            })
            .collect())
    }

    /// Orders of `district` placed per bucket of `width_ms` (aligned to
    /// `origin`) in `[since, until)`, oldest first.
    pub async fn orders_per_bucket(
        &self,
        district: &str,
        origin: i64,
        width_ms: i64,
        since: i64,
        until: i64,
    ) -> Result<Vec<OrderCount>, StorageError> {
        let rows = sqlx::query(
            "SELECT (created_at - $1) / $2, COUNT(*) FROM commerce_orders \
             WHERE district = $3 AND created_at >= $4 AND created_at < $5 \
             GROUP BY 1 ORDER BY 1",
        )
        .bind(origin)
        .bind(width_ms)
        .bind(district)
        .bind(since)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| OrderCount {
                start: origin + r.get::<i64, _>(0) * width_ms,
                orders: r.get(1),
            })
            .collect())
    }

    /// People, vehicles and energy of `district` per bucket of `width_ms`
    /// (aligned to `origin`) in `[since, until)`, summed from the
    /// `source` rollups (`minute` or `hour`), oldest first.
    pub async fn flows(
        &self,
        district: &str,
        source: &str,
        origin: i64,
        width_ms: i64,
        since: i64,
        until: i64,
    ) -> Result<Vec<FlowBucket>, StorageError> {
        let rows = sqlx::query(
            "SELECT (start_at - $1) / $2, kind, CAST(SUM(entered) AS BIGINT), \
             CAST(SUM(exited) AS BIGINT), CAST(SUM(kwh) AS DOUBLE PRECISION) \
             FROM reading_rollups WHERE district = $3 AND bucket = $4 \
             AND start_at >= $5 AND start_at < $6 AND kind <> 'space' \
             GROUP BY 1, kind ORDER BY 1, kind",
        )
        .bind(origin)
        .bind(width_ms)
        .bind(district)
        .bind(source)
        .bind(since)
        .bind(until)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| FlowBucket {
                start: origin + r.get::<i64, _>(0) * width_ms,
                kind: r.get(1),
                entered: r.get::<Option<i64>, _>(2).unwrap_or(0),
                exited: r.get::<Option<i64>, _>(3).unwrap_or(0),
                kwh: r.get::<Option<f64>, _>(4).unwrap_or(0.0),
            })
            .collect())
    }

    /// Orders of `district` placed since `since`.
    pub async fn orders_since(&self, district: &str, since: i64) -> Result<i64, StorageError> {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM commerce_orders WHERE district = $1 AND created_at >= $2",
        )
        .bind(district)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok(row.get(0))
    }

    /// Deliveries of `district` that reached their outcome since `since` —
    /// delivered, failed, or found in breach of their SLA — as (on time,
    /// all). Cancelled deliveries count for neither.
    pub async fn deliveries_since(
        &self,
        district: &str,
        since: i64,
    ) -> Result<(i64, i64), StorageError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN status = 'delivered' AND breach IS NULL \
                 THEN 1 ELSE 0 END), 0), COUNT(*) \
             FROM logistics_deliveries WHERE district = $1 AND status <> 'cancelled' \
             AND ((status IN ('delivered', 'failed') AND status_at >= $2) \
                  OR (breach IS NOT NULL AND updated_at >= $2))",
        )
        .bind(district)
        .bind(since)
        .fetch_one(self.pool())
        .await?;
        Ok((row.get(0), row.get(1)))
    }
}
