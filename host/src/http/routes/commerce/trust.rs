//! Reviews, claims and the guarantee fund:
//! `/api/v1/districts/{district}/commerce/{merchants/{m}/reviews, orders/{o}/claims,
//! claims, fund}`.

use super::{idempotent, parse, shopper};
use crate::domain::commerce::{ClaimRequest, FundView, ReviewRequest};
use crate::http::{ApiError, AppState};
use crate::storage::commerce::{ClaimRecord, ReviewRecord};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

/// A merchant's reviews, newest first.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/merchants/{merchant}/reviews",
    tag = "commerce",
    params(("district" = String, Path, description = "District id"),
        ("merchant" = String, Path, description = "Merchant id")),
    responses((status = 200, description = "Reviews", body = [ReviewRecord])))]
pub(crate) async fn reviews(
    State(state): State<AppState>,
    Path((district, merchant)): Path<(String, String)>,
) -> Result<Json<Vec<ReviewRecord>>, ApiError> {
    Ok(Json(state.commerce.reviews(&district, &merchant).await?))
}

/// Reviews a merchant; only with a collected or delivered order there.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/merchants/{merchant}/reviews",
    tag = "commerce", request_body = ReviewRequest,
    params(("district" = String, Path, description = "District id"),
        ("merchant" = String, Path, description = "Merchant id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 201, description = "The review; the rating moved", body = ReviewRecord),
        (status = 400, description = "Bad rating or text", body = ApiError),
        (status = 403, description = "No completed order at this merchant", body = ApiError),
        (status = 409, description = "The order already has a review", body = ApiError),
    ))]
pub(crate) async fn review(
    State(state): State<AppState>,
    Path((district, merchant)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shopper = shopper(&headers)?;
    let request: ReviewRequest = parse(&body)?;
    let scope = format!("commerce/{district}/{shopper}/reviews/{merchant}");
    idempotent(&state, &headers, scope, &body, async {
        let c = &state.commerce;
        let review = c.review(&district, &merchant, &shopper, &request).await?;
        Ok((StatusCode::CREATED, review))
    })
    .await
}

/// Files a claim on the shopper's order; within the district's policy it
/// is paid from the guarantee fund at once.
#[utoipa::path(post, path = "/api/v1/districts/{district}/commerce/orders/{order}/claims",
    tag = "commerce", request_body = ClaimRequest,
    params(("district" = String, Path, description = "District id"),
        ("order" = String, Path, description = "Order id"),
        ("X-Shopper-Id" = String, Header, description = "The shopper"),
        ("Idempotency-Key" = Option<String>, Header, description = "Retry-safe key")),
    responses(
        (status = 201, description = "Paid: the claim as recorded", body = ClaimRecord),
        (status = 404, description = "No such order of this shopper", body = ApiError),
        (status = 409, description = "The fund cannot cover it", body = ApiError),
        (status = 422, description = "Outside the district's policy", body = ApiError),
    ))]
pub(crate) async fn claim(
    State(state): State<AppState>,
    Path((district, order)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let shopper = shopper(&headers)?;
    let request: ClaimRequest = parse(&body)?;
    let scope = format!("commerce/{district}/{shopper}/orders/{order}/claims");
    idempotent(&state, &headers, scope, &body, async {
        let c = &state.commerce;
        let claim = c.file_claim(&district, &shopper, &order, &request).await?;
        Ok((StatusCode::CREATED, claim))
    })
    .await
}

/// Every claim of the district, newest first, for audit.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/claims", tag = "commerce",
    params(("district" = String, Path, description = "District id")),
    responses((status = 200, description = "Claims", body = [ClaimRecord])))]
pub(crate) async fn claims(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<Json<Vec<ClaimRecord>>, ApiError> {
    Ok(Json(state.commerce.claims(&district).await?))
}

/// The guarantee fund: balance (the sum of its ledger), every ledger entry
/// and what each merchant owes back.
#[utoipa::path(get, path = "/api/v1/districts/{district}/commerce/fund", tag = "commerce",
    params(("district" = String, Path, description = "District id")),
    responses(
        (status = 200, description = "The fund", body = FundView),
        (status = 404, description = "Unknown district or no commerce", body = ApiError),
    ))]
pub(crate) async fn fund(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<Json<FundView>, ApiError> {
    Ok(Json(state.commerce.fund(&district).await?))
}
