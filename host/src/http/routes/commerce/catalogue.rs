//! `/api/v1/districts/{district}/commerce/...`: merchants, item search and
//! cart pricing for shoppers.

use super::{parse, shopper};
use crate::domain::commerce::{CartRequest, PricedCart};
use crate::http::{ApiError, AppState};
use crate::storage::commerce::{ItemQuery, ItemRecord, MerchantRecord};
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters of the merchant list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MerchantParams {
    /// Only this category, e.g. `hotpot`.
    category: Option<String>,
}

/// Filters of an item search.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ItemParams {
    /// Only this category.
    category: Option<String>,
    /// Only this merchant's items.
    merchant: Option<String>,
    /// Text in the name or description, any case.
    q: Option<String>,
    /// At most this many (1-500, default 100).
    limit: Option<i64>,
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))
}

/// Lists the district's merchants.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/merchants",
    tag = "commerce",
    params(("district" = String, Path, description = "District id"), MerchantParams),
    responses(
        (status = 200, description = "Merchants, by id", body = [MerchantRecord]),
        (status = 404, description = "Unknown district or no commerce", body = ApiError),
    ))]
pub(crate) async fn merchants(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<MerchantParams>, QueryRejection>,
) -> Result<Json<Vec<MerchantRecord>>, ApiError> {
    let params = query(params)?;
    let category = params.category.as_deref().filter(|c| !c.is_empty());
    Ok(Json(state.commerce.merchants(&district, category).await?))
}

/// One merchant, with its aggregate rating.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/merchants/{merchant}",
    tag = "commerce",
    params(("district" = String, Path, description = "District id"),
        ("merchant" = String, Path, description = "Merchant id")),
    responses(
        (status = 200, description = "The merchant", body = MerchantRecord),
        (status = 404, description = "Unknown district or merchant", body = ApiError),
    ))]
pub(crate) async fn merchant(
    State(state): State<AppState>,
    Path((district, merchant)): Path<(String, String)>,
) -> Result<Json<MerchantRecord>, ApiError> {
    Ok(Json(state.commerce.merchant(&district, &merchant).await?))
}

/// Searches goods and services by category, merchant and text.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/items", tag = "commerce",
    params(("district" = String, Path, description = "District id"), ItemParams),
    responses(
        (status = 200, description = "Matching items", body = [ItemRecord]),
        (status = 400, description = "Bad filters", body = ApiError),
        (status = 404, description = "Unknown district or no commerce", body = ApiError),
    ))]
pub(crate) async fn items(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<ItemParams>, QueryRejection>,
) -> Result<Json<Vec<ItemRecord>>, ApiError> {
    let p = query(params)?;
    let nonempty = |s: Option<String>| s.filter(|s| !s.is_empty());
    let q = ItemQuery {
        merchant: nonempty(p.merchant),
        category: nonempty(p.category),
        text: nonempty(p.q),
        limit: p.limit.unwrap_or(0),
    };
    Ok(Json(state.commerce.search(&district, q).await?))
}

/// Prices a cart through the district's promotion plugins, without
/// ordering anything.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/cart/price",
    tag = "commerce", request_body = CartRequest,
    params(("district" = String, Path, description = "District id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper")),
    responses(
        (status = 200, description = "The priced cart", body = PricedCart),
        (status = 400, description = "Bad cart or missing shopper", body = ApiError),
        (status = 404, description = "Unknown district or item", body = ApiError),
    ))]
pub(crate) async fn price_cart(
    State(state): State<AppState>,
    Path(district): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PricedCart>, ApiError> {
    let shopper = shopper(&headers)?;
    let cart: CartRequest = parse(&body)?;
    Ok(Json(
        state
            .commerce
            .price_cart(&district, &shopper, &cart)
            .await?,
    ))
}
