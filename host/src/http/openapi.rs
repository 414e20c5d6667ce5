//! The OpenAPI document of `/api/v1`, generated from the handlers'
//! annotations so it cannot drift from the code.

use super::error::ApiError;
use super::routes::{districts, parking};
use crate::domain::parking::{ParkingQuote, QuoteLine, SpaceCategory, Vehicle};
use axum::Json;
use utoipa::OpenApi;

/// The document's root.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza host API",
        description = "Smart business district services"
    ),
    paths(districts::list, parking::quote, document),
    components(schemas(
        ApiError,
        ParkingQuote,
        QuoteLine,
        Vehicle,
        SpaceCategory,
        districts::DistrictSummary,
        districts::PluginSummary
    ))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub(super) async fn document() -> Json<utoipa::openapi::OpenApi> {
    let mut doc = ApiDoc::openapi();
    doc.merge(<super::routes::commerce::CommerceApi as OpenApi>::openapi());
    Json(doc)
}
