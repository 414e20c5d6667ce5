//! The one place errors become HTTP responses: a status and a JSON body
//! `{"code": ..., "message": ...}` with `district`, `plugin` and `reason`
//! when a plugin is at fault. `code` is stable; `message` is for people.

use crate::domain::commerce::CommerceError;
use crate::domain::parking::ParkingError;
use crate::runtime::{PluginError, PluginFailure};
use crate::storage::StorageError;
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

impl From<CommerceError> for ApiError {
    fn from(e: CommerceError) -> Self {
        use CommerceError as E;
        let message = e.to_string();
        let (status, code) = match e {
            E::UnknownDistrict(_) => (StatusCode::NOT_FOUND, "unknown_district"),
            E::NoCommerce(_) => (StatusCode::NOT_FOUND, "no_commerce"),
            E::UnknownMerchant(_) => (StatusCode::NOT_FOUND, "unknown_merchant"),
            E::UnknownItem(_) => (StatusCode::NOT_FOUND, "unknown_item"),
            E::UnknownOrder(_) => (StatusCode::NOT_FOUND, "unknown_order"),
            E::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            E::OutOfStock(_) => (StatusCode::CONFLICT, "out_of_stock"),
            E::InvalidTransition { .. } => (StatusCode::CONFLICT, "invalid_transition"),
            E::WrongPickupCode(_) => (StatusCode::FORBIDDEN, "wrong_pickup_code"),
            E::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            E::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            E::NoPaymentProvider(_) => (StatusCode::SERVICE_UNAVAILABLE, "no_payment_provider"),
            E::PaymentDeclined(_) => (StatusCode::PAYMENT_REQUIRED, "payment_declined"),
            E::PaymentFailed(_) => (StatusCode::BAD_GATEWAY, "payment_failed"),
            E::NotEligible(_) => (StatusCode::FORBIDDEN, "no_completed_order"),
            E::AlreadyReviewed(_) => (StatusCode::CONFLICT, "already_reviewed"),
            E::ClaimRefused(_) => (StatusCode::UNPROCESSABLE_ENTITY, "claim_refused"),
            E::FundExhausted(_) => (StatusCode::CONFLICT, "fund_exhausted"),
            E::Duplicate(_) => (StatusCode::CONFLICT, "already_exists"),
            E::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            E::Plugin(e) => return e.into(),
            E::Storage(e) => return e.into(),
        };
        Self::new(status, code, message)
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        tracing::error!(error = %e, "storage failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage_failed",
            "the database failed; try again",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}
