//! Calls into the `decoder` world: turn device uplinks into readings.
//!
//! Uplinks come in batches, so one instance serves a whole batch: a call
//! on a live instance costs about a microsecond where a fresh instance
//! costs tens. Each call still gets its own deadline, and after any
//! failure (trap, timeout, memory cap) the next uplink gets a fresh
//! instance, since a trapped one refuses further calls.

use super::Runtime;
use super::bindings::decoder::Decoder as DecoderWorld;
use super::error::{PluginError, PluginFailure};
use super::invoke::{Call, DEADLINE_GRACE};
use super::plugin::{Plugin, PluginPre};
use super::state::PluginState;
use crate::metrics::PluginLabels;
use std::time::Instant;
use wasmtime::Store;

pub use super::bindings::decoder::exports::plaza::district::decode::{
    DecodeError, Decoded, Device as DecoderDevice, Flow, Measurement, Reading, Uplink,
};

/// What became of one uplink: the plugin failed, or it answered with
/// readings or a reason.
pub type DecodeOutcome = Result<Result<Decoded, DecodeError>, PluginError>;

/// A live instance and the store it lives in.
struct Session {
    store: Store<PluginState>,
    call: Call,
    instance: DecoderWorld,
}

/// Decodes every uplink with `plugin`, in order; one outcome per uplink.
pub async fn decode_batch(
    runtime: &Runtime,
    plugin: &Plugin,
    uplinks: &[Uplink],
) -> Vec<DecodeOutcome> {
    let meta = &plugin.meta;
    let PluginPre::Decoder(pre) = &plugin.pre else {
        let wrong = || PluginError {
            district: meta.district.clone(),
            plugin: meta.id.clone(),
            failure: PluginFailure::WrongKind {
                expected: "decoder",
                actual: meta.kind.as_str(),
            },
        };
        return uplinks.iter().map(|_| Err(wrong())).collect();
    };
    let labels = PluginLabels {
        district: meta.district.to_string(),
        plugin: meta.id.to_string(),
    };
    let calls = runtime.metrics.plugin_calls.get_or_create(&labels).clone();
    let latency = runtime
        .metrics
        .plugin_call_seconds
        .get_or_create(&labels)
        .clone();

    let mut outcomes = Vec::with_capacity(uplinks.len());
    let mut session: Option<Session> = None;
    for uplink in uplinks {
        if session.is_none() {
            let (mut store, call) = runtime.new_store(meta);
            let started =
                tokio::time::timeout_at(call.deadline(), pre.instantiate_async(&mut store));
            match started.await {
                Ok(Ok(instance)) => {
                    session = Some(Session {
                        store,
                        call,
                        instance,
                    })
                }
                Ok(Err(error)) => {
                    let failure = call.classify(&error);
                    outcomes.push(Err(fail(runtime, call, failure)));
                    continue;
                }
                Err(_elapsed) => {
                    let failure = call.timeout();
                    outcomes.push(Err(fail(runtime, call, failure)));
                    continue;
                }
            }
        }
        let live = session.as_mut().expect("a session was just started");
        let started = Instant::now();
        live.store.data_mut().deadline = started + meta.limits.timeout;
        let wait = tokio::time::Instant::from_std(started + meta.limits.timeout + DEADLINE_GRACE);
        let guest = live.instance.plaza_district_decode();
        let result = tokio::time::timeout_at(wait, guest.call_decode(&mut live.store, uplink));
        match result.await {
            Ok(Ok(answer)) => {
                calls.inc();
                let elapsed = started.elapsed();
                latency.observe(elapsed.as_secs_f64());
                runtime
                    .metrics
                    .call_stats
                    .record(&meta.district, &meta.id, Some(elapsed), None);
                outcomes.push(Ok(check(answer)));
            }
            Ok(Err(error)) => {
                let Session { call, .. } = session.take().expect("the session is live");
                let failure = call.classify(&error);
                outcomes.push(Err(fail(runtime, call, failure)));
            }
            Err(_elapsed) => {
                let Session { call, .. } = session.take().expect("the session is live");
                let failure = call.timeout();
                outcomes.push(Err(fail(runtime, call, failure)));
            }
        }
    }
    outcomes
}

/// Holds a decoder to the contract: energy is a finite, non-negative
/// amount.
fn check(answer: Result<Decoded, DecodeError>) -> Result<Decoded, DecodeError> {
    let decoded = answer?;
    for reading in &decoded.readings {
        if let Measurement::EnergyKwh(kwh) = reading.measurement
            && (!kwh.is_finite() || kwh < 0.0)
        {
            return Err(DecodeError::Rejected(format!(
                "decoder returned an impossible energy reading ({kwh} kWh)"
            )));
        }
    }
    Ok(decoded)
}

fn fail(runtime: &Runtime, call: Call, failure: PluginFailure) -> PluginError {
    match runtime.finish::<()>(call, Err(failure)) {
        Err(error) => error,
        Ok(()) => unreachable!("a failure stays a failure"),
    }
}
