//! A loaded plugin: what it is (metadata from config), and its compiled,
//! pre-instantiated form ready for a fresh instance per call.

use super::bindings::ParkingPricingPre;
use super::bindings::decoder::DecoderPre;
use super::bindings::logistics::LogisticsPre;
use super::bindings::payment::PaymentPre;
use super::bindings::promotion::PromotionPre;
use super::bindings::public_service::PublicServicePre;
use super::cache::CacheOutcome;
use super::capabilities::{Capability, capabilities};
use super::limits::ResolvedLimits;
use super::state::PluginState;
use super::{Runtime, logistics, payment, pricing, promotion};
use crate::config::PluginKind;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

/// Everything needed to load one plugin.
#[derive(Debug, Clone)]
pub struct PluginSpec {
    /// District id.
    pub district: String,
    /// Plugin id within the district.
    pub id: String,
    /// The world it must implement.
    pub kind: PluginKind,
    /// The component's bytes.
    pub bytes: Vec<u8>,
    /// Their sha256, hex.
    pub sha256: String,
    /// Values it reads through the `config` interface.
    pub config: serde_json::Map<String, serde_json::Value>,
    /// Its effective limits.
    pub limits: ResolvedLimits,
    /// Hosts it may call over outbound HTTP.
    pub outbound_hosts: Vec<String>,
    /// Its district's offset from UTC, in minutes.
    pub utc_offset_minutes: i32,
}

/// Grants beyond a [`PluginSpec`]: what else of the host the plugin may
/// reach. The default grants nothing.
#[derive(Debug, Clone, Default)]
pub struct Sandbox {
    /// Event topic filters it may publish to (`+` one segment, final `#`
    /// the rest).
    pub publish_topics: Vec<String>,
    /// Its own folder, preopened as `/data`; none: no files at all.
    pub files_dir: Option<PathBuf>,
}

/// The folder a plugin with a files grant sees as `/data`.
pub const FILES_GUEST_PATH: &str = "/data";

/// What a loaded plugin is, shared by every call to it.
#[derive(Debug)]
pub struct PluginMeta {
    /// District id.
    pub district: Arc<str>,
    /// Plugin id.
    pub id: Arc<str>,
    /// The world it implements.
    pub kind: PluginKind,
    /// The component's sha256, hex.
    pub sha256: String,
    /// Its effective limits.
    pub limits: ResolvedLimits,
    /// Its config values.
    pub config: serde_json::Map<String, serde_json::Value>,
    /// The same values as one JSON object, as `config.get-all` returns them.
    pub config_json: String,
    /// Hosts it may call over outbound HTTP.
    pub outbound_hosts: Arc<[String]>,
    /// Its district's offset from UTC, in minutes.
    pub utc_offset_minutes: i32,
    /// Event topic filters it may publish to.
    pub publish_topics: Arc<[String]>,
    /// Its own folder, seen inside as `/data`, when granted.
    pub files_dir: Option<PathBuf>,
}

pub(crate) enum PluginPre {
    Endpoint(ProxyPre<PluginState>),
    Pricing(ParkingPricingPre<PluginState>),
    Payment(PaymentPre<PluginState>),
    Promotion(PromotionPre<PluginState>),
    Decoder(DecoderPre<PluginState>),
    Logistics(LogisticsPre<PluginState>),
    PublicService(PublicServicePre<PluginState>),
}

/// A plugin ready to serve.
pub struct Plugin {
    /// What it is.
    pub meta: Arc<PluginMeta>,
    /// Whether its code came from the compile cache.
    pub cache: CacheOutcome,
    /// The capabilities its component imports.
    pub capabilities: BTreeSet<Capability>,
    pub(crate) pre: PluginPre,
}

/// The world a component implements, read from its exports.
pub fn detect_kind(engine: &Engine, component: &Component) -> Result<PluginKind, String> {
    let ty = component.component_type();
    let mut names = Vec::new();
    for (name, _) in ty.exports(engine) {
        if name.starts_with("wasi:http/incoming-handler@0.2.") {
            return Ok(PluginKind::HttpEndpoint);
        }
        if name.starts_with("plaza:district/pricing@0.1.") {
            return Ok(PluginKind::ParkingPricing);
        }
        if name.starts_with("plaza:district/payments@0.1.") {
            return Ok(PluginKind::Payment);
        }
        if name.starts_with("plaza:district/promotions@0.1.") {
            return Ok(PluginKind::Promotion);
        }
        if name.starts_with("plaza:district/decode@0.1.") {
            return Ok(PluginKind::Decoder);
        }
        if name.starts_with("plaza:district/couriers@0.1.") {
            return Ok(PluginKind::Logistics);
        }
        if name.starts_with("plaza:district/public-services@0.1.") {
            return Ok(PluginKind::PublicService);
        }
        names.push(name.to_owned());
    }
    Err(format!(
        "exports no world this host supports (it exports: {}); supported: \
         wasi:http/incoming-handler@0.2.x, plaza:district/pricing@0.1.x, \
         plaza:district/payments@0.1.x, plaza:district/promotions@0.1.x, \
         plaza:district/decode@0.1.x, plaza:district/couriers@0.1.x, \
         plaza:district/public-services@0.1.x",
        if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(", ")
        }
    ))
}

