//! The control centre over HTTP: the pages under `/control/` and the
//! JSON (and CSV, and server-sent event) APIs behind them. Every API
//! route takes a bearer admin token or the session cookie the sign-in
//! page sets; pages without a session send the browser to sign in.
//!
//! | route | module |
//! | --- | --- |
//! | `GET /control/`, `GET /control/districts/{district}` | `pages` |
//! | `GET, POST /control/sign-in`, `POST /control/sign-out` | `pages` |
//! | `GET /control/assets/{file}` | `pages` |
//! | `GET /api/v1/districts/{district}/stats`, `GET /api/v1/city/stats` | `stats` |
//! | `GET /api/v1/control/overview`, `.../health` | `status` |
//! | `GET /api/v1/control/alerts`, `POST .../alerts/{id}/acknowledge, clear` | `status` |
//! | `GET /api/v1/control/stream` (server-sent events) | `stream` |

mod pages;
mod stats;
mod status;
mod stream;

use crate::admin::Principal;
use crate::control::SESSION_COOKIE;
use crate::http::{ApiError, AppState};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};

/// The pages and APIs of the control centre.
pub(crate) fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .route("/api/v1/districts/{district}/stats", get(stats::district))
        .route("/api/v1/city/stats", get(stats::city))
        .route("/api/v1/control/overview", get(status::overview))
        .route("/api/v1/control/health", get(status::health))
        .route("/api/v1/control/alerts", get(status::alerts))
        .route(
            "/api/v1/control/alerts/{alert}/acknowledge",
            post(status::acknowledge),
        )
        .route("/api/v1/control/alerts/{alert}/clear", post(status::clear))
        .route("/api/v1/control/stream", get(stream::stream))
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    Router::new()
        .route("/control", get(pages::to_overview))
        .route("/control/", get(pages::city))
        .route("/control/districts/{district}", get(pages::district))
        .route(
            "/control/sign-in",
            get(pages::sign_in_form).post(pages::sign_in),
        )
        .route("/control/sign-out", post(pages::sign_out))
        .route("/control/assets/{file}", get(pages::asset))
        .merge(api)
}

/// The bearer token of a request, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The session cookie of a request, if any.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// Resolves the token or session into a [`Principal`] for the handlers.
async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let headers = request.headers();
    let principal = state
        .control
        .authenticate(bearer(headers), session_cookie(headers))
        .await?;
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

/// The caller, as [`authenticate`] resolved it.
type Caller = axum::Extension<Principal>;
