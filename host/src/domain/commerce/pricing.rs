//! Cart pricing: look every line up in the catalogue, ask each of the
//! district's promotion plugins for an offer (concurrently, each under its
//! own deadline), check and combine the offers by the rule in `combine`.

use super::combine::{self, Proposed, ProposedOffer};
use super::{CommerceError, CommerceService};
use crate::runtime::{self, CartLine, CouponUse, PromotionCart, PromotionShopper};
use crate::storage::commerce::{DiscountRecord, ItemRecord};
use serde::{Deserialize, Serialize};
use std::time::Instant;
use utoipa::ToSchema;

/// Most lines in one cart.
pub const MAX_LINES: usize = 100;
/// Most units of one line.
pub const MAX_QUANTITY: u32 = 999;

/// One line the shopper wants.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartItem {
    /// Catalogue item id.
    pub item: String,
    /// Units, 1-999.
    pub quantity: u32,
}

/// A cart to price.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CartRequest {
    /// Its lines.
    pub items: Vec<CartItem>,
    /// Coupon codes entered.
    #[serde(default)]
    pub coupon_codes: Vec<String>,
}

/// A priced line.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PricedLine {
    /// Catalogue item id.
    pub item: String,
    /// Merchant selling it.
    pub merchant: String,
    /// Name.
    pub name: String,
    /// Category.
    pub category: String,
    /// Price of one unit.
    pub unit_price: i64,
    /// Units.
    pub quantity: u32,
    /// Discounts granted on this line itself.
    pub discount: i64,
}

/// What one promotion plugin did for this cart.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PromotionOutcome {
    /// The plugin's id.
    pub plugin: String,
    /// `applied`, `not-chosen` (beaten by a better combination), `nothing`
    /// (no discount for this cart), `declined` or `failed`.
    pub status: String,
    /// Whether its offer refused to combine.
    pub exclusive: bool,
    /// What its offer saves on its own, after the checks.
    pub saving: i64,
    /// Discounts dropped as invalid.
    pub dropped: u32,
    /// Discounts clamped to what was left of their line or cart.
    pub clamped: u32,
    /// Why it failed or declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A priced cart.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PricedCart {
    /// ISO 4217 code.
    pub currency: String,
    /// Its lines.
    pub lines: Vec<PricedLine>,
    /// Discounts granted, by plugin.
    pub discounts: Vec<DiscountRecord>,
    /// Sum of the lines before discounts.
    pub subtotal: i64,
    /// Sum of the discounts.
    pub discount: i64,
    /// What the shopper pays; never below zero.
    pub total: i64,
    /// What each promotion plugin did.
    pub promotions: Vec<PromotionOutcome>,
    /// Time spent waiting on the promotion plugins, in microseconds.
    pub promotion_micros: u64,
}

impl CommerceService {
    /// Prices `cart` for `shopper` in `district`.
    pub async fn price_cart(
        &self,
        district: &str,
        shopper: &str,
        cart: &CartRequest,
    ) -> Result<PricedCart, CommerceError> {
        let setup = self.district(district)?;
        check_shopper(shopper)?;
        if cart.items.is_empty() || cart.items.len() > MAX_LINES {
            let why = format!("a cart holds 1 to {MAX_LINES} lines");
            return Err(CommerceError::InvalidRequest(why));
        }
        if cart.coupon_codes.len() > 10 || cart.coupon_codes.iter().any(|c| c.len() > 64) {
            let why = "at most 10 coupon codes of up to 64 characters".into();
            return Err(CommerceError::InvalidRequest(why));
        }
        let mut items: Vec<(ItemRecord, u32)> = Vec::with_capacity(cart.items.len());
        for line in &cart.items {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                let why = format!("quantity of {:?} must be 1 to {MAX_QUANTITY}", line.item);
                return Err(CommerceError::InvalidRequest(why));
            }
            let item = self
                .store
                .item(district, &line.item)
                .await?
                .ok_or_else(|| CommerceError::UnknownItem(line.item.clone()))?;
            items.push((item, line.quantity));
        }
        let currency = setup.data.guarantee.currency.clone();
        let lines: Vec<CartLine> = items
            .iter()
            .map(|(i, q)| CartLine {
                item: i.id.clone(),
                merchant: i.merchant.clone(),
                category: i.category.clone(),
                unit_price: i.price,
                quantity: *q,
            })
            .collect();
        let line_totals: Vec<i64> = lines
            .iter()
            .map(|l| l.unit_price * i64::from(l.quantity))
            .collect();
        let subtotal: i64 = line_totals.iter().sum();

        let started = Instant::now();
        let answers = self
            .ask_promotions(district, &setup.promotions, shopper, cart, &currency, lines)
            .await?;
        let promotion_micros = started.elapsed().as_micros() as u64;

