//! What an operator's request can fail with; the HTTP layer maps each to
//! a status and a stable code.

use crate::runtime::Capability;
use crate::storage::StorageError;

/// Why an admin action was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    /// No token, or one that is unknown or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// A valid token that may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The district has no such plugin.
    #[error("district {district:?} has no plugin {plugin:?}")]
    UnknownPlugin {
        /// District id.
        district: String,
        /// Plugin id.
        plugin: String,
    },
    /// The district has no such device.
    #[error("district {district:?} has no device {device:?}")]
    UnknownDevice {
        /// District id.
        district: String,
        /// Device id.
        device: String,
    },
    /// The plugin has no such version.
    #[error("plugin {plugin:?} has no version {version}")]
    UnknownVersion {
        /// Plugin id.
        plugin: String,
        /// The version asked for.
        version: i64,
    },
    /// An uploaded component was refused; `code` says which check failed.
    #[error("{reason}")]
    Rejected {
        /// Stable code: `not_a_component`, `unsupported_world` ...
        code: &'static str,
        /// What is wrong, for people.
        reason: String,
    },
    /// The version asks for capabilities the serving one did not use; it
    /// must be approved explicitly.
    #[error(
        "version {version} asks for more than the serving version: {}; approve to activate",
        list(added)
    )]
    ApprovalRequired {
        /// The version asked for.
        version: i64,
        /// Capabilities it adds.
        added: Vec<Capability>,
    },
    /// Loading the version failed; the old version keeps serving.
    #[error("activation failed, the previous version keeps serving: {0}")]
    ActivationFailed(String),
    /// There is no earlier version to roll back to.
    #[error("{0}")]
    NothingToRollBack(String),
    /// The request itself is malformed.
    #[error("{1}")]
    BadRequest(&'static str, String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

fn list(caps: &[Capability]) -> String {
    caps.iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
