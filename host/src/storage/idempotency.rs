//! Responses to requests that carried an idempotency key, so a retry gets
//! the first response instead of doing the work (and charging) twice.
//!
//! A key is claimed before the work starts (a row with status 0), then
//! completed with the response; a request that failed in a way worth
//! retrying releases its claim instead.

use super::{Storage, StorageError};
use sqlx::Row;

/// A claim left pending this long (a crash mid-request) may be taken over.
const STALE_CLAIM_MS: i64 = 60_000;

/// What a claim on a key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The key is new: do the work, then complete or release it.
    New,
    /// The key was used for this very request: here is its response.
    Replay {
        /// HTTP status.
        status: u16,
        /// Response body.
        body: String,
    },
    /// The first request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

/// Stored responses, scoped (e.g. per district and route family).
#[derive(Clone)]
pub struct IdempotencyStore {
    storage: Storage,
}

impl IdempotencyStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Claims `key` in `scope` for a request whose method, path and body
    /// hash to `fingerprint`.
    pub async fn claim(
        &self,
        scope: &str,
        key: &str,
        fingerprint: &str,
        now: i64,
    ) -> Result<Claim, StorageError> {
        let pool = self.storage.pool();
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (scope, key, fingerprint, status, body, created_at) \
             VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (scope, key) DO NOTHING",
        )
        .bind(scope)
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(pool)
        .await?;
        if inserted.rows_affected() == 1 {
            return Ok(Claim::New);
        }
        let row = sqlx::query(
            "SELECT fingerprint, status, body, created_at FROM idempotency_keys \
             WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .fetch_optional(pool)
        .await?;
        let Some(row) = row else {
            // Released between the insert and the read: try once more.
            return Box::pin(self.claim(scope, key, fingerprint, now)).await;
        };
        let (stored, status, body, created): (String, i64, String, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        if stored != fingerprint {
            return Ok(Claim::Mismatch);
        }
        if status != 0 {
            return Ok(Claim::Replay {
                status: status as u16,
                body,
            });
        }
        if now - created < STALE_CLAIM_MS {
            return Ok(Claim::InProgress);
        }
        let taken = sqlx::query(
            "UPDATE idempotency_keys SET created_at = $3 \
             WHERE scope = $1 AND key = $2 AND status = 0 AND created_at = $4",
        )
        .bind(scope)
        .bind(key)
        .bind(now)
        .bind(created)
        .execute(pool)
        .await?;
        Ok(if taken.rows_affected() == 1 {
            Claim::New
        } else {
            Claim::InProgress
        })
    }

    /// Stores the response of a claimed key.
    pub async fn complete(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "UPDATE idempotency_keys SET status = $3, body = $4 WHERE scope = $1 AND key = $2",
        )
        .bind(scope)
        .bind(key)
        .bind(i64::from(status))
        .bind(body)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// Gives up a claim, so a retry does the work again.
    pub async fn release(&self, scope: &str, key: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 0")
            .bind(scope)
            .bind(key)
            .execute(self.storage.pool())
            .await?;
        Ok(())
    }
}