impl Runtime {
    /// Compiles (or loads from cache), checks and pre-instantiates a
    /// plugin, then runs its self-check where its world has one. The error
    /// says what is wrong, for an operator to read.
    pub async fn load(&self, spec: PluginSpec) -> Result<Plugin, String> {
        self.load_with(spec, Sandbox::default()).await
    }

    /// [`Runtime::load`] with grants beyond the spec's outbound hosts.
    /// Besides compiling and the self-check, an endpoint is instantiated
    /// once, so a component that cannot start never replaces one that can.
    pub async fn load_with(&self, spec: PluginSpec, sandbox: Sandbox) -> Result<Plugin, String> {
        if let Some(dir) = &sandbox.files_dir {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("failed to create its folder {}: {e}", dir.display()))?;
        }
        let engine = self.engine.clone();
        let cache_key = spec.sha256.clone();
        let bytes = spec.bytes;
        let cache = self.cache.clone();
        let (component, outcome) =
            tokio::task::spawn_blocking(move || cache.load(&engine, &bytes, &cache_key))
                .await
                .map_err(|e| format!("compile task failed: {e}"))?
                .map_err(|e| format!("not a loadable component: {e:#}"))?;

        let kind = detect_kind(&self.engine, &component)?;
        if kind != spec.kind {
            return Err(format!(
                "declared kind {} but the component is a {kind}",
                spec.kind
            ));
        }
        let instance_pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| format!("imports something this host does not provide: {e:#}"))?;
        let pre = match kind {
            PluginKind::HttpEndpoint => PluginPre::Endpoint(
                ProxyPre::new(instance_pre).map_err(|e| format!("bad wasi:http export: {e:#}"))?,
            ),
            PluginKind::ParkingPricing => PluginPre::Pricing(
                ParkingPricingPre::new(instance_pre)
                    .map_err(|e| format!("bad pricing export: {e:#}"))?,
            ),
            PluginKind::Payment => PluginPre::Payment(
                PaymentPre::new(instance_pre).map_err(|e| format!("bad payment export: {e:#}"))?,
            ),
            PluginKind::Promotion => PluginPre::Promotion(
                PromotionPre::new(instance_pre)
                    .map_err(|e| format!("bad promotion export: {e:#}"))?,
            ),
            PluginKind::Decoder => PluginPre::Decoder(
                DecoderPre::new(instance_pre).map_err(|e| format!("bad decoder export: {e:#}"))?,
            ),
            PluginKind::Logistics => PluginPre::Logistics(
                LogisticsPre::new(instance_pre)
                    .map_err(|e| format!("bad logistics export: {e:#}"))?,
            ),
            PluginKind::PublicService => PluginPre::PublicService(
                PublicServicePre::new(instance_pre)
                    .map_err(|e| format!("bad public-service export: {e:#}"))?,
            ),
        };

        let config_json = serde_json::Value::Object(spec.config.clone()).to_string();
        let plugin = Plugin {
            meta: Arc::new(PluginMeta {
                district: spec.district.into(),
                id: spec.id.into(),
                kind,
                sha256: spec.sha256,
                limits: spec.limits,
                config: spec.config,
                config_json,
                outbound_hosts: spec.outbound_hosts.into(),
                utc_offset_minutes: spec.utc_offset_minutes,
                publish_topics: sandbox.publish_topics.into(),
                files_dir: sandbox.files_dir,
            }),
            cache: outcome,
            capabilities: capabilities(&self.engine, &component),
            pre,
        };
        if let PluginPre::Endpoint(pre) = &plugin.pre {
            let (mut store, _call) = self.new_store(&plugin.meta);
            pre.instantiate_async(&mut store)
                .await
                .map_err(|e| format!("failed to instantiate: {e:#}"))?;
        }
        let checked = match kind {
            PluginKind::ParkingPricing => Some(pricing::self_check(self, &plugin).await),
            PluginKind::Payment => Some(payment::payment_self_check(self, &plugin).await),
            PluginKind::Promotion => Some(promotion::promotion_self_check(self, &plugin).await),
            PluginKind::Logistics => Some(logistics::courier_self_check(self, &plugin).await),
            PluginKind::PublicService => {
                Some(super::public_service_self_check(self, &plugin).await)
            }
            PluginKind::HttpEndpoint | PluginKind::Decoder => None,
        };
        match checked {
            None | Some(Ok(Ok(()))) => {}
            Some(Ok(Err(why))) => return Err(format!("self-check failed: {why}")),
            Some(Err(e)) => return Err(format!("self-check failed: {}", e.failure)),
        }
        tracing::info!(district = %plugin.meta.district, plugin = %plugin.meta.id,
            kind = %kind, sha256 = %plugin.meta.sha256, cache = ?outcome, "plugin loaded");
        Ok(plugin)
    }
}
