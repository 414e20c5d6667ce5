//! The one wasmtime engine and the ticker that drives per-call deadlines
//! and makes running guests yield to the executor.

use crate::config::MAX_MEMORY_MIB;
use std::time::Duration;
use wasmtime::{Config, Engine, EngineWeak, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances; a deadline is a number of these ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// How many instances (and so linear memories) may be live at once. A call
/// beyond this fails fast as "busy" instead of queueing.
const MAX_LIVE_INSTANCES: u32 = 256;

/// Builds the engine: component model, epoch interruption, and a pooling
/// allocator whose slots fit the largest memory cap a plugin may have.
pub(crate) fn build() -> wasmtime::Result<Engine> {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(MAX_LIVE_INSTANCES)
        .total_core_instances(MAX_LIVE_INSTANCES * 2)
        .total_memories(MAX_LIVE_INSTANCES)
        .total_tables(MAX_LIVE_INSTANCES * 2)
        .max_memory_size((MAX_MEMORY_MIB << 20) as usize);
    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
}

/// Advances the engine's epoch every [`EPOCH_TICK`] on its own thread,
/// until the engine is dropped.
pub(crate) struct EpochTicker;

impl EpochTicker {
    pub(crate) fn start(engine: &Engine) -> Self {
        let weak: EngineWeak = engine.weak();
        std::thread::Builder::new()
            .name("plaza-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .expect("failed to spawn the epoch ticker thread");
        EpochTicker
    }
}
