//! The OpenAPI document of `/api/v1`, generated from the handlers'
//! annotations so it cannot drift from the code.

use super::error::ApiError;
use super::routes::{districts, parking, readings};
use crate::domain::parking::{ParkingQuote, QuoteLine, SpaceCategory, Vehicle};
use crate::domain::readings::{CarParkFigures, EntranceFigures, LiveFigures, ReadingView};
use axum::Json;
use utoipa::OpenApi;

/// The document's root.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza host API",
        description = "Smart business district services"
    ),
    paths(
        districts::list,
        parking::quote,
        readings::list,
        readings::live,
        document
    ),
    components(schemas(
        ApiError,
        ParkingQuote,
        QuoteLine,
        Vehicle,
        SpaceCategory,
        districts::DistrictSummary,
        districts::PluginSummary,
        ReadingView,
        LiveFigures,
        EntranceFigures,
        CarParkFigures
    ))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
