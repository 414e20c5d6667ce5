//! Calls into the `parking-pricing` world: quote a stay, read the
//! reservation policy, run the self-check.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};

pub use super::bindings::exports::plaza::district::pricing::{
    Line as PriceLine, Policy, Price, PricingError, SpaceCategory, Stay, VehicleType,
};

enum Request<'a> {
    Quote(&'a Stay),
    Policy,
    SelfCheck,
}

enum Reply {
    Quote(Result<Price, PricingError>),
    Policy(Policy),
    SelfCheck(Result<(), String>),
}

/// Prices a stay with the district's pricing plugin.
pub async fn quote(
    runtime: &Runtime,
    plugin: &Plugin,
    stay: &Stay,
) -> Result<Result<Price, PricingError>, PluginError> {
    match call(runtime, plugin, Request::Quote(stay)).await? {
        Reply::Quote(price) => Ok(price),
        _ => unreachable!("a quote request gets a quote reply"),
    }
}

/// The district's reservation policy.
pub async fn policy(runtime: &Runtime, plugin: &Plugin) -> Result<Policy, PluginError> {
    match call(runtime, plugin, Request::Policy).await? {
        Reply::Policy(policy) => Ok(policy),
        _ => unreachable!("a policy request gets a policy reply"),
    }
}

/// Runs the plugin's own configuration check.
pub async fn self_check(
    runtime: &Runtime,
    plugin: &Plugin,
) -> Result<Result<(), String>, PluginError> {
    match call(runtime, plugin, Request::SelfCheck).await? {
        Reply::SelfCheck(result) => Ok(result),
        _ => unreachable!("a self-check request gets a self-check reply"),
    }
}

async fn call(
    runtime: &Runtime,
    plugin: &Plugin,
    request: Request<'_>,
) -> Result<Reply, PluginError> {
    let (mut store, call) = runtime.new_store(&plugin.meta);
    let PluginPre::Pricing(pre) = &plugin.pre else {
        let failure = PluginFailure::WrongKind {
            expected: "parking-pricing",
            actual: plugin.meta.kind.as_str(),
        };
        return runtime.finish(call, Err(failure));
    };
    let run = async {
        let instance = pre.instantiate_async(&mut store).await?;
        let pricing = instance.plaza_district_pricing();
        Ok::<_, wasmtime::Error>(match request {
            Request::Quote(stay) => Reply::Quote(pricing.call_quote(&mut store, *stay).await?),
            Request::Policy => Reply::Policy(pricing.call_reservation_policy(&mut store).await?),
            Request::SelfCheck => Reply::SelfCheck(pricing.call_self_check(&mut store).await?),
        })
    };
    let result = match tokio::time::timeout_at(call.deadline(), run).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(error)) => Err(call.classify(&error)),
        Err(_elapsed) => Err(call.timeout()),
    };
    runtime.finish(call, result.and_then(check_reply))
}

/// Holds a plugin to the contract: a price is never negative and is the
/// sum of its lines.
fn check_reply(reply: Reply) -> Result<Reply, PluginFailure> {
    if let Reply::Quote(Ok(price)) = &reply {
        let sum: i64 = price.lines.iter().map(|l| l.amount).sum();
        if price.total < 0 || sum != price.total {
            return Err(PluginFailure::BadResponse(format!(
                "total {} is negative or not the sum of its lines ({sum})",
                price.total
            )));
        }
    }
    Ok(reply)
}
