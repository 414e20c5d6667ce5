//! Calls into the `logistics` world: ask a courier for offers, dispatch
//! one, track and cancel deliveries, run the self-check. Every answer is
//! held to the contract before the host sees it.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};

pub use super::bindings::logistics::exports::plaza::district::couriers::{
    CourierError, DeliveryStatus, DispatchRequest, Offer as CourierOffer, Parcel, ParcelSize,
    Place, QuoteRequest, Tracking,
};

/// Most offers one courier may return for one quote.
const MAX_OFFERS: usize = 16;
/// Longest id or reference a courier may return, in bytes.
const MAX_ID: usize = 200;
/// Longest tracking detail kept, in bytes.
const MAX_DETAIL: usize = 500;

/// One call of the `couriers` interface.
enum Request<'a> {
    Quote(&'a QuoteRequest),
    Dispatch(&'a DispatchRequest),
    Track(&'a str),
    Cancel(&'a str),
    SelfCheck,
}

enum Reply {
    Offers(Result<Vec<CourierOffer>, CourierError>),
    Reference(Result<String, CourierError>),
    Tracking(Result<Tracking, CourierError>),
    SelfCheck(Result<(), String>),
}

/// What a courier operation returns: the plugin may fail (outer error) or
/// refuse the operation (inner error).
pub type CourierResult<T> = Result<Result<T, CourierError>, PluginError>;

/// Asks a courier for offers.
pub async fn courier_quote(
    runtime: &Runtime,
    plugin: &Plugin,
    request: &QuoteRequest,
) -> CourierResult<Vec<CourierOffer>> {
    match call(runtime, plugin, Request::Quote(request)).await? {
        Reply::Offers(result) => Ok(result),
        _ => unreachable!("a quote gets offers"),
    }
}

/// Books one of the courier's offers; its reference for the delivery.
pub async fn courier_dispatch(
    runtime: &Runtime,
    plugin: &Plugin,
    request: &DispatchRequest,
) -> CourierResult<String> {
    match call(runtime, plugin, Request::Dispatch(request)).await? {
        Reply::Reference(result) => Ok(result),
        _ => unreachable!("a dispatch gets a reference"),
    }
}

/// Where a delivery stands, as the courier says.
pub async fn courier_track(
    runtime: &Runtime,
    plugin: &Plugin,
    reference: &str,
) -> CourierResult<Tracking> {
    match call(runtime, plugin, Request::Track(reference)).await? {
        Reply::Tracking(result) => Ok(result),
        _ => unreachable!("a track gets a tracking"),
    }
}

/// Cancels a delivery; its final state.
pub async fn courier_cancel(
    runtime: &Runtime,
    plugin: &Plugin,
    reference: &str,
) -> CourierResult<Tracking> {
    match call(runtime, plugin, Request::Cancel(reference)).await? {
        Reply::Tracking(result) => Ok(result),
        _ => unreachable!("a cancel gets a tracking"),
    }
}

/// Runs the courier plugin's own configuration check.
pub async fn courier_self_check(
    runtime: &Runtime,
    plugin: &Plugin,
) -> Result<Result<(), String>, PluginError> {
    match call(runtime, plugin, Request::SelfCheck).await? {
        Reply::SelfCheck(result) => Ok(result),
        _ => unreachable!("a self-check gets a self-check reply"),
    }
}

async fn call(
    runtime: &Runtime,
    plugin: &Plugin,
    request: Request<'_>,
) -> Result<Reply, PluginError> {
    let (mut store, call) = runtime.new_store(&plugin.meta);
    let PluginPre::Logistics(pre) = &plugin.pre else {
        let failure = PluginFailure::WrongKind {
            expected: "logistics",
            actual: plugin.meta.kind.as_str(),
        };
        return runtime.finish(call, Err(failure));
    };
    let run = async {
        let instance = pre.instantiate_async(&mut store).await?;
        let api = instance.plaza_district_couriers();
        Ok::<_, wasmtime::Error>(match request {
            Request::Quote(r) => Reply::Offers(api.call_quote(&mut store, r).await?),
            Request::Dispatch(r) => Reply::Reference(api.call_dispatch(&mut store, r).await?),
            Request::Track(r) => Reply::Tracking(api.call_track(&mut store, r).await?),
            Request::Cancel(r) => Reply::Tracking(api.call_cancel(&mut store, r).await?),
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

/// Holds a courier to the contract: a bounded number of offers, fees not
/// negative, ids and references of sane length, details cut short.
fn check_reply(reply: Reply) -> Result<Reply, PluginFailure> {
    let bad = |why: String| Err(PluginFailure::BadResponse(why));
    match reply {
        Reply::Offers(Ok(offers)) => {
            if offers.len() > MAX_OFFERS {
                return bad(format!("{} offers, at most {MAX_OFFERS}", offers.len()));
            }
            for o in &offers {
                if o.fee < 0 || o.offer_id.is_empty() || o.offer_id.len() > MAX_ID {
                    return bad(format!("offer {:?} with fee {}", o.offer_id, o.fee));
                }
                if o.currency.len() != 3 {
                    return bad(format!(
                        "offer {:?} in currency {:?}",
                        o.offer_id, o.currency
                    ));
                }
            }
            Ok(Reply::Offers(Ok(offers)))
        }
        Reply::Reference(Ok(reference)) => {
            if reference.is_empty() || reference.len() > MAX_ID {
                return bad(format!("delivery reference of {} bytes", reference.len()));
            }
            Ok(Reply::Reference(Ok(reference)))
        }
        Reply::Tracking(Ok(mut tracking)) => {
            if let Some(detail) = &mut tracking.detail
                && detail.len() > MAX_DETAIL
            {
                let mut cut = MAX_DETAIL;
                while !detail.is_char_boundary(cut) {
                    cut -= 1;
                }
                detail.truncate(cut);
            }
            Ok(Reply::Tracking(Ok(tracking)))
        }
        other => Ok(other),
    }
}

impl DeliveryStatus {
    /// The status as the host's API and storage write it.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Assigning => "assigning",
            DeliveryStatus::PickedUp => "picked-up",
            DeliveryStatus::InTransit => "in-transit",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Cancelled => "cancelled",
        }
    }

    /// Whether the delivery has ended.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DeliveryStatus::Delivered | DeliveryStatus::Failed | DeliveryStatus::Cancelled
        )
    }
}

/// What a courier's refusal says, for logs and API messages.
pub fn courier_error_text(e: &CourierError) -> String {
    let (what, why) = match e {
        CourierError::InvalidRequest(w) => ("invalid request", w),
        CourierError::NotServed(w) => ("not served", w),
        CourierError::NotFound(w) => ("not found", w),
        CourierError::OfferExpired(w) => ("offer expired", w),
        CourierError::NotAllowed(w) => ("not allowed", w),
        CourierError::Unavailable(w) => ("unavailable", w),
    };
    format!("{what}: {why}")
}
