//! Compensation claims opened when a delivery breaks its SLA: one per
//! delivery. A claim on a commerce order is paid from the district's
//! guarantee fund and names the commerce claim that paid it.

use super::LogisticsStore;
use crate::storage::StorageError;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A claim as stored.
#[derive(Debug, Clone)]
pub struct LogisticsClaimRow {
    /// Claim id.
    pub id: String,
    /// District id.
    pub district: String,
    /// The late or lost delivery.
    pub delivery_id: String,
    /// Its commerce order, if any.
    pub order_id: Option<String>,
    /// `late` or `not-delivered`.
    pub reason: String,
    /// Compensation due, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `paid` (from the guarantee fund) or `open` (awaiting settlement).
    pub status: String,
    /// The commerce claim that paid it, if any.
    pub commerce_claim_id: Option<String>,
    /// What happened, for people.
    pub note: String,
    /// Opened, ms since the epoch.
    pub created_at: i64,
}

fn claim(r: &AnyRow) -> LogisticsClaimRow {
    LogisticsClaimRow {
        id: r.get(0),
        district: r.get(1),
        delivery_id: r.get(2),
        order_id: r.get(3),
        reason: r.get(4),
        amount: r.get(5),
        currency: r.get(6),
        status: r.get(7),
        commerce_claim_id: r.get(8),
        note: r.get(9),
        created_at: r.get(10),
    }
}

const COLUMNS: &str = "id, district, delivery_id, order_id, reason, amount, currency, status, \
    commerce_claim_id, note, created_at";

impl LogisticsStore {
    /// Keeps a claim; false when the delivery has one already.
    pub async fn insert_claim(&self, c: &LogisticsClaimRow) -> Result<bool, StorageError> {
        let inserted = sqlx::query(
            "INSERT INTO logistics_claims (id, district, delivery_id, order_id, reason, amount, \
             currency, status, commerce_claim_id, note, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (delivery_id) DO NOTHING",
        )
        .bind(&c.id)
        .bind(&c.district)
        .bind(&c.delivery_id)
        .bind(&c.order_id)
        .bind(&c.reason)
        .bind(c.amount)
        .bind(&c.currency)
        .bind(&c.status)
        .bind(&c.commerce_claim_id)
        .bind(&c.note)
        .bind(c.created_at)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(inserted == 1)
    }

    /// The claim on a delivery, if any.
    pub async fn claim_of(
        &self,
        delivery: &str,
    ) -> Result<Option<LogisticsClaimRow>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM logistics_claims WHERE delivery_id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(delivery)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(claim))
    }

    /// The district's claims, newest first.
    pub async fn claims(&self, district: &str) -> Result<Vec<LogisticsClaimRow>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM logistics_claims WHERE district = $1 \
             ORDER BY created_at DESC, id LIMIT 1000"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(claim).collect())
    }
}
