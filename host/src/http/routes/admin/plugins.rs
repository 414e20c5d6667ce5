//! Plugin versions: upload (raw component body, optional
//! `x-plaza-signature` header), list, activate and roll back.

use super::Caller;
use crate::admin::{ActivationOutcome, ActivationRequest, UploadOutcome, VersionView};
use crate::http::{ApiError, AppState};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

/// The header carrying an upload's detached signature (hex).
pub(crate) const SIGNATURE_HEADER: &str = "x-plaza-signature";

/// `GET .../plugins/{plugin}/versions`: every uploaded version.
pub(crate) async fn versions(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, plugin)): Path<(String, String)>,
) -> Result<Json<Vec<VersionView>>, ApiError> {
    Ok(Json(state.admin.versions(&who, &district, &plugin).await?))
}

/// `POST .../plugins/{plugin}/versions`: uploads a component as the next
/// version, after verifying it; 201 with the version, 422 naming the
/// check it failed.
pub(crate) async fn upload(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, plugin)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadOutcome>), ApiError> {
    let signature = match headers.get(SIGNATURE_HEADER) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::bad_request("bad_signature", "x-plaza-signature is not text")
        })?),
    };
    let outcome = state
        .admin
        .upload(&who, &district, &plugin, &body, signature)
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

fn activation_request(body: &[u8]) -> Result<ActivationRequest, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(ActivationRequest::default());
    }
    serde_json::from_slice(body).map_err(|e| {
        let message = format!("body must be {{\"version\": N, \"approve\": bool}}: {e}");
        ApiError::bad_request("invalid_json", message)
    })
}

/// `POST .../plugins/{plugin}/activate` with `{"version": N}` (and
/// `"approve": true` when it asks for more than the serving version).
pub(crate) async fn activate(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, plugin)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<ActivationOutcome>, ApiError> {
    let request = activation_request(&body)?;
    Ok(Json(
        state
            .admin
            .activate(&who, &district, &plugin, &request)
            .await?,
    ))
}

/// `POST .../plugins/{plugin}/rollback`, optionally with
/// `{"version": N}`; without one, back to the version that served before.
pub(crate) async fn rollback(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    Path((district, plugin)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<ActivationOutcome>, ApiError> {
    let request = activation_request(&body)?;
    Ok(Json(
        state
            .admin
            .rollback(&who, &district, &plugin, &request)
            .await?,
    ))
}
