//! `plaza plugin run PLUGIN.wasm --input FIXTURE.json`: call a plugin
//! offline, without a server, and print its result and how long it took.
//!
//! A fixture is a JSON object with optional `config` (the plugin's config
//! values) and one call, depending on the plugin's world:
//!
//! - http-endpoint: `"request": {"method", "path", "headers", "body"}`
//! - parking-pricing: `"quote": {"start", "end", "vehicle", "category"}`,
//!   or `"call": "policy"` / `"call": "self-check"`.
//! - payment: `"payment": {"amount", "currency", "reference",
//!   "idempotency_key", "method"}` creates and confirms a payment, or
//!   `"call": "self-check"`.
//! - promotion: `"cart": {"currency", "lines": [{"item", "merchant",
//!   "category", "unit_price", "quantity"}], "shopper", "coupon_codes",
//!   "coupon_uses": {"CODE": n}, "now"}` prices a cart, or
//!   `"call": "self-check"`.
//! - public-service: `"call": "self-check"` (bills need the provider's
//!   server, which an offline run does not reach).
//! - decoder: `"uplink": {"hex" | "text", "fport", "device": {"id", "kind",
//!   "observes", "location", "variables"}}`.
//! - logistics: `"call": "self-check"` (quotes need a courier's world
//!   running; try them through a server).

use crate::config::PluginKind;
use crate::domain::parking::{SpaceCategory, Vehicle};
use crate::events::EventBus;
use crate::metrics::Metrics;
use crate::runtime::{self, PluginSpec, ResolvedLimits, Runtime, Stay, detect_kind};
use crate::storage::Storage;
use anyhow::{Context, bail};
use bytes::Bytes;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::Component;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    #[serde(default)]
    config: serde_json::Map<String, Value>,
    request: Option<FixtureRequest>,
    quote: Option<FixtureQuote>,
    payment: Option<FixturePayment>,
    cart: Option<FixtureCart>,
    call: Option<String>,
    uplink: Option<FixtureUplink>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureUplink {
    /// The payload as hex (binary devices) ...
    hex: Option<String>,
    /// ... or as text (JSON devices).
    text: Option<String>,
    #[serde(default = "port_one")]
    fport: u8,
    device: FixtureDevice,
}

