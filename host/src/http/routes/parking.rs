//! `/api/v1/districts/{district}/parking/...`: parking for shoppers.

use crate::domain::parking::{ParkingQuote, QuoteRequest, SpaceCategory, Vehicle};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use utoipa::IntoParams;

/// The stay to price.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct QuoteParams {
    /// Start of the stay, RFC 3339 (e.g. `2026-12-03T10:00:00+08:00`).
    start: String,
    /// End of the stay, RFC 3339.
    end: String,
    /// What is parked (default `car`).
    vehicle: Option<Vehicle>,
    /// Kind of space (default `standard`).
    category: Option<SpaceCategory>,
}

fn timestamp(name: &'static str, value: &str) -> Result<DateTime<FixedOffset>, ApiError> {
    DateTime::parse_from_rfc3339(value).map_err(|e| {
        let message = format!("{name} {value:?} is not an RFC 3339 timestamp: {e}");
        ApiError::bad_request("invalid_timestamp", message)
    })
}

/// Prices a stay with the district's parking-pricing plugin.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/quote", tag = "parking",
    params(("district" = String, Path, description = "District id"), QuoteParams),
    responses(
        (status = 200, description = "The price of the stay", body = ParkingQuote),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district or no pricing plugin", body = ApiError),
        (status = 422, description = "Stay invalid or not offered", body = ApiError),
        (status = 502, description = "The pricing plugin failed", body = ApiError),
        (status = 504, description = "The pricing plugin timed out", body = ApiError),
    ))]
pub(crate) async fn quote(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<QuoteParams>, QueryRejection>,
) -> Result<Json<ParkingQuote>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let request = QuoteRequest {
        start: timestamp("start", &params.start)?,
        end: timestamp("end", &params.end)?,
        vehicle: params.vehicle.unwrap_or_default(),
        category: params.category.unwrap_or_default(),
    };
    Ok(Json(state.parking.quote(&district, &request).await?))
}
