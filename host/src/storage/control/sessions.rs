//! Operators' browser sessions. The cookie carries a random session id;
//! only its sha256 is stored, with the token it was opened with, so a
//! revoked token ends its sessions at once.

use super::ControlStore;
use crate::storage::StorageError;
use sqlx::Row;

/// A live session: who opened it and with which role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The token's public id.
    pub token_id: String,
    /// `city-admin` or `district-operator`.
    pub role: String,
    /// The district of a district operator.
    pub district: Option<String>,
    /// When it ends, milliseconds since the Unix epoch.
    pub expires_at: i64,
}

impl ControlStore {
    /// Stores a session under the sha256 (hex) of its id.
    pub async fn open_session(
        &self,
        hash: &str,
        session: &SessionRecord,
        now: i64,
    ) -> Result<(), StorageError> {
        sqlx::query(
            "INSERT INTO control_sessions (session_hash, token_id, role, district, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(hash)
        .bind(&session.token_id)
        .bind(&session.role)
        .bind(session.district.clone())
        .bind(now)
        .bind(session.expires_at)
        .execute(self.pool())
        .await?;
        // Expired sessions go whenever a new one comes.
        sqlx::query("DELETE FROM control_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The unexpired session stored under `hash` whose token is still
    /// valid.
    pub async fn session(
        &self,
        hash: &str,
        now: i64,
    ) -> Result<Option<SessionRecord>, StorageError> {
        let row = sqlx::query(
            "SELECT s.token_id, s.role, s.district, s.expires_at FROM control_sessions s \
             JOIN admin_tokens t ON t.id = s.token_id \
             WHERE s.session_hash = $1 AND s.expires_at > $2 AND t.revoked_at IS NULL",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| SessionRecord {
            token_id: r.get(0),
            role: r.get(1),
            district: r.get(2),
            expires_at: r.get(3),
        }))
    }

    /// Ends a session.
    pub async fn close_session(&self, hash: &str) -> Result<(), StorageError> {
        sqlx::query("DELETE FROM control_sessions WHERE session_hash = $1")
            .bind(hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
