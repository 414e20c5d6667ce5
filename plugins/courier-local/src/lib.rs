//! The district's own riders, a reference `logistics` plugin that needs
//! no outside service: it prices a delivery itself (a base fee plus a fee
//! per kilometre, more for heavy parcels), promises a slower ETA than a
//! courier company, and keeps every delivery in its key-value store. A
//! delivery's status follows the clock from its dispatch:
//!
//! ```text
//! assigning --pickup_seconds--> picked-up --10% of the ride--> in-transit --rest--> delivered
//! ```
//!
//! Config (all optional): `currency` (default `CNY`), `base_fee` (600),
//! `fee_per_km` (150), `fee_per_kg_above_5` (100), `pickup_seconds`
//! (900), `seconds_per_km` (240), `max_km` (15), `max_weight_grams`
//! (20000), `carries_large` (false), `offer_ttl_seconds` (600).
//!
//! Keys: `offer/{id}` holds an offer, `delivery/{ref}` a dispatched
//! delivery, both as JSON.

use plaza_sdk::host::{clock, config, kv};
use plaza_sdk::logistics::{
    Courier, CourierError, DeliveryStatus, DispatchRequest, Offer, ParcelSize, QuoteRequest,
    Tracking,
};
use serde::{Deserialize, Serialize};

/// The plugin's config.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Settings {
    currency: String,
    base_fee: i64,
    fee_per_km: i64,
    fee_per_kg_above_5: i64,
    pickup_seconds: f64,
    seconds_per_km: f64,
    max_km: f64,
    max_weight_grams: u32,
    carries_large: bool,
    offer_ttl_seconds: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            currency: "CNY".into(),
            base_fee: 600,
            fee_per_km: 150,
            fee_per_kg_above_5: 100,
            pickup_seconds: 900.0,
            seconds_per_km: 240.0,
            max_km: 15.0,
            max_weight_grams: 20_000,
            carries_large: false,
            offer_ttl_seconds: 600.0,
        }
    }
}

/// An offer as kept until it is dispatched or expires.
#[derive(Serialize, Deserialize)]
struct StoredOffer {
    id: String,
    /// Milliseconds from dispatch to pick-up.
    pickup_ms: i64,
    /// Milliseconds of the ride.
    ride_ms: i64,
    expires_at: i64,
}

/// A dispatched delivery and the instants of its states.
#[derive(Serialize, Deserialize)]
struct StoredDelivery {
    reference: String,
    offer: String,
    dispatched_at: i64,
    picked_up_at: i64,
    in_transit_at: i64,
    delivered_at: i64,
    cancelled_at: Option<i64>,
}

impl StoredDelivery {
    /// Where the delivery stands at `now`.
    fn tracking(&self, now: i64) -> Tracking {
        let (status, at, detail) = if let Some(at) = self.cancelled_at {
            (DeliveryStatus::Cancelled, at, "cancelled on request")
        } else if now >= self.delivered_at {
            (DeliveryStatus::Delivered, self.delivered_at, "handed over")
        } else if now >= self.in_transit_at {
            (DeliveryStatus::InTransit, self.in_transit_at, "on the way")
        } else if now >= self.picked_up_at {
            (
                DeliveryStatus::PickedUp,
                self.picked_up_at,
                "parcel collected",
            )
        } else {
            (
                DeliveryStatus::Assigning,
                self.dispatched_at,
                "finding a rider",
            )
        };
        Tracking {
            status,
            at,
            detail: Some(detail.into()),
        }
    }
}

fn unavailable(e: impl std::fmt::Debug) -> CourierError {
    CourierError::Unavailable(format!("delivery store failed: {e:?}"))
}

fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Result<Option<T>, CourierError> {
    match kv::get(key).map_err(unavailable)? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(unavailable),
        None => Ok(None),
    }
}

fn save<T: Serialize>(key: &str, value: &T) -> Result<(), CourierError> {
    let bytes = serde_json::to_vec(value).map_err(unavailable)?;
    kv::set(key, &bytes).map_err(unavailable)
}

fn settings() -> Result<Settings, CourierError> {
    config::load().map_err(CourierError::Unavailable)
}

/// A short id (FNV-1a, 64 bits) of `text`.
fn short_id(prefix: &str, text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{prefix}{hash:016x}")
}

fn delivery(reference: &str) -> Result<StoredDelivery, CourierError> {
    load(&format!("delivery/{reference}"))?
        .ok_or_else(|| CourierError::NotFound(format!("no delivery {reference:?}")))
}

struct LocalRiders;

