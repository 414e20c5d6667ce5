//! A simulated payment provider, the reference `payment` plugin. It moves
//! no real money: payments live in the plugin's own key-value store, so a
//! district can run reservations and orders end to end without a bank.
//!
//! Confirming a payment succeeds unless the shopper's method token says
//! otherwise or the amount passes the configured limit:
//!
//! | method token | outcome |
//! | --- | --- |
//! | `tok_decline` | declined: "card declined" |
//! | `tok_insufficient_funds` | declined: "insufficient funds" |
//! | anything else | succeeded |
//!
//! Config (all optional): `currencies` (accepted ISO codes, default
//! `["CNY"]`) and `decline_above` (amounts above it are declined).
//!
//! Keys: `payment/{id}` holds a payment as JSON, `refund/{key}` marks a
//! refund idempotency key as used. A payment's id is derived from its
//! idempotency key, so a retried create finds the first payment.

use plaza_sdk::host::{config, kv};
use plaza_sdk::payment::{
    CreateRequest, Payment, PaymentError, PaymentStatus, Provider, RefundRequest,
};
use serde::{Deserialize, Serialize};

/// The plugin's config.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default = "default_currencies")]
    currencies: Vec<String>,
    decline_above: Option<i64>,
}

fn default_currencies() -> Vec<String> {
    vec!["CNY".into()]
}

/// A payment as kept in the key-value store.
#[derive(Serialize, Deserialize)]
struct Stored {
    id: String,
    key: String,
    status: String,
    amount: i64,
    currency: String,
    reference: String,
    method: String,
    refunded: i64,
    decline_reason: Option<String>,
}

impl Stored {
    fn to_payment(&self) -> Payment {
        Payment {
            id: self.id.clone(),
            status: match self.status.as_str() {
                "succeeded" => PaymentStatus::Succeeded,
                "declined" => PaymentStatus::Declined,
                "refunded" => PaymentStatus::Refunded,
                _ => PaymentStatus::Pending,
            },
            amount: self.amount,
            currency: self.currency.clone(),
            reference: self.reference.clone(),
            refunded: self.refunded,
            decline_reason: self.decline_reason.clone(),
        }
    }
}

fn unavailable(e: impl std::fmt::Debug) -> PaymentError {
    PaymentError::Unavailable(format!("payment store failed: {e:?}"))
}

fn load(id: &str) -> Result<Stored, PaymentError> {
    let bytes = kv::get(&format!("payment/{id}"))
        .map_err(unavailable)?
        .ok_or_else(|| PaymentError::NotFound(format!("no payment {id:?}")))?;
    serde_json::from_slice(&bytes).map_err(unavailable)
}

fn save(stored: &Stored) -> Result<(), PaymentError> {
    let bytes = serde_json::to_vec(stored).map_err(unavailable)?;
    kv::set(&format!("payment/{}", stored.id), &bytes).map_err(unavailable)
}

/// A stable id for an idempotency key (FNV-1a, 64 bits).
fn id_for(key: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("sim_{hash:016x}")
}

fn settings() -> Result<Settings, PaymentError> {
    config::load().map_err(PaymentError::InvalidRequest)
}

struct Simulator;

impl Provider for Simulator {
    fn create(request: CreateRequest) -> Result<Payment, PaymentError> {
        let settings = settings()?;
        if request.idempotency_key.is_empty() || request.idempotency_key.len() > 200 {
            return Err(PaymentError::InvalidRequest(
                "an idempotency key of 1-200 bytes is required".into(),
            ));
        }
        if request.amount <= 0 {
            return Err(PaymentError::InvalidRequest(
                "amount must be above 0".into(),
            ));
        }
        if !settings.currencies.contains(&request.currency) {
            let why = format!("currency {:?} is not accepted", request.currency);
            return Err(PaymentError::InvalidRequest(why));
        }
        let id = id_for(&request.idempotency_key);
        match load(&id) {
            Ok(existing) if existing.key == request.idempotency_key => {
                return Ok(existing.to_payment());
            }
            Ok(_) => {
                return Err(PaymentError::Unavailable(
                    "payment id collision; retry with another key".into(),
                ));
            }
            Err(PaymentError::NotFound(_)) => {}
            Err(e) => return Err(e),
        }
        let stored = Stored {
            id,
            key: request.idempotency_key,
            status: "pending".into(),
            amount: request.amount,
            currency: request.currency,
            reference: request.reference,
            method: request.method,
            refunded: 0,
            decline_reason: None,
        };
        save(&stored)?;
        Ok(stored.to_payment())
    }

    fn confirm(payment_id: String) -> Result<Payment, PaymentError> {
        let settings = settings()?;
        let mut stored = load(&payment_id)?;
        if stored.status != "pending" {
            return Ok(stored.to_payment());
        }
        let decline = match stored.method.as_str() {
            "tok_decline" => Some("card declined".to_owned()),
            "tok_insufficient_funds" => Some("insufficient funds".to_owned()),
            _ => settings
                .decline_above
                .filter(|limit| stored.amount > *limit)
                .map(|limit| format!("amount above the simulated limit of {limit}")),
        };
        stored.status = if decline.is_some() {
            "declined"
        } else {
            "succeeded"
        }
        .into();
        stored.decline_reason = decline;
        save(&stored)?;
        Ok(stored.to_payment())
    }

    fn refund(request: RefundRequest) -> Result<Payment, PaymentError> {
        let mut stored = load(&request.payment_id)?;
        let marker = format!("refund/{}", request.idempotency_key);
        if request.idempotency_key.is_empty() {
            return Err(PaymentError::InvalidRequest(
                "an idempotency key is required".into(),
            ));
        }
        if kv::get(&marker).map_err(unavailable)?.is_some() {
            return Ok(stored.to_payment());
        }
        if stored.status != "succeeded" {
            let why = format!("a {} payment cannot be refunded", stored.status);
            return Err(PaymentError::NotAllowed(why));
        }
        let left = stored.amount - stored.refunded;
        if request.amount <= 0 || request.amount > left {
            let why = format!("refund must be within 1..={left}");
            return Err(PaymentError::NotAllowed(why));
        }
        stored.refunded += request.amount;
        if stored.refunded == stored.amount {
            stored.status = "refunded".into();
        }
        save(&stored)?;
        kv::set(&marker, stored.id.as_bytes()).map_err(unavailable)?;
        Ok(stored.to_payment())
    }

    fn get(payment_id: String) -> Result<Payment, PaymentError> {
        Ok(load(&payment_id)?.to_payment())
    }

    fn self_check() -> Result<(), String> {
        let settings: Settings = config::load()?;
        if settings.currencies.is_empty() {
            return Err("currencies must name at least one currency".into());
        }
        if settings.decline_above.is_some_and(|limit| limit < 0) {
            return Err("decline_above must not be negative".into());
        }
        Ok(())
    }
}

plaza_sdk::payment_provider!(Simulator);
