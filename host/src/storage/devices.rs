//! The device registry: which devices a district has, seeded from its
//! device file at start-up and edited through the admin API.

use super::{Storage, StorageError};
use sqlx::Row;

/// One registered device, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// District id.
    pub district: String,
    /// Device id, unique in the district.
    pub id: String,
    /// `parking-sensor`, `footfall-counter`, `vehicle-counter`, `energy-meter`.
    pub kind: String,
    /// Id of the district's decoder plugin for its payloads.
    pub decoder: String,
    /// Where it is.
    pub location: String,
    /// The space, entrance, gate or meter it observes.
    pub observes: String,
    /// The car park of a parking sensor or gate.
    pub car_park: Option<String>,
    /// Vendor variables, as a JSON object.
    pub variables: String,
}

/// Devices on the shared database.
#[derive(Clone)]
pub struct DeviceStore {
    storage: Storage,
}

impl DeviceStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Inserts or updates every device of `district` given, in one
    /// transaction. Devices already in the table and not given stay.
    pub async fn seed(&self, devices: &[DeviceRecord]) -> Result<(), StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let now = chrono::Utc::now().timestamp_millis();
        for d in devices {
            sqlx::query(
                "INSERT INTO devices (district, id, kind, decoder, location, observes, \
                 car_park, variables, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (district, id) DO UPDATE SET kind = excluded.kind, \
                 decoder = excluded.decoder, location = excluded.location, \
                 observes = excluded.observes, car_park = excluded.car_park, \
                 variables = excluded.variables, updated_at = excluded.updated_at",
            )
            .bind(&d.district)
            .bind(&d.id)
            .bind(&d.kind)
            .bind(&d.decoder)
            .bind(&d.location)
            .bind(&d.observes)
            .bind(d.car_park.clone())
            .bind(&d.variables)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every device of every district, in (district, id) order.
    pub async fn all(&self) -> Result<Vec<DeviceRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT district, id, kind, decoder, location, observes, car_park, variables \
             FROM devices ORDER BY district, id",
        )
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| DeviceRecord {
                district: r.get(0),
                id: r.get(1),
                kind: r.get(2),
                decoder: r.get(3),
                location: r.get(4),
                observes: r.get(5),
                car_park: r.get(6),
                variables: r.get(7),
            })
            .collect())
    }

    /// Removes device `id` of `district`; false when there was none.
    pub async fn delete(&self, district: &str, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query("DELETE FROM devices WHERE district = $1 AND id = $2")
            .bind(district)
            .bind(id)
            .execute(self.storage.pool())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
