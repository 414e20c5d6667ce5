//! A plugin's effective limits and the memory limiter that enforces the cap.

use crate::config::Limits;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Limits with every default filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedLimits {
    /// Wall-clock deadline of one call.
    pub timeout: Duration,
    /// Linear-memory cap of one instance, in bytes.
    pub memory_bytes: u64,
    /// Largest response body of an endpoint, in bytes.
    pub max_response_bytes: u64,
    /// Key-value bytes the plugin may keep.
    pub kv_quota_bytes: u64,
}

impl ResolvedLimits {
    /// The plugin's own limits, then the runtime defaults, then built-ins.
    pub fn resolve(plugin: &Limits, defaults: &Limits) -> Self {
        let pick = |own: Option<u64>, default: Option<u64>, builtin: u64| {
            own.or(default).unwrap_or(builtin)
        };
        Self {
            timeout: Duration::from_millis(pick(plugin.timeout_ms, defaults.timeout_ms, 1000)),
            memory_bytes: pick(plugin.memory_mib, defaults.memory_mib, 64) << 20,
            max_response_bytes: pick(
                plugin.max_response_bytes,
                defaults.max_response_bytes,
                4 << 20,
            ),
            kv_quota_bytes: pick(plugin.kv_quota_bytes, defaults.kv_quota_bytes, 16 << 20),
        }
    }
}

/// Refuses memory growth past the cap by trapping, and remembers that it
/// did so the failure is reported as a memory cap, not a bare trap.
pub(crate) struct MemoryLimiter {
    cap: usize,
    hit: Arc<AtomicBool>,
}

impl MemoryLimiter {
    pub(crate) fn new(cap: u64) -> (Self, Arc<AtomicBool>) {
        let hit = Arc::new(AtomicBool::new(false));
        let limiter = Self {
            cap: cap as usize,
            hit: hit.clone(),
        };
        (limiter, hit)
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.hit.store(true, Ordering::Relaxed);
            return Err(wasmtime::Error::msg(format!(
                "memory cap of {} bytes exceeded",
                self.cap
            )));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}
