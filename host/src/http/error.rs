//! The one place errors become HTTP responses: a status and a JSON body
//! `{"code": ..., "message": ...}` with `district`, `plugin` and `reason`
//! when a plugin is at fault. `code` is stable; `message` is for people.

use crate::domain::parking::ParkingError;
use crate::domain::readings::ReadingsError;
use crate::runtime::{PluginError, PluginFailure};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error as the API reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ApiError {
    /// HTTP status.
    #[serde(skip)]
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `unknown_district`.
    pub code: &'static str,
    /// What went wrong, for people.
    pub message: String,
    /// District concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    /// Plugin at fault, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    /// Why the plugin failed: `timeout`, `memory`, `trap` ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

impl ApiError {
    /// An error with no plugin involved.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            district: None,
            plugin: None,
            reason: None,
        }
    }

    /// 400 with a code naming what is wrong with the request.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 for a thing that does not exist.
    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    fn with_district(mut self, district: &str) -> Self {
        self.district = Some(district.to_owned());
        self
    }
}

impl From<PluginError> for ApiError {
    fn from(e: PluginError) -> Self {
        let status = match e.failure {
            PluginFailure::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            PluginFailure::Busy => StatusCode::SERVICE_UNAVAILABLE,
            PluginFailure::WrongKind { .. } => StatusCode::NOT_FOUND,
            _ => StatusCode::BAD_GATEWAY,
        };
        Self {
            status,
            code: "plugin_failed",
            message: e.to_string(),
            district: Some(e.district.to_string()),
            plugin: Some(e.plugin.to_string()),
            reason: Some(e.failure.code()),
        }
    }
}

impl From<ParkingError> for ApiError {
    fn from(e: ParkingError) -> Self {
        let message = e.to_string();
        match e {
            ParkingError::UnknownDistrict(d) => {
                Self::not_found("unknown_district", message).with_district(&d)
            }
            ParkingError::NoPricing(d) => {
                Self::not_found("no_parking_pricing", message).with_district(&d)
            }
            ParkingError::InvalidStay(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_stay", message)
            }
            ParkingError::NotOffered(_) => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, "not_offered", message)
            }
            ParkingError::Plugin(e) => e.into(),
        }
    }
}

impl From<ReadingsError> for ApiError {
    fn from(e: ReadingsError) -> Self {
        let message = e.to_string();
        match e {
            ReadingsError::UnknownDistrict(d) => {
                Self::not_found("unknown_district", message).with_district(&d)
            }
            ReadingsError::InvalidQuery(_) => Self::bad_request("invalid_query", message),
            ReadingsError::Storage(e) => {
                tracing::warn!(error = %e, "readings query failed");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the database did not answer; try again",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}
