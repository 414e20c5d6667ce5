//! What a public-services request can fail with; the HTTP layer maps
//! each to a status and a stable code.

use crate::runtime::PluginError;
use crate::storage::StorageError;

/// Why a facilities search, bill payment or broadcast failed.
#[derive(Debug, thiserror::Error)]
pub enum PublicServiceError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// A query or body value is wrong; the text names it.
    #[error("{0}")]
    InvalidRequest(String),
    /// The district has no public-service plugin for bills.
    #[error("district {0:?} has no public-service plugin")]
    NoProvider(String),
    /// The district has no payment plugin.
    #[error("district {0:?} has no payment plugin")]
    NoPayment(String),
    /// The provider has no such bill, or the account owes nothing.
    #[error("{0}")]
    UnknownBill(String),
    /// The bill is already paid.
    #[error("{0}")]
    AlreadyPaid(String),
    /// Another payment of the bill is under way.
    #[error("{0}")]
    PaymentInProgress(String),
    /// The payment provider declined the shopper's payment.
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// The payment plugin refused the request.
    #[error("payment refused: {0}")]
    PaymentRefused(String),
    /// The utility provider refused the request.
    #[error("the utility provider refused: {0}")]
    ProviderRefused(String),
    /// The utility provider could not be reached or failed.
    #[error("the utility provider is unavailable: {0}")]
    ProviderUnavailable(String),
    /// No such broadcast.
    #[error("no broadcast {0:?}")]
    UnknownBroadcast(String),
    /// The broadcast already expired or was withdrawn.
    #[error("broadcast {0:?} already ended")]
    BroadcastEnded(String),
    /// A plugin failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}
