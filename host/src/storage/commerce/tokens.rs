//! Merchant tokens: only their sha256 is stored, so the database never
//! holds a usable secret; the token itself is shown once when created.

use super::{CommerceStore, now_ms, random_id};
use crate::storage::StorageError;
use sha2::{Digest, Sha256};
use sqlx::Row;

fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl CommerceStore {
    /// Creates a token for `merchant` of `district` and returns it; it
    /// cannot be read back later.
    pub async fn create_merchant_token(
        &self,
        district: &str,
        merchant: &str,
    ) -> Result<String, StorageError> {
        let token = random_id("pzm_", 32);
        sqlx::query(
            "INSERT INTO commerce_merchant_tokens (token_sha256, district, merchant, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(digest(&token))
        .bind(district)
        .bind(merchant)
        .bind(now_ms())
        .execute(self.pool())
        .await?;
        Ok(token)
    }

    /// The (district, merchant) a token belongs to, if it is valid.
    pub async fn merchant_for_token(
        &self,
        token: &str,
    ) -> Result<Option<(String, String)>, StorageError> {
        let row = sqlx::query(
            "SELECT district, merchant FROM commerce_merchant_tokens WHERE token_sha256 = $1",
        )
        .bind(digest(token))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }
}
