//! A percentage off every line of one category, e.g. 20% off tea.
//!
//! Config: `category` (as in the catalogue), `percent` (1-100), optional
//! `exclusive` (default false). Each line's discount rounds down to the
//! fen.

use plaza_sdk::host::config;
use plaza_sdk::promotion::{Cart, Discount, Offer, Promotion};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    category: String,
    percent: i64,
    #[serde(default)]
    exclusive: bool,
}

struct CategoryPercent;

impl Promotion for CategoryPercent {
    fn apply(cart: Cart) -> Result<Offer, String> {
        let s: Settings = config::load()?;
        let discounts = cart
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.category == s.category)
            .map(|(i, l)| Discount {
                line: Some(i as u32),
                amount: l.total() * s.percent / 100,
                reason: format!("{}% off {}", s.percent, s.category),
                coupon: None,
            })
            .filter(|d| d.amount > 0)
            .collect();
        Ok(Offer {
            discounts,
            exclusive: s.exclusive,
        })
    }

    fn self_check() -> Result<(), String> {
        let s: Settings = config::load()?;
        if !(1..=100).contains(&s.percent) {
            return Err(format!("percent {} is outside 1..=100", s.percent));
        }
        if s.category.is_empty() {
            return Err("category must not be empty".into());
        }
        Ok(())
    }
}

plaza_sdk::promotion!(CategoryPercent);
