//! Utility bills: look one up by service and account through the
//! district's `public-service` plugin, and pay it: the district's
//! `payment` plugin takes the money, then the provider records the
//! payment and returns its receipt.
//!
//! A bill is paid at most once. The bill's row is claimed before any
//! money moves, so a second payment (another key, another replica) is
//! refused with `AlreadyPaid` or `PaymentInProgress`; a retry with the
//! same `Idempotency-Key` is answered by the HTTP layer's stored response.
//! When the provider cannot be reached after the charge, the row stays
//! `charged` and the next attempt only confirms, never charges again.

use super::{PublicServiceError, PublicServices};
use crate::config::PluginKind;
use crate::runtime::{
    self, Bill, CreateRequest, PaymentConfirmation, PaymentError, PaymentStatus, Plugin,
    RefundRequest, ServiceError, Utility,
};
use crate::storage::BillPaymentRecord;
use serde::Serialize;
use utoipa::ToSchema;

/// A bill as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BillView {
    /// The provider's bill id; pay it under this id.
    pub id: String,
    /// `water`, `electricity` or `gas`.
    pub service: String,
    /// Customer account.
    pub account: String,
    /// Amount due, in minor units (fen).
    pub amount_due: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Billing period, e.g. `2026-11`.
    pub period: String,
    /// Due date, `YYYY-MM-DD`.
    pub due_date: String,
    /// Whether it is paid.
    pub paid: bool,
    /// The public-service plugin that holds it.
    pub provider: String,
}

/// Proof that a bill was paid.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BillReceipt {
    /// The provider's receipt number.
    pub receipt_id: String,
    /// The bill paid.
    pub bill_id: String,
    /// District id.
    pub district: String,
    /// `water`, `electricity` or `gas`.
    pub service: String,
    /// Customer account.
    pub account: String,
    /// Amount paid, in minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Billing period.
    pub period: String,
    /// The payment plugin's id for the payment.
    pub payment_id: String,
    /// When the provider recorded it, RFC 3339.
    pub paid_at: String,
}

/// A utility by name, as URLs write it.
pub(super) fn parse_utility(name: &str) -> Result<Utility, PublicServiceError> {
    match name {
        "water" => Ok(Utility::Water),
        "electricity" => Ok(Utility::Electricity),
        "gas" => Ok(Utility::Gas),
        other => Err(PublicServiceError::InvalidRequest(format!(
            "service {other:?} is not one of water, electricity, gas"
        ))),
    }
}

fn utility_name(service: Utility) -> &'static str {
    match service {
        Utility::Water => "water",
        Utility::Electricity => "electricity",
        Utility::Gas => "gas",
    }
}

fn view(bill: Bill, provider: &str) -> BillView {
    BillView {
        id: bill.id,
        service: utility_name(bill.service).to_owned(),
        account: bill.account,
        amount_due: bill.amount_due,
        currency: bill.currency,
        period: bill.period,
        due_date: bill.due_date,
        paid: bill.paid,
        provider: provider.to_owned(),
    }
}

fn provider_error(e: ServiceError) -> PublicServiceError {
    match e {
        ServiceError::InvalidRequest(why) => PublicServiceError::ProviderRefused(why),
        ServiceError::NotFound(why) => PublicServiceError::UnknownBill(why),
        ServiceError::AlreadyPaid(why) => PublicServiceError::AlreadyPaid(why),
        ServiceError::Unavailable(why) => PublicServiceError::ProviderUnavailable(why),
    }
}

fn payment_refused(e: PaymentError) -> PublicServiceError {
    PublicServiceError::PaymentRefused(match e {
        PaymentError::InvalidRequest(why)
        | PaymentError::NotFound(why)
        | PaymentError::NotAllowed(why)
        | PaymentError::Unavailable(why) => why,
    })
}

fn receipt_of(row: &BillPaymentRecord) -> BillReceipt {
    BillReceipt {
        receipt_id: row.receipt_id.clone().unwrap_or_default(),
        bill_id: row.bill_id.clone(),
        district: row.district.clone(),
        service: row.service.clone(),
        account: row.account.clone(),
        amount: row.amount,
        currency: row.currency.clone(),
        period: row.period.clone(),
        payment_id: row.payment_id.clone().unwrap_or_default(),
        paid_at: row.paid_at.clone().unwrap_or_default(),
    }
}

