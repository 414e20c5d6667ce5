//! `/api/v1/districts/{district}/parking/reservations...`: hold a space,
//! pay for it, cancel, check in and out. Every POST here honours an
//! `Idempotency-Key` header (see `http::idempotency`).

use super::parking::timestamp;
use crate::domain::parking::{Reservation, ReserveRequest, SpaceCategory, Vehicle};
use crate::http::idempotency::HEADER;
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

/// A reservation to make.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReserveBody {
    /// The car park.
    car_park: String,
    /// A given space; any fitting one when left out.
    space: Option<String>,
    /// Window start, RFC 3339.
    start: String,
    /// Window end, RFC 3339.
    end: String,
    /// What is parked (default `car`).
    vehicle: Option<Vehicle>,
    /// Kind of space (default `standard`; a given space's own otherwise).
    category: Option<SpaceCategory>,
}

/// How to pay.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayBody {
    /// The shopper's payment-method token from the provider.
    method: String,
}

type Created = (StatusCode, Json<Reservation>);

/// Holds a space for a window; pay before `hold_until` or it lapses.
#[utoipa::path(post, path = "/api/v1/districts/{district}/parking/reservations",
    tag = "parking", request_body = ReserveBody,
    params(("district" = String, Path, description = "District id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
        (status = 201, description = "The space is held", body = Reservation),
        (status = 400, description = "Malformed JSON or timestamps", body = ApiError),
        (status = 404, description = "Unknown district, car park or space", body = ApiError),
        (status = 409, description = "No fitting space is free for the window", body = ApiError),
        (status = 422, description = "Window invalid, or not reservable", body = ApiError),
        (status = 502, description = "The pricing plugin failed", body = ApiError),
        (status = 504, description = "The pricing plugin timed out", body = ApiError),
    ))]
pub(crate) async fn reserve(
    State(state): State<AppState>,
    Path(district): Path<String>,
    body: Result<Json<ReserveBody>, JsonRejection>,
) -> Result<Created, ApiError> {
    let Json(body) = body?;
    let request = ReserveRequest {
        car_park: body.car_park,
        space: body.space,
        start: timestamp("start", &body.start)?,
        end: timestamp("end", &body.end)?,
        vehicle: body.vehicle.unwrap_or_default(),
        category: body.category.unwrap_or_default(),
    };
    let reservation = state.parking.reserve(&district, &request).await?;
    Ok((StatusCode::CREATED, Json(reservation)))
}

/// A reservation and where it stands.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/reservations/{reservation}",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("reservation" = String, Path, description = "Reservation id")),
    responses(
        (status = 200, description = "The reservation", body = Reservation),
        (status = 404, description = "Unknown district or reservation", body = ApiError),
    ))]
pub(crate) async fn get(
    State(state): State<AppState>,
    Path((district, id)): Path<(String, String)>,
) -> Result<Json<Reservation>, ApiError> {
    Ok(Json(state.parking.reservation(&district, &id).await?))
}

/// Pays for a held reservation through the district's payment plugin; it
/// is confirmed when the payment succeeds.
#[utoipa::path(post,
    path = "/api/v1/districts/{district}/parking/reservations/{reservation}/pay",
    tag = "parking", request_body = PayBody,
    params(("district" = String, Path, description = "District id"),
        ("reservation" = String, Path, description = "Reservation id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
        (status = 200, description = "Paid and confirmed", body = Reservation),
        (status = 402, description = "The payment was declined; the hold stands", body = ApiError),
        (status = 404, description = "Unknown reservation or no payment plugin", body = ApiError),
        (status = 409, description = "The hold lapsed or was cancelled", body = ApiError),
        (status = 502, description = "The payment plugin failed", body = ApiError),
    ))]
pub(crate) async fn pay(
    State(state): State<AppState>,
    Path((district, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<PayBody>, JsonRejection>,
) -> Result<Json<Reservation>, ApiError> {
    let Json(body) = body?;
    if body.method.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_method",
            "method must not be empty",
        ));
    }
    let attempt = headers.get(HEADER).and_then(|v| v.to_str().ok());
    let paid = state
        .parking
        .pay(&district, &id, &body.method, attempt)
        .await?;
    Ok(Json(paid))
}

/// Cancels a reservation, refunding a paid one (less the no-show fee
/// once its window has started).
#[utoipa::path(post,
    path = "/api/v1/districts/{district}/parking/reservations/{reservation}/cancel",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("reservation" = String, Path, description = "Reservation id")),
    responses(
        (status = 200, description = "Cancelled", body = Reservation),
        (status = 404, description = "Unknown reservation", body = ApiError),
        (status = 409, description = "It can no longer be cancelled", body = ApiError),
    ))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path((district, id)): Path<(String, String)>,
) -> Result<Json<Reservation>, ApiError> {
    Ok(Json(state.parking.cancel(&district, &id).await?))
}

/// Checks a paid reservation in by hand (space sensors do it themselves).
#[utoipa::path(post,
    path = "/api/v1/districts/{district}/parking/reservations/{reservation}/check-in",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("reservation" = String, Path, description = "Reservation id")),
    responses(
        (status = 200, description = "Checked in", body = Reservation),
        (status = 404, description = "Unknown reservation", body = ApiError),
        (status = 409, description = "Not paid, or outside its window", body = ApiError),
    ))]
pub(crate) async fn check_in(
    State(state): State<AppState>,
    Path((district, id)): Path<(String, String)>,
) -> Result<Json<Reservation>, ApiError> {
    Ok(Json(state.parking.check_in(&district, &id).await?))
}

/// Checks a reservation out by hand.
#[utoipa::path(post,
    path = "/api/v1/districts/{district}/parking/reservations/{reservation}/check-out",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("reservation" = String, Path, description = "Reservation id")),
    responses(
        (status = 200, description = "Checked out", body = Reservation),
        (status = 404, description = "Unknown reservation", body = ApiError),
        (status = 409, description = "Not checked in", body = ApiError),
    ))]
pub(crate) async fn check_out(
    State(state): State<AppState>,
    Path((district, id)): Path<(String, String)>,
) -> Result<Json<Reservation>, ApiError> {
    Ok(Json(state.parking.check_out(&district, &id).await?))
}
