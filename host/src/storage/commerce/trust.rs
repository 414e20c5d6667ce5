//! Reviews and "compensation paid first": each review moves its
//! merchant's rating in the same transaction; each claim pays out of the
//! district's guarantee fund, writes the ledger and records what the
//! merchant owes back, all in one transaction. The fund's balance is the
//! sum of its ledger entries; `commerce_funds.balance` mirrors it so a
//! conditional update can refuse an overdraft under concurrency.

use super::{CommerceStore, CommerceWriteError, now_ms, random_id};
use crate::storage::StorageError;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use utoipa::ToSchema;

/// A review to add.
#[derive(Debug, Clone)]
pub struct NewReview {
    /// District id.
    pub district: String,
    /// Merchant id.
    pub merchant: String,
    /// The completed order it is about.
    pub order_id: String,
    /// Who writes it.
    pub shopper: String,
    /// 1 to 5.
    pub rating: i64,
    /// The text.
    pub body: String,
}

/// A review.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewRecord {
    /// Review id.
    pub id: String,
    /// Merchant id.
    pub merchant: String,
    /// The order it is about.
    pub order_id: String,
    /// Who wrote it.
    pub shopper: String,
    /// 1 to 5.
    pub rating: i64,
    /// The text.
    pub text: String,
    /// Written, ms since the Unix epoch.
    pub created_at: i64,
}

/// A claim to pay.
#[derive(Debug, Clone)]
pub struct NewClaim {
    /// District id.
    pub district: String,
    /// The order claimed on.
    pub order_id: String,
    /// Its merchant, who owes the payout back.
    pub merchant: String,
    /// The shopper paid.
    pub shopper: String,
    /// `not-as-described`, `late` or `not-delivered`.
    pub reason: String,
    /// The shopper's account of it.
    pub description: String,
    /// What the shopper asked for.
    pub requested: i64,
    /// What is paid out now.
    pub paid: i64,
}

/// A claim as recorded.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClaimRecord {
    /// Claim id.
    pub id: String,
    /// The order claimed on.
    pub order_id: String,
    /// The merchant who owes the payout back.
    pub merchant: String,
    /// The shopper paid.
    pub shopper: String,
    /// Why.
    pub reason: String,
    /// The shopper's account.
    pub description: String,
    /// Asked for, minor units.
    pub requested: i64,
    /// Paid out from the fund, minor units.
    pub paid: i64,
    /// Recovery from the merchant: `owed`.
    pub recovery_status: String,
    /// Filed and paid, ms since the Unix epoch.
    pub created_at: i64,
}

/// One entry of a guarantee fund's ledger.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerRecord {
    /// Entry id.
    pub id: String,
    /// `initial` (the fund's endowment) or `payout` (a claim).
    pub kind: String,
    /// Signed amount: positive into the fund, negative out of it.
    pub amount: i64,
    /// The claim it paid, for a payout.
    pub claim_id: Option<String>,
    /// What it was.
    pub memo: String,
    /// When, ms since the Unix epoch.
    pub created_at: i64,
}

fn claim(r: &AnyRow) -> ClaimRecord {
    ClaimRecord {
        id: r.get(0),
        order_id: r.get(1),
        merchant: r.get(2),
        shopper: r.get(3),
        reason: r.get(4),
        description: r.get(5),
        requested: r.get(6),
        paid: r.get(7),
        recovery_status: r.get(8),
        created_at: r.get(9),
    }
}

