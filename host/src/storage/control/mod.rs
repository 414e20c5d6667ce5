//! Control-centre data: alerts with their lifecycle (`alerts`),
//! operators' browser sessions (`sessions`), and the figures the
//! statistics need beyond the reading rollups — occupancy samples and
//! orders per bucket (`figures`).
//!
//! Like every store, it takes plain values and knows no HTTP and no
//! plugin.

mod alerts;
mod figures;
mod sessions;

pub use alerts::{AlertFilter, AlertRecord, NewAlert};
pub use figures::{FlowBucket, OccupancySample, OrderCount};
pub use sessions::SessionRecord;

use super::Storage;

/// Control-centre data on the shared database.
#[derive(Clone)]
pub struct ControlStore {
    storage: Storage,
}

impl ControlStore {
    pub(crate) fn new(storage: Storage) -> Self {
        Self { storage }
    }

    fn pool(&self) -> &sqlx::AnyPool {
        self.storage.pool()
    }
}