impl Courier for LocalRiders {
    fn quote(request: QuoteRequest) -> Result<Vec<Offer>, CourierError> {
        let s = settings()?;
        let km = f64::from(request.distance_meters) / 1000.0;
        let parcel = request.parcel;
        if parcel.weight_grams == 0 {
            return Err(CourierError::InvalidRequest(
                "weight must be above 0".into(),
            ));
        }
        if km > s.max_km {
            let why = format!("{km:.1} km is beyond our {} km", s.max_km);
            return Err(CourierError::NotServed(why));
        }
        if parcel.weight_grams > s.max_weight_grams
            || (parcel.size == ParcelSize::Large && !s.carries_large)
        {
            let why = format!(
                "a {} parcel of {} g is too big for a rider",
                parcel.size.as_str(),
                parcel.weight_grams
            );
            return Err(CourierError::NotServed(why));
        }
        let heavy_kg = i64::from(parcel.weight_grams.saturating_sub(5_000).div_ceil(1000));
        let fee =
            s.base_fee + (km * s.fee_per_km as f64).ceil() as i64 + heavy_kg * s.fee_per_kg_above_5;
        let now = clock::now_ms();
        let pickup_ms = (s.pickup_seconds * 1000.0) as i64;
        let ride_ms = (km * s.seconds_per_km * 1000.0).max(1000.0) as i64;
        let id = short_id("loc_", &format!("{now}:{request:?}"));
        let offer = StoredOffer {
            id: id.clone(),
            pickup_ms,
            ride_ms,
            expires_at: now + (s.offer_ttl_seconds * 1000.0) as i64,
        };
        save(&format!("offer/{id}"), &offer)?;
        Ok(vec![Offer {
            offer_id: id,
            fee,
            currency: s.currency,
            eta: now + pickup_ms + ride_ms,
            expires_at: offer.expires_at,
        }])
    }

    fn dispatch(request: DispatchRequest) -> Result<String, CourierError> {
        let key = format!("delivery/{}", request.reference);
        if let Some(existing) = load::<StoredDelivery>(&key)? {
            return Ok(existing.reference);
        }
        let offer: StoredOffer = load(&format!("offer/{}", request.offer_id))?
            .ok_or_else(|| CourierError::NotFound(format!("no offer {:?}", request.offer_id)))?;
        let now = clock::now_ms();
        if now > offer.expires_at {
            return Err(CourierError::OfferExpired(offer.id));
        }
        let picked_up_at = now + offer.pickup_ms;
        let delivery = StoredDelivery {
            reference: request.reference.clone(),
            offer: offer.id.clone(),
            dispatched_at: now,
            picked_up_at,
            in_transit_at: picked_up_at + offer.ride_ms / 10,
            delivered_at: picked_up_at + offer.ride_ms,
            cancelled_at: None,
        };
        save(&key, &delivery)?;
        kv::delete(&format!("offer/{}", offer.id)).map_err(unavailable)?;
        Ok(delivery.reference)
    }

    fn track(reference: String) -> Result<Tracking, CourierError> {
        Ok(delivery(&reference)?.tracking(clock::now_ms()))
    }

    fn cancel(reference: String) -> Result<Tracking, CourierError> {
        let mut stored = delivery(&reference)?;
        let now = clock::now_ms();
        let tracking = stored.tracking(now);
        match tracking.status {
            DeliveryStatus::Cancelled => Ok(tracking),
            status if status.is_final() => Err(CourierError::NotAllowed(format!(
                "delivery {reference:?} is {}",
                status.as_str()
            ))),
            _ => {
                stored.cancelled_at = Some(now);
                save(&format!("delivery/{reference}"), &stored)?;
                Ok(stored.tracking(now))
            }
        }
    }

    fn self_check() -> Result<(), String> {
        let s: Settings = config::load()?;
        if s.currency.len() != 3 {
            return Err(format!("currency {:?} is not an ISO 4217 code", s.currency));
        }
        if s.base_fee < 0 || s.fee_per_km < 0 || s.fee_per_kg_above_5 < 0 {
            return Err("fees must not be negative".into());
        }
        let times = [
            s.pickup_seconds,
            s.seconds_per_km,
            s.offer_ttl_seconds,
            s.max_km,
        ];
        if times.iter().any(|t| !t.is_finite() || *t <= 0.0) {
            return Err(
                "pickup_seconds, seconds_per_km, offer_ttl_seconds and max_km must be above 0"
                    .into(),
            );
        }
        Ok(())
    }
}

plaza_sdk::courier!(LocalRiders);