impl CommerceStore {
    /// Adds a review and moves its merchant's rating in one transaction.
    /// [`CommerceWriteError::Duplicate`] when the order has a review.
    pub async fn add_review(&self, r: &NewReview) -> Result<ReviewRecord, CommerceWriteError> {
        let record = ReviewRecord {
            id: random_id("rev_", 8),
            merchant: r.merchant.clone(),
            order_id: r.order_id.clone(),
            shopper: r.shopper.clone(),
            rating: r.rating,
            text: r.body.clone(),
            created_at: now_ms(),
        };
        let mut tx = self.storage.begin_write().await?;
        let added = sqlx::query(
            "INSERT INTO commerce_reviews (id, district, merchant, order_id, shopper, rating, \
             body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(&record.id)
        .bind(&r.district)
        .bind(&r.merchant)
        .bind(&r.order_id)
        .bind(&r.shopper)
        .bind(r.rating)
        .bind(&r.body)
        .bind(record.created_at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added != 1 {
            return Err(CommerceWriteError::Duplicate);
        }
        sqlx::query(
            "UPDATE commerce_merchants SET rating_count = rating_count + 1, \
             rating_sum = rating_sum + $1 WHERE district = $2 AND id = $3",
        )
        .bind(r.rating)
        .bind(&r.district)
        .bind(&r.merchant)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// A merchant's reviews, newest first.
    pub async fn reviews(
        &self,
        district: &str,
        merchant: &str,
    ) -> Result<Vec<ReviewRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, merchant, order_id, shopper, rating, body, created_at \
             FROM commerce_reviews WHERE district = $1 AND merchant = $2 \
             ORDER BY created_at DESC, id LIMIT 500",
        )
        .bind(district)
        .bind(merchant)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| ReviewRecord {
                id: r.get(0),
                merchant: r.get(1),
                order_id: r.get(2),
                shopper: r.get(3),
                rating: r.get(4),
                text: r.get(5),
                created_at: r.get(6),
            })
            .collect())
    }

    /// Opens a district's guarantee fund with its initial balance, once;
    /// later calls leave it as it is.
    pub async fn open_fund(
        &self,
        district: &str,
        currency: &str,
        initial: i64,
    ) -> Result<(), StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let opened = sqlx::query(
            "INSERT INTO commerce_funds (district, currency, balance) VALUES ($1, $2, $3) \
             ON CONFLICT (district) DO NOTHING",
        )
        .bind(district)
        .bind(currency)
        .bind(initial)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if opened == 1 {
            sqlx::query(
                "INSERT INTO commerce_fund_ledger (id, district, kind, amount, claim_id, memo, \
                 created_at) VALUES ($1, $2, 'initial', $3, NULL, $4, $5)",
            )
            .bind(random_id("led_", 8))
            .bind(district)
            .bind(initial)
            .bind("initial endowment from the district's commerce data")
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Pays a claim: takes `paid` from the fund (refused if it cannot
    /// cover it), adds it to the order's claimed total (refused past the
    /// order's total), records the claim and its ledger entry — all or
    /// nothing.
    pub async fn pay_claim(&self, c: &NewClaim) -> Result<ClaimRecord, CommerceWriteError> {
        let record = ClaimRecord {
            id: random_id("clm_", 8),
            order_id: c.order_id.clone(),
            merchant: c.merchant.clone(),
            shopper: c.shopper.clone(),
            reason: c.reason.clone(),
            description: c.description.clone(),
            requested: c.requested,
            paid: c.paid,
            recovery_status: "owed".into(),
            created_at: now_ms(),
        };
        let mut tx = self.storage.begin_write().await?;
        let funded = sqlx::query(
            "UPDATE commerce_funds SET balance = balance - $1 \
             WHERE district = $2 AND balance >= $3",
        )
        .bind(c.paid)
        .bind(&c.district)
        .bind(c.paid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if funded != 1 {
            return Err(CommerceWriteError::FundExhausted(c.paid));
        }
        let claimed = sqlx::query(
            "UPDATE commerce_orders SET claimed = claimed + $1 \
             WHERE district = $2 AND id = $3 AND claimed + $4 <= total",
        )
        .bind(c.paid)
        .bind(&c.district)
        .bind(&c.order_id)
        .bind(c.paid)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            return Err(CommerceWriteError::Conflict);
        }
        sqlx::query(
            "INSERT INTO commerce_claims (id, district, order_id, merchant, shopper, reason, \
             description, requested, paid, recovery_status, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&record.id)
        .bind(&c.district)
        .bind(&c.order_id)
        .bind(&c.merchant)
        .bind(&c.shopper)
        .bind(&c.reason)
        .bind(&c.description)
        .bind(c.requested)
        .bind(c.paid)
        .bind(&record.recovery_status)
        .bind(record.created_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO commerce_fund_ledger (id, district, kind, amount, claim_id, memo, \
             created_at) VALUES ($1, $2, 'payout', $3, $4, $5, $6)",
        )
        .bind(random_id("led_", 8))
        .bind(&c.district)
        .bind(-c.paid)
        .bind(&record.id)
        .bind(format!("claim on order {} ({})", c.order_id, c.reason))
        .bind(record.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(record)
    }

    /// A district's claims, newest first, optionally of one merchant.
    pub async fn claims(
        &self,
        district: &str,
        merchant: Option<&str>,
    ) -> Result<Vec<ClaimRecord>, StorageError> {
        let merchant = merchant.unwrap_or("");
        let rows = sqlx::query(
            "SELECT id, order_id, merchant, shopper, reason, description, requested, paid, \
             recovery_status, created_at FROM commerce_claims WHERE district = $1 \
             AND ($2 = '' OR merchant = $3) ORDER BY created_at DESC, id LIMIT 1000",
        )
        .bind(district)
        .bind(merchant)
        .bind(merchant)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.iter().map(claim).collect())
    }

    /// A district's fund ledger, oldest first, and its balance (the sum of
    /// the entries). None when the district has no fund.
    pub async fn ledger(
        &self,
        district: &str,
    ) -> Result<Option<(String, i64, Vec<LedgerRecord>)>, StorageError> {
        let Some(fund) = sqlx::query("SELECT currency FROM commerce_funds WHERE district = $1")
            .bind(district)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT id, kind, amount, claim_id, memo, created_at FROM commerce_fund_ledger \
             WHERE district = $1 ORDER BY created_at, id",
        )
        .bind(district)
        .fetch_all(self.pool())
        .await?;
        let entries: Vec<LedgerRecord> = rows
            .iter()
            .map(|r| LedgerRecord {
                id: r.get(0),
                kind: r.get(1),
                amount: r.get(2),
                claim_id: r.get(3),
                memo: r.get(4),
                created_at: r.get(5),
            })
            .collect();
        let balance = entries.iter().map(|e| e.amount).sum();
        Ok(Some((fund.get(0), balance, entries)))
    }
}
