//! A courier company reached over its HTTP API, a reference `logistics`
//! plugin that calls out: every quote, booking, tracking and cancel is a
//! call to the company's API through `wasi:http`, so the plugin needs the
//! API's host in its `grants.outbound_hosts`. Plaza's `plaza courier-sim`
//! serves the same API for demos and tests.
//!
//! Config: `api_base` (required), the API's base URL, e.g.
//! `http://127.0.0.1:7070`.
//!
//! The API, relative to `api_base`:
//!
//! | call | request | answer |
//! | --- | --- | --- |
//! | `POST /v1/quotes` | `{distance_meters, weight_grams, size, deadline, pickup, dropoff}` | `{offers: [{offer_id, fee, currency, eta, expires_at}]}` |
//! | `POST /v1/deliveries` | `{offer_id, reference}` | `{delivery_id, status, at, detail}` |
//! | `GET /v1/deliveries/{id}` | | `{delivery_id, status, at, detail}` |
//! | `POST /v1/deliveries/{id}/cancel` | | `{delivery_id, status, at, detail}` |
//!
//! Errors come back as `{"error": code, "message": text}`.

use plaza_sdk::host::config;
use plaza_sdk::logistics::{
    Courier, CourierError, DeliveryStatus, DispatchRequest, Offer, QuoteRequest, Tracking,
};
use plaza_sdk::outbound::{self, Reply};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    api_base: String,
}

#[derive(Deserialize)]
struct Offers {
    offers: Vec<ApiOffer>,
}

#[derive(Deserialize)]
struct ApiOffer {
    offer_id: String,
    fee: i64,
    currency: String,
    eta: i64,
    expires_at: i64,
}

#[derive(Deserialize)]
struct ApiTracking {
    delivery_id: String,
    status: String,
    at: i64,
    detail: Option<String>,
}

#[derive(Deserialize)]
struct ApiError {
    error: String,
    message: String,
}

fn base() -> Result<String, CourierError> {
    let settings: Settings = config::load().map_err(CourierError::Unavailable)?;
    Ok(settings.api_base.trim_end_matches('/').to_owned())
}

/// The API's answer as `T`, or its error as a [`CourierError`].
fn answer<T: for<'de> Deserialize<'de>>(reply: Reply) -> Result<T, CourierError> {
    if (200..300).contains(&reply.status) {
        return serde_json::from_slice(&reply.body).map_err(|e| {
            CourierError::Unavailable(format!("the courier API answered unreadably: {e}"))
        });
    }
    let (code, message) = match serde_json::from_slice::<ApiError>(&reply.body) {
        Ok(e) => (e.error, e.message),
        Err(_) => (String::new(), format!("HTTP {}", reply.status)),
    };
    Err(match (reply.status, code.as_str()) {
        (400, _) => CourierError::InvalidRequest(message),
        (404, _) => CourierError::NotFound(message),
        (410, _) | (_, "offer_expired") => CourierError::OfferExpired(message),
        (409, _) => CourierError::NotAllowed(message),
        (422, _) => CourierError::NotServed(message),
        _ => CourierError::Unavailable(message),
    })
}

fn unreachable_api(e: String) -> CourierError {
    CourierError::Unavailable(format!("the courier API could not be reached: {e}"))
}

fn tracking(t: ApiTracking) -> Result<Tracking, CourierError> {
    let status = DeliveryStatus::parse(&t.status).ok_or_else(|| {
        CourierError::Unavailable(format!("the courier API sent status {:?}", t.status))
    })?;
    Ok(Tracking {
        status,
        at: t.at,
        detail: t.detail,
    })
}

/// Refuses a delivery id that would change the URL's shape.
fn check_id(id: &str) -> Result<(), CourierError> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(CourierError::InvalidRequest(format!(
            "{id:?} is not a delivery id"
        )))
    }
}

struct Flash;

impl Courier for Flash {
    fn quote(request: QuoteRequest) -> Result<Vec<Offer>, CourierError> {
        let place = |p: &plaza_sdk::logistics::Place| json!({ "address": p.address, "lat": p.lat, "lon": p.lon });
        let body = json!({
            "distance_meters": request.distance_meters,
            "weight_grams": request.parcel.weight_grams,
            "size": request.parcel.size.as_str(),
            "deadline": request.deadline,
            "pickup": place(&request.pickup),
            "dropoff": place(&request.dropoff),
        });
        let reply = outbound::post_json(&format!("{}/v1/quotes", base()?), &body)
            .map_err(unreachable_api)?;
        let offers: Offers = answer(reply)?;
        Ok(offers
            .offers
            .into_iter()
            .map(|o| Offer {
                offer_id: o.offer_id,
                fee: o.fee,
                currency: o.currency,
                eta: o.eta,
                expires_at: o.expires_at,
            })
            .collect())
    }

    fn dispatch(request: DispatchRequest) -> Result<String, CourierError> {
        let body = json!({ "offer_id": request.offer_id, "reference": request.reference });
        let reply = outbound::post_json(&format!("{}/v1/deliveries", base()?), &body)
            .map_err(unreachable_api)?;
        let booked: ApiTracking = answer(reply)?;
        Ok(booked.delivery_id)
    }

    fn track(reference: String) -> Result<Tracking, CourierError> {
        check_id(&reference)?;
        let url = format!("{}/v1/deliveries/{reference}", base()?);
        tracking(answer(outbound::get(&url).map_err(unreachable_api)?)?)
    }

    fn cancel(reference: String) -> Result<Tracking, CourierError> {
        check_id(&reference)?;
        let url = format!("{}/v1/deliveries/{reference}/cancel", base()?);
        let reply = outbound::send(outbound::Method::Post, &url, None).map_err(unreachable_api)?;
        tracking(answer(reply)?)
    }

    fn self_check() -> Result<(), String> {
        let settings: Settings = config::load()?;
        let base = settings.api_base;
        let rest = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
            .ok_or_else(|| format!("api_base {base:?} must start with http:// or https://"))?;
        if rest.is_empty() || rest.starts_with('/') {
            return Err(format!("api_base {base:?} names no host"));
        }
        Ok(())
    }
}

plaza_sdk::courier!(Flash);
