//! The `parking-pricing` world: a district's parking tariff and
//! reservation policy.
//!
//! Implement [`Pricing`] and export it with
//! [`parking_pricing!`](crate::parking_pricing). Amounts are in minor units
//! (fen for CNY); timestamps are milliseconds since the Unix epoch, UTC.

pub use crate::bindings::pricing::exports::plaza::district::pricing::{
    Line, Policy, Price, PricingError, SpaceCategory, Stay, VehicleType,
};

/// What a parking-pricing plugin implements.
pub trait Pricing {
    /// Prices one stay.
    fn quote(stay: Stay) -> Result<Price, PricingError>;

    /// The district's reservation policy.
    fn policy() -> Policy;

    /// Checks the plugin's configuration before it serves.
    fn self_check() -> Result<(), String> {
        Ok(())
    }
}

/// Exports a [`Pricing`] implementation as this component's `pricing`.
#[macro_export]
macro_rules! parking_pricing {
    ($pricing:ty) => {
        const _: () = {
            use $crate::bindings::pricing::exports::plaza::district::pricing as wit;
            struct PlazaParkingPricing;

            impl wit::Guest for PlazaParkingPricing {
                fn quote(stay: wit::Stay) -> Result<wit::Price, wit::PricingError> {
                    <$pricing as $crate::pricing::Pricing>::quote(stay)
                }

                fn reservation_policy() -> wit::Policy {
                    <$pricing as $crate::pricing::Pricing>::policy()
                }

                fn self_check() -> Result<(), String> {
                    <$pricing as $crate::pricing::Pricing>::self_check()
                }
            }

            $crate::bindings::pricing::export_parking_pricing!(
                PlazaParkingPricing with_types_in $crate::bindings::pricing
            );
        };
    };
}
