//! The simulated courier's book: offers it quoted, deliveries it booked,
//! and where each delivery stands at a given instant.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How the simulated courier prices and paces its work.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimSettings {
    /// ISO 4217 code of its fees.
    pub currency: String,
    /// Fee of an economy delivery before distance, minor units.
    pub base_fee: i64,
    /// Fee per started kilometre of an economy delivery, minor units.
    pub fee_per_km: i64,
    /// Express costs this many percent of economy.
    pub express_percent: i64,
    /// From booking to a rider being assigned and at the pick-up, ms.
    pub assign_ms: i64,
    /// From the rider's arrival to leaving with the parcel, ms.
    pub pickup_ms: i64,
    /// Riding time before distance, ms.
    pub transit_ms: i64,
    /// Riding time per kilometre, ms.
    pub transit_ms_per_km: i64,
    /// How long an offer can be booked, ms.
    pub offer_ttl_ms: i64,
}

impl Default for SimSettings {
    fn default() -> Self {
        Self {
            currency: "CNY".into(),
            base_fee: 900,
            fee_per_km: 200,
            express_percent: 160,
            assign_ms: 20_000,
            pickup_ms: 30_000,
            transit_ms: 60_000,
            transit_ms_per_km: 30_000,
            offer_ttl_ms: 600_000,
        }
    }
}

/// What the courier is facing now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Extra riding time of every delivery booked from now on, ms, not
    /// known when it was quoted (traffic, weather).
    #[serde(default)]
    pub delay_ms: i64,
}

/// A request for offers, as the API takes it.
#[derive(Debug, Deserialize)]
pub(super) struct QuoteBody {
    pub(super) distance_meters: u32,
    pub(super) weight_grams: u32,
    pub(super) size: String,
}

/// An offer as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct OfferView {
    pub(super) offer_id: String,
    pub(super) service: &'static str,
    pub(super) fee: i64,
    pub(super) currency: String,
    pub(super) eta: i64,
    pub(super) expires_at: i64,
}

struct Offer {
    /// Booking to delivery, as quoted, ms.
    duration_ms: i64,
    /// Share of it spent before the rider leaves the pick-up, ms.
    assign_ms: i64,
    pickup_ms: i64,
    expires_at: i64,
}

/// One booked delivery and the instants of its states.
#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) id: String,
    booked_at: i64,
    picked_up_at: i64,
    in_transit_at: i64,
    delivered_at: i64,
    cancelled_at: Option<i64>,
}

/// Where a delivery stands, as the API returns it.
#[derive(Debug, Clone, Serialize)]
pub(super) struct TrackingView {
    pub(super) delivery_id: String,
    pub(super) status: &'static str,
    pub(super) at: i64,
    pub(super) detail: String,
}

impl Delivery {
    pub(super) fn tracking(&self, now: i64) -> TrackingView {
        let (status, at, detail) = match self.cancelled_at {
            Some(at) => ("cancelled", at, "cancelled by the sender"),
            None if now >= self.delivered_at => ("delivered", self.delivered_at, "signed for"),
            None if now >= self.in_transit_at => ("in-transit", self.in_transit_at, "riding"),
            None if now >= self.picked_up_at => {
                ("picked-up", self.picked_up_at, "rider has the parcel")
            }
            None => ("assigning", self.booked_at, "looking for a rider"),
        };
        TrackingView {
            delivery_id: self.id.clone(),
            status,
            at,
            detail: detail.into(),
        }
    }
}

/// Why the book refused something.
#[derive(Debug)]
pub(super) enum BookError {
    Invalid(String),
    NotFound(String),
    Expired(String),
    NotAllowed(String),
}

/// Everything the simulated courier knows.
pub(super) struct Book {
    pub(super) settings: SimSettings,
    pub(super) conditions: Conditions,
    offers: HashMap<String, Offer>,
    deliveries: HashMap<String, Delivery>,
    /// Host reference -> delivery id, so a retried booking finds the first.
    references: HashMap<String, String>,
    next: u64,
}

impl Book {
    pub(super) fn new(settings: SimSettings) -> Self {
        Self {
            settings,
            conditions: Conditions::default(),
            offers: HashMap::new(),
            deliveries: HashMap::new(),
            references: HashMap::new(),
            next: 1,
        }
    }

