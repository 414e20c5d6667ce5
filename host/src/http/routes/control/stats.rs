//! `GET /api/v1/districts/{district}/stats` and `GET /api/v1/city/stats`:
//! statistics per bucket as JSON, or CSV with `?format=csv` or
//! `Accept: text/csv`.

use super::Caller;
use crate::control::{StatsQuery, StatsTable};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The query string: the statistics asked for and the format.
#[derive(Debug, Deserialize)]
pub(super) struct StatsParams {
    #[serde(flatten)]
    query: StatsQuery,
    /// `json` (default) or `csv`.
    format: Option<String>,
}

fn wants_csv(params: &StatsParams, headers: &HeaderMap) -> Result<bool, ApiError> {
    match params.format.as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(other) => Err(ApiError::bad_request(
            "invalid_query",
            format!("format {other:?} is not one of json, csv"),
        )),
        None => Ok(headers
            .get(ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv"))),
    }
}

fn respond(table: StatsTable, csv: bool) -> Response {
    if !csv {
        return Json(table).into_response();
    }
    let file = format!("attachment; filename=\"plaza-{}-stats.csv\"", table.scope);
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, file),
        ],
        table.to_csv(),
    )
        .into_response()
}

/// Statistics of one district.
pub(super) async fn district(
    State(state): State<AppState>,
    caller: Caller,
    Path(district): Path<String>,
    headers: HeaderMap,
    params: Result<Query<StatsParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let csv = wants_csv(&params, &headers)?;
    let table = state
        .control
        .district_stats(&caller, &district, &params.query)
        .await?;
    Ok(respond(table, csv))
}

/// Statistics summed over the caller's districts.
pub(super) async fn city(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Result<Query<StatsParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let csv = wants_csv(&params, &headers)?;
    let table = state.control.city_stats(&caller, &params.query).await?;
    Ok(respond(table, csv))
}
