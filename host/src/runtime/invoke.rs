//! The per-call path every world shares: a fresh store with the plugin's
//! deadline and memory cap, classification of what went wrong, and the
//! metrics and logs of each call.

use super::Runtime;
use super::breaker::{BreakerState, Refused};
use super::error::{PluginError, PluginFailure};
use super::limits::MemoryLimiter;
use super::outbound::OutboundPolicy;
use super::plugin::{FILES_GUEST_PATH, PluginMeta};
use super::state::{HostContext, OUTPUT_CAPTURE_BYTES, PluginState};
use crate::metrics::{FailureLabels, PluginLabels};
use crate::storage::KvScope;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use wasmtime::component::ResourceTable;
use wasmtime::{PoolConcurrencyLimitError, Store, Trap, UpdateDeadline};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};
use wasmtime_wasi_http::WasiHttpCtx;

/// Slack beyond a plugin's deadline before the host stops waiting for a
/// call that is blocked outside wasm (the epoch only stops running wasm).
pub(crate) const DEADLINE_GRACE: Duration = Duration::from_millis(50);

/// What the host keeps of a call outside its store.
pub(crate) struct Call {
    pub(crate) meta: Arc<PluginMeta>,
    pub(crate) started: Instant,
    memory_hit: Arc<AtomicBool>,
    output: MemoryOutputPipe,
}

