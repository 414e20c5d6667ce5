//! `/admin/v1/...`: the operators' API. Every route, and every unknown
//! path below `/admin/v1/`, first needs a bearer token: missing or wrong
//! is 401; a district operator reaching another district gets 403 from
//! the admin service.
//!
//! | route | module |
//! | --- | --- |
//! | `GET /admin/v1/whoami`, `GET /admin/v1/districts` | `districts` |
//! | `GET /admin/v1/districts/{district}/plugins` | `districts` |
//! | `GET, POST .../plugins/{plugin}/versions` | `plugins` |
//! | `POST .../plugins/{plugin}/activate`, `.../rollback` | `plugins` |
//! | `GET /admin/v1/audit` | `audit` |
//! | `POST /admin/v1/broadcasts`, `GET, POST .../districts/{district}/broadcasts` | `broadcasts` |
//! | `DELETE .../districts/{district}/broadcasts/{id}` | `broadcasts` |
//! | `GET .../districts/{district}/devices`, `PUT, DELETE .../devices/{device}` | `devices` |

mod audit;
mod broadcasts;
mod devices;
mod districts;
mod plugins;

use crate::admin::Principal;
use crate::http::{ApiError, AppState};
use crate::storage::AuditEntry;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{delete, get, post, put};

/// The admin routes, to be nested under `/admin/v1`.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let plugin = "/districts/{district}/plugins/{plugin}";
    Router::new()
        .route("/whoami", get(districts::whoami))
        .route("/districts", get(districts::list))
        .route("/districts/{district}/plugins", get(districts::plugins))
        .route(
            &format!("{plugin}/versions"),
            get(plugins::versions).post(plugins::upload),
        )
        .route(&format!("{plugin}/activate"), post(plugins::activate))
        .route(&format!("{plugin}/rollback"), post(plugins::rollback))
        .route("/audit", get(audit::list))
        .route("/broadcasts", post(broadcasts::issue_city_wide))
        .route(
            "/districts/{district}/broadcasts",
            get(broadcasts::list).post(broadcasts::issue_in_district),
        )
        .route(
            "/districts/{district}/broadcasts/{id}",
            delete(broadcasts::withdraw),
        )
        .route("/districts/{district}/devices", get(devices::list))
        .route(
            "/districts/{district}/devices/{device}",
            put(devices::put).delete(devices::remove),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.upload_limit))
        .layer(middleware::from_fn_with_state(state.clone(), authenticate))
}

/// Records an operator's successful change in the audit log; a failure
/// to record it is logged, not returned, as the change itself stands.
async fn audit(state: &AppState, who: &Principal, action: &str, district: &str, detail: String) {
    let entry = AuditEntry {
        actor: who.actor(),
        action: action.to_owned(),
        district: Some(district.to_owned()),
        outcome: "ok".into(),
        detail,
        ..AuditEntry::default()
    };
    if let Err(e) = state.storage.audit().record(&entry).await {
        tracing::error!(error = %e, action, "failed to audit an operator's change");
    }
}

/// Resolves the bearer token into a [`Principal`] for the handlers.
async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let bearer = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let principal = state.admin.authenticate(bearer).await?;
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

async fn not_found() -> ApiError {
    ApiError::not_found("not_found", "no such admin route")
}

/// The caller, as [`authenticate`] resolved it.
pub(crate) type Caller = axum::Extension<Principal>;
