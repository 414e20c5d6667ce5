//! Who is calling, and the districts and plugins they manage.

use super::Caller;
use crate::admin::{DistrictStatus, PluginStatus, Principal};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::{Path, State};

/// `GET /admin/v1/whoami`: the caller's token id and role.
pub(crate) async fn whoami(axum::Extension(who): Caller) -> Json<Principal> {
    Json(who)
}

/// `GET /admin/v1/districts`: the districts the caller manages.
pub(crate) async fn list(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
) -> Result<Json<Vec<DistrictStatus>>, ApiError> {
    Ok(Json(state.admin.districts(&who).await?))
}

/// `GET /admin/v1/districts/{district}/plugins`: each plugin, the version
/// serving it, its grants and its circuit breaker.
pub(crate) async fn plugins(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path(district): Path<String>,
) -> Result<Json<Vec<PluginStatus>>, ApiError> {
    Ok(Json(state.admin.plugins(&who, &district).await?))
}
