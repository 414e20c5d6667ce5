//! The smallest parking-pricing plugin: every stay is free and `self-check`
//! does nothing. The benchmark calls its empty `self-check` export to
//! measure the cost of the call path itself.

use plaza_sdk::pricing::{Policy, Price, Pricing, PricingError, Stay};

struct Noop;

impl Pricing for Noop {
    fn quote(_stay: Stay) -> Result<Price, PricingError> {
        Ok(Price {
            currency: "CNY".into(),
            total: 0,
            lines: Vec::new(),
        })
    }

    fn policy() -> Policy {
        Policy {
            max_stay_minutes: 1440,
            hold_minutes: 15,
            grace_minutes: 15,
            no_show_fee: 0,
            reservable: Vec::new(),
        }
    }
}

plaza_sdk::parking_pricing!(Noop);
