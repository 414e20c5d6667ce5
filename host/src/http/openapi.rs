//! The OpenAPI document of `/api/v1`, generated from the handlers'
//! annotations so it cannot drift from the code.

use super::error::ApiError;
use super::routes::{districts, parking, readings, reservations};
use crate::domain::parking::{
    CarPark, Entrance, FlowStats, GeoPoint, Guidance, HourStats, ParkingQuote, ParkingSpot,
    QuoteLine, Reservation, SpaceCategory, Vehicle,
};
use crate::domain::readings::{
    CarParkFigures, EntranceFigures, LiveFigures, ReadingView, RollupView,
};
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
        parking::car_parks,
        parking::car_park,
        parking::spaces,
        parking::stats,
        parking::guidance,
        reservations::reserve,
        reservations::get,
        reservations::pay,
        reservations::cancel,
        reservations::check_in,
        reservations::check_out,
        readings::list,
        readings::live,
        readings::rollups,
        document
    ),
    components(schemas(
        ApiError,
        ParkingQuote,
        QuoteLine,
        Vehicle,
        SpaceCategory,
        CarPark,
        Entrance,
        GeoPoint,
        ParkingSpot,
        Guidance,
        FlowStats,
        HourStats,
        Reservation,
        reservations::ReserveBody,
        reservations::PayBody,
        districts::DistrictSummary,
        districts::PluginSummary,
        ReadingView,
        RollupView,
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
    let mut doc = ApiDoc::openapi();
    doc.merge(<super::routes::commerce::CommerceApi as OpenApi>::openapi());
    doc.merge(<super::routes::logistics::LogisticsApi as OpenApi>::openapi());
    doc.merge(<super::routes::public_services::PublicServicesApi as OpenApi>::openapi());
    Json(doc)
}
