//! Calls into the `promotion` world: price a cart into an offer of
//! discounts, run the self-check. The host's checks of the discounts and
//! the rule combining several offers live with the commerce domain; here
//! only the shape of the answer is held to the contract.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};

pub use super::bindings::promotion::exports::plaza::district::promotions::{
    Cart as PromotionCart, CartLine, CouponUse, Discount, Offer, Shopper as PromotionShopper,
};

/// Most discounts one offer may hold; more is a bad response.
const MAX_DISCOUNTS: usize = 1024;

enum Request<'a> {
    Apply(&'a PromotionCart),
    SelfCheck,
}

enum Reply {
    Apply(Result<Offer, String>),
    SelfCheck(Result<(), String>),
}

/// Prices a cart with one promotion plugin. The outer error is the plugin
/// failing; the inner one is the plugin declining to offer anything.
pub async fn apply_promotion(
    runtime: &Runtime,
    plugin: &Plugin,
    cart: &PromotionCart,
) -> Result<Result<Offer, String>, PluginError> {
    match call(runtime, plugin, Request::Apply(cart)).await? {
        Reply::Apply(offer) => Ok(offer),
        Reply::SelfCheck(_) => unreachable!("an apply request gets an offer"),
    }
}

/// Runs the promotion plugin's own configuration check.
pub async fn promotion_self_check(
    runtime: &Runtime,
    plugin: &Plugin,
) -> Result<Result<(), String>, PluginError> {
    match call(runtime, plugin, Request::SelfCheck).await? {
        Reply::SelfCheck(result) => Ok(result),
        Reply::Apply(_) => unreachable!("a self-check request gets a self-check reply"),
    }
}

async fn call(
    runtime: &Runtime,
    plugin: &Plugin,
    request: Request<'_>,
) -> Result<Reply, PluginError> {
    let (mut store, call) = runtime.new_store(&plugin.meta);
    let PluginPre::Promotion(pre) = &plugin.pre else {
        let failure = PluginFailure::WrongKind {
            expected: "promotion",
            actual: plugin.meta.kind.as_str(),
        };
        return runtime.finish(call, Err(failure));
    };
    let run = async {
        let instance = pre.instantiate_async(&mut store).await?;
        let api = instance.plaza_district_promotions();
        Ok::<_, wasmtime::Error>(match request {
            Request::Apply(cart) => Reply::Apply(api.call_apply(&mut store, cart).await?),
            Request::SelfCheck => Reply::SelfCheck(api.call_self_check(&mut store).await?),
        })
    };
    let result = match tokio::time::timeout_at(call.deadline(), run).await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(error)) => Err(call.classify(&error)),
        Err(_elapsed) => Err(call.timeout()),
    };
    runtime.finish(call, result.and_then(check_reply))
}

/// Refuses an offer too large to be a real one; the amounts themselves are
/// checked against the cart by the caller, who knows the cart.
fn check_reply(reply: Reply) -> Result<Reply, PluginFailure> {
    if let Reply::Apply(Ok(offer)) = &reply
        && offer.discounts.len() > MAX_DISCOUNTS
    {
        return Err(PluginFailure::BadResponse(format!(
            "{} discounts in one offer (at most {MAX_DISCOUNTS})",
            offer.discounts.len()
        )));
    }
    Ok(reply)
}
