//! `/d/{district}/{plugin}/{*path}`: requests served by endpoint plugins.
//!
//! The plugin sees the path below its mount point (`/` for the mount point
//! itself) and the mount point in the `x-forwarded-prefix` header.

use crate::config::PluginKind;
use crate::http::{ApiError, AppState};
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize)]
pub(crate) struct Mount {
    district: String,
    plugin: String,
}

/// Serves `/d/{district}/{plugin}` and everything below it.
pub(crate) async fn serve(
    State(state): State<AppState>,
    Path(mount): Path<Mount>,
    request: Request,
) -> Result<Response, ApiError> {
    let district = state.registry.district(&mount.district).ok_or_else(|| {
        ApiError::not_found(
            "unknown_district",
            format!("no district {:?}", mount.district),
        )
    })?;
    let plugin = district.plugin(&mount.plugin).ok_or_else(|| {
        let message = format!(
            "district {:?} has no plugin {:?}",
            mount.district, mount.plugin
        );
        ApiError::not_found("unknown_plugin", message)
    })?;
    if plugin.meta.kind != PluginKind::HttpEndpoint {
        let message = format!(
            "plugin {:?} is a {} plugin, not an endpoint",
            mount.plugin, plugin.meta.kind
        );
        return Err(ApiError::not_found("not_an_endpoint", message));
    }

    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, state.body_limit)
        .await
        .map_err(|_| {
            let message = format!("request body larger than {} bytes", state.body_limit);
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", message)
        })?;
    let prefix = format!("/d/{}/{}", mount.district, mount.plugin);
    let rest = parts.uri.path().strip_prefix(&prefix).unwrap_or("");
    let rest = if rest.is_empty() { "/" } else { rest };
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let host = parts
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let uri = format!("http://{host}{rest}{query}");

    let mut inner = http::Request::builder().method(parts.method).uri(&uri);
    for (name, value) in &parts.headers {
        inner = inner.header(name, value);
    }
    let inner = inner
        .header("x-forwarded-prefix", &prefix)
        .body(body)
        .map_err(|e| ApiError::bad_request("bad_request", format!("unusable request: {e}")))?;

    let response = state.runtime.serve_http(&plugin, inner).await?;
    Ok(response.map(Body::from))
}
