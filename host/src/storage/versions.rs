//! Uploaded versions of each (district, plugin) and the history of their
//! activations; the latest activation of a slot says which version serves.

use super::{Storage, StorageError};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One uploaded version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    /// District id.
    pub district: String,
    /// Plugin id.
    pub plugin: String,
    /// 1, 2, 3 ... per (district, plugin).
    pub version: i64,
    /// Digest of its component, hex.
    pub sha256: String,
    /// The world it implements.
    pub kind: String,
    /// Capabilities it imports, comma-separated.
    pub capabilities: String,
    /// Its ed25519 signature over the digest, hex, if it carried one.
    pub signature: Option<String>,
    /// The trusted key that signature verified against, hex.
    pub signed_by: Option<String>,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When, milliseconds since the Unix epoch.
    pub uploaded_at: i64,
}

/// Version and activation operations on the shared database.
#[derive(Clone)]
pub struct VersionStore {
    storage: Storage,
}

const COLUMNS: &str = "district, plugin, version, sha256, kind, capabilities, signature, \
                       signed_by, uploaded_by, uploaded_at";

fn record(r: &AnyRow) -> VersionRecord {
    VersionRecord {
        district: r.get(0),
        plugin: r.get(1),
        version: r.get(2),
        sha256: r.get(3),
        kind: r.get(4),
        capabilities: r.get(5),
        signature: r.get(6),
        signed_by: r.get(7),
        uploaded_by: r.get(8),
        uploaded_at: r.get(9),
    }
}

impl VersionStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Adds `new` as the next version of its slot (its `version` is
    /// ignored) and returns the number it got.
    pub async fn add(&self, new: &VersionRecord) -> Result<i64, StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let next: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM plugin_versions \
             WHERE district = $1 AND plugin = $2",
        )
        .bind(&new.district)
        .bind(&new.plugin)
        .fetch_one(&mut *tx)
        .await?
        .get(0);
        let sql = format!(
            "INSERT INTO plugin_versions ({COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&new.district)
            .bind(&new.plugin)
            .bind(next)
            .bind(&new.sha256)
            .bind(&new.kind)
            .bind(&new.capabilities)
            .bind(new.signature.clone())
            .bind(new.signed_by.clone())
            .bind(&new.uploaded_by)
            .bind(new.uploaded_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// One version of a slot.
    pub async fn get(
        &self,
        district: &str,
        plugin: &str,
        version: i64,
    ) -> Result<Option<VersionRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM plugin_versions \
             WHERE district = $1 AND plugin = $2 AND version = $3"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(plugin)
            .bind(version)
            .fetch_optional(self.storage.pool())
            .await?;
        Ok(row.as_ref().map(record))
    }

    /// Every version of a slot, oldest first.
    pub async fn list(
        &self,
        district: &str,
        plugin: &str,
    ) -> Result<Vec<VersionRecord>, StorageError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM plugin_versions \
             WHERE district = $1 AND plugin = $2 ORDER BY version"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(district)
            .bind(plugin)
            .fetch_all(self.storage.pool())
            .await?;
        Ok(rows.iter().map(record).collect())
    }

    /// Records that `version` now serves its slot.
    pub async fn activate(
        &self,
        district: &str,
        plugin: &str,
        version: i64,
        by: &str,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO plugin_activations (district, plugin, version, activated_by, \
             activated_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(district)
        .bind(plugin)
        .bind(version)
        .bind(by)
        .bind(chrono::Utc::now().timestamp_millis())
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// The versions a slot was activated with, newest activation first.
    pub async fn history(&self, district: &str, plugin: &str) -> Result<Vec<i64>, StorageError> {
        let rows = sqlx::query(
            "SELECT version FROM plugin_activations WHERE district = $1 AND plugin = $2 \
             ORDER BY id DESC LIMIT 1000",
        )
        .bind(district)
        .bind(plugin)
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows.iter().map(|r| r.get::<i64, _>(0)).collect())
    }

    /// The version serving each slot that was ever activated:
    /// (district, plugin, version).
    pub async fn active(&self) -> Result<Vec<(String, String, i64)>, StorageError> {
        let rows = sqlx::query(
            "SELECT a.district, a.plugin, a.version FROM plugin_activations a \
             WHERE a.id = (SELECT MAX(b.id) FROM plugin_activations b \
             WHERE b.district = a.district AND b.plugin = a.plugin)",
        )
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}
