//! Why a control-centre request failed; `http::error` maps each case to
//! a status and a stable code.

use crate::admin::AdminError;
use crate::domain::readings::ReadingsError;
use crate::storage::StorageError;

/// A control-centre failure.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// No token and no session, or an unknown one.
    #[error("{0}")]
    Unauthorized(String),
    /// The caller may not watch this district.
    #[error("{0}")]
    Forbidden(String),
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// No such alert (or none the caller may see).
    #[error("no alert {0:?}")]
    UnknownAlert(String),
    /// The alert is not in a state that allows this.
    #[error("{0}")]
    AlertState(String),
    /// The request is inconsistent.
    #[error("{0}")]
    InvalidQuery(String),
    /// Something that should not fail did.
    #[error("{0}")]
    Internal(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<ReadingsError> for ControlError {
    fn from(e: ReadingsError) -> Self {
        match e {
            ReadingsError::UnknownDistrict(d) => ControlError::UnknownDistrict(d),
            ReadingsError::InvalidQuery(q) => ControlError::InvalidQuery(q),
            ReadingsError::Storage(s) => ControlError::Storage(s),
        }
    }
}

impl From<AdminError> for ControlError {
    fn from(e: AdminError) -> Self {
        match e {
            AdminError::Unauthorized(m) => ControlError::Unauthorized(m),
            AdminError::Forbidden(m) => ControlError::Forbidden(m),
            AdminError::UnknownDistrict(d) => ControlError::UnknownDistrict(d),
            AdminError::Storage(s) => ControlError::Storage(s),
            other => ControlError::Internal(other.to_string()),
        }
    }
}
