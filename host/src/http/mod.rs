//! The HTTP surface (axum): system routes, plugin endpoints, the host API
//! and its OpenAPI document. `error` is the one place errors become
//! responses; `idempotency` replays POSTs retried with the same key.
//!
//! | route | module |
//! | --- | --- |
//! | `GET /healthz`, `GET /metrics` | `routes::system` |
//! | `/d/{district}/{plugin}/{*path}` | `routes::plugins` |
//! | `GET /api/v1/districts` | `routes::districts` |
//! | `GET /api/v1/districts/{district}/parking/quote` | `routes::parking` |
//! | `GET .../parking/car-parks[/{id}[/spaces,/stats]]`, `.../guidance` | `routes::parking` |
//! | `POST .../parking/reservations[/{id}/pay,cancel,check-in,check-out]` | `routes::reservations` |
//! | `/api/v1/districts/{district}/commerce/...`, `/api/v1/merchant/...` | `routes::commerce` |
//! | `GET /api/v1/districts/{district}/readings` | `routes::readings` |
//! | `GET /api/v1/districts/{district}/readings/rollups` | `routes::readings` |
//! | `GET /api/v1/districts/{district}/live` | `routes::readings` |
//! | `/api/v1/districts/{district}/deliveries/...` | `routes::logistics` |
//! | `GET .../facilities`, `.../bills/...`, `.../broadcasts` | `routes::public_services` |
//! | `GET /api/v1/openapi.json` | `openapi` |
//! | `/admin/v1/...` (bearer token) | `routes::admin` |
//! | `/control/...`, `/api/v1/control/...`, `.../stats` | `routes::control` |

mod error;
pub mod idempotency;
mod openapi;
mod routes;

pub use error::ApiError;
pub use openapi::ApiDoc;

use crate::admin::Admin;
use crate::control::ControlCentre;
use crate::domain::commerce::CommerceService;
use crate::domain::logistics::LogisticsService;
use crate::domain::parking::ParkingService;
use crate::domain::public_services::PublicServices;
use crate::domain::readings::ReadingsService;
use crate::metrics::{HttpLabels, Metrics};
use crate::registry::Registry;
use crate::runtime::Runtime;
use crate::storage::Storage;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{any, get, post};
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
    /// Commerce services.
    pub commerce: CommerceService,
    /// Device readings and live figures.
    pub readings: ReadingsService,
    /// The database.
    pub storage: Storage,
    /// Metrics of this server.
    pub metrics: Arc<Metrics>,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Operators: tokens, plugin versions, activation, audit.
    pub admin: Admin,
    /// Largest plugin upload accepted, in bytes.
    pub upload_limit: usize,
    /// Courier quotes, deliveries and SLA claims.
    pub logistics: LogisticsService,
    /// Facilities, utility bills and emergency broadcasts.
    pub public_services: PublicServices,
    /// The control centre: statistics, health, alerts, sessions.
    pub control: ControlCentre,
    /// Registered devices, as ingest sees them.
    pub devices: crate::ingest::Devices,
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
        .merge(parking_routes(state.clone()))
        .merge(routes::commerce::router())
        .merge(routes::logistics::router(state.clone()))
        .merge(routes::public_services::router(state.clone()))
        .route(
            "/api/v1/districts/{district}/readings",
            get(routes::readings::list),
        )
        .route(
            "/api/v1/districts/{district}/readings/rollups",
            get(routes::readings::rollups),
        )
        .route(
            "/api/v1/districts/{district}/live",
            get(routes::readings::live),
        )
        .route("/api/v1/openapi.json", get(openapi::document))
        .nest("/admin/v1", routes::admin::router(&state))
        .merge(routes::control::router(&state))
        .fallback(routes::system::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_responses,
        ))
        .with_state(state)
}

/// Parking routes; the POSTs honour `Idempotency-Key`.
fn parking_routes(state: AppState) -> Router<AppState> {
    use routes::{parking, reservations};
    let at = |tail: &str| format!("/api/v1/districts/{{district}}/parking/{tail}");
    let posts = Router::new()
        .route(&at("reservations"), post(reservations::reserve))
        .route(
            &at("reservations/{reservation}/pay"),
            post(reservations::pay),
        )
        .route(
            &at("reservations/{reservation}/cancel"),
            post(reservations::cancel),
        )
        .route(
            &at("reservations/{reservation}/check-in"),
            post(reservations::check_in),
        )
        .route(
            &at("reservations/{reservation}/check-out"),
            post(reservations::check_out),
        )
        .route_layer(middleware::from_fn_with_state(
            state,
            idempotency::idempotent,
        ));
    Router::new()
        .route(&at("car-parks"), get(parking::car_parks))
        .route(&at("car-parks/{car_park}"), get(parking::car_park))
        .route(&at("car-parks/{car_park}/spaces"), get(parking::spaces))
        .route(&at("car-parks/{car_park}/stats"), get(parking::stats))
        .route(&at("guidance"), get(parking::guidance))
        .route(&at("reservations/{reservation}"), get(reservations::get))
        .merge(posts)
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
