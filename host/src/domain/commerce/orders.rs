//! Orders: placed from a priced cart (stock reserved at once), paid
//! through the district's payment plugin, picked up at the counter with a
//! code or handed to delivery, cancelled or refunded with the stock put
//! back.
//!
//! States and the moves between them:
//!
//! ```text
//! pending-payment --pay--> paid --ready--> ready --collect(code)--> collected
//!        |           \--pay (delivery)--> awaiting-courier --delivered--> delivered
//!        |                        (by the merchant, or by its courier via logistics)
//!        \--cancel--> cancelled
//! paid | ready | awaiting-courier --cancel (refund)--> refunded
//! ```

use super::pricing::{CartItem, CartRequest, check_shopper};
use super::{CommerceError, CommerceService, MerchantIdentity};
use crate::config::PluginKind;
use crate::runtime::{self, CreateRequest, PaymentStatus, RefundRequest};
use crate::storage::commerce::{
    NewOrder, NewOrderLine, OrderRecord, Transition, random_digits, random_id,
};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use utoipa::ToSchema;

/// How the shopper gets the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Fulfilment {
    /// Picked up at the counter with a code.
    #[default]
    Pickup,
    /// Delivered by a courier.
    Delivery,
}

/// An order to place.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderRequest {
    /// Its lines; every one must be of one merchant.
    pub items: Vec<CartItem>,
    /// Coupon codes entered.
    #[serde(default)]
    pub coupon_codes: Vec<String>,
    /// Pick-up (default) or delivery.
    #[serde(default)]
    pub fulfilment: Fulfilment,
    /// Where to deliver; required for delivery.
    pub delivery_address: Option<String>,
}

/// An order as its shopper sees it: with the pick-up code to show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ShopperOrder {
    /// The order.
    pub order: OrderRecord,
    /// Code to show at the counter, for pick-up orders.
    pub pickup_code: Option<String>,
}

impl From<OrderRecord> for ShopperOrder {
    fn from(order: OrderRecord) -> Self {
        let pickup_code = (order.fulfilment == "pickup").then(|| order.pickup_code.clone());
        Self { order, pickup_code }
    }
}

impl CommerceService {
    /// Prices the cart and places the order, reserving stock.
    pub async fn place_order(
        &self,
        district: &str,
        shopper: &str,
        request: &OrderRequest,
    ) -> Result<ShopperOrder, CommerceError> {
        let cart = CartRequest {
            items: request.items.clone(),
            coupon_codes: request.coupon_codes.clone(),
        };
        let priced = self.price_cart(district, shopper, &cart).await?;
        let merchant = priced.lines[0].merchant.clone();
        if priced.lines.iter().any(|l| l.merchant != merchant) {
            return Err(CommerceError::InvalidRequest(
                "an order holds items of one merchant; split the cart".into(),
            ));
        }
        let address = match (request.fulfilment, &request.delivery_address) {
            (Fulfilment::Delivery, Some(a)) if !a.trim().is_empty() && a.len() <= 500 => {
                Some(a.clone())
            }
            (Fulfilment::Delivery, _) => {
                let why = "delivery needs a delivery_address of 1-500 bytes".into();
                return Err(CommerceError::InvalidRequest(why));
            }
            (Fulfilment::Pickup, _) => None,
        };
        let mut stocked = Vec::new();
        for line in &priced.lines {
            let item = self.store.item(district, &line.item).await?;
            stocked.push(item.is_some_and(|i| i.stock.is_some()));
        }
        let redemptions = priced
            .discounts
            .iter()
            .filter_map(|d| Some((d.plugin.clone(), d.coupon.clone()?)))
            .collect::<Vec<_>>();
        let order = NewOrder {
            id: random_id("ord_", 8),
            district: district.to_owned(),
            merchant,
            shopper: shopper.to_owned(),
            fulfilment: match request.fulfilment {
                Fulfilment::Pickup => "pickup",
                Fulfilment::Delivery => "delivery",
            }
            .into(),
            currency: priced.currency.clone(),
            subtotal: priced.subtotal,
            discount: priced.discount,
            total: priced.total,
            pickup_code: random_digits(6),
            delivery_address: address,
            lines: priced
                .lines
                .iter()
                .zip(stocked)
                .map(|(l, stocked)| NewOrderLine {
                    item: l.item.clone(),
                    name: l.name.clone(),
                    category: l.category.clone(),
                    unit_price: l.unit_price,
                    quantity: i64::from(l.quantity),
                    stocked,
                    discount: l.discount,
                })
                .collect(),
            discounts: priced.discounts.clone(),
        };
        // FIXME: an order never paid holds its stock until cancelled; a
        // sweep cancelling orders left in pending-payment past a hold time
        // would free it. Two concurrent orders may also both redeem a
        // single-use coupon, as the per-shopper count is read before the
        // order's transaction; checking it inside would close that gap.
        self.store.place_order(&order, &redemptions).await?;
        tracing::debug!(district, order = %order.id, total = order.total, "order placed");
        Ok(self.order_record(district, &order.id).await?.into())
    }

