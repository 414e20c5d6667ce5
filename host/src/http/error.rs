//! The one place errors become HTTP responses: a status and a JSON body
//! `{"code": ..., "message": ...}` with `district`, `plugin` and `reason`
//! when a plugin is at fault. `code` is stable; `message` is for people.

use crate::admin::AdminError;
use crate::control::ControlError;
use crate::domain::commerce::CommerceError;
use crate::domain::logistics::LogisticsError;
use crate::domain::parking::ParkingError;
use crate::domain::public_services::PublicServiceError;
use crate::domain::readings::ReadingsError;
use crate::runtime::{PluginError, PluginFailure};
use crate::storage::StorageError;
use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
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
    /// Further structured facts, e.g. the capabilities an upgrade adds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Box<serde_json::Value>>,
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
            details: None,
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
        if let PluginFailure::Unavailable(retry_ms) = e.failure {
            return Self {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code: "plugin_unavailable",
                message: e.to_string(),
                district: Some(e.district.to_string()),
                plugin: Some(e.plugin.to_string()),
                reason: Some(e.failure.code()),
                details: Some(Box::new(serde_json::json!({ "retry_after_ms": retry_ms }))),
            };
        }
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
            details: None,
        }
    }
}

impl From<AdminError> for ApiError {
    fn from(e: AdminError) -> Self {
        let message = e.to_string();
        match e {
            AdminError::Unauthorized(_) => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            AdminError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            AdminError::UnknownDistrict(d) => {
                Self::not_found("unknown_district", message).with_district(&d)
            }
            AdminError::UnknownPlugin { district, plugin } => {
                let mut e = Self::not_found("unknown_plugin", message).with_district(&district);
                e.plugin = Some(plugin);
                e
            }
            AdminError::UnknownDevice { district, .. } => {
                Self::not_found("unknown_device", message).with_district(&district)
            }
            AdminError::UnknownVersion { .. } => Self::not_found("unknown_version", message),
            AdminError::Rejected { code, .. } => {
                Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            AdminError::ApprovalRequired { version, added } => {
                let mut e = Self::new(StatusCode::CONFLICT, "approval_required", message);
                e.details = Some(Box::new(serde_json::json!({
                    "version": version,
                    "added_capabilities": added,
                })));
                e
            }
            AdminError::ActivationFailed(_) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "activation_failed",
                message,
            ),
            AdminError::NothingToRollBack(_) => {
                Self::new(StatusCode::CONFLICT, "nothing_to_roll_back", message)
            }
            AdminError::BadRequest(code, _) => Self::bad_request(code, message),
            AdminError::Storage(e) => {
                tracing::error!(error = %e, "admin request failed in storage");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "storage_failed",
                    "the database failed; see the server log",
                )
            }
        }
    }
}

