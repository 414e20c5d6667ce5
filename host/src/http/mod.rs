//! The HTTP surface (axum): system routes, plugin endpoints, the host API
//! and its OpenAPI document. `error` is the one place errors become
//! responses.
//!
//! | route | module |
//! | --- | --- |
//! | `GET /healthz`, `GET /metrics` | `routes::system` |
//! | `/d/{district}/{plugin}/{*path}` | `routes::plugins` |
//! | `GET /api/v1/districts` | `routes::districts` |
//! | `GET /api/v1/districts/{district}/parking/quote` | `routes::parking` |
//! | `GET /api/v1/districts/{district}/readings` | `routes::readings` |
//! | `GET /api/v1/districts/{district}/live` | `routes::readings` |
//! | `GET /api/v1/openapi.json` | `openapi` |

mod error;
mod openapi;
mod routes;

pub use error::ApiError;
pub use openapi::ApiDoc;

use crate::domain::parking::ParkingService;
use crate::domain::readings::ReadingsService;
use crate::metrics::{HttpLabels, Metrics};
use crate::registry::Registry;
use crate::runtime::Runtime;
use crate::storage::Storage;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get};
use std::sync::Arc;

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    /// Districts and their plugins.
    pub registry: Arc<Registry>,
    /// The Wasm runtime.
    pub runtime: Arc<Runtime>,
    /// Parking services.
    pub parking: ParkingService,
    /// Device readings and live figures.
    pub readings: ReadingsService,
    /// The database.
    pub storage: Storage,
    /// Metrics of this server.
    pub metrics: Arc<Metrics>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
}

/// The complete router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(routes::system::healthz))
        .route("/metrics", get(routes::system::metrics))
        .route("/d/{district}/{plugin}", any(routes::plugins::serve))
        .route("/d/{district}/{plugin}/", any(routes::plugins::serve))
        .route(
            "/d/{district}/{plugin}/{*path}",
            any(routes::plugins::serve),
        )
        .route("/api/v1/districts", get(routes::districts::list))
        .route(
            "/api/v1/districts/{district}/parking/quote",
            get(routes::parking::quote),
        )
        .route(
            "/api/v1/districts/{district}/readings",
            get(routes::readings::list),
        )
        .route(
            "/api/v1/districts/{district}/live",
            get(routes::readings::live),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .fallback(routes::system::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_responses,
        ))
        .with_state(state)
}

/// Counts every response by route template and status.
async fn count_responses(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.run(request).await;
    let labels = HttpLabels {
        route,
        status: response.status().as_u16(),
    };
    state.metrics.http_responses.get_or_create(&labels).inc();
    response
}