fn port_one() -> u8 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureDevice {
    id: String,
    kind: String,
    #[serde(default)]
    observes: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    variables: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureCart {
    #[serde(default = "cny")]
    currency: String,
    lines: Vec<FixtureLine>,
    #[serde(default)]
    shopper: String,
    #[serde(default)]
    coupon_codes: Vec<String>,
    #[serde(default)]
    coupon_uses: BTreeMap<String, u32>,
    /// Milliseconds since the Unix epoch; default: now.
    now: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureLine {
    item: String,
    #[serde(default)]
    merchant: String,
    #[serde(default)]
    category: String,
    unit_price: i64,
    quantity: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixturePayment {
    amount: i64,
    #[serde(default = "cny")]
    currency: String,
    #[serde(default)]
    reference: String,
    idempotency_key: String,
    #[serde(default)]
    method: String,
}

fn cny() -> String {
    "CNY".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureRequest {
    #[serde(default = "get")]
    method: String,
    #[serde(default = "root")]
    path: String,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
}

fn get() -> String {
    "GET".into()
}

fn root() -> String {
    "/".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureQuote {
    start: chrono::DateTime<chrono::FixedOffset>,
    end: chrono::DateTime<chrono::FixedOffset>,
    #[serde(default)]
    vehicle: Vehicle,
    #[serde(default)]
    category: SpaceCategory,
}

pub(super) async fn run(plugin: PathBuf, input: PathBuf) -> anyhow::Result<()> {
    let bytes =
        std::fs::read(&plugin).with_context(|| format!("failed to read {}", plugin.display()))?;
    let text = std::fs::read_to_string(&input)
        .with_context(|| format!("failed to read {}", input.display()))?;
    let fixture: Fixture = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a valid fixture", input.display()))?;

    let cache_dir = std::env::temp_dir().join("plaza-plugin-run-cache");
    let storage = Storage::in_memory().await?;
    let runtime = Runtime::new(
        cache_dir,
        storage.kv(),
        EventBus::new(),
        Arc::new(Metrics::new()),
    )?;
    let component = Component::new(runtime.engine(), &bytes)
        .map_err(|e| anyhow::anyhow!("{} is not a component: {e:#}", plugin.display()))?;
    let kind = detect_kind(runtime.engine(), &component).map_err(anyhow::Error::msg)?;

    let spec = PluginSpec {
        district: "offline".into(),
        id: plugin
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("plugin")
            .into(),
        kind,
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes,
        config: fixture.config.clone(),
        limits: ResolvedLimits::resolve(&Default::default(), &Default::default()),
        outbound_hosts: Vec::new(),
        utc_offset_minutes: 480,
    };
    let loaded = runtime.load(spec).await.map_err(anyhow::Error::msg)?;

    let started = Instant::now();
    let output = match kind {
        PluginKind::HttpEndpoint => {
            let Some(req) = fixture.request else {
                bail!("an http-endpoint fixture needs \"request\"");
            };
            let mut builder = http::Request::builder()
                .method(req.method.as_str())
                .uri(format!("http://localhost{}", req.path));
            for (name, value) in &req.headers {
                builder = builder.header(name, value);
            }
            let response = runtime
                .serve_http(&loaded, builder.body(Bytes::from(req.body))?)
                .await?;
            let body = String::from_utf8_lossy(response.body()).into_owned();
            let body = serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body));
            json!({ "status": response.status().as_u16(), "body": body })
        }
        PluginKind::ParkingPricing => pricing_call(&runtime, &loaded, fixture).await?,
        PluginKind::Payment => payment_call(&runtime, &loaded, fixture).await?,
        PluginKind::Promotion => promotion_call(&runtime, &loaded, fixture).await?,
        PluginKind::Decoder => decoder_call(&runtime, &loaded, fixture).await?,
        PluginKind::Logistics => courier_call(&runtime, &loaded, fixture).await?,
        PluginKind::PublicService => public_service_call(&runtime, &loaded, fixture).await?,
    };
    let took = started.elapsed();
    println!("{}", serde_json::to_string_pretty(&output)?);
    eprintln!("took {:.3} ms", took.as_secs_f64() * 1000.0);
    Ok(())
}

async fn pricing_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    if let Some(q) = fixture.quote {
        let stay = Stay {
            start: q.start.timestamp_millis(),
            end: q.end.timestamp_millis(),
            vehicle: match q.vehicle {
                Vehicle::Car => runtime::VehicleType::Car,
                Vehicle::Motorcycle => runtime::VehicleType::Motorcycle,
                Vehicle::Van => runtime::VehicleType::Van,
                Vehicle::Coach => runtime::VehicleType::Coach,
            },
            category: match q.category {
                SpaceCategory::Standard => runtime::SpaceCategory::Standard,
                SpaceCategory::Disabled => runtime::SpaceCategory::Disabled,
                SpaceCategory::EvCharging => runtime::SpaceCategory::EvCharging,
                SpaceCategory::Family => runtime::SpaceCategory::Family,
                SpaceCategory::Motorcycle => runtime::SpaceCategory::Motorcycle,
            },
        };
        return Ok(match runtime::quote(runtime, plugin, &stay).await? {
            Ok(price) => json!({
                "currency": price.currency,
                "total": price.total,
                "lines": price.lines.iter()
                    .map(|l| json!({ "label": l.label, "amount": l.amount }))
                    .collect::<Vec<_>>(),
            }),
            Err(e) => json!({ "error": format!("{e:?}") }),
        });
    }
    match fixture.call.as_deref() {
        Some("policy") => {
            let p = runtime::policy(runtime, plugin).await?;
            Ok(json!({
                "max_stay_minutes": p.max_stay_minutes,
                "hold_minutes": p.hold_minutes,
                "grace_minutes": p.grace_minutes,
                "no_show_fee": p.no_show_fee,
                "reservable": p.reservable.iter().map(|c| format!("{c:?}")).collect::<Vec<_>>(),
            }))
        }
        Some("self-check") => Ok(match runtime::self_check(runtime, plugin).await? {
            Ok(()) => json!({ "self_check": "ok" }),
            Err(why) => json!({ "self_check": why }),
        }),
        _ => bail!(
            "a parking-pricing fixture needs \"quote\" or \"call\": \"policy\" | \"self-check\""
        ),
    }
}

async fn payment_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    let Some(p) = fixture.payment else {
        if fixture.call.as_deref() == Some("self-check") {
            return Ok(match runtime::payment_self_check(runtime, plugin).await? {
                Ok(()) => json!({ "self_check": "ok" }),
                Err(why) => json!({ "self_check": why }),
            });
        }
        bail!("a payment fixture needs \"payment\" or \"call\": \"self-check\"");
    };
    let request = runtime::CreateRequest {
        amount: p.amount,
        currency: p.currency,
        reference: p.reference,
        idempotency_key: p.idempotency_key,
        method: p.method,
    };
    let created = match runtime::create_payment(runtime, plugin, &request).await? {
        Ok(payment) => payment,
        Err(e) => return Ok(json!({ "create": { "error": format!("{e:?}") } })),
    };
    let confirmed = runtime::confirm_payment(runtime, plugin, &created.id).await?;
    Ok(json!({
        "create": payment_json(&created),
        "confirm": match &confirmed {
            Ok(payment) => payment_json(payment),
            Err(e) => json!({ "error": format!("{e:?}") }),
        },
    }))
}

fn payment_json(p: &runtime::Payment) -> Value {
    json!({
        "id": p.id,
        "status": match p.status {
            runtime::PaymentStatus::Pending => "pending",
            runtime::PaymentStatus::Succeeded => "succeeded",
            runtime::PaymentStatus::Declined => "declined",
            runtime::PaymentStatus::Refunded => "refunded",
        },
        "amount": p.amount,
        "currency": p.currency,
        "reference": p.reference,
        "refunded": p.refunded,
        "decline_reason": p.decline_reason,
    })
}

async fn promotion_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    let Some(c) = fixture.cart else {
        if fixture.call.as_deref() == Some("self-check") {
            return Ok(
                match runtime::promotion_self_check(runtime, plugin).await? {
                    Ok(()) => json!({ "self_check": "ok" }),
                    Err(why) => json!({ "self_check": why }),
                },
            );
        }
        bail!("a promotion fixture needs \"cart\" or \"call\": \"self-check\"");
    };
    let cart = runtime::PromotionCart {
        currency: c.currency,
        lines: c
            .lines
            .into_iter()
            .map(|l| runtime::CartLine {
                item: l.item,
                merchant: l.merchant,
                category: l.category,
                unit_price: l.unit_price,
                quantity: l.quantity,
            })
            .collect(),
        shopper: runtime::PromotionShopper {
            id: c.shopper,
            coupon_codes: c.coupon_codes,
            coupon_uses: c
                .coupon_uses
                .into_iter()
                .map(|(code, redeemed)| runtime::CouponUse { code, redeemed })
                .collect(),
        },
        now: c
            .now
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis()),
    };
    Ok(
        match runtime::apply_promotion(runtime, plugin, &cart).await? {
            Ok(offer) => json!({
                "exclusive": offer.exclusive,
                "discounts": offer.discounts.iter().map(|d| json!({
                    "line": d.line,
                    "amount": d.amount,
                    "reason": d.reason,
                    "coupon": d.coupon,
                })).collect::<Vec<_>>(),
            }),
            Err(why) => json!({ "declined": why }),
        },
    )
}