    fn next_id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{:06}", self.next)
    }

    /// An express and an economy offer for `body`.
    pub(super) fn quote(
        &mut self,
        body: &QuoteBody,
        now: i64,
    ) -> Result<Vec<OfferView>, BookError> {
        if body.weight_grams == 0 || body.weight_grams > 30_000 {
            return Err(BookError::Invalid("weight_grams must be 1-30000".into()));
        }
        if !["small", "medium", "large"].contains(&body.size.as_str()) {
            return Err(BookError::Invalid(format!("unknown size {:?}", body.size)));
        }
        let s = self.settings.clone();
        let km = i64::from(body.distance_meters.div_ceil(1000));
        let economy_fee = s.base_fee + km * s.fee_per_km;
        let ride = s.transit_ms + km * s.transit_ms_per_km;
        let mut views = Vec::new();
        for (service, factor, fee) in [
            ("express", 1, economy_fee * s.express_percent / 100),
            ("economy", 2, economy_fee),
        ] {
            let offer = Offer {
                duration_ms: factor * (s.assign_ms + s.pickup_ms + ride),
                assign_ms: factor * s.assign_ms,
                pickup_ms: factor * s.pickup_ms,
                expires_at: now + s.offer_ttl_ms,
            };
            let id = self.next_id(&format!("{service}-"));
            views.push(OfferView {
                offer_id: id.clone(),
                service,
                fee,
                currency: s.currency.clone(),
                eta: now + offer.duration_ms,
                expires_at: offer.expires_at,
            });
            self.offers.insert(id, offer);
        }
        Ok(views)
    }

    /// Books an offer for the host's `reference`; a retry with the same
    /// reference returns the first booking.
    pub(super) fn book(
        &mut self,
        offer_id: &str,
        reference: &str,
        now: i64,
    ) -> Result<Delivery, BookError> {
        if let Some(id) = self.references.get(reference) {
            return Ok(self.deliveries[id].clone());
        }
        let offer = self
            .offers
            .get(offer_id)
            .ok_or_else(|| BookError::NotFound(format!("no offer {offer_id:?}")))?;
        if now > offer.expires_at {
            return Err(BookError::Expired(format!(
                "offer {offer_id:?} has expired"
            )));
        }
        let picked_up_at = now + offer.assign_ms;
        let leaves_at = picked_up_at + offer.pickup_ms;
        let delivered_at = now + offer.duration_ms + self.conditions.delay_ms.max(0);
        let id = self.next_id("dlv-");
        let delivery = Delivery {
            id: id.clone(),
            booked_at: now,
            picked_up_at,
            in_transit_at: leaves_at,
            delivered_at,
            cancelled_at: None,
        };
        self.offers.remove(offer_id);
        self.references.insert(reference.to_owned(), id.clone());
        self.deliveries.insert(id, delivery.clone());
        Ok(delivery)
    }

    pub(super) fn delivery(&self, id: &str) -> Result<&Delivery, BookError> {
        self.deliveries
            .get(id)
            .ok_or_else(|| BookError::NotFound(format!("no delivery {id:?}")))
    }

    /// Cancels a delivery that has not ended.
    pub(super) fn cancel(&mut self, id: &str, now: i64) -> Result<TrackingView, BookError> {
        let delivery = self
            .deliveries
            .get_mut(id)
            .ok_or_else(|| BookError::NotFound(format!("no delivery {id:?}")))?;
        let status = delivery.tracking(now).status;
        match status {
            "cancelled" => {}
            "delivered" => {
                return Err(BookError::NotAllowed(format!(
                    "delivery {id:?} is delivered"
                )));
            }
            _ => delivery.cancelled_at = Some(now),
        }
        Ok(delivery.tracking(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> SimSettings {
        SimSettings {
            assign_ms: 100,
            pickup_ms: 100,
            transit_ms: 100,
            transit_ms_per_km: 0,
            ..SimSettings::default()
        }
    }

    #[test]
    fn a_booked_delivery_moves_through_its_states_on_the_clock() {
        let mut book = Book::new(quick());
        let body = QuoteBody {
            distance_meters: 2500,
            weight_grams: 800,
            size: "small".into(),
        };
        let offers = book.quote(&body, 0).unwrap();
        assert_eq!(offers[0].eta, 300);
        assert_eq!(offers[1].eta, 600);
        assert!(offers[0].fee > offers[1].fee, "express costs more");
        let d = book.book(&offers[0].offer_id, "ref-1", 0).unwrap();
        let states: Vec<_> = [0, 100, 200, 300].map(|t| d.tracking(t).status).into();
        assert_eq!(
            states,
            ["assigning", "picked-up", "in-transit", "delivered"]
        );
        let again = book.book(&offers[1].offer_id, "ref-1", 5).unwrap();
        assert_eq!(again.id, d.id, "a retried booking finds the first");
    }

    #[test]
    fn bad_conditions_make_deliveries_later_than_quoted() {
        let mut book = Book::new(quick());
        book.conditions.delay_ms = 1000;
        let body = QuoteBody {
            distance_meters: 0,
            weight_grams: 1,
            size: "small".into(),
        };
        let offer = book.quote(&body, 0).unwrap().remove(0);
        let d = book.book(&offer.offer_id, "r", 0).unwrap();
        assert_eq!(d.tracking(offer.eta).status, "in-transit");
        assert_eq!(d.tracking(offer.eta + 1000).status, "delivered");
        assert!(book.book("nope", "other", 0).is_err());
    }
}