fn check_account(account: &str) -> Result<(), PublicServiceError> {
    let ok = !account.is_empty()
        && account.len() <= 64
        && account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(PublicServiceError::InvalidRequest(format!(
            "{account:?} must be 1-64 of A-Z, a-z, 0-9, '-', '_', '.'"
        )))
    }
}

impl PublicServices {
    /// The open bill of `account` for `service` (`water`, `electricity`,
    /// `gas`).
    pub async fn lookup_bill(
        &self,
        district: &str,
        service: &str,
        account: &str,
    ) -> Result<BillView, PublicServiceError> {
        let provider = self.plugin(district, PluginKind::PublicService)?;
        let utility = parse_utility(service)?;
        check_account(account)?;
        let found = runtime::lookup_bill(&self.inner.runtime, &provider, utility, account)
            .await?
            .map_err(provider_error)?;
        let bill = found.ok_or_else(|| {
            PublicServiceError::UnknownBill(format!(
                "account {account:?} has no open {service} bill"
            ))
        })?;
        tracing::debug!(district, service, bill = %bill.id, "bill looked up");
        Ok(view(bill, &provider.meta.id))
    }

    /// Pays bill `bill_id` with the shopper's payment `method` token.
    /// `attempt` (the request's idempotency key, if any) tells the payment
    /// provider which tries are the same one.
    pub async fn pay_bill(
        &self,
        district: &str,
        bill_id: &str,
        method: &str,
        attempt: Option<&str>,
    ) -> Result<BillReceipt, PublicServiceError> {
        let provider = self.plugin(district, PluginKind::PublicService)?;
        let payments = self.plugin(district, PluginKind::Payment)?;
        check_account(bill_id)?;
        if method.is_empty() {
            return Err(PublicServiceError::InvalidRequest(
                "method must not be empty".into(),
            ));
        }
        let store = self.inner.storage.bills();
        if let Some(row) = store.get(district, bill_id).await? {
            return self.resume(&provider, &payments, row).await;
        }

        let bill = runtime::get_bill(&self.inner.runtime, &provider, bill_id)
            .await?
            .map_err(provider_error)?;
        if bill.paid {
            let why = format!("bill {bill_id:?} is already paid");
            return Err(PublicServiceError::AlreadyPaid(why));
        }
        if bill.amount_due <= 0 {
            let why = format!("bill {bill_id:?} has nothing due");
            return Err(PublicServiceError::InvalidRequest(why));
        }
        let now = chrono::Utc::now().timestamp_millis();
        let row = BillPaymentRecord {
            district: district.to_owned(),
            bill_id: bill.id.clone(),
            plugin: provider.meta.id.to_string(),
            service: utility_name(bill.service).to_owned(),
            account: bill.account.clone(),
            amount: bill.amount_due,
            currency: bill.currency.clone(),
            period: bill.period.clone(),
            due_date: bill.due_date.clone(),
            status: "charging".into(),
            payment_id: None,
            receipt_id: None,
            paid_at: None,
            created_at: now,
            updated_at: now,
        };
        if !store.claim(&row).await? {
            // Another request claimed it between the read and the claim.
            let Some(row) = store.get(district, bill_id).await? else {
                let why = format!("bill {bill_id:?} changed while paying; try again");
                return Err(PublicServiceError::PaymentInProgress(why));
            };
            return self.resume(&provider, &payments, row).await;
        }

        let paid = match self.charge(&payments, &row, method, attempt).await {
            Ok(paid) => paid,
            Err(e) => {
                store.release(district, bill_id).await?;
                return Err(e);
            }
        };
        store
            .mark_charged(
                district,
                bill_id,
                &paid,
                chrono::Utc::now().timestamp_millis(),
            )
            .await?;
        let row = BillPaymentRecord {
            status: "charged".into(),
            payment_id: Some(paid),
            ..row
        };
        self.confirm(&provider, &payments, row).await
    }