impl From<ParkingError> for ApiError {
    fn from(e: ParkingError) -> Self {
        let message = e.to_string();
        let unprocessable = |code| Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, &message);
        let conflict = |code| Self::new(StatusCode::CONFLICT, code, &message);
        match e {
            ParkingError::UnknownDistrict(d) => {
                Self::not_found("unknown_district", message).with_district(&d)
            }
            ParkingError::NoPricing(d) => {
                Self::not_found("no_parking_pricing", message).with_district(&d)
            }
            ParkingError::NoPayment(d) => {
                Self::not_found("no_payment_provider", message).with_district(&d)
            }
            ParkingError::UnknownCarPark(_) => Self::not_found("unknown_car_park", message),
            ParkingError::UnknownSpace(_) => Self::not_found("unknown_space", message),
            ParkingError::UnknownReservation(_) => Self::not_found("unknown_reservation", message),
            ParkingError::InvalidStay(_) => unprocessable("invalid_stay"),
            ParkingError::InvalidQuery(_) => Self::bad_request("invalid_query", message),
            ParkingError::NotOffered(_) => unprocessable("not_offered"),
            ParkingError::NotReservable(_) => unprocessable("not_reservable"),
            ParkingError::NoSpace { .. } => conflict("no_space"),
            ParkingError::WrongState { .. } => conflict("reservation_state"),
            ParkingError::PaymentDeclined(_) => {
                Self::new(StatusCode::PAYMENT_REQUIRED, "payment_declined", message)
            }
            ParkingError::PaymentRefused(_) => unprocessable("payment_refused"),
            ParkingError::Plugin(e) => e.into(),
            ParkingError::Storage(e) => e.into(),
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

impl From<LogisticsError> for ApiError {
    fn from(e: LogisticsError) -> Self {
        use LogisticsError as E;
        let message = e.to_string();
        let (status, code) = match e {
            E::UnknownDistrict(d) => {
                return Self::not_found("unknown_district", message).with_district(&d);
            }
            E::NoLogistics(d, _) => {
                return Self::not_found("no_logistics", message).with_district(&d);
            }
            E::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            E::OutsideArea(_) => (StatusCode::UNPROCESSABLE_ENTITY, "outside_delivery_area"),
            E::SlaNotOffered(_) => (StatusCode::UNPROCESSABLE_ENTITY, "sla_not_offered"),
            E::UnknownQuote(_) => (StatusCode::NOT_FOUND, "unknown_quote"),
            E::QuoteExpired(_) => (StatusCode::GONE, "quote_expired"),
            E::NoOffer(_) => (StatusCode::UNPROCESSABLE_ENTITY, "no_offer"),
            E::UnknownDelivery(_) => (StatusCode::NOT_FOUND, "unknown_delivery"),
            E::InvalidTransition { .. } => (StatusCode::CONFLICT, "delivery_state"),
            E::CourierRefused(_) => (StatusCode::BAD_GATEWAY, "courier_refused"),
            E::OrderBusy(_) => (StatusCode::CONFLICT, "order_has_delivery"),
            E::Commerce(e) => return e.into(),
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

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> Self {
        let status = match e {
            JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::new(status, "invalid_json", e.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        Self::bad_request("invalid_query", e.body_text())
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

impl From<PublicServiceError> for ApiError {
    fn from(e: PublicServiceError) -> Self {
        use PublicServiceError as E;
        let message = e.to_string();
        let (status, code) = match e {
            E::UnknownDistrict(d) => {
                return Self::not_found("unknown_district", message).with_district(&d);
            }
            E::InvalidRequest(_) => (StatusCode::BAD_REQUEST, "invalid_request"),
            E::NoProvider(_) => (StatusCode::NOT_FOUND, "no_public_service"),
            E::NoPayment(_) => (StatusCode::NOT_FOUND, "no_payment_provider"),
            E::UnknownBill(_) => (StatusCode::NOT_FOUND, "unknown_bill"),
            E::AlreadyPaid(_) => (StatusCode::CONFLICT, "bill_already_paid"),
            E::PaymentInProgress(_) => (StatusCode::CONFLICT, "payment_in_progress"),
            E::PaymentDeclined(_) => (StatusCode::PAYMENT_REQUIRED, "payment_declined"),
            E::PaymentRefused(_) => (StatusCode::UNPROCESSABLE_ENTITY, "payment_refused"),
            E::ProviderRefused(_) => (StatusCode::UNPROCESSABLE_ENTITY, "provider_refused"),
            E::ProviderUnavailable(_) => (StatusCode::BAD_GATEWAY, "provider_unavailable"),
            E::UnknownBroadcast(_) => (StatusCode::NOT_FOUND, "unknown_broadcast"),
            E::BroadcastEnded(_) => (StatusCode::CONFLICT, "broadcast_ended"),
            E::Plugin(e) => return e.into(),
            E::Storage(e) => return e.into(),
        };
        Self::new(status, code, message)
    }
}

impl From<ControlError> for ApiError {
    fn from(e: ControlError) -> Self {
        let message = e.to_string();
        match e {
            ControlError::Unauthorized(_) => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            ControlError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            ControlError::UnknownDistrict(d) => {
                Self::not_found("unknown_district", message).with_district(&d)
            }
            ControlError::UnknownAlert(_) => Self::not_found("unknown_alert", message),
            ControlError::AlertState(_) => Self::new(StatusCode::CONFLICT, "alert_state", message),
            ControlError::InvalidQuery(_) => Self::bad_request("invalid_query", message),
            ControlError::Internal(_) => {
                tracing::error!(error = %message, "control centre failed");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
            }
            ControlError::Storage(e) => e.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(&self)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer realm=\"plaza-admin\""),
            );
        }
        let retry_ms = self
            .details
            .as_ref()
            .and_then(|d| d["retry_after_ms"].as_u64());
        if let Some(ms) = retry_ms {
            let secs = ms.div_ceil(1000).max(1);
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response
    }
}
