//! Dispatch: book an offer of a quote (the rule's pick, then the next
//! ones if a courier refuses), persist the delivery and start following
//! it; cancel one; read one with its history and claim.

use super::views::{
    ClaimView, DeliveryView, DispatchRequestBody, OfferView, QuoteRequestBody, StatusEntry,
};
use super::{LogisticsError, LogisticsService, now_ms};
use crate::domain::commerce::{CommerceError, MerchantIdentity};
use crate::runtime::{self, CourierError, DispatchRequest};
use crate::storage::commerce::random_id;
use crate::storage::logistics::{DeliveryRow, LogisticsClaimRow, StatusChange};

impl LogisticsService {
    /// Dispatches a delivery from a quote. A commerce order needs its
    /// merchant (`merchant`), who hands it to the courier.
    pub async fn dispatch(
        &self,
        district: &str,
        request: &DispatchRequestBody,
        merchant: Option<&MerchantIdentity>,
    ) -> Result<DeliveryView, LogisticsError> {
        let setup = self.district(district)?;
        let quote = self
            .store
            .quote(district, &request.quote_id)
            .await?
            .ok_or_else(|| LogisticsError::UnknownQuote(request.quote_id.clone()))?;
        let asked: QuoteRequestBody = serde_json::from_str(&quote.request)
            .map_err(|e| LogisticsError::InvalidRequest(format!("stored quote unreadable: {e}")))?;
        let offers: Vec<OfferView> = serde_json::from_str(&quote.offers)
            .map_err(|e| LogisticsError::InvalidRequest(format!("stored quote unreadable: {e}")))?;
        let now = now_ms();
        let live: Vec<OfferView> = offers.into_iter().filter(|o| o.expires_at > now).collect();
        if live.is_empty() {
            return Err(LogisticsError::QuoteExpired(quote.id));
        }
        let candidates: Vec<OfferView> = match &request.offer {
            Some(choice) => {
                let offer = live
                    .into_iter()
                    .find(|o| o.courier == choice.courier && o.offer_id == choice.offer_id)
                    .ok_or_else(|| {
                        LogisticsError::NoOffer(format!(
                            "quote {:?} has no live offer {:?} of {:?}",
                            quote.id, choice.offer_id, choice.courier
                        ))
                    })?;
                if !offer.meets_deadline {
                    return Err(LogisticsError::NoOffer(format!(
                        "offer {:?} would miss the {} SLA",
                        offer.offer_id, quote.sla
                    )));
                }
                vec![offer]
            }
            None => live.into_iter().filter(|o| o.meets_deadline).collect(),
        };
        if candidates.is_empty() {
            return Err(LogisticsError::NoOffer(format!(
                "no courier offer in quote {:?} meets the {} SLA",
                quote.id, quote.sla
            )));
        }
        let order_id = match &request.order_id {
            Some(id) => Some(self.hand_over(district, id, &asked, merchant).await?),
            None => None,
        };
        let sla = setup.data.sla(&quote.sla).ok_or_else(|| {
            LogisticsError::InvalidRequest(format!("SLA class {:?} is gone", quote.sla))
        })?;

        let first = &candidates[0];
        let mut row = DeliveryRow {
            id: random_id("dlv_", 8),
            district: district.to_owned(),
            quote_id: quote.id.clone(),
            order_id: order_id.clone(),
            courier: first.courier.clone(),
            offer_id: first.offer_id.clone(),
            courier_ref: None,
            fee: first.fee,
            currency: first.currency.clone(),
            eta: first.eta,
            zone: quote.zone.clone(),
            sla: quote.sla.clone(),
            deadline: now + (sla.minutes * 60_000.0) as i64,
            request: quote.request.clone(),
            status: "assigning".into(),
            status_at: now,
            detail: None,
            open: true,
            breach: None,
            created_at: now,
        };
        self.store
            .insert_delivery(&row)
            .await
            .map_err(|e| match e.into() {
                LogisticsError::OrderBusy(_) => {
                    LogisticsError::OrderBusy(order_id.unwrap_or_default())
                }
                other => other,
            })?;

        let mut refusals = Vec::new();
        for offer in &candidates {
            match self.book(district, offer, &row.id).await {
                Ok(reference) => {
                    row.courier = offer.courier.clone();
                    row.offer_id = offer.offer_id.clone();
                    row.fee = offer.fee;
                    row.currency = offer.currency.clone();
                    row.eta = offer.eta;
                    row.courier_ref = Some(reference);
                    row.detail = Some("booked".into());
                    self.store.set_booked(&row).await?;
                    tracing::info!(district, delivery = %row.id, courier = %row.courier,
                        fee = row.fee, sla = %row.sla, "delivery dispatched");
                    self.spawn_follow(district.to_owned(), row.id.clone());
                    return self.delivery(district, &row.id).await;
                }
                Err(why) => {
                    tracing::warn!(district, courier = %offer.courier, reason = %why,
                        "courier refused a booking");
                    refusals.push(format!("{}: {why}", offer.courier));
                }
            }
        }
        self.store.delete_delivery(&row.id).await?;
        Err(LogisticsError::CourierRefused(refusals.join("; ")))
    }