    /// One of the shopper's orders.
    pub async fn shopper_order(
        &self,
        district: &str,
        shopper: &str,
        id: &str,
    ) -> Result<ShopperOrder, CommerceError> {
        self.district(district)?;
        check_shopper(shopper)?;
        let order = self.order_record(district, id).await?;
        if order.shopper != shopper {
            return Err(CommerceError::UnknownOrder(id.to_owned()));
        }
        Ok(order.into())
    }

    /// The shopper's orders, newest first.
    pub async fn shopper_orders(
        &self,
        district: &str,
        shopper: &str,
    ) -> Result<Vec<OrderRecord>, CommerceError> {
        self.district(district)?;
        check_shopper(shopper)?;
        Ok(self.store.orders(district, None, Some(shopper)).await?)
    }

    /// Pays a pending order with the shopper's payment `method` token.
    pub async fn pay_order(
        &self,
        district: &str,
        shopper: &str,
        id: &str,
        method: &str,
    ) -> Result<ShopperOrder, CommerceError> {
        let order = self.shopper_order(district, shopper, id).await?.order;
        if order.status != "pending-payment" {
            return Err(transition_error(&order, "pay"));
        }
        let to = if order.fulfilment == "delivery" {
            "awaiting-courier"
        } else {
            "paid"
        };
        let payment_id = if order.total == 0 {
            None
        } else {
            Some(self.charge(district, &order, method).await?)
        };
        let t = Transition {
            from: "pending-payment",
            to,
            payment_id: payment_id.as_deref(),
            release: false,
        };
        if let Err(e) = self.store.transition(district, id, &t).await {
            // Cancelled while the payment went through: give the money back.
            if let Some(payment) = &payment_id {
                self.refund(district, &order, payment).await?;
            }
            return Err(e.into());
        }
        tracing::info!(district, order = %id, total = order.total, "order paid");
        self.shopper_order(district, shopper, id).await
    }

    /// Cancels an order: an unpaid one at once, a paid one not yet handed
    /// over with a refund. Its stock goes back and its coupons are freed.
    pub async fn cancel_order(
        &self,
        district: &str,
        shopper: &str,
        id: &str,
    ) -> Result<ShopperOrder, CommerceError> {
        let order = self.shopper_order(district, shopper, id).await?.order;
        let to = match order.status.as_str() {
            "pending-payment" => "cancelled",
            "paid" | "ready" | "awaiting-courier" => "refunded",
            _ => return Err(transition_error(&order, "cancel")),
        };
        if let Some(payment) = &order.payment_id {
            self.refund(district, &order, payment).await?;
        }
        let t = Transition {
            from: &order.status,
            to,
            payment_id: None,
            release: true,
        };
        self.store.transition(district, id, &t).await?;
        tracing::info!(district, order = %id, status = to, "order cancelled");
        self.shopper_order(district, shopper, id).await
    }

    /// The merchant's own orders, newest first.
    pub async fn merchant_orders(
        &self,
        who: &MerchantIdentity,
    ) -> Result<Vec<OrderRecord>, CommerceError> {
        Ok(self
            .store
            .orders(&who.district, Some(&who.merchant), None)
            .await?)
    }

    /// One of the merchant's own orders; 403 for another merchant's.
    pub async fn merchant_order(
        &self,
        who: &MerchantIdentity,
        id: &str,
    ) -> Result<OrderRecord, CommerceError> {
        let order = self.order_record(&who.district, id).await?;
        if order.merchant != who.merchant {
            let why = format!("order {id:?} belongs to another merchant");
            return Err(CommerceError::Forbidden(why));
        }
        Ok(order)
    }

    /// Moves a merchant's order on: `ready` (a paid pick-up order is
    /// waiting at the counter), `collected` (the shopper showed `code`) or
    /// `delivered` (a delivery order reached the shopper).
    pub async fn advance_order(
        &self,
        who: &MerchantIdentity,
        id: &str,
        to: &str,
        code: Option<&str>,
    ) -> Result<OrderRecord, CommerceError> {
        let order = self.merchant_order(who, id).await?;
        let (from, action) = match (to, order.fulfilment.as_str()) {
            ("ready", "pickup") => ("paid", "mark ready"),
            ("collected", "pickup") => ("ready", "mark collected"),
            // A merchant delivering with its own staff marks it here; an
            // order handed to a courier is marked by logistics instead
            // (`courier_delivered`).
            ("delivered", "delivery") => ("awaiting-courier", "mark delivered"),
            _ => {
                let why = format!("a {} order cannot become {to}", order.fulfilment);
                return Err(CommerceError::InvalidRequest(why));
            }
        };
        if order.status != from {
            return Err(transition_error(&order, action));
        }
        if to == "collected" && code != Some(order.pickup_code.as_str()) {
            return Err(CommerceError::WrongPickupCode(id.to_owned()));
        }
        let t = Transition {
            from,
            to,
            payment_id: None,
            release: false,
        };
        self.store.transition(&who.district, id, &t).await?;
        tracing::info!(district = %who.district, order = %id, status = to, "order advanced");
        self.merchant_order(who, id).await
    }

