//! Reading readings back: filtered lists, the latest per device, rollups
//! and the live figures of a district.

use super::StorageError;
use super::readings::ReadingStore;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Which readings to list.
#[derive(Debug, Clone, Default)]
pub struct ReadingFilter {
    /// District id.
    pub district: String,
    /// Only this kind: `space`, `people`, `vehicles`, `energy`.
    pub kind: Option<String>,
    /// Only this device.
    pub device: Option<String>,
    /// Measured at or after, milliseconds since the epoch.
    pub since: Option<i64>,
    /// Measured before.
    pub until: Option<i64>,
    /// Only the newest reading of each device.
    pub latest: bool,
    /// At most this many.
    pub limit: u32,
}

/// A stored reading.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReading {
    /// Device id.
    pub device: String,
    /// The uplink's sequence number.
    pub seq: i64,
    /// `space`, `people`, `vehicles` or `energy`.
    pub kind: String,
    /// The space, entrance, gate or meter observed.
    pub target: String,
    /// When it was measured.
    pub at: i64,
    /// For spaces: occupied.
    pub occupied: Option<bool>,
    /// For flows: came in.
    pub entered: Option<i64>,
    /// For flows: went out.
    pub exited: Option<i64>,
    /// For meters: kWh used.
    pub kwh: Option<f64>,
}

/// One rollup bucket.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupRecord {
    /// Start of the bucket, milliseconds since the epoch.
    pub start: i64,
    /// Reading kind.
    pub kind: String,
    /// What was observed.
    pub target: String,
    /// Readings in the bucket.
    pub readings: i64,
    /// Came in.
    pub entered: i64,
    /// Went out.
    pub exited: i64,
    /// kWh used.
    pub kwh: f64,
}

/// Flow through one entrance or one car park.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowTotal {
    /// Entrance or car park id.
    pub id: String,
    /// Came in.
    pub entered: i64,
    /// Went out.
    pub exited: i64,
}

/// Sensed spaces of one car park.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceTotal {
    /// Car park id.
    pub car_park: String,
    /// Spaces whose sensor has reported.
    pub reported: i64,
    /// Of those, occupied now.
    pub occupied: i64,
}

const COLUMNS: &str = "device, seq, kind, target, at, occupied, entered, exited, kwh";

fn reading(r: &AnyRow) -> StoredReading {
    StoredReading {
        device: r.get(0),
        seq: r.get(1),
        kind: r.get(2),
        target: r.get(3),
        at: r.get(4),
        occupied: r.get::<Option<i64>, _>(5).map(|o| o != 0),
        entered: r.get(6),
        exited: r.get(7),
        kwh: r.get(8),
    }
}

impl ReadingStore {
    /// Readings matching `filter`, newest first (by device with `latest`).
    pub async fn list(&self, filter: &ReadingFilter) -> Result<Vec<StoredReading>, StorageError> {
        let mut conditions = vec!["district = $1".to_owned()];
        let mut n = 1;
        let mut next = |column: &str, op: &str| {
            n += 1;
            conditions.push(format!("{column} {op} ${n}"));
        };
        if filter.kind.is_some() {
            next("kind", "=");
        }
        if filter.device.is_some() {
            next("device", "=");
        }
        if filter.since.is_some() {
            next("at", ">=");
        }
        if filter.until.is_some() {
            next("at", "<");
        }
        let filtered = conditions.join(" AND ");
        let sql = if filter.latest {
            format!(
                "SELECT {COLUMNS} FROM (SELECT {COLUMNS}, ROW_NUMBER() OVER \
                 (PARTITION BY device ORDER BY at DESC, seq DESC, idx DESC) AS rn \
                 FROM readings WHERE {filtered}) newest WHERE rn = 1 ORDER BY device LIMIT {}",
                filter.limit
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM readings WHERE {filtered} \
                 ORDER BY at DESC, device, seq DESC LIMIT {}",
                filter.limit
            )
        };
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(filter.district.clone());
        for value in [&filter.kind, &filter.device].into_iter().flatten() {
            query = query.bind(value.clone());
        }
        for value in [filter.since, filter.until].into_iter().flatten() {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.storage.pool()).await?;
        Ok(rows.iter().map(reading).collect())
    }

