//! The audit log: what operators did, who did it, when, and how it
//! ended. Entries are only ever added. Callers never put secrets in them.

use super::{Storage, StorageError};
use serde::Serialize;
use sqlx::Row;

/// One action to record.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuditEntry {
    /// Who: the token's id and role, e.g. `token:3f2a9c1e (city-admin)`.
    pub actor: String,
    /// What, e.g. `plugin.upload`, `plugin.activate`, `token.create`.
    pub action: String,
    /// District concerned, if any.
    pub district: Option<String>,
    /// Plugin concerned, if any.
    pub plugin: Option<String>,
    /// Plugin version concerned, if any.
    pub version: Option<i64>,
    /// `ok`, `denied` or `failed`.
    pub outcome: String,
    /// Details for people: the reason of a failure, a digest ...
    pub detail: String,
}

/// A recorded action.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRecord {
    /// Increasing id.
    pub id: i64,
    /// When, milliseconds since the Unix epoch.
    pub at: i64,
    /// What was recorded.
    #[serde(flatten)]
    pub entry: AuditEntry,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this district's entries.
    pub district: Option<String>,
    /// Only entries with ids below this (for paging back).
    pub before: Option<i64>,
    /// At most this many, newest first.
    pub limit: u32,
}

/// Audit operations on the shared database.
#[derive(Clone)]
pub struct AuditStore {
    storage: Storage,
}

impl AuditStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// Adds an entry.
    pub async fn record(&self, entry: &AuditEntry) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO audit_log \
             (at, actor, action, district, plugin, version, outcome, detail) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(chrono::Utc::now().timestamp_millis())
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(entry.district.clone())
        .bind(entry.plugin.clone())
        .bind(entry.version)
        .bind(&entry.outcome)
        .bind(&entry.detail)
        .execute(self.storage.pool())
        .await?;
        Ok(())
    }

    /// Entries matching `filter`, newest first.
    pub async fn list(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, district, plugin, version, outcome, detail \
             FROM audit_log WHERE ($1 IS NULL OR district = $1) AND ($2 IS NULL OR id < $2) \
             ORDER BY id DESC LIMIT $3",
        )
        .bind(filter.district.clone())
        .bind(filter.before)
        .bind(i64::from(filter.limit.clamp(1, 1000)))
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| AuditRecord {
                id: r.get(0),
                at: r.get(1),
                entry: AuditEntry {
                    actor: r.get(2),
                    action: r.get(3),
                    district: r.get(4),
                    plugin: r.get(5),
                    version: r.get(6),
                    outcome: r.get(7),
                    detail: r.get(8),
                },
            })
            .collect())
    }
}
