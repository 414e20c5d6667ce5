//! `/api/v1/districts/{district}/commerce/orders...`: a shopper's orders —
//! place, pay, cancel, read.

use super::{idempotent, parse, shopper};
use crate::domain::commerce::{OrderRequest, ShopperOrder};
use crate::http::{ApiError, AppState};
use crate::storage::commerce::OrderRecord;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use utoipa::ToSchema;

/// How the shopper pays.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PayRequest {
    /// Payment method token from the provider's wallet or card form.
    method: String,
}

/// Places an order: prices the cart, reserves stock, returns the order
/// (with its pick-up code) awaiting payment.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/orders", tag = "commerce",
    request_body = OrderRequest,
    params(("district" = String, Path, description = "District id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 201, description = "The order, pending payment", body = ShopperOrder),
        (status = 400, description = "Bad order", body = ApiError),
        (status = 404, description = "Unknown district or item", body = ApiError),
        (status = 409, description = "Out of stock", body = ApiError),
    ))]
pub(crate) async fn place(
    State(state): State<AppState>,
    Path(district): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shopper = shopper(&headers)?;
    let request: OrderRequest = parse(&body)?;
    let scope = format!("commerce/{district}/{shopper}/orders");
    idempotent(&state, &headers, scope, &body, async {
        let order = state
            .commerce
            .place_order(&district, &shopper, &request)
            .await?;
        Ok((StatusCode::CREATED, order))
    })
    .await
}

/// The shopper's orders, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/orders", tag = "commerce",
    params(("district" = String, Path, description = "District id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper")),
    responses((status = 200, description = "Orders", body = [OrderRecord])))]
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(district): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Vec<OrderRecord>>, ApiError> {
    let shopper = shopper(&headers)?;
    Ok(Json(
        state.commerce.shopper_orders(&district, &shopper).await?,
    ))
}

/// One of the shopper's orders, with its pick-up code.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/orders/{order}",
    tag = "commerce",
    params(("district" = String, Path, description = "District id"),
        ("order" = String, Path, description = "Order id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper")),
    responses(
        (status = 200, description = "The order", body = ShopperOrder),
        (status = 404, description = "No such order of this shopper", body = ApiError),
    ))]
pub(crate) async fn get(
    State(state): State<AppState>,
    Path((district, order)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<ShopperOrder>, ApiError> {
    let shopper = shopper(&headers)?;
    Ok(Json(
        state
            .commerce
            .shopper_order(&district, &shopper, &order)
            .await?,
    ))
}

/// Pays a pending order through the district's payment plugin.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/orders/{order}/pay",
    tag = "commerce", request_body = PayRequest,
    params(("district" = String, Path, description = "District id"),
        ("order" = String, Path, description = "Order id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 200, description = "Paid: `paid` or `awaiting-courier`", body = ShopperOrder),
        (status = 402, description = "Declined by the provider", body = ApiError),
        (status = 409, description = "Not pending payment", body = ApiError),
        (status = 503, description = "No payment plugin", body = ApiError),
    ))]
pub(crate) async fn pay(
    State(state): State<AppState>,
    Path((district, order)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shopper = shopper(&headers)?;
    let request: PayRequest = parse(&body)?;
    let scope = format!("commerce/{district}/{shopper}/orders/{order}/pay");
    idempotent(&state, &headers, scope, &body, async {
        let c = &state.commerce;
        let paid = c
            .pay_order(&district, &shopper, &order, &request.method)
            .await?;
        Ok((StatusCode::OK, paid))
    })
    .await
}

/// Cancels an order: unpaid at once, paid with a refund; stock goes back.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/orders/{order}/cancel",
    tag = "commerce",
    params(("district" = String, Path, description = "District id"),
        ("order" = String, Path, description = "Order id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 200, description = "`cancelled` or `refunded`", body = ShopperOrder),
        (status = 409, description = "Already handed over or closed", body = ApiError),
    ))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    Path((district, order)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shopper = shopper(&headers)?;
    let scope = format!("commerce/{district}/{shopper}/orders/{order}/cancel");
    idempotent(&state, &headers, scope, b"", async {
        let cancelled = state
            .commerce
            .cancel_order(&district, &shopper, &order)
            .await?;
        Ok((StatusCode::OK, cancelled))
    })
    .await
}
