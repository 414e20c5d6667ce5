//! `/api/v1/merchant/...`: a merchant's own catalogue, orders and claims,
//! behind its bearer token (`plaza merchant token`). Another merchant's
//! item or order answers 403.

use super::{merchant, parse};
use crate::domain::commerce::{ItemChange, NewItemRequest};
use crate::http::{ApiError, AppState};
use crate::storage::commerce::{ClaimRecord, ItemRecord, OrderRecord};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use utoipa::ToSchema;

/// The code the shopper showed at the counter.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CollectRequest {
    /// The order's pick-up code.
    code: String,
}

/// The merchant's own items.
#[utoipa::path(get, path = "/api/v1/merchant/items", tag = "merchant",
    security(("merchant_token" = [])),
    responses(
        (status = 200, description = "Items", body = [ItemRecord]),
        (status = 401, description = "No or bad token", body = ApiError),
    ))]
pub(crate) async fn items(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ItemRecord>>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(state.commerce.own_items(&who).await?))
}

/// Adds an item to the merchant's catalogue.
#[utoipa::path(post, path = "/api/v1/merchant/items", tag = "merchant",
    security(("merchant_token" = [])), request_body = NewItemRequest,
    responses(
        (status = 201, description = "Added", body = ItemRecord),
        (status = 400, description = "Bad item", body = ApiError),
        (status = 401, description = "No or bad token", body = ApiError),
        (status = 409, description = "Id taken", body = ApiError),
    ))]
pub(crate) async fn add_item(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ItemRecord>), ApiError> {
    let who = merchant(&state, &headers).await?;
    let new: NewItemRequest = parse(&body)?;
    Ok((
        StatusCode::CREATED,
        Json(state.commerce.add_item(&who, new).await?),
    ))
}

/// Changes price, stock, name or description of the merchant's own item.
#[utoipa::path(patch, path = "/api/v1/merchant/items/{item}", tag = "merchant",
    security(("merchant_token" = [])), request_body = ItemChange,
    params(("item" = String, Path, description = "Item id")),
    responses(
        (status = 200, description = "The item as changed", body = ItemRecord),
        (status = 401, description = "No or bad token", body = ApiError),
        (status = 403, description = "Another merchant's item", body = ApiError),
    ))]
pub(crate) async fn change_item(
    State(state): State<AppState>,
    Path(item): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ItemRecord>, ApiError> {
    let who = merchant(&state, &headers).await?;
    let change: ItemChange = parse(&body)?;
    Ok(Json(state.commerce.change_item(&who, &item, change).await?))
}

/// The merchant's own orders, newest first.
#[utoipa::path(get, path = "/api/v1/merchant/orders", tag = "merchant",
    security(("merchant_token" = [])),
    responses(
        (status = 200, description = "Orders", body = [OrderRecord]),
        (status = 401, description = "No or bad token", body = ApiError),
    ))]
pub(crate) async fn orders(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<OrderRecord>>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(state.commerce.merchant_orders(&who).await?))
}

/// One of the merchant's own orders.
#[utoipa::path(get, path = "/api/v1/merchant/orders/{order}", tag = "merchant",
    security(("merchant_token" = [])),
    params(("order" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderRecord),
        (status = 401, description = "No or bad token", body = ApiError),
        (status = 403, description = "Another merchant's order", body = ApiError),
    ))]
pub(crate) async fn order(
    State(state): State<AppState>,
    Path(order): Path<String>,
    headers: HeaderMap,
) -> Result<Json<OrderRecord>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(state.commerce.merchant_order(&who, &order).await?))
}

/// Marks a paid pick-up order ready at the counter.
#[utoipa::path(post, path = "/api/v1/merchant/orders/{order}/ready", tag = "merchant",
    security(("merchant_token" = [])),
    params(("order" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "Now `ready`", body = OrderRecord),
        (status = 403, description = "Another merchant's order", body = ApiError),
        (status = 409, description = "Not paid", body = ApiError),
    ))]
pub(crate) async fn ready(
    State(state): State<AppState>,
    Path(order): Path<String>,
    headers: HeaderMap,
) -> Result<Json<OrderRecord>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(
        state
            .commerce
            .advance_order(&who, &order, "ready", None)
            .await?,
    ))
}

/// Hands a ready order over: the shopper's pick-up code must match.
#[utoipa::path(post, path = "/api/v1/merchant/orders/{order}/collect", tag = "merchant",
    security(("merchant_token" = [])), request_body = CollectRequest,
    params(("order" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "Now `collected`", body = OrderRecord),
        (status = 403, description = "Wrong code or another merchant's order", body = ApiError),
        (status = 409, description = "Not ready", body = ApiError),
    ))]
pub(crate) async fn collect(
    State(state): State<AppState>,
    Path(order): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<OrderRecord>, ApiError> {
    let who = merchant(&state, &headers).await?;
    let request: CollectRequest = parse(&body)?;
    let c = &state.commerce;
    Ok(Json(
        c.advance_order(&who, &order, "collected", Some(&request.code))
            .await?,
    ))
}

/// Marks a delivery order delivered.
#[utoipa::path(post, path = "/api/v1/merchant/orders/{order}/delivered", tag = "merchant",
    security(("merchant_token" = [])),
    params(("order" = String, Path, description = "Order id")),
    responses(
        (status = 200, description = "Now `delivered`", body = OrderRecord),
        (status = 403, description = "Another merchant's order", body = ApiError),
        (status = 409, description = "Not awaiting a courier", body = ApiError),
    ))]
pub(crate) async fn delivered(
    State(state): State<AppState>,
    Path(order): Path<String>,
    headers: HeaderMap,
) -> Result<Json<OrderRecord>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(
        state
            .commerce
            .advance_order(&who, &order, "delivered", None)
            .await?,
    ))
}

/// Claims paid on the merchant's orders: what it owes the fund.
#[utoipa::path(get, path = "/api/v1/merchant/claims", tag = "merchant",
    security(("merchant_token" = [])),
    responses(
        (status = 200, description = "Claims", body = [ClaimRecord]),
        (status = 401, description = "No or bad token", body = ApiError),
    ))]
pub(crate) async fn claims(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<ClaimRecord>>, ApiError> {
    let who = merchant(&state, &headers).await?;
    Ok(Json(state.commerce.merchant_claims(&who).await?))
}
