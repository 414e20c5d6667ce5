//! Device readings for the API: filtered lists, the latest per device,
//! rollups, and a district's live figures (people in the district now,
//! vehicles and free spaces in each car park, energy used today).

use crate::registry::Registry;
use crate::storage::{ReadingFilter, RollupRecord, Storage, StorageError, StoredReading};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;
use utoipa::ToSchema;

/// Most readings one request may list.
pub const MAX_LIMIT: u32 = 1000;
const DAY_MS: i64 = 86_400_000;

/// Why a readings request failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadingsError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The request is inconsistent.
    #[error("{0}")]
    InvalidQuery(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Which readings to list.
#[derive(Debug, Clone, Default)]
pub struct ReadingsQuery {
    /// `space`, `people`, `vehicles` or `energy`.
    pub kind: Option<String>,
    /// One device.
    pub device: Option<String>,
    /// From this instant on.
    pub since: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only the newest reading of each device.
    pub latest: bool,
    /// At most this many (default 100, at most [`MAX_LIMIT`]).
    pub limit: Option<u32>,
}

/// One reading.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReadingView {
    /// Device id.
    pub device: String,
    /// The uplink's sequence number.
    pub seq: i64,
    /// `space`, `people`, `vehicles` or `energy`.
    pub kind: String,
    /// The space, entrance, gate or meter observed.
    pub target: String,
    /// When it was measured (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub at: DateTime<Utc>,
    /// Spaces: occupied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub occupied: Option<bool>,
    /// Flows: came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entered: Option<i64>,
    /// Flows: went out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exited: Option<i64>,
    /// Meters: kWh used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kwh: Option<f64>,
}

/// People through one entrance today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EntranceFigures {
    /// Entrance id.
    pub entrance: String,
    /// Came in today.
    pub entered: i64,
    /// Went out today.
    pub exited: i64,
}

/// One car park now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CarParkFigures {
    /// Car park id.
    pub car_park: String,
    /// Vehicles inside: in minus out through its gates.
    pub vehicles: i64,
    /// Spaces whose sensor has reported.
    pub sensed_spaces: i64,
    /// Of those, occupied.
    pub occupied_spaces: i64,
    /// Of those, free.
    pub free_spaces: i64,
}

/// A district's live figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveFigures {
    /// District id.
    pub district: String,
    /// When the figures were taken.
    #[schema(value_type = String, format = DateTime)]
    pub as_of: DateTime<Utc>,
    /// People in the district now: in minus out through every entrance
    /// since local midnight.
    pub people_in_district: i64,
    /// By entrance.
    pub entrances: Vec<EntranceFigures>,
    /// Every car park with a gate counter or space sensors.
    pub car_parks: Vec<CarParkFigures>,
    /// kWh used since local midnight.
    pub energy_kwh_today: f64,
}

/// Most buckets one rollups request may span.
pub const MAX_BUCKETS: i64 = 10_000;

/// How long one rollup bucket is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// One minute.
    Minute,
    /// One hour.
    Hour,
}

impl Bucket {
    /// The bucket as stored and as written in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Minute => "minute",
            Bucket::Hour => "hour",
        }
    }

    fn millis(self) -> i64 {
        match self {
            Bucket::Minute => 60_000,
            Bucket::Hour => 3_600_000,
        }
    }
}

impl std::str::FromStr for Bucket {
    type Err = ReadingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "minute" => Ok(Bucket::Minute),
            "hour" => Ok(Bucket::Hour),
            other => Err(ReadingsError::InvalidQuery(format!(
                "bucket {other:?} is not one of minute, hour"
            ))),
        }
    }
}

/// Which rollups to list.
#[derive(Debug, Clone)]
pub struct RollupsQuery {
    /// Bucket length.
    pub bucket: Bucket,
    /// Only this kind.
    pub kind: Option<String>,
    /// Buckets starting at or after this instant (default: 24 buckets ago).
    pub since: Option<DateTime<Utc>>,
    /// Buckets starting before this instant (default: now).
    pub until: Option<DateTime<Utc>>,
}

/// One rollup bucket: the sums of one kind of reading of one target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RollupView {
    /// Start of the bucket (RFC 3339, UTC).
    #[schema(value_type = String, format = DateTime)]
    pub start: DateTime<Utc>,
    /// `space`, `people`, `vehicles` or `energy`.
    pub kind: String,
    /// The space, entrance, gate or meter observed.
    pub target: String,
    /// Readings in the bucket.
    pub readings: i64,
    /// Flows: came in.
    pub entered: i64,
    /// Flows: went out.
    pub exited: i64,
    /// Meters: kWh used.
    pub kwh: f64,
}

/// Readings of every district.
#[derive(Clone)]
pub struct ReadingsService {
    registry: Arc<Registry>,
    storage: Storage,
}

impl ReadingsService {
    /// A service over these districts and this database.
    pub fn new(registry: Arc<Registry>, storage: Storage) -> Self {
        Self { registry, storage }
    }

    fn utc_offset(&self, district: &str) -> Result<i32, ReadingsError> {
        self.registry
            .district(district)
            .map(|d| d.utc_offset_minutes)
            .ok_or_else(|| ReadingsError::UnknownDistrict(district.to_owned()))
    }

