//! The reference `public-service` plugin: a utility provider reached over
//! its HTTP API (`plaza utility-sim` serves a simulated one).
//!
//! Config: `base_url`, e.g. `"http://127.0.0.1:9400"`; its host must be on
//! the plugin's `grants.outbound_hosts`. The provider's API:
//!
//! | call | request | answer |
//! | --- | --- | --- |
//! | open bill | `GET /v1/{service}/accounts/{account}/bill` | 200 bill, 404 none |
//! | bill by id | `GET /v1/bills/{id}` | 200 bill, 404 |
//! | record payment | `POST /v1/bills/{id}/payments` `{"reference","amount"}` | 201 receipt, 409 paid, 422 wrong amount |
//!
//! A bill is `{"id","service","account","amount_due","currency","period",
//! "due_date","paid"}`; a receipt `{"receipt_id","bill_id","amount",
//! "currency","payment_reference","paid_at"}`.

use plaza_sdk::host::config;
use plaza_sdk::outbound::{self, Reply};
use plaza_sdk::public_service::{
    Bill, PaymentConfirmation, Receipt, ServiceError, Utility, UtilityProvider, parse_utility,
    utility_name,
};
use serde::{Deserialize, Serialize};

/// The plugin's config.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    base_url: String,
}

fn base_url() -> Result<String, ServiceError> {
    let settings: Settings = config::load().map_err(ServiceError::Unavailable)?;
    Ok(settings.base_url.trim_end_matches('/').to_owned())
}

/// A bill as the provider's API writes it.
#[derive(Deserialize)]
struct WireBill {
    id: String,
    service: String,
    account: String,
    amount_due: i64,
    currency: String,
    period: String,
    due_date: String,
    paid: bool,
}

impl WireBill {
    fn into_bill(self) -> Result<Bill, ServiceError> {
        let service = parse_utility(&self.service).ok_or_else(|| {
            ServiceError::Unavailable(format!("provider sent unknown service {:?}", self.service))
        })?;
        Ok(Bill {
            id: self.id,
            service,
            account: self.account,
            amount_due: self.amount_due,
            currency: self.currency,
            period: self.period,
            due_date: self.due_date,
            paid: self.paid,
        })
    }
}

/// A receipt as the provider's API writes it.
#[derive(Deserialize)]
struct WireReceipt {
    receipt_id: String,
    bill_id: String,
    amount: i64,
    currency: String,
    payment_reference: String,
    paid_at: String,
}

#[derive(Serialize)]
struct WirePayment<'a> {
    reference: &'a str,
    amount: i64,
}

/// The provider's error body, when it sends one.
#[derive(Deserialize)]
struct WireError {
    error: String,
}

/// Keeps path segments to characters that need no escaping.
fn segment(value: &str, what: &str) -> Result<String, ServiceError> {
    let ok = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(ServiceError::InvalidRequest(format!(
            "{what} {value:?} must be 1-64 of A-Z, a-z, 0-9, '-', '_', '.'"
        )))
    }
}

fn reason(reply: &Reply) -> String {
    serde_json::from_slice::<WireError>(&reply.body)
        .map(|e| e.error)
        .unwrap_or_else(|_| format!("provider answered {}", reply.status))
}

fn parse<T: for<'de> Deserialize<'de>>(reply: &Reply) -> Result<T, ServiceError> {
    serde_json::from_slice(&reply.body)
        .map_err(|e| ServiceError::Unavailable(format!("provider sent an unreadable body: {e}")))
}

fn call(result: Result<Reply, String>) -> Result<Reply, ServiceError> {
    result.map_err(|e| ServiceError::Unavailable(format!("provider unreachable: {e}")))
}

struct UtilityBills;

impl UtilityProvider for UtilityBills {
    fn lookup_bill(service: Utility, account: String) -> Result<Option<Bill>, ServiceError> {
        let account = segment(&account, "account")?;
        let url = format!(
            "{}/v1/{}/accounts/{account}/bill",
            base_url()?,
            utility_name(service)
        );
        let reply = call(outbound::get(&url))?;
        match reply.status {
            200 => parse::<WireBill>(&reply)?.into_bill().map(Some),
            404 => Ok(None),
            _ => Err(ServiceError::Unavailable(reason(&reply))),
        }
    }

    fn get_bill(bill_id: String) -> Result<Bill, ServiceError> {
        let id = segment(&bill_id, "bill")?;
        let reply = call(outbound::get(&format!("{}/v1/bills/{id}", base_url()?)))?;
        match reply.status {
            200 => parse::<WireBill>(&reply)?.into_bill(),
            404 => Err(ServiceError::NotFound(reason(&reply))),
            _ => Err(ServiceError::Unavailable(reason(&reply))),
        }
    }

    fn confirm_payment(confirmation: PaymentConfirmation) -> Result<Receipt, ServiceError> {
        let id = segment(&confirmation.bill_id, "bill")?;
        let body = serde_json::to_vec(&WirePayment {
            reference: &confirmation.payment_reference,
            amount: confirmation.amount,
        })
        .map_err(|e| ServiceError::InvalidRequest(e.to_string()))?;
        let url = format!("{}/v1/bills/{id}/payments", base_url()?);
        let reply = call(outbound::post(&url, "application/json", &body))?;
        match reply.status {
            200 | 201 => {
                let r: WireReceipt = parse(&reply)?;
                Ok(Receipt {
                    receipt_id: r.receipt_id,
                    bill_id: r.bill_id,
                    amount: r.amount,
                    currency: r.currency,
                    payment_reference: r.payment_reference,
                    paid_at: r.paid_at,
                })
            }
            404 => Err(ServiceError::NotFound(reason(&reply))),
            409 => Err(ServiceError::AlreadyPaid(reason(&reply))),
            400 | 422 => Err(ServiceError::InvalidRequest(reason(&reply))),
            _ => Err(ServiceError::Unavailable(reason(&reply))),
        }
    }

    fn self_check() -> Result<(), String> {
        let settings: Settings = config::load()?;
        let url = settings.base_url;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "base_url {url:?} must start with http:// or https://"
            ));
        }
        Ok(())
    }
}

plaza_sdk::public_service!(UtilityBills);
