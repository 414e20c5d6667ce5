//! Reservations: taking a space for a window without ever giving it to
//! two people, and moving a reservation through its life.
//!
//! `held` → (paid) `confirmed` → `checked_in` → `completed`; a hold that
//! lapses unpaid becomes `expired`; `cancelled` at the shopper's wish.

use super::{ParkingStore, blocking, retry_busy};
use crate::storage::StorageError;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A reservation to insert, already priced and checked against policy.
#[derive(Debug, Clone)]
pub struct NewReservation {
    /// Its id.
    pub id: String,
    /// The car park.
    pub car_park: String,
    /// A given space, or any free one of `category`.
    pub space: Option<String>,
    /// Category of space.
    pub category: String,
    /// What is parked.
    pub vehicle: String,
    /// Window start, ms since the epoch.
    pub start_ms: i64,
    /// Window end, ms.
    pub end_ms: i64,
    /// When an unpaid hold lapses, ms.
    pub hold_until: i64,
    /// When a paid reservation not checked in releases its space, ms.
    pub grace_until: i64,
    /// Price in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Kept when the reservation is never used.
    pub no_show_fee: i64,
    /// Now, ms.
    pub now: i64,
}

/// A stored reservation.
#[derive(Debug, Clone)]
pub struct ReservationRow {
    /// Its id.
    pub id: String,
    /// The car park.
    pub car_park: String,
    /// The space it holds.
    pub space: String,
    /// Category of the space.
    pub category: String,
    /// What is parked.
    pub vehicle: String,
    /// Window start, ms.
    pub start_ms: i64,
    /// Window end, ms.
    pub end_ms: i64,
    /// As stored; see the module doc.
    pub status: String,
    /// When an unpaid hold lapses, ms.
    pub hold_until: i64,
    /// When an unused paid reservation releases its space, ms.
    pub grace_until: i64,
    /// Price in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Kept on a no-show.
    pub no_show_fee: i64,
    /// The provider's payment id, once paid for.
    pub payment_id: Option<String>,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// Created, ms.
    pub created_at: i64,
    /// Checked in, ms.
    pub checked_in_at: Option<i64>,
    /// Checked out, ms.
    pub checked_out_at: Option<i64>,
}

/// What became of a reservation attempt.
#[derive(Debug)]
pub enum ReserveOutcome {
    /// The space is held.
    Reserved(Box<ReservationRow>),
    /// No such car park.
    UnknownCarPark,
    /// No such space in that car park.
    UnknownSpace,
    /// Every fitting space is taken for that window.
    NoSpace,
}

/// A space a car occupies now is not given to a window starting sooner
/// than this, in ms: the car is unlikely to have left by then.
const SOON_MS: i64 = 30 * 60_000;

const COLUMNS: &str = "id, car_park, space, category, vehicle, start_ms, end_ms, status, \
     hold_until, grace_until, amount, currency, no_show_fee, payment_id, refunded, \
     created_at, checked_in_at, checked_out_at";

impl ParkingStore {
    /// Holds a space for `new`'s window in one transaction that first
    /// locks the car park's row, so concurrent attempts run one at a time
    /// on both databases and no space is ever held twice.
    pub async fn reserve(
        &self,
        district: &str,
        new: &NewReservation,
    ) -> Result<ReserveOutcome, StorageError> {
        Ok(retry_busy(|| self.try_reserve(district, new)).await?)
    }

