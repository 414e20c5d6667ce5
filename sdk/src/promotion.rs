//! The `promotion` world: turn a shopper's cart into discounts, each with
//! a reason.
//!
//! Implement [`Promotion`] and export it with
//! [`promotion!`](crate::promotion). Amounts are in minor units (fen for
//! CNY). The host checks every discount against the cart and combines the
//! offers of all the district's promotion plugins; a plugin only says what
//! it would give on its own.

pub use crate::bindings::promotion::exports::plaza::district::promotions::{
    Cart, CartLine, CouponUse, Discount, Offer, Shopper,
};

/// What a promotion plugin implements.
pub trait Promotion {
    /// The discounts this promotion gives on `cart`; an error means it
    /// offers nothing (and is logged by the host).
    fn apply(cart: Cart) -> Result<Offer, String>;

    /// Checks the plugin's configuration before it serves.
    fn self_check() -> Result<(), String> {
        Ok(())
    }
}

impl Offer {
    /// An offer of nothing.
    pub fn none() -> Self {
        Offer {
            discounts: Vec::new(),
            exclusive: false,
        }
    }
}

impl CartLine {
    /// Price of the whole line: unit price times quantity.
    pub fn total(&self) -> i64 {
        self.unit_price.saturating_mul(i64::from(self.quantity))
    }
}

impl Cart {
    /// Price of the whole cart before discounts.
    pub fn subtotal(&self) -> i64 {
        self.lines.iter().map(CartLine::total).sum()
    }
}

/// Exports a [`Promotion`] implementation as this component's `promotions`.
#[macro_export]
macro_rules! promotion {
    ($promotion:ty) => {
        const _: () = {
            use $crate::bindings::promotion::exports::plaza::district::promotions as wit;
            use $crate::promotion::Promotion as _;
            struct PlazaPromotion;

            impl wit::Guest for PlazaPromotion {
                fn apply(cart: wit::Cart) -> Result<wit::Offer, String> {
                    <$promotion>::apply(cart)
                }

                fn self_check() -> Result<(), String> {
                    <$promotion>::self_check()
                }
            }

            $crate::bindings::promotion::export_promotion!(
                PlazaPromotion with_types_in $crate::bindings::promotion
            );
        };
    };
}