    /// A delivery order waiting for a courier, as logistics hands it over.
    pub(crate) async fn courier_order(
        &self,
        district: &str,
        id: &str,
    ) -> Result<OrderRecord, CommerceError> {
        self.district(district)?;
        let order = self.order_record(district, id).await?;
        if order.fulfilment != "delivery" || order.status != "awaiting-courier" {
            return Err(transition_error(&order, "hand to a courier"));
        }
        Ok(order)
    }

    /// Moves an order handed to a courier on to `delivered`, as its
    /// courier reported; an order already delivered is left as it is.
    pub(crate) async fn courier_delivered(
        &self,
        district: &str,
        id: &str,
    ) -> Result<(), CommerceError> {
        let order = self.order_record(district, id).await?;
        if order.status == "delivered" {
            return Ok(());
        }
        let t = Transition {
            from: "awaiting-courier",
            to: "delivered",
            payment_id: None,
            release: false,
        };
        self.store.transition(district, id, &t).await?;
        tracing::info!(district, order = %id, "order delivered by courier");
        Ok(())
    }

    pub(crate) async fn order_record(
        &self,
        district: &str,
        id: &str,
    ) -> Result<OrderRecord, CommerceError> {
        self.store
            .order(district, id)
            .await?
            .ok_or_else(|| CommerceError::UnknownOrder(id.to_owned()))
    }

    /// Creates and confirms the order's payment; its id on success.
    async fn charge(
        &self,
        district: &str,
        order: &OrderRecord,
        method: &str,
    ) -> Result<String, CommerceError> {
        let plugin = self.payment_plugin(district)?;
        let request = CreateRequest {
            amount: order.total,
            currency: order.currency.clone(),
            reference: order.id.clone(),
            // A retry with the same method finds the same payment; another
            // method (after a decline) makes a new one.
            idempotency_key: format!(
                "order:{district}:{}:{}",
                order.id,
                &hex::encode(sha2::Sha256::digest(method.as_bytes()))[..16]
            ),
            method: method.to_owned(),
        };
        let created = runtime::create_payment(&self.runtime, &plugin, &request)
            .await?
            .map_err(|e| CommerceError::PaymentFailed(format!("{e:?}")))?;
        let payment = runtime::confirm_payment(&self.runtime, &plugin, &created.id)
            .await?
            .map_err(|e| CommerceError::PaymentFailed(format!("{e:?}")))?;
        match payment.status {
            PaymentStatus::Succeeded if payment.amount == order.total => Ok(payment.id),
            PaymentStatus::Declined => Err(CommerceError::PaymentDeclined(
                payment.decline_reason.unwrap_or_else(|| "declined".into()),
            )),
            status => Err(CommerceError::PaymentFailed(format!(
                "payment {} is {status:?} for {} (order total {})",
                payment.id, payment.amount, order.total
            ))),
        }
    }

    /// Refunds what is left of the order's payment after claims.
    async fn refund(
        &self,
        district: &str,
        order: &OrderRecord,
        payment: &str,
    ) -> Result<(), CommerceError> {
        let amount = order.total - order.claimed;
        if amount <= 0 {
            return Ok(());
        }
        let plugin = self.payment_plugin(district)?;
        let request = RefundRequest {
            payment_id: payment.to_owned(),
            amount,
            idempotency_key: format!("refund:{district}:{}", order.id),
        };
        runtime::refund_payment(&self.runtime, &plugin, &request)
            .await?
            .map_err(|e| CommerceError::PaymentFailed(format!("{e:?}")))?;
        Ok(())
    }

    fn payment_plugin(
        &self,
        district: &str,
    ) -> Result<std::sync::Arc<crate::runtime::Plugin>, CommerceError> {
        self.registry
            .district(district)
            .and_then(|d| d.plugin_of_kind(PluginKind::Payment))
            .ok_or_else(|| CommerceError::NoPaymentProvider(district.to_owned()))
    }
}

fn transition_error(order: &OrderRecord, action: &'static str) -> CommerceError {
    CommerceError::InvalidTransition {
        order: order.id.clone(),
        status: order.status.clone(),
        action,
    }
}
