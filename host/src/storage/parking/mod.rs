//! Parking tables: car parks, entrances and spaces (`inventory`),
//! reservations (`reservations`), sensor and gate observations with the
//! flow statistics drawn from them (`flow`).
//!
//! A car park's availability is never stored: every read counts it from
//! the spaces and the reservations that block them. Writes that must not
//! race (a reservation, an observation of a space) open their transaction
//! with an `UPDATE`, which takes PostgreSQL's row lock and SQLite's write
//! lock before anything is read; on SQLite a busy database is retried.

mod flow;
mod inventory;
mod reservations;

pub use flow::{FlowHour, ObserveOutcome, SpaceReading, StayFigures};
pub use inventory::{Availability, CarParkRow, EntranceRow, SpaceRow};
pub use reservations::{NewReservation, ReservationRow, ReserveOutcome, Transition};

use super::Storage;
use std::future::Future;
use std::time::Duration;

/// SQL condition: reservation `r` keeps its space from others at `$now`
/// (the placeholder number is spliced in). A hold blocks until it lapses,
/// a paid reservation until its grace period ends without a check-in, a
/// checked-in one until check-out.
fn blocking(now: &str) -> String {
    format!(
        "((r.status = 'held' AND r.hold_until > {now}) \
         OR (r.status = 'confirmed' AND r.grace_until > {now}) \
         OR r.status = 'checked_in')"
    )
}

/// Parking data of every district, on the shared database.
#[derive(Clone)]
pub struct ParkingStore {
    storage: Storage,
}

impl ParkingStore {
    pub(in crate::storage) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    fn pool(&self) -> &sqlx::AnyPool {
        self.storage.pool()
    }
}

/// Whether an error is SQLite saying another writer holds the database.
fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(db) => {
            matches!(db.code().as_deref(), Some("5" | "6" | "517"))
                || db.message().contains("database is locked")
        }
        _ => false,
    }
}

/// Runs `attempt` again while SQLite reports a busy database (its busy
/// timeout does not cover every case, e.g. a lock upgrade); PostgreSQL
/// waits on its row locks instead and never gets here.
async fn retry_busy<T, F, Fut>(mut attempt: F) -> Result<T, sqlx::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    let mut wait = Duration::from_millis(1);
    for _ in 0..50 {
        match attempt().await {
            Err(e) if is_busy(&e) => {
                tracing::trace!(error = %e, "database busy; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
    attempt().await
}
