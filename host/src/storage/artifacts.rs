//! Plugin components, content-addressed by sha256, so every replica on
//! the same database can load any uploaded version.

use super::{Storage, StorageError};
use sqlx::Row;

/// Artifact operations on the shared database.
#[derive(Clone)]
pub struct ArtifactStore {
    storage: Storage,
}

impl ArtifactStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Stores `bytes` under their digest `sha256`; storing the same bytes
    /// again changes nothing.
    pub async fn put(&self, sha256: &str, bytes: &[u8]) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO plugin_artifacts (sha256, bytes, size, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(bytes)
        .bind(bytes.len() as i64)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// The bytes stored under `sha256`.
    pub async fn get(&self, sha256: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let row = sqlx::query("SELECT bytes FROM plugin_artifacts WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(self.storage.pool())
            .await?;
        Ok(row.map(|r| r.get::<Vec<u8>, _>(0)))
    }
}
