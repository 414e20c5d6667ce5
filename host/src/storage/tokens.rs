//! Operator tokens. Only a token's sha256 is stored; the token itself is
//! shown once, when it is created, and never kept.

use super::{Storage, StorageError};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored token, without any secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Short public id, used in the audit log.
    pub id: String,
    /// `city-admin` or `district-operator`.
    pub role: String,
    /// The district of a district operator.
    pub district: Option<String>,
    /// What the token is for, as its creator wrote it.
    pub label: String,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// Token operations on the shared database.
#[derive(Clone)]
pub struct TokenStore {
    storage: Storage,
}

fn record(row: &AnyRow) -> TokenRecord {
    TokenRecord {
        id: row.get(0),
        role: row.get(1),
        district: row.get(2),
        label: row.get(3),
        created_at: row.get(4),
    }
}

const COLUMNS: &str = "id, role, district, label, created_at";

impl TokenStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Stores a new token by the sha256 (hex) of its secret.
    pub async fn insert(&self, token: &TokenRecord, hash: &str) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO admin_tokens (id, token_hash, role, district, label, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&token.id)
        .bind(hash)
        .bind(&token.role)
        .bind(token.district.clone())
        .bind(&token.label)
        .bind(token.created_at)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// The live (not revoked) token whose secret hashes to `hash`.
    pub async fn find(&self, hash: &str) -> Result<Option<TokenRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM admin_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(hash)
            .fetch_optional(self.storage.pool())
            .await?;
        Ok(row.as_ref().map(record))
    }

    /// Every live token, oldest first.
    pub async fn list(&self) -> Result<Vec<TokenRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM admin_tokens WHERE revoked_at IS NULL ORDER BY created_at"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_all(self.storage.pool())
            .await?;
        Ok(rows.iter().map(record).collect())
    }

    /// Revokes a token by id; `true` when a live one was revoked.
    pub async fn revoke(&self, id: &str) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE admin_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(chrono::Utc::now().timestamp_millis())
        .bind(id)
        .execute(self.storage.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
