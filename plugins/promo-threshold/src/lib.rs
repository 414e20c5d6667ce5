//! Spend threshold, the reference "满减" promotion: `off` minor units
//! off the cart for every full `every` of its subtotal (50 off every 300:
//! `every = 30000`, `off = 5000`).
//!
//! Config: `every` and `off` (minor units, both above 0), optional
//! `max_times` (cap on the number of steps), `merchant` (count only that
//! merchant's lines) and `exclusive` (default false).

use plaza_sdk::host::config;
use plaza_sdk::promotion::{Cart, Discount, Offer, Promotion};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    every: i64,
    off: i64,
    max_times: Option<i64>,
    merchant: Option<String>,
    #[serde(default)]
    exclusive: bool,
}

struct Threshold;

impl Promotion for Threshold {
    fn apply(cart: Cart) -> Result<Offer, String> {
        let s: Settings = config::load()?;
        let spent: i64 = cart
            .lines
            .iter()
            .filter(|l| s.merchant.as_ref().is_none_or(|m| *m == l.merchant))
            .map(|l| l.total())
            .sum();
        let mut times = spent / s.every;
        if let Some(max) = s.max_times {
            times = times.min(max);
        }
        if times <= 0 {
            return Ok(Offer::none());
        }
        Ok(Offer {
            discounts: vec![Discount {
                line: None,
                amount: times * s.off,
                reason: format!("{} off every {}", yuan(s.off), yuan(s.every)),
                coupon: None,
            }],
            exclusive: s.exclusive,
        })
    }

    fn self_check() -> Result<(), String> {
        let s: Settings = config::load()?;
        if s.every <= 0 || s.off <= 0 || s.off > s.every {
            return Err("every and off must be above 0, off at most every".into());
        }
        if s.max_times.is_some_and(|m| m <= 0) {
            return Err("max_times must be above 0".into());
        }
        Ok(())
    }
}

/// Minor units as yuan for a reason line: 5000 → "¥50".
fn yuan(fen: i64) -> String {
    if fen % 100 == 0 {
        format!("¥{}", fen / 100)
    } else {
        format!("¥{}.{:02}", fen / 100, fen % 100)
    }
}

plaza_sdk::promotion!(Threshold);