    /// A bill whose row exists: refused when paid or being charged,
    /// confirmed with the provider when the money was already taken.
    async fn resume(
        &self,
        provider: &Plugin,
        payments: &Plugin,
        row: BillPaymentRecord,
    ) -> Result<BillReceipt, PublicServiceError> {
        match row.status.as_str() {
            "paid" => Err(PublicServiceError::AlreadyPaid(format!(
                "bill {:?} is already paid (receipt {})",
                row.bill_id,
                row.receipt_id.as_deref().unwrap_or("?")
            ))),
            "charged" => self.confirm(provider, payments, row).await,
            // FIXME: a claim left `charging` by a crash between the claim
            // and the charge blocks the bill; a reaper that asks the
            // payment plugin for the attempt's payment would free it.
            _ => Err(PublicServiceError::PaymentInProgress(format!(
                "a payment of bill {:?} is under way",
                row.bill_id
            ))),
        }
    }

    /// Takes the money; returns the payment's id.
    async fn charge(
        &self,
        payments: &Plugin,
        row: &BillPaymentRecord,
        method: &str,
        attempt: Option<&str>,
    ) -> Result<String, PublicServiceError> {
        let request = CreateRequest {
            amount: row.amount,
            currency: row.currency.clone(),
            reference: format!("{} bill {}", row.service, row.bill_id),
            idempotency_key: format!(
                "bill:{}:{}:{}",
                row.district,
                row.bill_id,
                attempt.unwrap_or(method)
            ),
            method: method.to_owned(),
        };
        let runtime = &self.inner.runtime;
        let created = runtime::create_payment(runtime, payments, &request)
            .await?
            .map_err(payment_refused)?;
        let payment = runtime::confirm_payment(runtime, payments, &created.id)
            .await?
            .map_err(payment_refused)?;
        match payment.status {
            PaymentStatus::Succeeded => Ok(payment.id),
            PaymentStatus::Declined => {
                tracing::info!(district = %row.district, bill = %row.bill_id,
                    "bill payment declined");
                let why = payment.decline_reason.unwrap_or_else(|| "declined".into());
                Err(PublicServiceError::PaymentDeclined(why))
            }
            other => Err(PublicServiceError::PaymentRefused(format!(
                "payment is {other:?} after confirmation"
            ))),
        }
    }

    /// Tells the provider the charged bill is paid and keeps its receipt.
    async fn confirm(
        &self,
        provider: &Plugin,
        payments: &Plugin,
        row: BillPaymentRecord,
    ) -> Result<BillReceipt, PublicServiceError> {
        let payment_id = row.payment_id.clone().unwrap_or_default();
        let confirmation = PaymentConfirmation {
            bill_id: row.bill_id.clone(),
            payment_reference: payment_id.clone(),
            amount: row.amount,
        };
        let store = self.inner.storage.bills();
        let answer =
            runtime::confirm_bill_payment(&self.inner.runtime, provider, &confirmation).await?;
        let receipt = match answer {
            Ok(receipt) => receipt,
            Err(ServiceError::Unavailable(why)) => {
                // The money is taken: keep the row `charged`, so a retry
                // confirms without charging again.
                tracing::warn!(district = %row.district, bill = %row.bill_id,
                    "utility provider unavailable after the charge; a retry will confirm");
                return Err(PublicServiceError::ProviderUnavailable(why));
            }
            Err(refused) => {
                self.refund(payments, &row, &payment_id).await;
                store.release(&row.district, &row.bill_id).await?;
                return Err(provider_error(refused));
            }
        };
        store
            .mark_paid(
                &row.district,
                &row.bill_id,
                &receipt.receipt_id,
                &receipt.paid_at,
                chrono::Utc::now().timestamp_millis(),
            )
            .await?;
        tracing::info!(district = %row.district, bill = %row.bill_id,
            receipt = %receipt.receipt_id, "utility bill paid");
        Ok(receipt_of(&BillPaymentRecord {
            status: "paid".into(),
            receipt_id: Some(receipt.receipt_id),
            paid_at: Some(receipt.paid_at),
            ..row
        }))
    }

    /// Gives back a charge the provider would not record.
    async fn refund(&self, payments: &Plugin, row: &BillPaymentRecord, payment_id: &str) {
        let request = RefundRequest {
            payment_id: payment_id.to_owned(),
            amount: row.amount,
            idempotency_key: format!("bill:{}:{}:refund", row.district, row.bill_id),
        };
        let refunded = runtime::refund_payment(&self.inner.runtime, payments, &request).await;
        if !matches!(refunded, Ok(Ok(_))) {
            tracing::error!(district = %row.district, bill = %row.bill_id, payment = payment_id,
                "failed to refund a bill payment the provider refused");
        }
    }
}
