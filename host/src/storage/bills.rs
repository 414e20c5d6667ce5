//! Utility bills paid through the host, one row per (district, bill): the
//! row is claimed before any money moves, so two payments of one bill can
//! never both proceed. A row goes `charging` (claimed) → `charged` (the
//! payment plugin took the money) → `paid` (the provider confirmed).

use super::{Storage, StorageError};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A bill payment as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillPaymentRecord {
    /// District id.
    pub district: String,
    /// The provider's bill id.
    pub bill_id: String,
    /// The public-service plugin that holds the bill.
    pub plugin: String,
    /// `water`, `electricity` or `gas`.
    pub service: String,
    /// Customer account.
    pub account: String,
    /// Amount charged, in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Billing period.
    pub period: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: String,
    /// `charging`, `charged` or `paid`.
    pub status: String,
    /// The payment plugin's payment id, once charged.
    pub payment_id: Option<String>,
    /// The provider's receipt id, once paid.
    pub receipt_id: Option<String>,
    /// When the provider recorded the payment, RFC 3339.
    pub paid_at: Option<String>,
    /// When the row was claimed, ms since the Unix epoch.
    pub created_at: i64,
    /// When it last changed.
    pub updated_at: i64,
}

const COLUMNS: &str = "district, bill_id, plugin, service, account, amount, currency, period, \
     due_date, status, payment_id, receipt_id, paid_at, created_at, updated_at";

fn record(row: &AnyRow) -> BillPaymentRecord {
    BillPaymentRecord {
        district: row.get(0),
        bill_id: row.get(1),
        plugin: row.get(2),
        service: row.get(3),
        account: row.get(4),
        amount: row.get(5),
        currency: row.get(6),
        period: row.get(7),
        due_date: row.get(8),
        status: row.get(9),
        payment_id: row.get(10),
        receipt_id: row.get(11),
        paid_at: row.get(12),
        created_at: row.get(13),
        updated_at: row.get(14),
    }
}

/// Bill payments on the shared database.
#[derive(Clone)]
pub struct BillStore {
    storage: Storage,
}

impl BillStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Claims a bill for payment: true when this call created the row,
    /// false when a row already exists (paid or being paid).
    pub async fn claim(&self, bill: &BillPaymentRecord) -> Result<bool, StorageError> {
        let sql = format!(
            "INSERT INTO bill_payments ({COLUMNS}) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
             ON CONFLICT (district, bill_id) DO NOTHING"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&bill.district)
            .bind(&bill.bill_id)
            .bind(&bill.plugin)
            .bind(&bill.service)
            .bind(&bill.account)
            .bind(bill.amount)
            .bind(&bill.currency)
            .bind(&bill.period)
            .bind(&bill.due_date)
            .bind(&bill.status)
            .bind(bill.payment_id.clone())
            .bind(bill.receipt_id.clone())
            .bind(bill.paid_at.clone())
            .bind(bill.created_at)
            .bind(bill.updated_at)
            .execute(self.storage.pool())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The payment row of a bill, if any.
    pub async fn get(
        &self,
        district: &str,
        bill_id: &str,
    ) -> Result<Option<BillPaymentRecord>, StorageError> {
        let sql =
            format!("SELECT {COLUMNS} FROM bill_payments WHERE district = $1 AND bill_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(bill_id)
            .fetch_optional(self.storage.pool())
            .await?;
        Ok(row.as_ref().map(record))
    }

    /// Records that the money was taken.
    pub async fn mark_charged(
        &self,
        district: &str,
        bill_id: &str,
        payment_id: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE bill_payments SET status = 'charged', payment_id = $3, updated_at = $4 \
             WHERE district = $1 AND bill_id = $2 AND status = 'charging'",
        )
        .bind(district)
        .bind(bill_id)
        .bind(payment_id)
        .bind(now)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// Records the provider's receipt: the bill is paid.
    pub async fn mark_paid(
        &self,
        district: &str,
        bill_id: &str,
        receipt_id: &str,
        paid_at: &str,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE bill_payments SET status = 'paid', receipt_id = $3, paid_at = $4, \
             updated_at = $5 WHERE district = $1 AND bill_id = $2",
        )
        .bind(district)
        .bind(bill_id)
        .bind(receipt_id)
        .bind(paid_at)
        .bind(now)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// Lets go of a claim whose charge did not go through (declined, or
    /// refunded), so the bill may be paid another way.
    pub async fn release(&self, district: &str, bill_id: &str) -> Result<(), StorageError> {
        sqlx::query(
            "DELETE FROM bill_payments WHERE district = $1 AND bill_id = $2 \
             AND status <> 'paid'",
        )
        .bind(district)
        .bind(bill_id)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }
}