    /// Books `offer` with its courier; the courier's reference, or why not.
    async fn book(&self, district: &str, offer: &OfferView, id: &str) -> Result<String, String> {
        let plugin = self
            .registry
            .district(district)
            .and_then(|d| d.plugin(&offer.courier))
            .ok_or_else(|| "the courier plugin is gone".to_owned())?;
        let request = DispatchRequest {
            offer_id: offer.offer_id.clone(),
            reference: id.to_owned(),
        };
        match runtime::courier_dispatch(&self.runtime, &plugin, &request).await {
            Ok(Ok(reference)) => Ok(reference),
            Ok(Err(refused)) => Err(runtime::courier_error_text(&refused)),
            Err(failed) => Err(failed.to_string()),
        }
    }

    /// Checks a commerce order may be handed to a courier by `merchant`
    /// to the quote's drop-off; its id.
    async fn hand_over(
        &self,
        district: &str,
        order_id: &str,
        asked: &QuoteRequestBody,
        merchant: Option<&MerchantIdentity>,
    ) -> Result<String, LogisticsError> {
        let who = merchant.ok_or(CommerceError::Unauthorized)?;
        let order = self.commerce.courier_order(district, order_id).await?;
        if who.district != district || who.merchant != order.merchant {
            let why = format!("order {order_id:?} belongs to another merchant");
            return Err(CommerceError::Forbidden(why).into());
        }
        let address = order.delivery_address.unwrap_or_default();
        if address.trim() != asked.dropoff.address.trim() {
            return Err(LogisticsError::InvalidRequest(format!(
                "the quote's drop-off address {:?} is not order {order_id:?}'s delivery \
                 address {address:?}",
                asked.dropoff.address
            )));
        }
        Ok(order.id)
    }

    /// Cancels a delivery that has not ended, with its courier.
    pub async fn cancel(&self, district: &str, id: &str) -> Result<DeliveryView, LogisticsError> {
        self.district(district)?;
        let row = self.row(district, id).await?;
        let Some(reference) = row.courier_ref.clone().filter(|_| row.open) else {
            return Err(LogisticsError::InvalidTransition {
                id: id.to_owned(),
                status: row.status,
                action: "cancel",
            });
        };
        let plugin = self
            .registry
            .district(district)
            .and_then(|d| d.plugin(&row.courier))
            .ok_or_else(|| LogisticsError::CourierRefused("the courier plugin is gone".into()))?;
        let tracking = match runtime::courier_cancel(&self.runtime, &plugin, &reference).await? {
            Ok(tracking) => tracking,
            Err(CourierError::NotAllowed(why)) => {
                return Err(LogisticsError::InvalidTransition {
                    id: id.to_owned(),
                    status: format!("{} ({why})", row.status),
                    action: "cancel",
                });
            }
            Err(refused) => {
                return Err(LogisticsError::CourierRefused(runtime::courier_error_text(
                    &refused,
                )));
            }
        };
        let change = StatusChange {
            status: tracking.status.as_str(),
            at: tracking.at,
            detail: tracking.detail.as_deref(),
            terminal: tracking.status.is_final(),
        };
        self.store.record_status(id, &change).await?;
        tracing::info!(district, delivery = %id, status = change.status, "delivery cancelled");
        self.delivery(district, id).await
    }

    /// A delivery with its history and claim.
    pub async fn delivery(&self, district: &str, id: &str) -> Result<DeliveryView, LogisticsError> {
        self.district(district)?;
        let row = self.row(district, id).await?;
        let history = self
            .store
            .events(id)
            .await?
            .into_iter()
            .map(|e| StatusEntry {
                status: e.status,
                at: e.at,
                detail: e.detail,
                recorded_at: e.recorded_at,
            })
            .collect();
        let claim = self.store.claim_of(id).await?.map(claim_view);
        let asked: QuoteRequestBody = serde_json::from_str(&row.request).map_err(|e| {
            LogisticsError::InvalidRequest(format!("stored request unreadable: {e}"))
        })?;
        Ok(DeliveryView {
            id: row.id,
            district: row.district,
            quote_id: row.quote_id,
            order_id: row.order_id,
            courier: row.courier,
            offer_id: row.offer_id,
            courier_reference: row.courier_ref,
            fee: row.fee,
            currency: row.currency,
            eta: row.eta,
            zone: row.zone,
            sla: row.sla,
            deadline: row.deadline,
            pickup: asked.pickup,
            dropoff: asked.dropoff,
            parcel: asked.parcel,
            status: row.status,
            status_at: row.status_at,
            detail: row.detail,
            breach: row.breach,
            history,
            claim,
            created_at: row.created_at,
        })
    }

    /// The district's SLA claims, newest first.
    pub async fn claims(&self, district: &str) -> Result<Vec<ClaimView>, LogisticsError> {
        self.district(district)?;
        Ok(self
            .store
            .claims(district)
            .await?
            .into_iter()
            .map(claim_view)
            .collect())
    }

    pub(super) async fn row(
        &self,
        district: &str,
        id: &str,
    ) -> Result<DeliveryRow, LogisticsError> {
        self.store
            .delivery(district, id)
            .await?
            .ok_or_else(|| LogisticsError::UnknownDelivery(id.to_owned()))
    }
}

fn claim_view(c: LogisticsClaimRow) -> ClaimView {
    ClaimView {
        id: c.id,
        delivery_id: c.delivery_id,
        order_id: c.order_id,
        reason: c.reason,
        amount: c.amount,
        currency: c.currency,
        status: c.status,
        commerce_claim_id: c.commerce_claim_id,
        note: c.note,
        created_at: c.created_at,
    }
}
