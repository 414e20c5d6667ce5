//! Logistics data: quotes gathered from couriers (this file), deliveries
//! with their status history (`deliveries`) and compensation claims
//! opened on SLA breaches (`claims`).
//!
//! Requests, offers and places are kept as JSON text written by the
//! domain; storage reads no meaning into them. Every query names its
//! district or a delivery id the caller already scoped to one.

mod claims;
mod deliveries;

pub use claims::LogisticsClaimRow;
pub use deliveries::{DeliveryEventRow, DeliveryRow, StatusChange};

use super::{Storage, StorageError};
use sqlx::Row;

/// Logistics data on the shared database.
#[derive(Clone)]
pub struct LogisticsStore {
    storage: Storage,
}

/// A quote: the offers every courier made for one request.
#[derive(Debug, Clone)]
pub struct QuoteRow {
    /// Quote id.
    pub id: String,
    /// District id.
    pub district: String,
    /// The drop-off's zone.
    pub zone: String,
    /// The SLA class promised.
    pub sla: String,
    /// The latest acceptable delivery when quoted, ms since the epoch.
    pub deadline: i64,
    /// The request, as JSON.
    pub request: String,
    /// The offers, ranked, as JSON.
    pub offers: String,
    /// Couriers that failed to quote, as JSON.
    pub failures: String,
    /// When quoted, ms since the epoch.
    pub created_at: i64,
}

/// Why a logistics write did not happen, where callers branch on it.
#[derive(Debug, thiserror::Error)]
pub enum LogisticsWriteError {
    /// The order already has a delivery that has not ended.
    #[error("the order already has a delivery in progress")]
    OrderBusy,
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for LogisticsWriteError {
    fn from(e: sqlx::Error) -> Self {
        LogisticsWriteError::Storage(StorageError::Query(e))
    }
}

impl LogisticsStore {
    pub(crate) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    fn pool(&self) -> &sqlx::AnyPool {
        self.storage.pool()
    }

    /// Keeps a quote.
    pub async fn insert_quote(&self, q: &QuoteRow) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO logistics_quotes (id, district, zone, sla, deadline, request, offers, \
             failures, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&q.id)
        .bind(&q.district)
        .bind(&q.zone)
        .bind(&q.sla)
        .bind(q.deadline)
        .bind(&q.request)
        .bind(&q.offers)
        .bind(&q.failures)
        .bind(q.created_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// A quote of the district by id.
    pub async fn quote(&self, district: &str, id: &str) -> Result<Option<QuoteRow>, StorageError> {
        let row = sqlx::query(
            "SELECT id, district, zone, sla, deadline, request, offers, failures, created_at \
             FROM logistics_quotes WHERE district = $1 AND id = $2",
        )
        .bind(district)
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| QuoteRow {
            id: r.get(0),
            district: r.get(1),
            zone: r.get(2),
            sla: r.get(3),
            deadline: r.get(4),
            request: r.get(5),
            offers: r.get(6),
            failures: r.get(7),
            created_at: r.get(8),
        }))
    }
}
