//! Car parks, entrances and spaces: seeding them from a data file and
//! reading them back with their availability counted from the spaces.

use super::{ParkingStore, blocking};
use crate::config::ParkingData;
use crate::storage::StorageError;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A car park as stored.
#[derive(Debug, Clone)]
pub struct CarParkRow {
    /// Id within the district.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// `HH:MM-HH:MM` local time.
    pub opening_hours: String,
    /// Floor names in driving order.
    pub floors: Vec<String>,
}

/// A vehicle entrance.
#[derive(Debug, Clone)]
pub struct EntranceRow {
    /// Id within the district.
    pub id: String,
    /// Its car park.
    pub car_park: String,
    /// Display name.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
}

/// A space and what sensors last said of it.
#[derive(Debug, Clone)]
pub struct SpaceRow {
    /// Id within the district.
    pub id: String,
    /// Its car park.
    pub car_park: String,
    /// Floor name.
    pub floor: String,
    /// Category, e.g. `ev-charging`.
    pub category: String,
    /// `free`, `occupied`, `closed` or `unknown`.
    pub status: String,
    /// When a sensor last reported, ms since the epoch.
    pub date_observed: Option<i64>,
}

/// A car park's counts at one instant, derived from its spaces.
#[derive(Debug, Clone, Default)]
pub struct Availability {
    /// Every space.
    pub total: i64,
    /// Spaces a sensor reports occupied.
    pub occupied: i64,
    /// Spaces closed by the operator.
    pub closed: i64,
    /// Free spaces no reservation holds now.
    pub available: i64,
    /// Lowest floor index with an available space.
    pub first_available_floor: Option<i64>,
    /// Latest sensor observation.
    pub last_observed: Option<i64>,
}

impl ParkingStore {
    /// Adds the car parks, entrances and spaces of `data` that the database
    /// does not have yet. Rows already there (and the live status of
    /// spaces) are left as they are: after the first start the database is
    /// the source of truth.
    pub async fn seed(&self, district: &str, data: &ParkingData) -> Result<u64, StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let mut added = 0;
        for park in &data.car_parks {
            let floors = serde_json::to_string(&park.floors).expect("strings serialise");
            added += sqlx::query(
                "INSERT INTO car_parks (district, id, name, lat, lon, opening_hours, floors) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (district, id) DO NOTHING",
            )
            .bind(district)
            .bind(&park.id)
            .bind(&park.name)
            .bind(park.lat)
            .bind(park.lon)
            .bind(&park.opening_hours)
            .bind(floors)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            for e in &park.entrances {
                sqlx::query(
                    "INSERT INTO parking_entrances (district, id, car_park, name, lat, lon) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (district, id) DO NOTHING",
                )
                .bind(district)
                .bind(&e.id)
                .bind(&park.id)
                .bind(&e.name)
                .bind(e.lat)
                .bind(e.lon)
                .execute(&mut *tx)
                .await?;
            }
            for s in park.space_list() {
                sqlx::query(
                    "INSERT INTO parking_spaces \
                     (district, id, car_park, floor, floor_index, category) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (district, id) DO NOTHING",
                )
                .bind(district)
                .bind(&s.id)
                .bind(&park.id)
                .bind(&s.floor)
                .bind(s.floor_index as i64)
                .bind(&s.category)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Every car park of the district, in id order.
    pub async fn car_parks(&self, district: &str) -> Result<Vec<CarParkRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, name, lat, lon, opening_hours, floors FROM car_parks \
             WHERE district = $1 ORDER BY id",
        )
        .bind(district)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(car_park).collect())
    }

    /// One car park.
    pub async fn car_park(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<CarParkRow>, StorageError> {
        let row = sqlx::query(
            "SELECT id, name, lat, lon, opening_hours, floors FROM car_parks \
             WHERE district = $1 AND id = $2",
        )
        .bind(district)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(car_park))
    }

    /// Every entrance of the district, by car park and id.
    pub async fn entrances(&self, district: &str) -> Result<Vec<EntranceRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, car_park, name, lat, lon FROM parking_entrances \
             WHERE district = $1 ORDER BY car_park, id",
        )
        .bind(district)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| EntranceRow {
                id: r.get(0),
                car_park: r.get(1),
                name: r.get(2),
                lat: r.get(3),
                lon: r.get(4),
            })
            .collect())
    }

    /// The spaces of a car park, in floor and id order.
    pub async fn spaces(
        &self,
        district: &str,
        car_park: &str,
    ) -> Result<Vec<SpaceRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, car_park, floor, category, status, date_observed FROM parking_spaces \
             WHERE district = $1 AND car_park = $2 ORDER BY floor_index, id",
        )
        .bind(district)
        .bind(car_park)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(space).collect())
    }

    /// One space.
    pub async fn space(&self, district: &str, id: &str) -> Result<Option<SpaceRow>, StorageError> {
        let row = sqlx::query(
            "SELECT id, car_park, floor, category, status, date_observed FROM parking_spaces \
             WHERE district = $1 AND id = $2",
        )
        .bind(district)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.as_ref().map(space))
    }

    /// The counts of every car park of the district at `now`, by car park
    /// id, from one query over the spaces.
    pub async fn availability(
        &self,
        district: &str,
        now: i64,
    ) -> Result<Vec<(String, Availability)>, StorageError> {
        let free_now = format!(
            "s.status = 'free' AND NOT EXISTS (SELECT 1 FROM parking_reservations r \
             WHERE r.district = s.district AND r.space = s.id \
             AND r.start_ms <= $2 AND r.end_ms > $2 AND {})",
            blocking("$2")
        );
        let sql = format!(
            "SELECT s.car_park, COUNT(*), \
             SUM(CASE WHEN s.status = 'occupied' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN s.status = 'closed' THEN 1 ELSE 0 END), \
             SUM(CASE WHEN {free_now} THEN 1 ELSE 0 END), \
             MIN(CASE WHEN {free_now} THEN s.floor_index END), \
             MAX(s.date_observed) \
             FROM parking_spaces s WHERE s.district = $1 GROUP BY s.car_park"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(now)
            .fetch_all(self.pool())
            .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let counts = Availability {
                    total: r.get(1),
                    occupied: r.get(2),
                    closed: r.get(3),
                    available: r.get(4),
                    first_available_floor: r.get(5),
                    last_observed: r.get(6),
                };
                (r.get(0), counts)
            })
            .collect())
    }
}

fn car_park(r: &AnyRow) -> CarParkRow {
    let floors: String = r.get(5);
    CarParkRow {
        id: r.get(0),
        name: r.get(1),
        lat: r.get(2),
        lon: r.get(3),
        opening_hours: r.get(4),
        floors: serde_json::from_str(&floors).unwrap_or_default(),
    }
}

fn space(r: &AnyRow) -> SpaceRow {
    SpaceRow {
        id: r.get(0),
        car_park: r.get(1),
        floor: r.get(2),
        category: r.get(3),
        status: r.get(4),
        date_observed: r.get(5),
    }
}
