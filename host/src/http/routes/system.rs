//! `/healthz`, `/metrics` and the JSON 404 for everything unrouted.

use crate::http::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde_json::json;

/// Healthy when the database answers.
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    state.storage.ping().await.map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_unavailable",
            e.to_string(),
        )
    })?;
    Ok(Json(json!({
        "status": "ok",
        "districts": state.registry.districts().count(),
        "plugins": state.registry.plugin_count(),
    })))
}

/// Prometheus text exposition.
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

/// Anything no route matches.
pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such route")
}
