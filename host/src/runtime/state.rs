//! What one call's `Store` holds: WASI and wasi:http contexts, the memory
//! limiter, the outbound-HTTP policy and the calling plugin's identity.

use super::limits::MemoryLimiter;
use super::plugin::PluginMeta;
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::storage::{KvScope, KvStore};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Bytes of stdout/stderr kept per call; they are logged at debug, and a
/// plugin that writes more traps.
pub(crate) const OUTPUT_CAPTURE_BYTES: usize = 64 * 1024;

/// The host services a plugin's imports reach, scoped to that plugin.
pub(crate) struct HostContext {
    pub(crate) meta: Arc<PluginMeta>,
    pub(crate) kv: KvStore,
    pub(crate) kv_scope: KvScope,
    pub(crate) events: EventBus,
    pub(crate) metrics: Arc<Metrics>,
}

/// The data of one call's store.
pub(crate) struct PluginState {
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) outbound: super::outbound::OutboundPolicy,
    pub(crate) host: HostContext,
    /// When the running call must stop; a store serving several calls in
    /// a row moves it forward before each.
    pub(crate) deadline: Instant,
}

impl WasiView for PluginState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for PluginState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.outbound,
        }
    }
}
