//! What the logistics API takes and returns. Instants are milliseconds
//! since the Unix epoch; amounts are minor units.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A place to collect from or deliver to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaceBody {
    /// Street address, 1-500 bytes.
    pub address: String,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
}

/// How big a parcel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ParcelSizeBody {
    /// Fits a document bag or a small box.
    Small,
    /// A box carried with both hands.
    Medium,
    /// Needs a cargo bike or a van.
    Large,
}

/// What is carried.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParcelBody {
    /// Weight in grams, 1 to 1,000,000.
    pub weight_grams: u32,
    /// Size class.
    pub size: ParcelSizeBody,
}

/// A request for courier offers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteRequestBody {
    /// Where the courier collects.
    pub pickup: PlaceBody,
    /// Where the parcel goes; its zone decides the SLA classes offered.
    pub dropoff: PlaceBody,
    /// What is carried.
    pub parcel: ParcelBody,
    /// SLA class wanted, e.g. `instant`; default the zone's first.
    #[serde(default)]
    pub sla: Option<String>,
}

/// One courier's offer, ranked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OfferView {
    /// The courier plugin's id.
    pub courier: String,
    /// The courier's id for the offer.
    pub offer_id: String,
    /// Its fee, minor units.
    pub fee: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// When the courier expects to deliver.
    pub eta: i64,
    /// Until when it can be dispatched.
    pub expires_at: i64,
    /// Whether its ETA meets the quote's deadline.
    pub meets_deadline: bool,
}

/// A courier that made no offer, and why.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuoteFailure {
    /// The courier plugin's id.
    pub courier: String,
    /// What went wrong.
    pub reason: String,
}

/// Offers from every courier of the district.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QuoteView {
    /// Quote id, to dispatch from.
    pub id: String,
    /// District id.
    pub district: String,
    /// The drop-off's zone.
    pub zone: String,
    /// The SLA class promised.
    pub sla: String,
    /// The latest delivery that keeps the SLA if dispatched now.
    pub deadline: i64,
    /// The district's pick rule: `cheapest` or `fastest`.
    pub rule: String,
    /// The offer the rule picks, if any meets the deadline.
    pub pick: Option<OfferView>,
    /// Every offer: those meeting the deadline first, in the rule's order.
    pub offers: Vec<OfferView>,
    /// Couriers that made no offer.
    pub failures: Vec<QuoteFailure>,
    /// When quoted.
    pub created_at: i64,
}

/// One offer of a quote, named by courier and offer id.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferChoice {
    /// The courier plugin's id.
    pub courier: String,
    /// The courier's offer id.
    pub offer_id: String,
}

/// A delivery to dispatch.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchRequestBody {
    /// The quote to dispatch from.
    pub quote_id: String,
    /// An offer of it; default the rule's pick (then the next ones, if a
    /// courier refuses).
    #[serde(default)]
    pub offer: Option<OfferChoice>,
    /// A commerce delivery order waiting for a courier; needs the
    /// merchant's bearer token, and the quote's drop-off address must be
    /// the order's.
    #[serde(default)]
    pub order_id: Option<String>,
}

/// One entry of a delivery's history.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatusEntry {
    /// `assigning`, `picked-up`, `in-transit`, `delivered`, `failed` or
    /// `cancelled`.
    pub status: String,
    /// When the delivery reached it, as the courier says.
    pub at: i64,
    /// What the courier added.
    pub detail: Option<String>,
    /// When the host learnt of it.
    pub recorded_at: i64,
}

/// A compensation claim opened by an SLA breach.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ClaimView {
    /// Claim id.
    pub id: String,
    /// The delivery.
    pub delivery_id: String,
    /// Its commerce order, if any.
    pub order_id: Option<String>,
    /// `late` or `not-delivered`.
    pub reason: String,
    /// Compensation due, minor units.
    pub amount: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `paid` (from the guarantee fund) or `open` (awaiting settlement).
    pub status: String,
    /// The commerce claim that paid it.
    pub commerce_claim_id: Option<String>,
    /// What happened.
    pub note: String,
    /// Opened.
    pub created_at: i64,
}

/// A delivery with its history and any claim.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryView {
    /// Delivery id.
    pub id: String,
    /// District id.
    pub district: String,
    /// The quote it came from.
    pub quote_id: String,
    /// The commerce order it carries.
    pub order_id: Option<String>,
    /// The courier plugin's id.
    pub courier: String,
    /// The courier's offer id.
    pub offer_id: String,
    /// The courier's reference for it.
    pub courier_reference: Option<String>,
    /// The courier's fee, minor units.
    pub fee: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// The courier's ETA when booked.
    pub eta: i64,
    /// The drop-off's zone.
    pub zone: String,
    /// The SLA class promised.
    pub sla: String,
    /// The SLA deadline.
    pub deadline: i64,
    /// Where from.
    pub pickup: PlaceBody,
    /// Where to.
    pub dropoff: PlaceBody,
    /// What.
    pub parcel: ParcelBody,
    /// Current status.
    pub status: String,
    /// When it reached it.
    pub status_at: i64,
    /// The courier's latest detail.
    pub detail: Option<String>,
    /// `late` or `not-delivered` when the SLA was broken.
    pub breach: Option<String>,
    /// Every status, oldest first.
    pub history: Vec<StatusEntry>,
    /// The compensation claim, if the SLA was broken.
    pub claim: Option<ClaimView>,
    /// Dispatched.
    pub created_at: i64,
}
