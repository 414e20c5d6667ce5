//! Buy X get Y: for every `buy + free` units of one of the chosen items
//! on a line, `free` of them cost nothing (buy 2 get 1: three for the
//! price of two).
//!
//! Config: `items` (catalogue item ids), `buy` and `free` (both above 0),
//! optional `exclusive` (default false).

use plaza_sdk::host::config;
use plaza_sdk::promotion::{Cart, Discount, Offer, Promotion};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    items: Vec<String>,
    buy: u32,
    free: u32,
    #[serde(default)]
    exclusive: bool,
}

struct BuyXGetY;

impl Promotion for BuyXGetY {
    fn apply(cart: Cart) -> Result<Offer, String> {
        let s: Settings = config::load()?;
        let group = s.buy + s.free;
        let discounts = cart
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| s.items.contains(&l.item))
            .filter_map(|(i, l)| {
                let free_units = l.quantity / group * s.free;
                (free_units > 0).then(|| Discount {
                    line: Some(i as u32),
                    amount: l.unit_price * i64::from(free_units),
                    reason: format!("buy {} get {} free", s.buy, s.free),
                    coupon: None,
                })
            })
            .collect();
        Ok(Offer {
            discounts,
            exclusive: s.exclusive,
        })
    }

    fn self_check() -> Result<(), String> {
        let s: Settings = config::load()?;
        if s.buy == 0 || s.free == 0 {
            return Err("buy and free must be above 0".into());
        }
        if s.items.is_empty() {
            return Err("items must name at least one item".into());
        }
        Ok(())
    }
}

plaza_sdk::promotion!(BuyXGetY);
