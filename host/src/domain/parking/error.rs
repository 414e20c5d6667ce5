//! Why a parking operation failed. The HTTP layer maps each variant to a
//! status and a stable code.

use crate::runtime::PluginError;
use crate::storage::StorageError;

/// Why a parking operation failed.
#[derive(Debug, thiserror::Error)]
pub enum ParkingError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The district has no pricing plugin.
    #[error("district {0:?} has no parking-pricing plugin")]
    NoPricing(String),
    /// The district has no payment plugin.
    #[error("district {0:?} has no payment plugin")]
    NoPayment(String),
    /// No such car park in the district.
    #[error("no car park {0:?} in this district")]
    UnknownCarPark(String),
    /// No such space (in that car park).
    #[error("no space {0:?} here")]
    UnknownSpace(String),
    /// No such reservation in the district.
    #[error("no reservation {0:?} in this district")]
    UnknownReservation(String),
    /// The stay itself is wrong (window, length ...).
    #[error("invalid stay: {0}")]
    InvalidStay(String),
    /// A query parameter is wrong.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// The district does not offer this stay.
    #[error("not offered: {0}")]
    NotOffered(String),
    /// The district's policy does not let shoppers reserve this.
    #[error("not reservable: {0}")]
    NotReservable(String),
    /// Every fitting space is taken for that window.
    #[error("no free space of category {category:?} in car park {car_park:?} for that window")]
    NoSpace {
        /// The car park.
        car_park: String,
        /// The category asked for.
        category: String,
    },
    /// The reservation's state does not allow this.
    #[error("reservation {id:?} is {status}: {why}")]
    WrongState {
        /// The reservation.
        id: String,
        /// Its status.
        status: String,
        /// What was refused.
        why: &'static str,
    },
    /// The payment provider declined the payment; the hold stands.
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// The payment provider refused the operation.
    #[error("payment refused: {0}")]
    PaymentRefused(String),
    /// A plugin failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}
