//! Calls into the `public-service` world: look up a utility bill by
//! account, read one by id, confirm its payment, run the self-check.

use super::Runtime;
use super::error::{PluginError, PluginFailure};
use super::plugin::{Plugin, PluginPre};

pub use super::bindings::public_service::exports::plaza::district::public_services::{
    Bill, PaymentConfirmation, Receipt, ServiceError, Utility,
};

/// One call of the `public-services` interface.
enum Request<'a> {
    Lookup(Utility, &'a str),
    Get(&'a str),
    Confirm(&'a PaymentConfirmation),
    SelfCheck,
}

enum Reply {
    Lookup(Result<Option<Bill>, ServiceError>),
    Bill(Result<Bill, ServiceError>),
    Receipt(Result<Receipt, ServiceError>),
    SelfCheck(Result<(), String>),
}

/// What a public-service call returns: the plugin may fail (outer error)
/// or the provider may refuse (inner error).
pub type ServiceResult<T> = Result<Result<T, ServiceError>, PluginError>;

/// The open bill of `account` for `service`, if any.
pub async fn lookup_bill(
    runtime: &Runtime,
    plugin: &Plugin,
    service: Utility,
    account: &str,
) -> ServiceResult<Option<Bill>> {
    match call(runtime, plugin, Request::Lookup(service, account)).await? {
        Reply::Lookup(result) => Ok(result),
        _ => unreachable!("a lookup gets a lookup reply"),
    }
}

/// A bill by id.
pub async fn get_bill(runtime: &Runtime, plugin: &Plugin, id: &str) -> ServiceResult<Bill> {
    match call(runtime, plugin, Request::Get(id)).await? {
        Reply::Bill(result) => Ok(result),
        _ => unreachable!("a bill request gets a bill reply"),
    }
}

/// Tells the provider a bill was paid; returns its receipt.
pub async fn confirm_bill_payment(
    runtime: &Runtime,
    plugin: &Plugin,
    confirmation: &PaymentConfirmation,
) -> ServiceResult<Receipt> {
    match call(runtime, plugin, Request::Confirm(confirmation)).await? {
        Reply::Receipt(result) => Ok(result),
        _ => unreachable!("a confirmation gets a receipt reply"),
    }
}

/// Runs the public-service plugin's own configuration check.
pub async fn public_service_self_check(
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
    let PluginPre::PublicService(pre) = &plugin.pre else {
        let failure = PluginFailure::WrongKind {
            expected: "public-service",
            actual: plugin.meta.kind.as_str(),
        };
        return runtime.finish(call, Err(failure));
    };
    let run = async {
        let instance = pre.instantiate_async(&mut store).await?;
        let api = instance.plaza_district_public_services();
        Ok::<_, wasmtime::Error>(match request {
            Request::Lookup(service, account) => {
                Reply::Lookup(api.call_lookup_bill(&mut store, service, account).await?)
            }
            Request::Get(id) => Reply::Bill(api.call_get_bill(&mut store, id).await?),
            Request::Confirm(c) => Reply::Receipt(api.call_confirm_payment(&mut store, c).await?),
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

/// Holds a provider to the contract: bills and receipts carry an id and
/// never a negative amount.
fn check_reply(reply: Reply) -> Result<Reply, PluginFailure> {
    let bad = |what: String| Err(PluginFailure::BadResponse(what));
    match &reply {
        Reply::Lookup(Ok(Some(bill))) | Reply::Bill(Ok(bill))
            if bill.id.is_empty() || bill.amount_due < 0 =>
        {
            bad(format!(
                "bill {:?} has amount due {}",
                bill.id, bill.amount_due
            ))
        }
        Reply::Receipt(Ok(r)) if r.receipt_id.is_empty() || r.amount < 0 => bad(format!(
            "receipt {:?} has amount {}",
            r.receipt_id, r.amount
        )),
        _ => Ok(reply),
    }
}
