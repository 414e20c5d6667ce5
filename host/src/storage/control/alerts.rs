//! Alerts: raised once per rule key while unresolved, acknowledged and
//! cleared by operators (or cleared by the rule itself once its condition
//! has passed). Status moves `open` → `acknowledged` → `cleared`.

use super::ControlStore;
use crate::storage::StorageError;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// An alert to raise.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// Alert id.
    pub id: String,
    /// District concerned.
    pub district: String,
    /// What raised it; one unresolved alert per key.
    pub rule_key: String,
    /// `parking_full`, `footfall_surge`, `energy_spike`, `plugin_failing`,
    /// `emergency` ...
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The car park, entrance, plugin or area concerned.
    pub subject: String,
    /// For people.
    pub message: String,
    /// When, milliseconds since the Unix epoch.
    pub at: i64,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRecord {
    /// Alert id.
    pub id: String,
    /// District concerned.
    pub district: String,
    /// What raised it.
    pub rule_key: String,
    /// Kind of alert.
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// What it concerns.
    pub subject: String,
    /// For people.
    pub message: String,
    /// `open`, `acknowledged` or `cleared`.
    pub status: String,
    /// When it was raised.
    pub raised_at: i64,
    /// When it last changed.
    pub updated_at: i64,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
    /// When.
    pub acknowledged_at: Option<i64>,
    /// Who cleared it.
    pub cleared_by: Option<String>,
    /// When.
    pub cleared_at: Option<i64>,
}

/// Which alerts to list.
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    /// Only these districts (none: every district).
    pub districts: Option<Vec<String>>,
    /// Include cleared alerts.
    pub include_cleared: bool,
    /// At most this many, newest first.
    pub limit: u32,
}

const COLUMNS: &str = "id, district, rule_key, kind, severity, subject, message, status, \
     raised_at, updated_at, acknowledged_by, acknowledged_at, cleared_by, cleared_at";

fn record(r: &AnyRow) -> AlertRecord {
    AlertRecord {
        id: r.get(0),
        district: r.get(1),
        rule_key: r.get(2),
        kind: r.get(3),
        severity: r.get(4),
        subject: r.get(5),
        message: r.get(6),
        status: r.get(7),
        raised_at: r.get(8),
        updated_at: r.get(9),
        acknowledged_by: r.get(10),
        acknowledged_at: r.get(11),
        cleared_by: r.get(12),
        cleared_at: r.get(13),
    }
}

impl ControlStore {
    /// Raises `alert` unless an unresolved alert with its rule key
    /// exists; returns whether it was raised.
    pub async fn raise_alert(&self, alert: &NewAlert) -> Result<bool, StorageError> {
        let mut tx = self.storage.begin_write().await?;
        let open = sqlx::query(
            "SELECT id FROM control_alerts WHERE rule_key = $1 AND status <> 'cleared' LIMIT 1",
        )
        .bind(&alert.rule_key)
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO control_alerts (id, district, rule_key, kind, severity, subject, \
             message, status, raised_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9)",
        )
        .bind(&alert.id)
        .bind(&alert.district)
        .bind(&alert.rule_key)
        .bind(&alert.kind)
        .bind(&alert.severity)
        .bind(&alert.subject)
        .bind(&alert.message)
        .bind(alert.at)
        .bind(alert.at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Alerts matching `filter`, newest first.
    pub async fn alerts(&self, filter: &AlertFilter) -> Result<Vec<AlertRecord>, StorageError> {
        let mut conditions = vec!["1 = 1".to_owned()];
        if !filter.include_cleared {
            conditions.push("status <> 'cleared'".to_owned());
        }
        let districts = filter.districts.clone().unwrap_or_default();
        if filter.districts.is_some() {
            if districts.is_empty() {
                return Ok(Vec::new());
            }
            let marks: Vec<String> = (1..=districts.len()).map(|i| format!("${i}")).collect();
            conditions.push(format!("district IN ({})", marks.join(", ")));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM control_alerts WHERE {} \
             ORDER BY raised_at DESC, id LIMIT {}",
            conditions.join(" AND "),
            filter.limit.max(1)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for d in districts {
            query = query.bind(d);
        }
        let rows = query.fetch_all(self.pool()).await?;
        Ok(rows.iter().map(record).collect())
    }

    /// One alert.
    pub async fn alert(&self, id: &str) -> Result<Option<AlertRecord>, StorageError> {
        let sql = format!("SELECT {COLUMNS} FROM control_alerts WHERE id = $1");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(record))
    }

    /// Marks an open alert acknowledged; false when it was not open.
    pub async fn acknowledge_alert(
        &self,
        id: &str,
        by: &str,
        at: i64,
    ) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE control_alerts SET status = 'acknowledged', acknowledged_by = $1, \
             acknowledged_at = $2, updated_at = $3 WHERE id = $4 AND status = 'open'",
        )
        .bind(by)
        .bind(at)
        .bind(at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Clears an unresolved alert; false when it was already cleared.
    pub async fn clear_alert(&self, id: &str, by: &str, at: i64) -> Result<bool, StorageError> {
        let done = sqlx::query(
            "UPDATE control_alerts SET status = 'cleared', cleared_by = $1, cleared_at = $2, \
             updated_at = $3 WHERE id = $4 AND status <> 'cleared'",
        )
        .bind(by)
        .bind(at)
        .bind(at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Clears the unresolved alert raised under `rule_key`, if any;
    /// returns its id.
    pub async fn clear_rule(
        &self,
        rule_key: &str,
        by: &str,
        at: i64,
    ) -> Result<Option<String>, StorageError> {
        let open = sqlx::query(
            "SELECT id FROM control_alerts WHERE rule_key = $1 AND status <> 'cleared' LIMIT 1",
        )
        .bind(rule_key)
        .fetch_optional(self.pool())
        .await?;
        let Some(row) = open else {
            return Ok(None);
        };
        let id: String = row.get(0);
        Ok(self.clear_alert(&id, by, at).await?.then_some(id))
    }

    /// Rule keys of every unresolved alert, for the evaluator to clear
    /// those whose condition has passed.
    pub async fn unresolved_rule_keys(&self) -> Result<Vec<String>, StorageError> {
        let rows = sqlx::query("SELECT rule_key FROM control_alerts WHERE status <> 'cleared'")
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