    async fn try_reserve(
        &self,
        district: &str,
        new: &NewReservation,
    ) -> Result<ReserveOutcome, sqlx::Error> {
        let mut tx = self.storage.begin_write().await?;
        let locked = sqlx::query(
            "UPDATE car_parks SET lock_version = lock_version + 1 \
             WHERE district = $1 AND id = $2",
        )
        .bind(district)
        .bind(&new.car_park)
        .execute(&mut *tx)
        .await?;
        if locked.rows_affected() == 0 {
            return Ok(ReserveOutcome::UnknownCarPark);
        }
        sqlx::query(
            "UPDATE parking_reservations SET status = 'expired' WHERE district = $1 \
             AND car_park = $2 AND status = 'held' AND hold_until <= $3",
        )
        .bind(district)
        .bind(&new.car_park)
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        if let Some(space) = &new.space {
            let known = sqlx::query(
                "SELECT 1 FROM parking_spaces WHERE district = $1 AND car_park = $2 AND id = $3",
            )
            .bind(district)
            .bind(&new.car_park)
            .bind(space)
            .fetch_optional(&mut *tx)
            .await?;
            if known.is_none() {
                return Ok(ReserveOutcome::UnknownSpace);
            }
        }
        let sql = format!(
            "SELECT s.id FROM parking_spaces s WHERE s.district = $1 AND s.car_park = $2 \
             AND s.category = $3 AND s.status <> 'closed' AND ($4 = '' OR s.id = $4) \
             AND (s.status <> 'occupied' OR $5 > $7 + {SOON_MS}) \
             AND NOT EXISTS (SELECT 1 FROM parking_reservations r \
               WHERE r.district = s.district AND r.space = s.id \
               AND r.start_ms < $6 AND r.end_ms > $5 AND {}) \
             ORDER BY s.floor_index, s.id LIMIT 1",
            blocking("$7")
        );
        let space: Option<String> = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(&new.car_park)
            .bind(&new.category)
            .bind(new.space.as_deref().unwrap_or(""))
            .bind(new.start_ms)
            .bind(new.end_ms)
            .bind(new.now)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.get(0));
        let Some(space) = space else {
            return Ok(ReserveOutcome::NoSpace);
        };
        sqlx::query(
            "INSERT INTO parking_reservations (district, id, car_park, space, category, \
             vehicle, start_ms, end_ms, status, hold_until, grace_until, amount, currency, \
             no_show_fee, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'held', $9, $10, $11, $12, $13, $14)",
        )
        .bind(district)
        .bind(&new.id)
        .bind(&new.car_park)
        .bind(&space)
        .bind(&new.category)
        .bind(&new.vehicle)
        .bind(new.start_ms)
        .bind(new.end_ms)
        .bind(new.hold_until)
        .bind(new.grace_until)
        .bind(new.amount)
        .bind(&new.currency)
        .bind(new.no_show_fee)
        .bind(new.now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ReserveOutcome::Reserved(Box::new(ReservationRow {
            id: new.id.clone(),
            car_park: new.car_park.clone(),
            space,
            category: new.category.clone(),
            vehicle: new.vehicle.clone(),
            start_ms: new.start_ms,
            end_ms: new.end_ms,
            status: "held".into(),
            hold_until: new.hold_until,
            grace_until: new.grace_until,
            amount: new.amount,
            currency: new.currency.clone(),
            no_show_fee: new.no_show_fee,
            payment_id: None,
            refunded: 0,
            created_at: new.now,
            checked_in_at: None,
            checked_out_at: None,
        })))
    }

    /// One reservation.
    pub async fn reservation(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<ReservationRow>, StorageError> {
        let sql =
            format!("SELECT {COLUMNS} FROM parking_reservations WHERE district = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(reservation))
    }

    /// Moves a reservation from status `from` to `to` (setting the payment,
    /// refund and check-in/out fields given), only if it is still in
    /// `from` and, for a hold, not lapsed at `now`. True when it moved.
    pub async fn transition(
        &self,
        district: &str,
        id: &str,
        from: &str,
        to: &str,
        change: &Transition,
    ) -> Result<bool, StorageError> {
        let done = retry_busy(|| async {
            sqlx::query(
                "UPDATE parking_reservations SET status = $4, \
                 payment_id = COALESCE($5, payment_id), refunded = refunded + $6, \
                 checked_in_at = COALESCE($7, checked_in_at), \
                 checked_out_at = COALESCE($8, checked_out_at) \
                 WHERE district = $1 AND id = $2 AND status = $3 \
                 AND (status <> 'held' OR hold_until > $9)",
            )
            .bind(district)
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(change.payment_id.as_deref())
            .bind(change.refunded)
            .bind(change.checked_in_at)
            .bind(change.checked_out_at)
            .bind(change.now)
            .execute(self.pool())
            .await
        })
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Fields a [`ParkingStore::transition`] sets along with the status.
#[derive(Debug, Clone, Default)]
pub struct Transition {
    /// Now, ms: a hold lapsed by then cannot move.
    pub now: i64,
    /// The payment that paid for it.
    pub payment_id: Option<String>,
    /// Refunded by this step, minor units.
    pub refunded: i64,
    /// Check-in time.
    pub checked_in_at: Option<i64>,
    /// Check-out time.
    pub checked_out_at: Option<i64>,
}

fn reservation(r: &AnyRow) -> ReservationRow {
    ReservationRow {
        id: r.get(0),
        car_park: r.get(1),
        space: r.get(2),
        category: r.get(3),
        vehicle: r.get(4),
        start_ms: r.get(5),
        end_ms: r.get(6),
        status: r.get(7),
        hold_until: r.get(8),
        grace_until: r.get(9),
        amount: r.get(10),
        currency: r.get(11),
        no_show_fee: r.get(12),
        payment_id: r.get(13),
        refunded: r.get(14),
        created_at: r.get(15),
        checked_in_at: r.get(16),
        checked_out_at: r.get(17),
    }
}