        let mut offers = Vec::new();
        let mut outcomes = Vec::new();
        for (plugin, answer) in answers {
            match answer {
                Ok(offer) => {
                    offers.push(offer);
                    outcomes.push((plugin, None));
                }
                Err(outcome) => outcomes.push((plugin, Some(outcome))),
            }
        }
        let combined = combine::combine(&line_totals, &offers);
        let mut checked = combined.checked.iter().zip(&offers);
        let promotions = outcomes
            .into_iter()
            .map(|(plugin, failed)| match failed {
                Some(outcome) => outcome,
                None => {
                    let ((stats, used), offer) = checked.next().expect("one check per offer");
                    let status = match (used, stats.saving) {
                        (_, 0) => "nothing",
                        (true, _) => "applied",
                        (false, _) => "not-chosen",
                    };
                    if stats.dropped + stats.clamped > 0 {
                        tracing::warn!(district, plugin = %plugin, dropped = stats.dropped,
                            clamped = stats.clamped, "promotion offered invalid discounts");
                    }
                    PromotionOutcome {
                        plugin,
                        status: status.into(),
                        exclusive: offer.exclusive,
                        saving: stats.saving,
                        dropped: stats.dropped,
                        clamped: stats.clamped,
                        error: None,
                    }
                }
            })
            .collect();
        let discount = combined.total();
        let mut priced_lines: Vec<PricedLine> = items
            .into_iter()
            .map(|(i, quantity)| PricedLine {
                item: i.id,
                merchant: i.merchant,
                name: i.name,
                category: i.category,
                unit_price: i.price,
                quantity,
                discount: 0,
            })
            .collect();
        for g in &combined.granted {
            if let Some(line) = g.line {
                priced_lines[line as usize].discount += g.amount;
            }
        }
        Ok(PricedCart {
            currency,
            lines: priced_lines,
            discounts: combined
                .granted
                .into_iter()
                .map(|g| DiscountRecord {
                    plugin: g.plugin,
                    line: g.line.map(i64::from),
                    amount: g.amount,
                    reason: g.reason,
                    coupon: g.coupon,
                })
                .collect(),
            subtotal,
            discount,
            total: subtotal - discount,
            promotions,
            promotion_micros,
        })
    }

    /// Calls every promotion plugin at once; in priority order, each
    /// answer is its offer or the outcome explaining why there is none.
    async fn ask_promotions(
        &self,
        district: &str,
        plugins: &[String],
        shopper: &str,
        cart: &CartRequest,
        currency: &str,
        lines: Vec<CartLine>,
    ) -> Result<Vec<(String, Result<ProposedOffer, PromotionOutcome>)>, CommerceError> {
        let entry = self
            .registry
            .district(district)
            .ok_or_else(|| CommerceError::UnknownDistrict(district.to_owned()))?;
        let now = chrono::Utc::now().timestamp_millis();
        let mut tasks = tokio::task::JoinSet::new();
        for (n, id) in plugins.iter().enumerate() {
            let Some(plugin) = entry.plugin(id) else {
                continue;
            };
            let coupon_uses = if cart.coupon_codes.is_empty() {
                Vec::new()
            } else {
                self.store
                    .coupon_uses(district, id, shopper)
                    .await?
                    .into_iter()
                    .map(|(code, redeemed)| CouponUse { code, redeemed })
                    .collect()
            };
            let request = PromotionCart {
                currency: currency.to_owned(),
                lines: lines.clone(),
                shopper: PromotionShopper {
                    id: shopper.to_owned(),
                    coupon_codes: cart.coupon_codes.clone(),
                    coupon_uses,
                },
                now,
            };
            let runtime = self.runtime.clone();
            tasks.spawn(async move {
                let answer = runtime::apply_promotion(&runtime, &plugin, &request).await;
                (n, plugin.meta.id.to_string(), answer)
            });
        }
        let mut answers = Vec::with_capacity(plugins.len());
        while let Some(joined) = tasks.join_next().await {
            let Ok((n, plugin, answer)) = joined else {
                continue;
            };
            let failed = |status: &str, error: String| PromotionOutcome {
                plugin: plugin.clone(),
                status: status.into(),
                exclusive: false,
                saving: 0,
                dropped: 0,
                clamped: 0,
                error: Some(error),
            };
            let answer = match answer {
                Ok(Ok(offer)) => Ok(ProposedOffer {
                    plugin: plugin.clone(),
                    exclusive: offer.exclusive,
                    discounts: offer
                        .discounts
                        .into_iter()
                        .map(|d| Proposed {
                            line: d.line,
                            amount: d.amount,
                            reason: d.reason.chars().take(200).collect(),
                            coupon: d.coupon,
                        })
                        .collect(),
                }),
                Ok(Err(why)) => {
                    tracing::debug!(district, plugin = %plugin, "promotion declined the cart");
                    Err(failed("declined", why))
                }
                Err(e) => Err(failed("failed", e.failure.to_string())),
            };
            answers.push((n, plugin, answer));
        }
        answers.sort_by_key(|(n, _, _)| *n);
        Ok(answers.into_iter().map(|(_, p, a)| (p, a)).collect())
    }
}

/// Checks a shopper id as passed in requests.
pub(crate) fn check_shopper(shopper: &str) -> Result<(), CommerceError> {
    let ok = !shopper.is_empty()
        && shopper.len() <= 64
        && shopper
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CommerceError::InvalidRequest(
            "shopper id must be 1-64 of letters, digits and -_.:@".into(),
        ))
    }
}
