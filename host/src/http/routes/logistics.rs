//! `/api/v1/districts/{district}/deliveries...`: courier quotes, dispatch
//! (honouring `Idempotency-Key`), a delivery with its history, cancel,
//! and the district's SLA claims.

use super::commerce::{merchant, parse};
use crate::domain::logistics::{
    ClaimView, DeliveryView, DispatchRequestBody, QuoteRequestBody, QuoteView,
};
use crate::http::{ApiError, AppState, idempotency};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware;
use axum::routing::{get, post};

/// Asks every courier of the district for offers and ranks them by the
/// district's rule; the quote is kept for dispatch.
#[utoipa::path(post, path = "/api/v1/districts/{district}/deliveries/quotes",
    tag = "logistics", request_body = QuoteRequestBody,
    params(("district" = String, Path, description = "District id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 200, description = "Ranked offers and the rule's pick", body = QuoteView),
        (status = 400, description = "Bad request", body = ApiError),
        (status = 404, description = "Unknown district, or it delivers nothing", body = ApiError),
        (status = 422, description = "Drop-off outside every zone, or SLA not offered",
            body = ApiError),
    ))]
pub(crate) async fn quote(
    State(state): State<AppState>,
    Path(district): Path<String>,
    body: Bytes,
) -> Result<Json<QuoteView>, ApiError> {
    let request: QuoteRequestBody = parse(&body)?;
    Ok(Json(state.logistics.quote(&district, &request).await?))
}

/// Dispatches a delivery from a quote: the rule's pick (or the offer
/// named), falling back to the next offer when a courier refuses. An
/// order handed over needs its merchant's bearer token.
#[utoipa::path(post, path = "/api/v1/districts/{district}/deliveries", tag = "logistics",
    request_body = DispatchRequestBody,
    params(("district" = String, Path, description = "District id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 201, description = "The delivery, booked and followed", body = DeliveryView),
        (status = 400, description = "Bad request", body = ApiError),
        (status = 404, description = "Unknown district, quote or order", body = ApiError),
        (status = 409, description = "The order already has a delivery", body = ApiError),
        (status = 410, description = "Every offer of the quote has expired", body = ApiError),
        (status = 422, description = "No offer meets the SLA", body = ApiError),
        (status = 502, description = "Every courier refused", body = ApiError),
    ),
    security((), ("merchant_token" = [])))]
pub(crate) async fn dispatch(
    State(state): State<AppState>,
    Path(district): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<DeliveryView>), ApiError> {
    let request: DispatchRequestBody = parse(&body)?;
    let who = match headers.contains_key(header::AUTHORIZATION) {
        true => Some(merchant(&state, &headers).await?),
        false => None,
    };
    let delivery = state
        .logistics
        .dispatch(&district, &request, who.as_ref())
        .await?;
    Ok((StatusCode::CREATED, Json(delivery)))
}

/// A delivery with its status history and any SLA claim.
#[utoipa::path(get, path = "/api/v1/districts/{district}/deliveries/{delivery}",
    tag = "logistics",
    params(("district" = String, Path, description = "District id"),
        ("delivery" = String, Path, description = "Delivery id")),
    responses(
        (status = 200, description = "The delivery", body = DeliveryView),
        (status = 404, description = "No such delivery", body = ApiError),
    ))]
pub(crate) async fn get_one(
    State(state): State<AppState>,
    Path((district, delivery)): Path<(String, String)>,
) -> Result<Json<DeliveryView>, ApiError> {
    Ok(Json(state.logistics.delivery(&district, &delivery).await?))
}

/// Cancels a delivery that has not ended, with its courier.
#[utoipa::path(post, path = "/api/v1/districts/{district}/deliveries/{delivery}/cancel",
    tag = "logistics",
    params(("district" = String, Path, description = "District id"),
        ("delivery" = String, Path, description = "Delivery id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 200, description = "The delivery, cancelled", body = DeliveryView),
        (status = 404, description = "No such delivery", body = ApiError),
        (status = 409, description = "It has ended already", body = ApiError),
    ))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path((district, delivery)): Path<(String, String)>,
) -> Result<Json<DeliveryView>, ApiError> {
    Ok(Json(state.logistics.cancel(&district, &delivery).await?))
}

/// The district's SLA claims, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{district}/deliveries/claims",
    tag = "logistics",
    params(("district" = String, Path, description = "District id")),
    responses((status = 200, description = "Claims", body = [ClaimView])))]
pub(crate) async fn claims(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<Json<Vec<ClaimView>>, ApiError> {
    Ok(Json(state.logistics.claims(&district).await?))
}

/// Every logistics route; the POSTs honour `Idempotency-Key`.
pub(crate) fn router(state: AppState) -> axum::Router<AppState> {
    let at = |tail: &str| format!("/api/v1/districts/{{district}}/deliveries{tail}");
    let posts = axum::Router::new()
        .route(&at("/quotes"), post(quote))
        .route(&at(""), post(dispatch))
        .route(&at("/{delivery}/cancel"), post(cancel))
        .route_layer(middleware::from_fn_with_state(
            state,
            idempotency::idempotent,
        ));
    axum::Router::new()
        .route(&at("/claims"), get(claims))
        .route(&at("/{delivery}"), get(get_one))
        .merge(posts)
}

/// The OpenAPI part of the logistics routes, merged into the main document.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(quote, dispatch, get_one, cancel, claims),
    components(schemas(
        crate::domain::logistics::QuoteRequestBody,
        crate::domain::logistics::PlaceBody,
        crate::domain::logistics::ParcelBody,
        crate::domain::logistics::ParcelSizeBody,
        crate::domain::logistics::QuoteView,
        crate::domain::logistics::OfferView,
        crate::domain::logistics::QuoteFailure,
        crate::domain::logistics::DispatchRequestBody,
        crate::domain::logistics::OfferChoice,
        crate::domain::logistics::DeliveryView,
        crate::domain::logistics::StatusEntry,
        crate::domain::logistics::ClaimView,
    ))
)]
pub(crate) struct LogisticsApi;
