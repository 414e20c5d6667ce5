//! Paying for a hold and cancelling, through the district's `payment`
//! plugin. A reservation is confirmed only once its payment succeeded; a
//! declined payment leaves the hold as it was, to be paid another way
//! before it lapses.

use super::reservations::Reservation;
use super::{ParkingError, ParkingService};
use crate::config::PluginKind;
use crate::runtime::{self, CreateRequest, PaymentError, PaymentStatus, RefundRequest};
use crate::storage::parking::Transition;

fn refused(e: PaymentError) -> ParkingError {
    ParkingError::PaymentRefused(match e {
        PaymentError::InvalidRequest(why)
        | PaymentError::NotFound(why)
        | PaymentError::NotAllowed(why)
        | PaymentError::Unavailable(why) => why,
    })
}

impl ParkingService {
    /// Pays for a held reservation with the shopper's payment `method`
    /// token. `attempt` (the request's idempotency key, if any) tells the
    /// provider which tries are the same: the same attempt never charges
    /// twice, and paying a reservation already paid charges nothing.
    pub async fn pay(
        &self,
        district: &str,
        id: &str,
        method: &str,
        attempt: Option<&str>,
    ) -> Result<Reservation, ParkingError> {
        let row = self.row(district, id).await?;
        let now = self.clock.now_ms();
        if matches!(
            row.status.as_str(),
            "confirmed" | "checked_in" | "completed"
        ) {
            return Ok(Reservation::from_row(district, row, now));
        }
        if row.status != "held" || row.hold_until <= now {
            return Err(self.wrong_state(&row, now, "only a live hold can be paid"));
        }
        let plugin = self.plugin(district, PluginKind::Payment)?;
        let request = CreateRequest {
            amount: row.amount,
            currency: row.currency.clone(),
            reference: format!("parking reservation {id}"),
            idempotency_key: format!("parking:{district}:{id}:{}", attempt.unwrap_or(method)),
            method: method.to_owned(),
        };
        let created = runtime::create_payment(&self.runtime, &plugin, &request)
            .await?
            .map_err(refused)?;
        let payment = runtime::confirm_payment(&self.runtime, &plugin, &created.id)
            .await?
            .map_err(refused)?;
        match payment.status {
            PaymentStatus::Succeeded => {}
            PaymentStatus::Declined => {
                tracing::info!(district, car_park = %row.car_park, reservation = id,
                    "payment declined");
                let why = payment.decline_reason.unwrap_or_else(|| "declined".into());
                return Err(ParkingError::PaymentDeclined(why));
            }
            other => {
                let why = format!("payment is {other:?} after confirmation");
                return Err(ParkingError::PaymentRefused(why));
            }
        }

        let change = Transition {
            now: self.clock.now_ms(),
            payment_id: Some(payment.id.clone()),
            ..Transition::default()
        };
        let step = self
            .step(
                district,
                row.clone(),
                "held",
                "confirmed",
                change,
                "the hold lapsed while paying",
            )
            .await;
        if step.is_err() {
            // The hold lapsed (or was cancelled) while the provider worked:
            // give the money back rather than keep it for nothing.
            let refund = RefundRequest {
                payment_id: payment.id.clone(),
                amount: payment.amount - payment.refunded,
                idempotency_key: format!("parking:{district}:{id}:lapsed"),
            };
            let refunded = runtime::refund_payment(&self.runtime, &plugin, &refund).await;
            if !matches!(refunded, Ok(Ok(_))) {
                tracing::error!(district, reservation = id, payment = %payment.id,
                    "failed to refund a payment for a lapsed hold");
            }
        }
        step
    }

    /// Cancels a reservation. A hold is simply let go; a paid reservation
    /// is refunded in full before its start, and less the no-show fee
    /// after it.
    // FIXME: a paid reservation that is never used nor cancelled keeps the
    // whole amount, not just the no-show fee; a periodic settlement pass
    // refunding `amount - no_show_fee` after the grace period would fix it.
    pub async fn cancel(&self, district: &str, id: &str) -> Result<Reservation, ParkingError> {
        let row = self.row(district, id).await?;
        let now = self.clock.now_ms();
        let change = Transition {
            now,
            ..Transition::default()
        };
        match row.status.as_str() {
            "held" => {
                self.step(
                    district,
                    row,
                    "held",
                    "cancelled",
                    change,
                    "the hold already lapsed",
                )
                .await
            }
            "confirmed" => {
                let refund = if now < row.start_ms {
                    row.amount
                } else {
                    (row.amount - row.no_show_fee).max(0)
                };
                if refund > 0 {
                    let payment_id = row.payment_id.clone().unwrap_or_default();
                    let plugin = self.plugin(district, PluginKind::Payment)?;
                    let request = RefundRequest {
                        payment_id,
                        amount: refund,
                        idempotency_key: format!("parking:{district}:{id}:cancel"),
                    };
                    runtime::refund_payment(&self.runtime, &plugin, &request)
                        .await?
                        .map_err(refused)?;
                }
                let change = Transition {
                    refunded: refund,
                    ..change
                };
                let why = "it changed while cancelling";
                self.step(district, row, "confirmed", "cancelled", change, why)
                    .await
            }
            _ => Err(self.wrong_state(&row, now, "it can no longer be cancelled")),
        }
    }
}
