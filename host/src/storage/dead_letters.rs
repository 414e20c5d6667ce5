//! Dead letters: uplinks that could not be used, kept with the reason so
//! an operator can see what devices send. The table is bounded: past its
//! capacity the oldest rows go.

use super::{Storage, StorageError};
use sqlx::{Any, Row, Transaction};

/// Bytes of a refused payload kept; the rest is cut.
pub const KEPT_PAYLOAD_BYTES: usize = 1024;

/// An uplink to set aside.
#[derive(Debug, Clone)]
pub struct NewDeadLetter {
    /// District named by the topic.
    pub district: String,
    /// Device named by the topic.
    pub device: String,
    /// Stable reason code: `oversized`, `unknown_device`, `malformed` ...
    pub reason: &'static str,
    /// What exactly was wrong, for people.
    pub detail: String,
    /// The start of the payload (at most [`KEPT_PAYLOAD_BYTES`]).
    pub payload: Vec<u8>,
    /// The payload's full length.
    pub payload_bytes: usize,
    /// When it arrived, milliseconds since the epoch.
    pub received_at: i64,
}

/// A dead letter as stored.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// Increasing id.
    pub id: i64,
    /// District named by the topic.
    pub district: String,
    /// Device named by the topic.
    pub device: String,
    /// Stable reason code.
    pub reason: String,
    /// What exactly was wrong.
    pub detail: String,
    /// The payload's full length.
    pub payload_bytes: i64,
    /// When it arrived.
    pub received_at: i64,
}

/// Writes `letters` and drops the oldest rows beyond `capacity`.
pub(super) async fn insert(
    tx: &mut Transaction<'static, Any>,
    letters: &[NewDeadLetter],
    capacity: u64,
) -> Result<(), sqlx::Error> {
    if letters.is_empty() {
        return Ok(());
    }
    for l in letters {
        sqlx::query(
            "INSERT INTO dead_letters (district, device, reason, detail, payload, \
             payload_bytes, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&l.district)
        .bind(&l.device)
        .bind(l.reason)
        .bind(&l.detail)
        .bind(&l.payload[..l.payload.len().min(KEPT_PAYLOAD_BYTES)])
        .bind(l.payload_bytes as i64)
        .bind(l.received_at)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("DELETE FROM dead_letters WHERE id <= (SELECT MAX(id) FROM dead_letters) - $1")
        .bind(capacity as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Reading dead letters back.
#[derive(Clone)]
pub struct DeadLetterStore {
    storage: Storage,
}

impl DeadLetterStore {
    pub(super) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    /// The newest dead letters of `district`, newest first.
    pub async fn recent(
        &self,
        district: &str,
        limit: u32,
    ) -> Result<Vec<DeadLetter>, StorageError> {
        let rows = sqlx::query(
            "SELECT id, district, device, reason, detail, payload_bytes, received_at \
             FROM dead_letters WHERE district = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(district)
        .bind(i64::from(limit))
        .fetch_all(self.storage.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| DeadLetter {
                id: r.get(0),
                district: r.get(1),
                device: r.get(2),
                reason: r.get(3),
                detail: r.get(4),
                payload_bytes: r.get(5),
                received_at: r.get(6),
            })
            .collect())
    }

    /// How many dead letters are kept, all districts together.
    pub async fn count(&self) -> Result<i64, StorageError> {
        let row = sqlx::query("SELECT COUNT(*) FROM dead_letters")
            .fetch_one(self.storage.pool())
            .await?;
        Ok(row.get(0))
    }
}
