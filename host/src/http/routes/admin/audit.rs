//! `GET /admin/v1/audit`: what operators did, newest first.

use super::Caller;
use crate::http::{ApiError, AppState};
use crate::storage::{AuditFilter, AuditRecord};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::Deserialize;

/// Which entries to list.
#[derive(Deserialize)]
pub(crate) struct AuditQuery {
    /// Only this district's entries (a district operator always gets only
    /// its own).
    district: Option<String>,
    /// Only entries older than this id.
    before: Option<i64>,
    /// At most this many (default 100, at most 1000).
    limit: Option<u32>,
}

/// Lists audit entries.
pub(crate) async fn list(
    State(state): State<AppState>,
    axum::Extension(who): Caller,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Json<Vec<AuditRecord>>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let filter = AuditFilter {
        district: query.district,
        before: query.before,
        limit: query.limit.unwrap_or(100),
    };
    Ok(Json(state.admin.audit_log(&who, filter).await?))
}
