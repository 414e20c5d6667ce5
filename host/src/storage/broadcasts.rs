//! Emergency broadcasts: stored when issued, live until they expire or
//! are withdrawn, and marked once their clearing has been published.

use super::{Storage, StorageError};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A broadcast as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BroadcastRecord {
    /// Its id.
    pub id: String,
    /// District it was issued for.
    pub district: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// Where it applies, for people.
    pub area: String,
    /// What it says.
    pub text: String,
    /// When it was issued, ms since the Unix epoch.
    pub issued_at: i64,
    /// When it stops applying.
    pub expires_at: i64,
    /// Who issued it (the audit log's actor).
    pub issued_by: String,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<i64>,
    /// When its clearing was published, if it was.
    pub cleared_at: Option<i64>,
}

const COLUMNS: &str = "id, district, severity, area, body, issued_at, expires_at, issued_by, withdrawn_at, cleared_at";

fn record(row: &AnyRow) -> BroadcastRecord {
    BroadcastRecord {
        id: row.get(0),
        district: row.get(1),
        severity: row.get(2),
        area: row.get(3),
        text: row.get(4),
        issued_at: row.get(5),
        expires_at: row.get(6),
        issued_by: row.get(7),
        withdrawn_at: row.get(8),
        cleared_at: row.get(9),
    }
}

/// Broadcasts on the shared database.
#[derive(Clone)]
pub struct BroadcastStore {
    storage: Storage,
}

impl BroadcastStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Stores a new broadcast.
    pub async fn insert(&self, b: &BroadcastRecord) -> Result<(), StorageError> {
        let sql = format!(
            "INSERT INTO broadcasts ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&b.id)
            .bind(&b.district)
            .bind(&b.severity)
            .bind(&b.area)
            .bind(&b.text)
            .bind(b.issued_at)
            .bind(b.expires_at)
            .bind(&b.issued_by)
            .bind(b.withdrawn_at)
            .bind(b.cleared_at)
            .execute(self.storage.pool())
            .await?;
        Ok(())
    }

    /// One broadcast by id.
    pub async fn get(&self, id: &str) -> Result<Option<BroadcastRecord>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM broadcasts WHERE id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.storage.pool())
            .await?;
        Ok(row.as_ref().map(record))
    }

    /// The live broadcasts of `district` at `now`, newest first.
    pub async fn live(
        &self,
        district: &str,
        now: i64,
    ) -> Result<Vec<BroadcastRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM broadcasts WHERE district = $1 AND withdrawn_at IS NULL \
             AND expires_at > $2 ORDER BY issued_at DESC, id DESC"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(now)
            .fetch_all(self.storage.pool())
            .await?;
        Ok(rows.iter().map(record).collect())
    }

    /// Withdraws a live broadcast; true when this call withdrew it.
    pub async fn withdraw(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE broadcasts SET withdrawn_at = $2 \
             WHERE id = $1 AND withdrawn_at IS NULL AND cleared_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(self.storage.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Broadcasts that ended (expired or withdrawn) by `now` and whose
    /// clearing is not yet published, oldest first.
    pub async fn ended_uncleared(&self, now: i64) -> Result<Vec<BroadcastRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM broadcasts WHERE cleared_at IS NULL \
             AND (expires_at <= $1 OR withdrawn_at IS NOT NULL) ORDER BY expires_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(self.storage.pool())
            .await?;
        Ok(rows.iter().map(record).collect())
    }

    /// Marks a broadcast's clearing as published; true when this call
    /// marked it (so only one replica publishes it).
    pub async fn mark_cleared(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE broadcasts SET cleared_at = $2 WHERE id = $1 AND cleared_at IS NULL",
        )
        .bind(id)
        .bind(now)
        .execute(self.storage.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The earliest expiry among broadcasts not yet cleared.
    pub async fn next_expiry(&self) -> Result<Option<i64>, StorageError> {
        let row = sqlx::query("SELECT MIN(expires_at) FROM broadcasts WHERE cleared_at IS NULL")
            .fetch_one(self.storage.pool())
            .await?;
        Ok(row.get::<Option<i64>, _>(0))
    }
}
