//! Calls into the `payment` world: create, confirm, refund and read
//! payments, run the self-check. Generic over what is paid for.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};

pub use super::bindings::payment::exports::plaza::district::payments::{
    CreateRequest, Payment, PaymentError, PaymentStatus, RefundRequest,
};

/// One call of the `payments` interface.
enum Request<'a> {
    Create(&'a CreateRequest),
    Confirm(&'a str),
    Refund(&'a RefundRequest),
    Get(&'a str),
    SelfCheck,
}

enum Reply {
    Payment(Result<Payment, PaymentError>),
    SelfCheck(Result<(), String>),
}

/// What a payment operation returns: the plugin may fail (outer error) or
/// refuse the operation (inner error).
pub type PaymentResult = Result<Result<Payment, PaymentError>, PluginError>;

/// Creates a payment (or finds the one with the same idempotency key).
pub async fn create_payment(
    runtime: &Runtime,
    plugin: &Plugin,
    request: &CreateRequest,
) -> PaymentResult {
    payment(call(runtime, plugin, Request::Create(request)).await?)
}

/// Confirms a pending payment: it succeeds or is declined.
pub async fn confirm_payment(runtime: &Runtime, plugin: &Plugin, id: &str) -> PaymentResult {
    payment(call(runtime, plugin, Request::Confirm(id)).await?)
}

/// Refunds part or all of a succeeded payment.
pub async fn refund_payment(
    runtime: &Runtime,
    plugin: &Plugin,
    request: &RefundRequest,
) -> PaymentResult {
    payment(call(runtime, plugin, Request::Refund(request)).await?)
}

/// A payment by id.
pub async fn get_payment(runtime: &Runtime, plugin: &Plugin, id: &str) -> PaymentResult {
    payment(call(runtime, plugin, Request::Get(id)).await?)
}

/// Runs the payment plugin's own configuration check.
pub async fn payment_self_check(
    runtime: &Runtime,
    plugin: &Plugin,
) -> Result<Result<(), String>, PluginError> {
    match call(runtime, plugin, Request::SelfCheck).await? {
        Reply::SelfCheck(result) => Ok(result),
        Reply::Payment(_) => unreachable!("a self-check request gets a self-check reply"),
    }
}

fn payment(reply: Reply) -> PaymentResult {
    match reply {
        Reply::Payment(result) => Ok(result),
        Reply::SelfCheck(_) => unreachable!("a payment request gets a payment reply"),
    }
}

async fn call(
    runtime: &Runtime,
    plugin: &Plugin,
    request: Request<'_>,
) -> Result<Reply, PluginError> {
    let (mut store, call) = runtime.new_store(&plugin.meta);
    let PluginPre::Payment(pre) = &plugin.pre else {
        let failure = PluginFailure::WrongKind {
            expected: "payment",
            actual: plugin.meta.kind.as_str(),
        };
        return runtime.finish(call, Err(failure));
    };
    let run = async {
        let instance = pre.instantiate_async(&mut store).await?;
        let api = instance.plaza_district_payments();
        Ok::<_, wasmtime::Error>(match request {
            Request::Create(r) => Reply::Payment(api.call_create(&mut store, r).await?),
            Request::Confirm(id) => Reply::Payment(api.call_confirm(&mut store, id).await?),
            Request::Refund(r) => Reply::Payment(api.call_refund(&mut store, r).await?),
            Request::Get(id) => Reply::Payment(api.call_get(&mut store, id).await?),
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

/// Holds a provider to the contract: amounts are never negative and never
/// more is refunded than was taken.
fn check_reply(reply: Reply) -> Result<Reply, PluginFailure> {
    if let Reply::Payment(Ok(p)) = &reply
        && (p.amount < 0 || p.refunded < 0 || p.refunded > p.amount)
    {
        return Err(PluginFailure::BadResponse(format!(
            "payment {:?} has amount {} and refunded {}",
            p.id, p.amount, p.refunded
        )));
    }
    Ok(reply)
}
