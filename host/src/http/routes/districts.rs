//! `GET /api/v1/districts`: the districts this server runs and their plugins.

use crate::http::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

/// A district and its plugins.
#[derive(Serialize, ToSchema)]
pub(crate) struct DistrictSummary {
    /// Id used in URLs.
    id: String,
    /// Display name.
    name: String,
    /// Its plugins.
    plugins: Vec<PluginSummary>,
}

/// A loaded plugin.
#[derive(Serialize, ToSchema)]
pub(crate) struct PluginSummary {
    /// Id within the district.
    id: String,
    /// The world it implements, e.g. `http-endpoint`.
    kind: String,
    /// sha256 of its component.
    sha256: String,
}

/// Lists every district with its plugins.
#[utoipa::path(get, path = "/api/v1/districts", tag = "districts",
    responses((status = 200, description = "Every district", body = [DistrictSummary])))]
pub(crate) async fn list(State(state): State<AppState>) -> Json<Vec<DistrictSummary>> {
    let districts = state
        .registry
        .districts()
        .map(|d| DistrictSummary {
            id: d.id.clone(),
            name: d.name.clone(),
            plugins: d
                .plugins()
                .map(|p| PluginSummary {
                    id: p.meta.id.to_string(),
                    kind: p.meta.kind.to_string(),
                    sha256: p.meta.sha256.clone(),
                })
                .collect(),
        })
        .collect();
    Json(districts)
}
