//! `/api/v1/districts/{district}/readings`, `.../readings/rollups` and
//! `.../live`: what the district's devices measured, its per-minute and
//! per-hour sums, and its figures now.

use crate::domain::readings::{
    Bucket, LiveFigures, ReadingView, ReadingsQuery, RollupView, RollupsQuery,
};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

/// Which readings to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReadingsParams {
    /// `space`, `people`, `vehicles` or `energy`.
    kind: Option<String>,
    /// Only this device.
    device: Option<String>,
    /// From this instant on, RFC 3339.
    since: Option<String>,
    /// Before this instant, RFC 3339.
    until: Option<String>,
    /// `true`: only the newest reading of each device.
    latest: Option<bool>,
    /// At most this many (default 100, at most 1000).
    limit: Option<u32>,
}

fn instant(name: &str, value: Option<&str>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(v)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    let message = format!("{name} {v:?} is not an RFC 3339 timestamp: {e}");
                    ApiError::bad_request("invalid_timestamp", message)
                })
        })
        .transpose()
}

/// Lists readings of a district: newest first, or the latest per device.
#[utoipa::path(get, path = "/api/v1/districts/{district}/readings", tag = "readings",
    params(("district" = String, Path, description = "District id"), ReadingsParams),
    responses(
        (status = 200, description = "Matching readings", body = [ReadingView]),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn list(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<ReadingsParams>, QueryRejection>,
) -> Result<Json<Vec<ReadingView>>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let query = ReadingsQuery {
        kind: params.kind,
        device: params.device,
        since: instant("since", params.since.as_deref())?,
        until: instant("until", params.until.as_deref())?,
        latest: params.latest.unwrap_or(false),
        limit: params.limit,
    };
    Ok(Json(state.readings.list(&district, &query).await?))
}

/// Which rollups to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RollupsParams {
    /// `minute` or `hour` (default `hour`).
    bucket: Option<String>,
    /// `space`, `people`, `vehicles` or `energy`.
    kind: Option<String>,
    /// Buckets starting at or after this instant, RFC 3339 (default: 24
    /// buckets before `until`).
    since: Option<String>,
    /// Buckets starting before this instant, RFC 3339 (default: now).
    until: Option<String>,
}

/// Lists a district's rollups: per bucket, kind and target, the number of
/// readings, people or vehicles in and out, and kWh; oldest first.
#[utoipa::path(get, path = "/api/v1/districts/{district}/readings/rollups", tag = "readings",
    params(("district" = String, Path, description = "District id"), RollupsParams),
    responses(
        (status = 200, description = "Rollup buckets", body = [RollupView]),
        (status = 400, description = "Malformed parameters", body = ApiError),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn rollups(
    State(state): State<AppState>,
    Path(district): Path<String>,
    params: Result<Query<RollupsParams>, QueryRejection>,
) -> Result<Json<Vec<RollupView>>, ApiError> {
    let Query(params) =
        params.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let query = RollupsQuery {
        bucket: params
            .bucket
            .as_deref()
            .unwrap_or("hour")
            .parse::<Bucket>()?,
        kind: params.kind,
        since: instant("since", params.since.as_deref())?,
        until: instant("until", params.until.as_deref())?,
    };
    Ok(Json(state.readings.rollups(&district, &query).await?))
}

/// A district's live figures: people in the district now, vehicles and
/// free spaces in each car park, energy used today.
#[utoipa::path(get, path = "/api/v1/districts/{district}/live", tag = "readings",
    params(("district" = String, Path, description = "District id")),
    responses(
        (status = 200, description = "The figures now", body = LiveFigures),
        (status = 404, description = "Unknown district", body = ApiError),
    ))]
pub(crate) async fn live(
    State(state): State<AppState>,
    Path(district): Path<String>,
) -> Result<Json<LiveFigures>, ApiError> {
    Ok(Json(state.readings.live(&district).await?))
}
