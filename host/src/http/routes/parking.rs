//! `/api/v1/districts/{district}/parking/...`: quotes, car parks with
//! their availability and spaces, guidance and flow statistics. The
//! reservation routes are in `reservations`.

use crate::domain::parking::{
    CarPark, FlowStats, Guidance, ParkingQuote, ParkingSpot, QuoteRequest, SpaceCategory, Vehicle,
};
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

pub(super) fn timestamp(
    name: &'static str,
    value: &str,
) -> Result<DateTime<FixedOffset>, ApiError> {
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
    let Query(params) = params?;
    let request = QuoteRequest {
        start: timestamp("start", &params.start)?,
        end: timestamp("end", &params.end)?,
        vehicle: params.vehicle.unwrap_or_default(),
        category: params.category.unwrap_or_default(),
    };
    Ok(Json(state.parking.quote(&district, &request).await?))
}

/// Which car parks to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct CarParkParams {
    /// Only car parks near this point, `lat,lon` in degrees.
    near: Option<String>,
    /// Radius around `near` in metres (default 1000).
    radius_m: Option<f64>,
}

/// Car parks of the district with their availability now.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/car-parks", tag = "parking",
    params(("district" = String, Path, description = "District id"), CarParkParams),
    responses(
        (status = 200, description = "Car parks, nearest first with `near`", body = [CarPark]),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn car_parks(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<CarParkParams>, QueryRejection>,
) -> Result<Json<Vec<CarPark>>, ApiError> {
    let Query(params) = params?;
    let near = match &params.near {
        None => None,
        Some(text) => {
            let (lat, lon) = point(text)?;
            let radius = params.radius_m.unwrap_or(1000.0);
            if !(radius.is_finite() && radius > 0.0) {
                let why = format!("radius_m {radius} must be a positive number of metres");
                return Err(ApiError::bad_request("invalid_query", why));
            }
            Some((lat, lon, radius))
        }
    };
    Ok(Json(state.parking.car_parks(&district, near).await?))
}

fn point(text: &str) -> Result<(f64, f64), ApiError> {
    let parsed = text.split_once(',').and_then(|(lat, lon)| {
        Some((
            lat.trim().parse::<f64>().ok()?,
            lon.trim().parse::<f64>().ok()?,
        ))
    });
    match parsed {
        Some((lat, lon)) if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {
            Ok((lat, lon))
        }
        _ => {
            let why = format!("near {text:?} must be `lat,lon` in degrees");
            Err(ApiError::bad_request("invalid_query", why))
        }
    }
}

/// One car park with its availability now.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/car-parks/{car_park}",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("car_park" = String, Path, description = "Car park id")),
    responses(
        (status = 200, description = "The car park", body = CarPark),
        (status = 404, description = "Unknown district or car park", body = ApiError),
    ))]
pub(crate) async fn car_park(
    State(state): State<AppState>,
    Path((district, car_park)): Path<(String, String)>,
) -> Result<Json<CarPark>, ApiError> {
    Ok(Json(state.parking.car_park(&district, &car_park).await?))
}

/// The spaces of a car park and their last observed status.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/car-parks/{car_park}/spaces",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("car_park" = String, Path, description = "Car park id")),
    responses(
        (status = 200, description = "Its spaces", body = [ParkingSpot]),
        (status = 404, description = "Unknown district or car park", body = ApiError),
    ))]
pub(crate) async fn spaces(
    State(state): State<AppState>,
    Path((district, car_park)): Path<(String, String)>,
) -> Result<Json<Vec<ParkingSpot>>, ApiError> {
    Ok(Json(state.parking.spaces(&district, &car_park).await?))
}

/// Where a shopper is.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct GuidanceParams {
    /// Latitude, degrees.
    lat: f64,
    /// Longitude, degrees.
    lon: f64,
    /// Most car parks to return (default 3, at most 20).
    limit: Option<usize>,
}

/// The nearest car parks with room, with the entrance to use and the
/// first floor with room.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/guidance", tag = "parking",
    params(("district" = String, Path, description = "District id"), GuidanceParams),
    responses(
        (status = 200, description = "Car parks with room, nearest first", body = [Guidance]),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn guidance(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<GuidanceParams>, QueryRejection>,
) -> Result<Json<Vec<Guidance>>, ApiError> {
    let Query(params) = params?;
    let (lat, lon) = point(&format!("{},{}", params.lat, params.lon))?;
    let limit = params.limit.unwrap_or(3).clamp(1, 20);
    Ok(Json(
        state.parking.guidance(&district, lat, lon, limit).await?,
    ))
}

/// The period to report on.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StatsParams {
    /// Start, RFC 3339 (default 24 hours before `to`).
    from: Option<String>,
    /// End, RFC 3339, exclusive (default now).
    to: Option<String>,
}

/// Entries and exits per hour, occupancy over time, average stay and
/// turnover of a car park.
#[utoipa::path(get, path = "/api/v1/districts/{district}/parking/car-parks/{car_park}/stats",
    tag = "parking",
    params(("district" = String, Path, description = "District id"),
        ("car_park" = String, Path, description = "Car park id"), StatsParams),
    responses(
        (status = 200, description = "Flow over the period", body = FlowStats),
        (status = 400, description = "Malformed or inverted period", body = ApiError),
        (status = 404, description = "Unknown district or car park", body = ApiError),
    ))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    Path((district, car_park)): Path<(String, String)>,
    params: Result<Query<StatsParams>, QueryRejection>,
) -> Result<Json<FlowStats>, ApiError> {
    let Query(params) = params?;
    let to = match &params.to {
        Some(t) => timestamp("to", t)?.timestamp_millis(),
        None => state.parking.clock().now_ms(),
    };
    let from = match &params.from {
        Some(f) => timestamp("from", f)?.timestamp_millis(),
        None => to - 24 * 3_600_000,
    };
    Ok(Json(
        state.parking.stats(&district, &car_park, from, to).await?,
    ))
}