async fn decoder_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    let Some(up) = fixture.uplink else {
        bail!("a decoder fixture needs \"uplink\"");
    };
    let bytes = match (up.hex, up.text) {
        (Some(hex), None) => hex::decode(hex.replace(' ', "")).context("uplink.hex is not hex")?,
        (None, Some(text)) => text.into_bytes(),
        _ => bail!("an uplink needs exactly one of \"hex\" and \"text\""),
    };
    let uplink = runtime::Uplink {
        bytes,
        fport: up.fport,
        received_at: chrono::Utc::now().timestamp_millis(),
        device: runtime::DecoderDevice {
            id: up.device.id,
            kind: up.device.kind,
            observes: up.device.observes,
            location: up.device.location,
            variables: up.device.variables.into_iter().collect(),
        },
    };
    let outcome = runtime::decode_batch(runtime, plugin, std::slice::from_ref(&uplink))
        .await
        .pop()
        .expect("one outcome per uplink");
    Ok(match outcome? {
        Ok(decoded) => json!({
            "sequence": decoded.sequence,
            "readings": decoded.readings.iter().map(|r| {
                let mut v = match r.measurement {
                    runtime::Measurement::Space(occupied) => {
                        json!({ "kind": "space", "occupied": occupied })
                    }
                    runtime::Measurement::People(f) => {
                        json!({ "kind": "people", "in": f.entered, "out": f.exited })
                    }
                    runtime::Measurement::Vehicles(f) => {
                        json!({ "kind": "vehicles", "in": f.entered, "out": f.exited })
                    }
                    runtime::Measurement::EnergyKwh(kwh) => json!({ "kind": "energy", "kwh": kwh }),
                };
                if let Some(at) = r.at {
                    v["at"] = at.into();
                }
                v
            }).collect::<Vec<_>>(),
            "warnings": decoded.warnings,
        }),
        Err(runtime::DecodeError::Malformed(why)) => json!({ "error": "malformed", "reason": why }),
        Err(runtime::DecodeError::Rejected(why)) => json!({ "error": "rejected", "reason": why }),
    })
}

async fn courier_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    if fixture.call.as_deref() != Some("self-check") {
        bail!("a logistics fixture needs \"call\": \"self-check\"");
    }
    Ok(self_check_json(
        runtime::courier_self_check(runtime, plugin).await?,
    ))
}

async fn public_service_call(
    runtime: &Runtime,
    plugin: &runtime::Plugin,
    fixture: Fixture,
) -> anyhow::Result<Value> {
    if fixture.call.as_deref() != Some("self-check") {
        bail!("a public-service fixture takes only \"call\": \"self-check\"");
    }
    Ok(self_check_json(
        runtime::public_service_self_check(runtime, plugin).await?,
    ))
}

/// A self-check's outcome as a fixture's result.
fn self_check_json(outcome: Result<(), String>) -> Value {
    match outcome {
        Ok(()) => json!({ "self_check": "ok" }),
        Err(why) => json!({ "self_check": why }),
    }
}
