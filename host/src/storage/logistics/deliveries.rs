//! Deliveries and their status history. A status change updates the
//! delivery and appends to its history in one transaction; a delivery
//! that has ended is no longer `open`.

use super::{LogisticsStore, LogisticsWriteError};
use crate::storage::StorageError;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A delivery as stored.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    /// Delivery id (also the reference the courier is given).
    pub id: String,
    /// District id.
    pub district: String,
    /// The quote it was dispatched from.
    pub quote_id: String,
    /// The commerce order it carries, if any.
    pub order_id: Option<String>,
    /// The courier plugin's id.
    pub courier: String,
    /// The courier's offer id.
    pub offer_id: String,
    /// The courier's reference, once booked.
    pub courier_ref: Option<String>,
    /// The courier's fee, minor units.
    pub fee: i64,
    /// ISO 4217 code of the fee.
    pub currency: String,
    /// The courier's ETA, ms since the epoch.
    pub eta: i64,
    /// The drop-off's zone.
    pub zone: String,
    /// The SLA class promised.
    pub sla: String,
    /// The SLA deadline, ms since the epoch.
    pub deadline: i64,
    /// Places and parcel, as JSON.
    pub request: String,
    /// Current status.
    pub status: String,
    /// When it reached it, ms since the epoch.
    pub status_at: i64,
    /// The courier's detail.
    pub detail: Option<String>,
    /// Whether it has not ended.
    pub open: bool,
    /// `late` or `not-delivered` once the SLA is breached.
    pub breach: Option<String>,
    /// Dispatched, ms since the epoch.
    pub created_at: i64,
}

/// One entry of a delivery's history.
#[derive(Debug, Clone)]
pub struct DeliveryEventRow {
    /// The status reached.
    pub status: String,
    /// When, as the courier says, ms since the epoch.
    pub at: i64,
    /// The courier's detail.
    pub detail: Option<String>,
    /// When the host learnt of it, ms since the epoch.
    pub recorded_at: i64,
}

/// A status to record.
#[derive(Debug, Clone)]
pub struct StatusChange<'a> {
    /// The status.
    pub status: &'a str,
    /// When the delivery reached it.
    pub at: i64,
    /// The courier's detail.
    pub detail: Option<&'a str>,
    /// Whether the delivery has ended with it.
    pub terminal: bool,
}

const COLUMNS: &str = "id, district, quote_id, order_id, courier, offer_id, courier_ref, fee, \
    currency, eta, zone, sla, deadline, request, status, status_at, detail, open, breach, \
    created_at";

fn delivery(r: &AnyRow) -> DeliveryRow {
    DeliveryRow {
        id: r.get(0),
        district: r.get(1),
        quote_id: r.get(2),
        order_id: r.get(3),
        courier: r.get(4),
        offer_id: r.get(5),
        courier_ref: r.get(6),
        fee: r.get(7),
        currency: r.get(8),
        eta: r.get(9),
        zone: r.get(10),
        sla: r.get(11),
        deadline: r.get(12),
        request: r.get(13),
        status: r.get(14),
        status_at: r.get(15),
        detail: r.get(16),
        open: r.get::<i64, _>(17) == 1,
        breach: r.get(18),
        created_at: r.get(19),
    }
}

