//! The control centre's JSON: the overview of the caller's districts,
//! plugin health, and alerts with their acknowledge and clear actions.

use super::Caller;
use crate::control::{AlertView, AlertsQuery, CityOverview, DistrictHealth};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

/// `?district=`: narrow to one district.
#[derive(Debug, Deserialize)]
pub(super) struct OneDistrict {
    district: Option<String>,
}

/// Live figures of every district the caller may watch (or one).
pub(super) async fn overview(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<OneDistrict>, QueryRejection>,
) -> Result<Json<CityOverview>, ApiError> {
    let Query(query) = query?;
    let mut overview = state.control.city_overview(&caller).await?;
    if let Some(d) = query.district {
        let one = state.control.district_overview(&caller, &d).await?;
        overview.districts = vec![one];
    }
    Ok(Json(overview))
}

/// Plugin health of the caller's districts (or one).
pub(super) async fn health(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<OneDistrict>, QueryRejection>,
) -> Result<Json<Vec<DistrictHealth>>, ApiError> {
    let Query(query) = query?;
    let health = state
        .control
        .health(&caller, query.district.as_deref())
        .await?;
    Ok(Json(health))
}

/// Alerts of the caller's districts, newest first.
pub(super) async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<AlertsQuery>, QueryRejection>,
) -> Result<Json<Vec<AlertView>>, ApiError> {
    let Query(query) = query?;
    Ok(Json(state.control.alerts(&caller, &query).await?))
}

/// Acknowledges an open alert.
pub(super) async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(alert): Path<String>,
) -> Result<Json<AlertView>, ApiError> {
    Ok(Json(state.control.acknowledge(&caller, &alert).await?))
}

/// Clears an alert.
pub(super) async fn clear(
    State(state): State<AppState>,
    caller: Caller,
    Path(alert): Path<String>,
) -> Result<Json<AlertView>, ApiError> {
    Ok(Json(state.control.clear(&caller, &alert).await?))
}