    /// Rollup buckets (`minute` or `hour`) of a district starting in
    /// `[since, until)`, oldest first.
    pub async fn rollups(
        &self,
        district: &str,
        bucket: &str,
        kind: Option<&str>,
        since: i64,
        until: i64,
    ) -> Result<Vec<RollupRecord>, StorageError> {
        let kind_filter = if kind.is_some() { " AND kind = $5" } else { "" };
        let sql = format!(
            "SELECT start_at, kind, target, readings, entered, exited, kwh FROM reading_rollups \
             WHERE district = $1 AND bucket = $2 AND start_at >= $3 AND start_at < $4\
             {kind_filter} ORDER BY start_at, kind, target LIMIT 10000"
        );
        let mut query = sqlx::query(AssertSqlSafe(sql))
            .bind(district.to_owned())
            .bind(bucket.to_owned())
            .bind(since)
            .bind(until);
        if let Some(kind) = kind {
            query = query.bind(kind.to_owned());
        }
        let rows = query.fetch_all(self.storage.pool()).await?;
        Ok(rows
            .iter()
            .map(|r| RollupRecord {
                start: r.get(0),
                kind: r.get(1),
                target: r.get(2),
                readings: r.get(3),
                entered: r.get(4),
                exited: r.get(5),
                kwh: r.get(6),
            })
            .collect())
    }

    /// People through each entrance since `since`.
    pub async fn people_since(
        &self,
        district: &str,
        since: i64,
    ) -> Result<Vec<FlowTotal>, StorageError> {
        let rows = sqlx::query(
            "SELECT target, CAST(SUM(entered) AS BIGINT), CAST(SUM(exited) AS BIGINT) \
             FROM reading_rollups WHERE district = $1 AND bucket = 'hour' \
             AND kind = 'people' AND start_at >= $2 GROUP BY target ORDER BY target",
        )
        .bind(district)
        .bind(since)
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows.iter().map(flow).collect())
    }

    /// Vehicles through the gates of each car park, over all time.
    pub async fn vehicles_by_car_park(
        &self,
        district: &str,
    ) -> Result<Vec<FlowTotal>, StorageError> {
        let rows = sqlx::query(
            "SELECT d.car_park, CAST(SUM(r.entered) AS BIGINT), CAST(SUM(r.exited) AS BIGINT) \
             FROM reading_rollups r JOIN (SELECT DISTINCT district, observes, car_park \
             FROM devices WHERE kind = 'vehicle-counter') d \
             ON d.district = r.district AND d.observes = r.target \
             WHERE r.district = $1 AND r.bucket = 'hour' AND r.kind = 'vehicles' \
             GROUP BY d.car_park ORDER BY d.car_park",
        )
        .bind(district)
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows.iter().map(flow).collect())
    }

    /// Reported and occupied spaces of each car park.
    pub async fn spaces_by_car_park(
        &self,
        district: &str,
    ) -> Result<Vec<SpaceTotal>, StorageError> {
        let rows = sqlx::query(
            "SELECT car_park, COUNT(*), CAST(SUM(occupied) AS BIGINT) FROM space_state \
             WHERE district = $1 GROUP BY car_park ORDER BY car_park",
        )
        .bind(district)
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| SpaceTotal {
                car_park: r.get(0),
                reported: r.get(1),
                occupied: r.get::<Option<i64>, _>(2).unwrap_or(0),
            })
            .collect())
    }

    /// kWh used in a district since `since`.
    pub async fn energy_since(&self, district: &str, since: i64) -> Result<f64, StorageError> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(kwh), 0) AS DOUBLE PRECISION) FROM reading_rollups \
             WHERE district = $1 AND bucket = 'hour' AND kind = 'energy' AND start_at >= $2",
        )
        .bind(district)
        .bind(since)
        .fetch_one(self.storage.pool())
        .await?;
        Ok(row.get(0))
    }
}

fn flow(r: &AnyRow) -> FlowTotal {
    FlowTotal {
        id: r.get(0),
        entered: r.get::<Option<i64>, _>(1).unwrap_or(0),
        exited: r.get::<Option<i64>, _>(2).unwrap_or(0),
    }
}
