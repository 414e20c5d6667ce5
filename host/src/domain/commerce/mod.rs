//! District commerce (O2O): merchants and their catalogue, carts priced by
//! the district's promotion plugins, orders picked up in store or
//! delivered and paid through its payment plugin, reviews, and
//! "compensation paid first" out of a district guarantee fund.
//!
//! - `combine`: the documented rule combining promotion offers, and the
//!   checks every offer goes through.
//! - `pricing`: pricing a cart through the promotion plugins.
//! - `orders`: placing, paying, cancelling and fulfilling orders.
//! - `catalogue`: search, merchant tokens and a merchant's own catalogue.
//! - `trust`: reviews, claims and the guarantee fund.
//!
//! Shoppers are identified by the id the caller passes; authenticating
//! them is out of scope here. Merchants are authenticated by tokens.

mod catalogue;
pub mod combine;
mod orders;
mod pricing;
mod trust;

pub use catalogue::{ItemChange, MerchantIdentity, NewItemRequest};
pub use orders::{Fulfilment, OrderRequest, ShopperOrder};
pub use pricing::{CartItem, CartRequest, PricedCart, PricedLine, PromotionOutcome};
pub use trust::{ClaimRequest, FundView, Recovery, ReviewRequest};

use crate::config::{CommerceData, PlazaConfig, PluginKind};
use crate::registry::Registry;
use crate::runtime::{PluginError, Runtime};
use crate::storage::commerce::{CommerceWriteError, ItemRecord, MerchantRecord};
use crate::storage::{CommerceStore, StorageError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a commerce operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum CommerceError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The district has no commerce data.
    #[error("district {0:?} has no commerce")]
    NoCommerce(String),
    /// No such merchant in the district.
    #[error("no merchant {0:?}")]
    UnknownMerchant(String),
    /// No such item in the district.
    #[error("no item {0:?}")]
    UnknownItem(String),
    /// No such order (or not this shopper's).
    #[error("no order {0:?}")]
    UnknownOrder(String),
    /// The request itself is wrong.
    #[error("{0}")]
    InvalidRequest(String),
    /// Not enough stock.
    #[error("not enough stock of {0:?}")]
    OutOfStock(String),
    /// The order's state does not allow this.
    #[error("order {order:?} is {status}: cannot {action}")]
    InvalidTransition {
        /// The order.
        order: String,
        /// Its state.
        status: String,
        /// What was asked.
        action: &'static str,
    },
    /// The pick-up code shown at the counter is not the order's.
    #[error("wrong pick-up code for order {0:?}")]
    WrongPickupCode(String),
    /// No merchant token, or an unknown one.
    #[error("a valid merchant token is required (Authorization: Bearer ...)")]
    Unauthorized,
    /// The merchant token belongs to another merchant or district.
    #[error("{0}")]
    Forbidden(String),
    /// The district has no payment plugin.
    #[error("district {0:?} has no payment plugin")]
    NoPaymentProvider(String),
    /// The payment provider declined the payment.
    #[error("payment declined: {0}")]
    PaymentDeclined(String),
    /// The payment provider refused or failed the operation.
    #[error("payment failed: {0}")]
    PaymentFailed(String),
    /// Only a shopper with a completed order at the merchant may review it.
    #[error("{0}")]
    NotEligible(String),
    /// The order already has a review.
    #[error("order {0:?} already has a review")]
    AlreadyReviewed(String),
    /// The claim is outside the district's policy.
    #[error("claim refused: {0}")]
    ClaimRefused(String),
    /// The guarantee fund cannot cover the payout.
    #[error("the guarantee fund cannot cover a payout of {0}")]
    FundExhausted(i64),
    /// A row with this id already exists.
    #[error("{0} already exists")]
    Duplicate(String),
    /// Something changed meanwhile; retry.
    #[error("{0}")]
    Conflict(String),
    /// A plugin the operation needs failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// One district's commerce setup.
pub(crate) struct DistrictCommerce {
    /// Its data file's contents (policy, seed catalogue).
    pub(crate) data: CommerceData,
    /// Its promotion plugins' ids, in priority (config) order.
    pub(crate) promotions: Vec<String>,
}

/// Commerce services of every district.
#[derive(Clone)]
pub struct CommerceService {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    store: CommerceStore,
    districts: Arc<BTreeMap<String, DistrictCommerce>>,
}

impl CommerceService {
    /// A service over the districts of `config` that have commerce data.
    pub fn new(
        config: &PlazaConfig,
        registry: Arc<Registry>,
        runtime: Arc<Runtime>,
        store: CommerceStore,
    ) -> Self {
        let districts = config
            .districts
            .iter()
            .filter_map(|d| {
                let data = d.commerce_data.clone()?;
                let promotions = d
                    .plugins
                    .iter()
                    .filter(|p| p.kind == PluginKind::Promotion)
                    .map(|p| p.id.clone())
                    .collect();
                Some((d.id.clone(), DistrictCommerce { data, promotions }))
            })
            .collect();
        Self {
            registry,
            runtime,
            store,
            districts: Arc::new(districts),
        }
    }

    /// Seeds every district's merchants and catalogue from its data file
    /// and opens its guarantee fund. What exists already is left as it is,
    /// so restarts never reset stock, prices, ratings or the fund.
    pub async fn seed(&self) -> Result<(), StorageError> {
        for (district, setup) in self.districts.iter() {
            let data = &setup.data;
            for m in &data.merchants {
                let record = MerchantRecord {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    category: m.category.clone(),
                    floor: m.floor.clone(),
                    opening_hours: m.opening_hours.clone(),
                    location: m.location.clone(),
                    rating_count: 0,
                    rating_average: None,
                };
                self.store.seed_merchant(district, &record).await?;
                for i in &m.items {
                    let item = ItemRecord {
                        id: i.id.clone(),
                        merchant: m.id.clone(),
                        name: i.name.clone(),
                        kind: i.kind.clone(),
                        category: i.category.clone().unwrap_or_else(|| m.category.clone()),
                        description: i.description.clone(),
                        price: i.price,
                        stock: i.stock,
                    };
                    self.store.seed_item(district, &item).await?;
                }
            }
            let g = &data.guarantee;
            self.store
                .open_fund(district, &g.currency, g.fund_initial_balance)
                .await?;
            tracing::info!(district = %district, merchants = data.merchants.len(),
                promotions = setup.promotions.len(), "commerce seeded");
        }
        Ok(())
    }

    /// The district's commerce setup, or why there is none.
    pub(crate) fn district(&self, district: &str) -> Result<&DistrictCommerce, CommerceError> {
        if self.registry.district(district).is_none() {
            return Err(CommerceError::UnknownDistrict(district.to_owned()));
        }
        self.districts
            .get(district)
            .ok_or_else(|| CommerceError::NoCommerce(district.to_owned()))
    }
}

impl From<CommerceWriteError> for CommerceError {
    fn from(e: CommerceWriteError) -> Self {
        match e {
            CommerceWriteError::OutOfStock(item) => CommerceError::OutOfStock(item),
            CommerceWriteError::Conflict => {
                CommerceError::Conflict("changed meanwhile; read it again and retry".into())
            }
            CommerceWriteError::Duplicate => CommerceError::Duplicate("it".into()),
            CommerceWriteError::FundExhausted(amount) => CommerceError::FundExhausted(amount),
            CommerceWriteError::Storage(e) => CommerceError::Storage(e),
        }
    }
}
