//! Shoppers' public services under `/api/v1/districts/{district}/`:
//! facilities near me, utility bills (look up, pay) and the emergency
//! alerts in force. Paying a bill honours `Idempotency-Key` (see
//! `http::idempotency`). Issuing alerts is the operators' (`admin`).

use crate::domain::public_services::{BillReceipt, BillView, Broadcast, Facility, FacilityQuery};
use crate::http::idempotency::{self, HEADER};
use crate::http::{ApiError, AppState};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The OpenAPI document of these routes, merged into `/api/v1`'s.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(facilities, lookup_bill, pay_bill, broadcasts),
    components(schemas(Facility, BillView, BillReceipt, Broadcast, PayBillBody))
)]
pub(crate) struct PublicServicesApi;

/// The public-services routes; the bill payment honours idempotency keys.
pub(crate) fn router(state: AppState) -> Router<AppState> {
    let at = |tail: &str| format!("/api/v1/districts/{{district}}/{tail}");
    let pay = Router::new()
        .route(&at("bills/{bill}/pay"), post(pay_bill))
        .route_layer(middleware::from_fn_with_state(
            state,
            idempotency::idempotent,
        ));
    Router::new()
        .route(&at("facilities"), get(facilities))
        .route(&at("bills/{service}/{account}"), get(lookup_bill))
        .route(&at("broadcasts"), get(broadcasts))
        .merge(pay)
}

/// What to look for near the shopper.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FacilityParams {
    /// Only this kind: `toilet`, `nursing-room`, `atm`, `service-centre`,
    /// `wifi-hotspot`, `police` or `medical`.
    kind: Option<String>,
    /// Where the shopper is, `lat,lon` (WGS 84); results come nearest
    /// first with `distance_m`.
    near: Option<String>,
    /// Only within this many metres of `near`.
    radius_m: Option<f64>,
    /// Only those open (`true`) or closed (`false`) now.
    open_now: Option<bool>,
}

fn point(near: &str) -> Result<(f64, f64), ApiError> {
    let parsed = near
        .split_once(',')
        .and_then(|(lat, lon)| Some((lat.trim().parse().ok()?, lon.trim().parse().ok()?)));
    parsed.ok_or_else(|| {
        ApiError::bad_request("invalid_query", format!("near {near:?} is not \"lat,lon\""))
    })
}

/// The district's facilities and agencies: toilets, nursing rooms, ATMs,
/// service centres, free Wi-Fi, police and medical points.
#[utoipa::path(get, path = "/api/v1/districts/{district}/facilities", tag = "public services",
    params(("district" = String, Path, description = "District id"), FacilityParams),
    responses(
        (status = 200, description = "Matching facilities, nearest first", body = [Facility]),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn facilities(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<FacilityParams>, QueryRejection>,
) -> Result<Json<Vec<Facility>>, ApiError> {
    let Query(params) = params?;
    let query = FacilityQuery {
        kind: params.kind,
        near: params.near.as_deref().map(point).transpose()?,
        radius_m: params.radius_m,
        open_now: params.open_now,
    };
    Ok(Json(state.public_services.facilities(&district, &query)?))
}

/// The open bill of an account, from the district's public-service
/// plugin.
#[utoipa::path(get, path = "/api/v1/districts/{district}/bills/{service}/{account}",
    tag = "public services",
    params(("district" = String, Path, description = "District id"),
        ("service" = String, Path, description = "water, electricity or gas"),
        ("account" = String, Path, description = "Customer account")),
    responses(
        (status = 200, description = "The open bill", body = BillView),
        (status = 400, description = "Unknown service or malformed account", body = ApiError),
        (status = 404, description = "No open bill, unknown district or no provider", body = ApiError),
        (status = 502, description = "The provider or its plugin failed", body = ApiError),
    ))]
pub(crate) async fn lookup_bill(
    State(state): State<AppState>,
    Path((district, service, account)): Path<(String, String, String)>,
) -> Result<Json<BillView>, ApiError> {
    let bill = state
        .public_services
        .lookup_bill(&district, &service, &account)
        .await?;
    Ok(Json(bill))
}

/// How to pay a bill.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayBillBody {
    /// The shopper's payment-method token from the payment provider.
    method: String,
}

/// Pays a bill: the district's payment plugin takes the money, then the
/// provider records it and returns a receipt. A bill is paid once.
#[utoipa::path(post, path = "/api/v1/districts/{district}/bills/{bill}/pay",
    tag = "public services", request_body = PayBillBody,
    params(("district" = String, Path, description = "District id"),
        ("bill" = String, Path, description = "The bill's id, as the lookup gives it"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses(
        (status = 200, description = "Paid; the provider's receipt", body = BillReceipt),
        (status = 402, description = "The payment was declined", body = ApiError),
        (status = 404, description = "Unknown bill, district or plugin", body = ApiError),
        (status = 409, description = "The bill is already paid or being paid", body = ApiError),
        (status = 502, description = "The provider or a plugin failed; retry", body = ApiError),
    ))]
pub(crate) async fn pay_bill(
    State(state): State<AppState>,
    Path((district, bill)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Json<PayBillBody>, JsonRejection>,
) -> Result<Json<BillReceipt>, ApiError> {
    let Json(body) = body?;
    let attempt = headers.get(HEADER).and_then(|v| v.to_str().ok());
    let receipt = state
        .public_services
        .pay_bill(&district, &bill, &body.method, attempt)
        .await?;
    Ok(Json(receipt))
}

/// The district's emergency alerts in force, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{district}/broadcasts", tag = "public services",
    params(("district" = String, Path, description = "District id")),
    responses(
        (status = 200, description = "Alerts in force", body = [Broadcast]),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn broadcasts(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<Json<Vec<Broadcast>>, ApiError> {
    Ok(Json(
        state.public_services.live_broadcasts(&district).await?,
    ))
}