impl LogisticsStore {
    /// Adds a delivery about to be booked, with its first history entry.
    /// [`LogisticsWriteError::OrderBusy`] when its order already has an
    /// open delivery.
    pub async fn insert_delivery(&self, d: &DeliveryRow) -> Result<(), LogisticsWriteError> {
        let mut tx = self.storage.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO logistics_deliveries (id, district, quote_id, order_id, courier, \
             offer_id, courier_ref, fee, currency, eta, zone, sla, deadline, request, status, \
             status_at, detail, open, breach, created_at, updated_at) VALUES ($1, $2, $3, $4, \
             $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 1, NULL, $18, $19)",
        )
        .bind(&d.id)
        .bind(&d.district)
        .bind(&d.quote_id)
        .bind(&d.order_id)
        .bind(&d.courier)
        .bind(&d.offer_id)
        .bind(&d.courier_ref)
        .bind(d.fee)
        .bind(&d.currency)
        .bind(d.eta)
        .bind(&d.zone)
        .bind(&d.sla)
        .bind(d.deadline)
        .bind(&d.request)
        .bind(&d.status)
        .bind(d.status_at)
        .bind(&d.detail)
        .bind(d.created_at)
        .bind(d.created_at)
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(LogisticsWriteError::OrderBusy);
            }
            other => other?,
        };
        tx.commit().await?;
        Ok(())
    }

    /// Records the courier that booked the delivery: its offer, reference,
    /// fee and ETA, and appends the first history entry.
    pub async fn set_booked(&self, d: &DeliveryRow) -> Result<(), StorageError> {
        let mut tx = self.storage.begin_write().await?;
        sqlx::query(
            "UPDATE logistics_deliveries SET courier = $1, offer_id = $2, courier_ref = $3, \
             fee = $4, currency = $5, eta = $6, updated_at = $7 WHERE id = $8",
        )
        .bind(&d.courier)
        .bind(&d.offer_id)
        .bind(&d.courier_ref)
        .bind(d.fee)
        .bind(&d.currency)
        .bind(d.eta)
        .bind(chrono::Utc::now().timestamp_millis())
        .bind(&d.id)
        .execute(&mut *tx)
        .await?;
        append_event(&mut tx, &d.id, &d.status, d.status_at, d.detail.as_deref()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets a delivery no courier booked.
    pub async fn delete_delivery(&self, id: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM logistics_deliveries WHERE id = $1")
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records a new status and appends it to the history, unless the
    /// delivery has ended already; false then.
    pub async fn record_status(
        &self,
        id: &str,
        change: &StatusChange<'_>,
    ) -> Result<bool, StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE logistics_deliveries SET status = $1, status_at = $2, detail = $3, \
             open = $4, updated_at = $5 WHERE id = $6 AND open = 1",
        )
        .bind(change.status)
        .bind(change.at)
        .bind(change.detail)
        .bind(if change.terminal { 0_i64 } else { 1 })
        .bind(chrono::Utc::now().timestamp_millis())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return Ok(false);
        }
        append_event(&mut tx, id, change.status, change.at, change.detail).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Marks the delivery's SLA breached, once: true for the caller that
    /// marked it, which then opens the claim.
    pub async fn mark_breach(&self, id: &str, breach: &str) -> Result<bool, StorageError> {
        let marked = sqlx::query(
            "UPDATE logistics_deliveries SET breach = $1 WHERE id = $2 AND breach IS NULL",
        )
        .bind(breach)
        .bind(id)
        .execute(self.pool())
        .await?
        .rows_affected();
        Ok(marked == 1)
    }

    /// A delivery of the district by id.
    pub async fn delivery(
        &self,
        district: &str,
        id: &str,
    ) -> Result<Option<DeliveryRow>, StorageError> {
        let sql =
            format!("SELECT {COLUMNS} FROM logistics_deliveries WHERE district = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(delivery))
    }

    /// Every delivery that has not ended and has been booked, in every
    /// district: what to follow after a restart.
    pub async fn open_deliveries(&self) -> Result<Vec<DeliveryRow>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM logistics_deliveries WHERE open = 1 \
             AND courier_ref IS NOT NULL ORDER BY created_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(delivery).collect())
    }

    /// A delivery's history, oldest first.
    pub async fn events(&self, id: &str) -> Result<Vec<DeliveryEventRow>, StorageError> {
        let rows = sqlx::query(
            "SELECT status, at, detail, recorded_at FROM logistics_delivery_events \
             WHERE delivery_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| DeliveryEventRow {
                status: r.get(0),
                at: r.get(1),
                detail: r.get(2),
                recorded_at: r.get(3),
            })
            .collect())
    }
}

async fn append_event(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &str,
    status: &str,
    at: i64,
    detail: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO logistics_delivery_events (delivery_id, status, at, detail, recorded_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(status)
    .bind(at)
    .bind(detail)
    .bind(chrono::Utc::now().timestamp_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
