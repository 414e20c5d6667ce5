//! A test-only parking-pricing plugin whose `quote` misbehaves, so tests
//! can prove a broken tariff fails quotes and reservations cleanly while
//! availability keeps being served. Never ship it to a district.
//!
//! Config `mode`: `trap` (panics) or `loop` (spins until stopped). The
//! policy and self-check behave, so the plugin loads.

use plaza_sdk::host::config;
use plaza_sdk::pricing::{Policy, Price, Pricing, PricingError, SpaceCategory, Stay};

struct Hostile;

impl Pricing for Hostile {
    fn quote(_stay: Stay) -> Result<Price, PricingError> {
        match config::get("mode").as_deref() {
            Some("loop") => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            _ => panic!("pricing trapped on purpose"),
        }
    }

    fn policy() -> Policy {
        Policy {
            max_stay_minutes: 1440,
            hold_minutes: 15,
            grace_minutes: 15,
            no_show_fee: 0,
            reservable: vec![SpaceCategory::Standard],
        }
    }
}

plaza_sdk::parking_pricing!(Hostile);
