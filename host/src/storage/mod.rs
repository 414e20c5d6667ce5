//! Storage: one SQL database behind sqlx, SQLite by default and PostgreSQL
//! when the URL says so.
//!
//! Queries are written once in SQL both databases accept and run through
//! sqlx's `Any` driver; only the migrations differ per database
//! (`host/migrations/sqlite` and `host/migrations/postgres`). Storage knows
//! nothing of plugins or HTTP: each store (`kv`, `tokens`, `artifacts`,
//! `versions`, `audit`, `parking`, `commerce`, `idempotency`, `devices`,
//! `readings`, `reading_queries`, `dead_letters`, `bills`, `broadcasts`)
//! takes plain values.

mod artifacts;
mod audit;
mod bills;
mod broadcasts;
pub mod commerce;
pub mod control;
mod dead_letters;
mod devices;
mod idempotency;
mod kv;
pub mod logistics;
pub mod parking;
mod reading_queries;
mod readings;
mod tokens;
mod versions;

pub use artifacts::ArtifactStore;
pub use audit::{AuditEntry, AuditFilter, AuditRecord, AuditStore};
pub use bills::{BillPaymentRecord, BillStore};
pub use broadcasts::{BroadcastRecord, BroadcastStore};
pub use commerce::CommerceStore;
pub use control::{AlertFilter, AlertRecord, ControlStore, NewAlert, SessionRecord};
pub use dead_letters::{DeadLetter, DeadLetterStore, KEPT_PAYLOAD_BYTES, NewDeadLetter};
pub use devices::{DeviceRecord, DeviceStore};
pub use idempotency::Claim as IdempotencyClaim;
pub use idempotency::{Claim, IdempotencyStore};
pub use kv::{KvError, KvScope, KvStore};
pub use logistics::LogisticsStore;
pub use parking::ParkingStore;
pub use reading_queries::{FlowTotal, ReadingFilter, RollupRecord, SpaceTotal, StoredReading};
pub use readings::{BatchOutcome, NewReading, ReadingStore, ReadingValue};
pub use tokens::{TokenRecord, TokenStore};
pub use versions::{VersionRecord, VersionStore};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file (or memory).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Errors opening or preparing the database.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The URL names no database sqlx can open.
    #[error("unsupported database URL {0:?}: use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    /// Connecting failed.
    #[error("failed to connect to the database: {0}")]
    Connect(#[source] sqlx::Error),
    /// A migration failed.
    #[error("failed to migrate the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// A migrated connection pool.
#[derive(Clone)]
pub struct Storage {
    pool: AnyPool,
    backend: Backend,
}

impl Storage {
    /// Opens the database at `url` and applies every pending migration.
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StorageError::UnsupportedUrl(url.to_owned()));
        };
        let options = AnyConnectOptions::from_str(url).map_err(StorageError::Connect)?;
        let mut pool = AnyPoolOptions::new().acquire_timeout(Duration::from_secs(10));
        // Every connection to `:memory:` is a database of its own: keep
        // exactly one, for good.
        let in_memory = url.contains(":memory:");
        pool = match backend {
            Backend::Sqlite if in_memory => pool
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None),
            // One writer at a time is SQLite's rule anyway; WAL lets readers
            // go on while it writes.
            Backend::Sqlite => pool.max_connections(8).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
                        .await?;
                    Ok(())
                })
            }),
            Backend::Postgres => pool.max_connections(16),
        };
        let pool = pool
            .connect_with(options)
            .await
            .map_err(StorageError::Connect)?;
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(StorageError::Migrate)?;
        tracing::info!(backend = ?backend, "storage ready");
        Ok(Self { pool, backend })
    }

    /// The URL of the default SQLite file in `data_dir`.
    pub fn sqlite_url(data_dir: &Path) -> String {
        format!("sqlite://{}?mode=rwc", data_dir.join("plaza.db").display())
    }

    /// A private in-memory SQLite database, for offline runs.
    pub async fn in_memory() -> Result<Self, StorageError> {
        Self::open("sqlite::memory:").await
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for stores in this module.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a transaction that will write. On SQLite it takes the write
    /// lock up front (`BEGIN IMMEDIATE`), waiting its turn behind other
    /// writers: a deferred transaction that reads first and writes later
    /// fails at once with "database is locked" when another connection
    /// wrote in between, where waiting would have succeeded.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Key-value data of plugins.
    pub fn kv(&self) -> KvStore {
        KvStore::new(self.clone())
    }

    /// Operator tokens.
    pub fn tokens(&self) -> TokenStore {
        TokenStore::new(self.clone())
    }

    /// Plugin components by digest.
    pub fn artifacts(&self) -> ArtifactStore {
        ArtifactStore::new(self.clone())
    }

    /// Plugin versions and their activations.
    pub fn versions(&self) -> VersionStore {
        VersionStore::new(self.clone())
    }

    /// The audit log.
    pub fn audit(&self) -> AuditStore {
        AuditStore::new(self.clone())
    }

    /// Parking inventory, reservations and flow.
    pub fn parking(&self) -> ParkingStore {
        ParkingStore::new(self.clone())
    }

    /// Merchants, catalogue, orders, reviews and the guarantee fund.
    pub fn commerce(&self) -> CommerceStore {
        CommerceStore::new(self.clone())
    }

    /// Idempotency keys of POST requests.
    pub fn idempotency(&self) -> IdempotencyStore {
        IdempotencyStore::new(self.clone())
    }

    /// Device readings and their rollups.
    pub fn readings(&self) -> ReadingStore {
        ReadingStore::new(self.clone())
    }

    /// The device registry.
    pub fn devices(&self) -> DeviceStore {
        DeviceStore::new(self.clone())
    }

    /// Refused uplinks, kept with their reason.
    pub fn dead_letters(&self) -> DeadLetterStore {
        DeadLetterStore::new(self.clone())
    }

    /// Courier quotes, deliveries and their SLA claims.
    pub fn logistics(&self) -> LogisticsStore {
        LogisticsStore::new(self.clone())
    }

    /// Utility bills paid through the host.
    pub fn bills(&self) -> BillStore {
        BillStore::new(self.clone())
    }

    /// Emergency broadcasts.
    pub fn broadcasts(&self) -> BroadcastStore {
        BroadcastStore::new(self.clone())
    }

    /// Control-centre alerts, sessions and figures.
    pub fn control(&self) -> ControlStore {
        ControlStore::new(self.clone())
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::Storage;
    use sqlx::Row;
    use std::time::Duration;

    async fn count(tx: &mut sqlx::Transaction<'static, sqlx::Any>) -> Result<i64, sqlx::Error> {
        let row = sqlx::query("SELECT n FROM counter")
            .fetch_one(&mut **tx)
            .await?;
        Ok(row.get(0))
    }

    /// Two transactions that each read, then write: with the write lock
    /// taken up front the second waits for the first and both commit. A
    /// deferred first one would fail at its write, its snapshot overtaken.
    #[tokio::test]
    async fn write_transactions_that_read_first_wait_their_turn_on_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(&Storage::sqlite_url(dir.path()))
            .await
            .unwrap();
        for sql in [
            "CREATE TABLE counter (n INTEGER NOT NULL)",
            "INSERT INTO counter (n) VALUES (0)",
        ] {
            sqlx::query(sql).execute(storage.pool()).await.unwrap();
        }
        let bump = "UPDATE counter SET n = $1";

        let mut first = storage.begin_write().await.unwrap();
        let seen = count(&mut first).await.unwrap();
        let second = {
            let storage = storage.clone();
            tokio::spawn(async move {
                let mut tx = storage.begin_write().await?;
                let seen = count(&mut tx).await?;
                sqlx::query(bump).bind(seen + 1).execute(&mut *tx).await?;
                tx.commit().await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        sqlx::query(bump)
            .bind(seen + 1)
            .execute(&mut *first)
            .await
            .unwrap();
        first.commit().await.unwrap();
        second.await.unwrap().unwrap();

        let row = sqlx::query("SELECT n FROM counter")
            .fetch_one(storage.pool())
            .await
            .unwrap();
        assert_eq!(row.get::<i64, _>(0), 2, "no update lost");
    }
}
