//! Emergency broadcasts from operators: a district operator issues and
//! withdraws alerts in its own district, the city admin in any district
//! or in every district at once. Each action is audited.

use super::{Caller, audit};
use crate::admin::{AdminError, Principal, Role};
use crate::domain::public_services::{Broadcast, BroadcastRequest};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

async fn issue(
    state: &AppState,
    who: &Principal,
    districts: Vec<String>,
    body: Result<Json<BroadcastRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Vec<Broadcast>>), ApiError> {
    let Json(request) = body?;
    let issued = state
        .public_services
        .issue(&districts, &request, &who.actor())
        .await?;
    for alert in &issued {
        let detail = format!(
            "alert {} ({}) until {}",
            alert.id, alert.severity, alert.expires_at_ms
        );
        audit(state, who, "broadcast.issue", &alert.district, detail).await;
    }
    Ok((StatusCode::CREATED, Json(issued)))
}

/// `POST /admin/v1/districts/{district}/broadcasts`: issues an alert in
/// one district; 201 with it (a one-element list).
pub(crate) async fn issue_in_district(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path(district): Path<String>,
    body: Result<Json<BroadcastRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Vec<Broadcast>>), ApiError> {
    who.authorize(&district)?;
    issue(&state, &who, vec![district], body).await
}

/// `POST /admin/v1/broadcasts`: the city admin issues an alert in every
/// district; 201 with one alert per district.
pub(crate) async fn issue_city_wide(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    body: Result<Json<BroadcastRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Vec<Broadcast>>), ApiError> {
    if who.role != Role::CityAdmin {
        let why = "only the city admin may broadcast to every district".to_owned();
        return Err(AdminError::Forbidden(why).into());
    }
    let districts = state.registry.districts().map(|d| d.id.clone()).collect();
    issue(&state, &who, districts, body).await
}

/// `GET /admin/v1/districts/{district}/broadcasts`: the alerts in force.
pub(crate) async fn list(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path(district): Path<String>,
) -> Result<Json<Vec<Broadcast>>, ApiError> {
    who.authorize(&district)?;
    Ok(Json(
        state.public_services.live_broadcasts(&district).await?,
    ))
}

/// `DELETE /admin/v1/districts/{district}/broadcasts/{id}`: withdraws an
/// alert in force; it is cleared at once.
pub(crate) async fn withdraw(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, id)): Path<(String, String)>,
) -> Result<Json<Broadcast>, ApiError> {
    who.authorize(&district)?;
    let alert = state.public_services.withdraw(&district, &id).await?;
    audit(
        &state,
        &who,
        "broadcast.withdraw",
        &district,
        format!("alert {id}"),
    )
    .await;
    Ok(Json(alert))
}