impl Runtime {
    /// A fresh store for one call of the plugin, with its limits armed.
    pub(crate) fn new_store(&self, meta: &Arc<PluginMeta>) -> (Store<PluginState>, Call) {
        let (limiter, memory_hit) = MemoryLimiter::new(meta.limits.memory_bytes);
        let output = MemoryOutputPipe::new(OUTPUT_CAPTURE_BYTES);
        // No environment, no arguments, no folders, no sockets: a plugin
        // sees nothing of the host unless a grant says so.
        let mut wasi = WasiCtxBuilder::new();
        wasi.stdout(output.clone()).stderr(output.clone());
        if let Some(dir) = &meta.files_dir {
            // Only the plugin's own folder; cap-std refuses `..` and
            // symlinks that lead out of it.
            if let Err(e) = wasi.preopened_dir(dir, FILES_GUEST_PATH, FsPerms::ReadWrite) {
                tracing::warn!(district = %meta.district, plugin = %meta.id,
                    error = %e, "failed to open the plugin's folder");
            }
        }
        let wasi = wasi.build();
        let state = PluginState {
            wasi,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            limiter,
            outbound: OutboundPolicy {
                allowed: meta.outbound_hosts.clone(),
                district: meta.district.clone(),
                plugin: meta.id.clone(),
            },
            host: HostContext {
                meta: meta.clone(),
                kv: self.kv.clone(),
                kv_scope: KvScope {
                    district: meta.district.to_string(),
                    plugin: meta.id.to_string(),
                },
                events: self.events.clone(),
                metrics: self.metrics.clone(),
            },
            deadline: Instant::now() + meta.limits.timeout,
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        // Every epoch tick the guest yields to the async executor, so a
        // spinning plugin never holds a worker thread for more than one
        // tick; past its deadline the next tick traps it.
        store.set_epoch_deadline(1);
        store.epoch_deadline_callback(move |store| {
            if Instant::now() >= store.data().deadline {
                Err(Trap::Interrupt.into())
            } else {
                Ok(UpdateDeadline::Yield(1))
            }
        });
        let call = Call {
            meta: meta.clone(),
            started: Instant::now(),
            memory_hit,
            output,
        };
        (store, call)
    }

    /// Refuses a call at once while the plugin's circuit breaker is open.
    pub(crate) fn admit(&self, meta: &PluginMeta) -> Result<(), PluginError> {
        let Err(Refused(wait)) = self.breakers.admit(&meta.district, &meta.id) else {
            return Ok(());
        };
        let failure = PluginFailure::Unavailable(wait.as_millis() as u64);
        self.metrics
            .call_stats
            .record(&meta.district, &meta.id, None, Some(failure.code()));
        self.metrics
            .plugin_failures
            .get_or_create(&FailureLabels {
                district: meta.district.to_string(),
                plugin: meta.id.to_string(),
                reason: failure.code().to_owned(),
            })
            .inc();
        Err(PluginError {
            district: meta.district.clone(),
            plugin: meta.id.clone(),
            failure,
        })
    }

    /// Sets the breaker-state gauge of a plugin.
    pub(crate) fn set_breaker_gauge(&self, district: &str, plugin: &str, state: BreakerState) {
        let labels = PluginLabels {
            district: district.to_owned(),
            plugin: plugin.to_owned(),
        };
        self.metrics
            .plugin_breaker_state
            .get_or_create(&labels)
            .set(state.as_gauge());
        if state == BreakerState::Open {
            self.metrics
                .plugin_breaker_trips
                .get_or_create(&labels)
                .inc();
        }
    }

    /// Records a finished call: counts, latency, captured output, the
    /// plugin's breaker, and a warning for a failure.
    pub(crate) fn finish<T>(
        &self,
        call: Call,
        result: Result<T, PluginFailure>,
    ) -> Result<T, PluginError> {
        let meta = &call.meta;
        let labels = PluginLabels {
            district: meta.district.to_string(),
            plugin: meta.id.to_string(),
        };
        let elapsed = call.started.elapsed();
        self.metrics.plugin_calls.get_or_create(&labels).inc();
        self.metrics
            .plugin_call_seconds
            .get_or_create(&labels)
            .observe(elapsed.as_secs_f64());
        let reason = result.as_ref().err().map(PluginFailure::code);
        self.metrics
            .call_stats
            .record(&meta.district, &meta.id, Some(elapsed), reason);
        let counts = matches!(&result, Err(f) if f.counts_against_plugin());
        if let Some(state) = self.breakers.record(&meta.district, &meta.id, !counts) {
            self.set_breaker_gauge(&meta.district, &meta.id, state);
            if state == BreakerState::Open {
                tracing::warn!(district = %meta.district, plugin = %meta.id,
                    "circuit breaker opened after repeated failures");
            }
        }
        let output = call.output.contents();
        if !output.is_empty() {
            tracing::debug!(district = %meta.district, plugin = %meta.id,
                output = %String::from_utf8_lossy(&output), "plugin output");
        }
        result.map_err(|failure| {
            self.metrics
                .plugin_failures
                .get_or_create(&FailureLabels {
                    district: labels.district,
                    plugin: labels.plugin,
                    reason: failure.code().to_owned(),
                })
                .inc();
            tracing::warn!(district = %meta.district, plugin = %meta.id,
                reason = failure.code(), error = %failure,
                elapsed_ms = elapsed.as_millis() as u64, "plugin call failed");
            PluginError {
                district: meta.district.clone(),
                plugin: meta.id.clone(),
                failure,
            }
        })
    }
}

impl Call {
    /// Turns a wasmtime error from this call into a typed failure.
    pub(crate) fn classify(&self, error: &wasmtime::Error) -> PluginFailure {
        if self.memory_hit.load(Ordering::Relaxed) {
            return PluginFailure::MemoryCap(self.meta.limits.memory_bytes >> 20);
        }
        if error.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
            return PluginFailure::Busy;
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => self.timeout(),
            Some(trap) => PluginFailure::Trap(trap.to_string()),
            None => PluginFailure::Trap(format!("{error:#}")),
        }
    }

    /// The failure of a call that ran past its deadline.
    pub(crate) fn timeout(&self) -> PluginFailure {
        PluginFailure::Timeout(self.meta.limits.timeout.as_millis() as u64)
    }

    /// When the host stops waiting for this call.
    pub(crate) fn deadline(&self) -> tokio::time::Instant {
        tokio::time::Instant::from_std(self.started + self.meta.limits.timeout + DEADLINE_GRACE)
    }
}
