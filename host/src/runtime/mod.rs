//! The Wasm runtime: compiles, pre-instantiates and calls plugins under
//! limits. It knows no HTTP framework and no domain; callers hand it plain
//! requests and typed values.
//!
//! - `engine`: the one wasmtime `Engine` (pooling allocator, epoch ticker).
//! - `cache`: compiled code on disk, keyed by component digest and engine.
//! - `plugin`: a loaded plugin: its metadata and its pre-instantiated form.
//! - `state` and `host_api`: what a plugin's store holds and the host
//!   interfaces (`log`, `config`, `kv`, `clock`, `events`) it may call.
//! - `invoke`: the per-call path shared by every world: fresh store,
//!   deadline, memory cap, error classification, metrics.
//! - `endpoint`, `pricing`, `payment`, `promotion` and `decoder`: calls
//!   into each world's exports.
//! - `error`: the typed failures callers branch on.
//! - `capabilities`: what a component imports, and the checks an uploaded
//!   component passes before it may run.
//! - `breaker`: per-plugin circuit breakers that fail fast.
//! - `logistics`: calls into the `logistics` world (courier plugins).
//! - `public_service`: calls into the `public-service` world (utility bills).

mod bindings;
mod breaker;
mod cache;
mod capabilities;
mod decoder;
mod endpoint;
mod engine;
mod error;
mod host_api;
mod invoke;
mod limits;
mod logistics;
mod outbound;
mod payment;
mod plugin;
mod pricing;
mod promotion;
mod public_service;
mod state;

pub use breaker::{BreakerState, BreakerStatus};
pub use cache::CacheOutcome;
pub use capabilities::{
    Capability, InspectError, Inspection, capabilities, check_component_header,
};
pub use decoder::{
    DecodeError, DecodeOutcome, Decoded, DecoderDevice, Flow, Measurement, Reading, Uplink,
    decode_batch,
};
pub use error::{PluginError, PluginFailure};
pub use limits::ResolvedLimits;
pub use logistics::{
    CourierError, CourierOffer, CourierResult, DeliveryStatus, DispatchRequest, Parcel, ParcelSize,
    Place, QuoteRequest, Tracking, courier_cancel, courier_dispatch, courier_error_text,
    courier_quote, courier_self_check, courier_track,
};
pub use payment::{
    CreateRequest, Payment, PaymentError, PaymentResult, PaymentStatus, RefundRequest,
    confirm_payment, create_payment, get_payment, payment_self_check, refund_payment,
};
pub use plugin::{FILES_GUEST_PATH, Plugin, PluginMeta, PluginSpec, Sandbox, detect_kind};
pub use pricing::{
    Policy, Price, PriceLine, PricingError, SpaceCategory, Stay, VehicleType, policy, quote,
    self_check,
};
pub use promotion::{
    CartLine, CouponUse, Discount, Offer, PromotionCart, PromotionShopper, apply_promotion,
    promotion_self_check,
};
pub use public_service::{
    Bill, PaymentConfirmation, Receipt, ServiceError, ServiceResult, Utility, confirm_bill_payment,
    get_bill, lookup_bill, public_service_self_check,
};

use crate::config::BreakerConfig;
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::storage::KvStore;
use state::PluginState;
use std::path::PathBuf;
use std::sync::Arc;
use wasmtime::Engine;
use wasmtime::component::Linker;

/// Everything plugins run on: one engine, one linker with every host
/// interface, the compiled-code cache and the services host calls reach.
pub struct Runtime {
    engine: Engine,
    linker: Linker<PluginState>,
    cache: cache::CompileCache,
    kv: KvStore,
    events: EventBus,
    metrics: Arc<Metrics>,
    breakers: breaker::Breakers,
    _ticker: engine::EpochTicker,
}

impl Runtime {
    /// Builds the engine and linker; `cache_dir` holds compiled code.
    pub fn new(
        cache_dir: PathBuf,
        kv: KvStore,
        events: EventBus,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<Self> {
        let fail = |what: &str, e: wasmtime::Error| anyhow::anyhow!("failed to {what}: {e:#}");
        let engine = engine::build().map_err(|e| fail("build the wasm engine", e))?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker).map_err(|e| fail("link WASI", e))?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)
            .map_err(|e| fail("link wasi:http", e))?;
        host_api::add_to_linker(&mut linker)
            .map_err(|e| fail("link the plaza host interfaces", e))?;
        let cache = cache::CompileCache::new(cache_dir, &engine);
        let ticker = engine::EpochTicker::start(&engine);
        Ok(Self {
            engine,
            linker,
            cache,
            kv,
            events,
            metrics,
            breakers: breaker::Breakers::new(BreakerConfig::default()),
            _ticker: ticker,
        })
    }

    /// Replaces the circuit-breaker settings (before any call is made).
    pub fn with_breaker(mut self, config: BreakerConfig) -> Self {
        self.breakers = breaker::Breakers::new(config);
        self
    }

    /// The breaker of a plugin as it stands now.
    pub fn breaker_status(&self, district: &str, plugin: &str) -> BreakerStatus {
        self.breakers.status(district, plugin)
    }

    /// Forgets a plugin's failures, as when a new version starts serving.
    pub fn reset_breaker(&self, district: &str, plugin: &str) {
        self.breakers.reset(district, plugin);
        self.set_breaker_gauge(district, plugin, BreakerState::Closed);
    }

    /// The engine every plugin is compiled for.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}