    /// Readings of `district` matching `query`.
    pub async fn list(
        &self,
        district: &str,
        query: &ReadingsQuery,
    ) -> Result<Vec<ReadingView>, ReadingsError> {
        self.utc_offset(district)?;
        check_kind(query.kind.as_deref())?;
        if let (Some(since), Some(until)) = (query.since, query.until)
            && until <= since
        {
            return Err(ReadingsError::InvalidQuery(
                "until must be after since".into(),
            ));
        }
        let limit = query.limit.unwrap_or(100);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ReadingsError::InvalidQuery(format!(
                "limit must be within 1..={MAX_LIMIT}"
            )));
        }
        let filter = ReadingFilter {
            district: district.to_owned(),
            kind: query.kind.clone(),
            device: query.device.clone(),
            since: query.since.map(|t| t.timestamp_millis()),
            until: query.until.map(|t| t.timestamp_millis()),
            latest: query.latest,
            limit,
        };
        let rows = self.storage.readings().list(&filter).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// Rollup buckets of `district`, oldest first.
    pub async fn rollups(
        &self,
        district: &str,
        query: &RollupsQuery,
    ) -> Result<Vec<RollupView>, ReadingsError> {
        self.utc_offset(district)?;
        check_kind(query.kind.as_deref())?;
        let span = query.bucket.millis();
        let until = query.until.map_or_else(
            || Utc::now().timestamp_millis() + 1,
            |t| t.timestamp_millis(),
        );
        let since = query
            .since
            .map_or(until - 24 * span, |t| t.timestamp_millis());
        if until <= since {
            return Err(ReadingsError::InvalidQuery(
                "until must be after since".into(),
            ));
        }
        if (until - since) / span > MAX_BUCKETS {
            return Err(ReadingsError::InvalidQuery(format!(
                "the range spans more than {MAX_BUCKETS} {} buckets",
                query.bucket.as_str()
            )));
        }
        let rows = self
            .storage
            .readings()
            .rollups(
                district,
                query.bucket.as_str(),
                query.kind.as_deref(),
                since,
                until,
            )
            .await?;
        Ok(rows.into_iter().map(rollup_view).collect())
    }

    /// The live figures of `district`.
    pub async fn live(&self, district: &str) -> Result<LiveFigures, ReadingsError> {
        let offset_ms = i64::from(self.utc_offset(district)?) * 60_000;
        let now = Utc::now();
        let local = now.timestamp_millis() + offset_ms;
        let midnight = local - local.rem_euclid(DAY_MS) - offset_ms;
        let store = self.storage.readings();

        let entrances: Vec<EntranceFigures> = store
            .people_since(district, midnight)
            .await?
            .into_iter()
            .map(|f| EntranceFigures {
                entrance: f.id,
                entered: f.entered,
                exited: f.exited,
            })
            .collect();
        let people: i64 = entrances.iter().map(|e| e.entered - e.exited).sum();

        let mut car_parks: BTreeMap<String, CarParkFigures> = BTreeMap::new();
        let blank = |id: &str| CarParkFigures {
            car_park: id.to_owned(),
            vehicles: 0,
            sensed_spaces: 0,
            occupied_spaces: 0,
            free_spaces: 0,
        };
        for flow in store.vehicles_by_car_park(district).await? {
            let park = car_parks
                .entry(flow.id.clone())
                .or_insert_with(|| blank(&flow.id));
            park.vehicles = (flow.entered - flow.exited).max(0);
        }
        for spaces in store.spaces_by_car_park(district).await? {
            let id = spaces.car_park.clone();
            let park = car_parks.entry(id.clone()).or_insert_with(|| blank(&id));
            park.sensed_spaces = spaces.reported;
            park.occupied_spaces = spaces.occupied;
            park.free_spaces = spaces.reported - spaces.occupied;
        }
        Ok(LiveFigures {
            district: district.to_owned(),
            as_of: now,
            // Counters miss people now and then; never report fewer than
            // nobody.
            people_in_district: people.max(0),
            entrances,
            car_parks: car_parks.into_values().collect(),
            energy_kwh_today: store.energy_since(district, midnight).await?,
        })
    }
}

fn check_kind(kind: Option<&str>) -> Result<(), ReadingsError> {
    match kind {
        Some(kind) if !["space", "people", "vehicles", "energy"].contains(&kind) => {
            Err(ReadingsError::InvalidQuery(format!(
                "kind {kind:?} is not one of space, people, vehicles, energy"
            )))
        }
        _ => Ok(()),
    }
}

fn rollup_view(r: RollupRecord) -> RollupView {
    RollupView {
        start: DateTime::from_timestamp_millis(r.start).unwrap_or_default(),
        kind: r.kind,
        target: r.target,
        readings: r.readings,
        entered: r.entered,
        exited: r.exited,
        kwh: r.kwh,
    }
}

fn view(r: StoredReading) -> ReadingView {
    ReadingView {
        device: r.device,
        seq: r.seq,
        kind: r.kind,
        target: r.target,
        at: DateTime::from_timestamp_millis(r.at).unwrap_or_default(),
        occupied: r.occupied,
        entered: r.entered,
        exited: r.exited,
        kwh: r.kwh,
    }
}
