//! Commerce data: merchants and their catalogue (`catalogue`), orders
//! with their lines, discounts and coupon redemptions (`orders`), reviews
//! and the guarantee fund with its claims (`trust`), merchant tokens
//! (`tokens`).
//!
//! Every query names its district. Writes that must not race (stock,
//! order states, fund balance, ratings) are single conditional statements
//! inside one transaction, checked through `rows_affected`, so they hold
//! on SQLite and PostgreSQL alike.

mod catalogue;
mod orders;
mod tokens;
mod trust;

pub use catalogue::{ItemPatch, ItemQuery, ItemRecord, MerchantRecord};
pub use orders::{
    DiscountRecord, NewOrder, NewOrderLine, OrderLineRecord, OrderRecord, Transition,
};
pub use trust::{ClaimRecord, LedgerRecord, NewClaim, NewReview, ReviewRecord};

use super::{Storage, StorageError};

/// Commerce data on the shared database.
#[derive(Clone)]
pub struct CommerceStore {
    storage: Storage,
}

impl CommerceStore {
    pub(crate) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    fn pool(&self) -> &sqlx::AnyPool {
        self.storage.pool()
    }
}

/// Why a commerce write did not happen, where callers branch on it.
#[derive(Debug, thiserror::Error)]
pub enum CommerceWriteError {
    /// Not enough stock of an item for the quantity asked.
    #[error("not enough stock of {0:?}")]
    OutOfStock(String),
    /// The row is no longer in the state the write expected.
    #[error("changed meanwhile")]
    Conflict,
    /// A row with this id already exists.
    #[error("already exists")]
    Duplicate,
    /// The guarantee fund cannot cover the payout.
    #[error("the guarantee fund cannot cover {0}")]
    FundExhausted(i64),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sqlx::Error> for CommerceWriteError {
    fn from(e: sqlx::Error) -> Self {
        CommerceWriteError::Storage(StorageError::Query(e))
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `prefix` followed by `bytes` random bytes in hex, for ids and secrets.
pub fn random_id(prefix: &str, bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).expect("the operating system provides randomness");
    format!("{prefix}{}", hex::encode(buf))
}

/// A random code of `digits` decimal digits, e.g. for pick-up.
pub fn random_digits(digits: u32) -> String {
    let mut buf = [0u8; 8];
    getrandom::getrandom(&mut buf).expect("the operating system provides randomness");
    let n = u64::from_le_bytes(buf) % 10u64.pow(digits);
    format!("{n:0width$}", width = digits as usize)
}
