//! District logistics: courier plugins quote, dispatch and track
//! deliveries; the host holds the SLA. A drop-off's zone decides which
//! SLA classes are offered (e.g. instant or 4 h in the main urban area,
//! 24 h to outer districts); every courier of the district is asked for
//! offers at once, the district's rule (`cheapest` or `fastest`) picks
//! among those meeting the deadline, and a background task tracks the
//! delivery until it ends. A delivery that ends late, or is still under
//! way at its deadline, or fails, opens a compensation claim — paid from
//! the district's guarantee fund ("compensation paid first") when it
//! carries a commerce order.
//!
//! - `geo`: distances and zones.
//! - `quotes`: asking the couriers and ranking their offers.
//! - `dispatch`: booking an offer, cancelling, reading a delivery.
//! - `follow`: tracking a delivery to its end, its SLA and claims.
//! - `views`: the request and response shapes.

mod dispatch;
mod follow;
mod geo;
mod quotes;
mod views;

pub use views::{
    ClaimView, DeliveryView, DispatchRequestBody, OfferChoice, OfferView, ParcelBody,
    ParcelSizeBody, PlaceBody, QuoteFailure, QuoteRequestBody, QuoteView, StatusEntry,
};

use crate::config::{LogisticsData, PlazaConfig, PluginKind};
use crate::domain::commerce::{CommerceError, CommerceService};
use crate::registry::Registry;
use crate::runtime::{PluginError, Runtime};
use crate::storage::logistics::LogisticsWriteError;
use crate::storage::{LogisticsStore, StorageError};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Why a logistics operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum LogisticsError {
    /// No such district.
    #[error("no district {0:?}")]
    UnknownDistrict(String),
    /// The district has no logistics data or no courier.
    #[error("district {0:?} delivers nothing: {1}")]
    NoLogistics(String, &'static str),
    /// The request itself is wrong.
    #[error("{0}")]
    InvalidRequest(String),
    /// The drop-off lies in none of the district's zones.
    #[error("{0}")]
    OutsideArea(String),
    /// The SLA class asked for is not offered into the drop-off's zone.
    #[error("{0}")]
    SlaNotOffered(String),
    /// No such quote in the district.
    #[error("no quote {0:?}")]
    UnknownQuote(String),
    /// Every offer of the quote has expired.
    #[error("quote {0:?} has expired; ask for a new one")]
    QuoteExpired(String),
    /// No offer fits: none was made, the one named is not in the quote,
    /// or it would miss the deadline.
    #[error("{0}")]
    NoOffer(String),
    /// No such delivery in the district.
    #[error("no delivery {0:?}")]
    UnknownDelivery(String),
    /// The delivery's state does not allow this.
    #[error("delivery {id:?} is {status}: cannot {action}")]
    InvalidTransition {
        /// The delivery.
        id: String,
        /// Its status.
        status: String,
        /// What was asked.
        action: &'static str,
    },
    /// Every courier asked refused the booking.
    #[error("no courier booked the delivery: {0}")]
    CourierRefused(String),
    /// The order already has a delivery under way.
    #[error("order {0:?} already has a delivery under way")]
    OrderBusy(String),
    /// The commerce order could not be handed over.
    #[error(transparent)]
    Commerce(#[from] CommerceError),
    /// A courier plugin failed.
    #[error(transparent)]
    Plugin(#[from] PluginError),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// One district's logistics setup.
pub(crate) struct DistrictLogistics {
    /// Its data file's contents (zones, SLA classes, pick rule).
    pub(crate) data: LogisticsData,
    /// Its courier plugins' ids, in config order.
    pub(crate) couriers: Vec<String>,
}

/// Logistics services of every district.
#[derive(Clone)]
pub struct LogisticsService {
    registry: Arc<Registry>,
    runtime: Arc<Runtime>,
    store: LogisticsStore,
    commerce: CommerceService,
    districts: Arc<BTreeMap<String, DistrictLogistics>>,
}

impl LogisticsService {
    /// A service over the districts of `config` that have logistics data.
    pub fn new(
        config: &PlazaConfig,
        registry: Arc<Registry>,
        runtime: Arc<Runtime>,
        store: LogisticsStore,
        commerce: CommerceService,
    ) -> Self {
        let districts = config
            .districts
            .iter()
            .filter_map(|d| {
                let data = d.logistics_data.clone()?;
                let couriers = d
                    .plugins
                    .iter()
                    .filter(|p| p.kind == PluginKind::Logistics)
                    .map(|p| p.id.clone())
                    .collect();
                Some((d.id.clone(), DistrictLogistics { data, couriers }))
            })
            .collect();
        Self {
            registry,
            runtime,
            store,
            commerce,
            districts: Arc::new(districts),
        }
    }

    /// The district's logistics setup, or why there is none.
    pub(crate) fn district(&self, district: &str) -> Result<&DistrictLogistics, LogisticsError> {
        if self.registry.district(district).is_none() {
            return Err(LogisticsError::UnknownDistrict(district.to_owned()));
        }
        let setup = self.districts.get(district).ok_or_else(|| {
            LogisticsError::NoLogistics(district.to_owned(), "it has no logistics data file")
        })?;
        if setup.couriers.is_empty() {
            let why = "it has no courier plugin";
            return Err(LogisticsError::NoLogistics(district.to_owned(), why));
        }
        Ok(setup)
    }
}

impl From<LogisticsWriteError> for LogisticsError {
    fn from(e: LogisticsWriteError) -> Self {
        match e {
            LogisticsWriteError::OrderBusy => LogisticsError::OrderBusy(String::new()),
            LogisticsWriteError::Storage(e) => LogisticsError::Storage(e),
        }
    }
}

/// Milliseconds since the Unix epoch, now.
fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
