//! Idempotency keys of POST requests: the first request with a key runs
//! and its response is kept; a retry with the same key and the same
//! request gets that response again instead of running twice.
//!
//! A key is claimed before the request runs (a row without a response),
//! so two concurrent requests with one key never both run: the second is
//! told the first is still in progress. A request that fails releases its
//! key so it can be retried.

use super::{Storage, StorageError};
use sqlx::Row;

/// What claiming a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new and now held by this request: run it, then
    /// [`IdempotencyStore::complete`] or [`IdempotencyStore::release`].
    New,
    /// The same request ran before and answered this.
    Replay {
        /// HTTP status it answered with.
        status: u16,
        /// Its JSON body.
        body: String,
    },
    /// The key was used for a different request.
    Mismatch,
    /// A request with this key is running now.
    InProgress,
}

/// Idempotency keys on the shared database.
#[derive(Clone)]
pub struct IdempotencyStore {
    storage: Storage,
}

impl IdempotencyStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Claims `key` in `scope` for a request whose content hashes to
    /// `request_sha256`, or says what an earlier use of it left.
    pub async fn claim(
        &self,
        scope: &str,
        key: &str,
        request_sha256: &str,
    ) -> Result<Claim, StorageError> {
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, request_sha256, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(request_sha256)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(self.storage.pool())
        .await?
        .rows_affected();
        if inserted == 1 {
            return Ok(Claim::New);
        }
        let row = sqlx::query(
            "SELECT request_sha256, status, body FROM idempotency_keys \
             WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(self.storage.pool())
        .await?;
        // Released between our insert and this read: the caller may retry.
        let Some(row) = row else {
            return Ok(Claim::InProgress);
        };
        if row.get::<String, _>(0) != request_sha256 {
            return Ok(Claim::Mismatch);
        }
        match (
            row.get::<Option<i64>, _>(1),
            row.get::<Option<String>, _>(2),
        ) {
            (Some(status), Some(body)) => Ok(Claim::Replay {
                status: status as u16,
                body,
            }),
            _ => Ok(Claim::InProgress),
        }
    }

    /// Keeps the response of the request that holds `key`.
    pub async fn complete(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $1, body = $2 WHERE scope = $3 AND key = $4",
        )
        .bind(i64::from(status))
        .bind(body)
        .bind(scope)
        .bind(key)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// Gives up `key` after its request failed, so a retry runs again.
    pub async fn release(&self, scope: &str, key: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND body IS NULL")
            .bind(scope)
            .bind(key)
            .execute(self.storage.pool())
            .await?;
        Ok(())
    }
}
