//! A test-only promotion plugin that misbehaves, so tests can prove a bad
//! promotion never breaks checkout nor drives a total below zero. Never
//! ship it to a district.
//!
//! Config `mode`: `trap` (panics), `loop` (spins until stopped) or
//! `absurd` (offers discounts far above the cart, negative ones and ones
//! on lines that do not exist). The self-check passes, so it loads.

use plaza_sdk::host::config;
use plaza_sdk::promotion::{Cart, Discount, Offer, Promotion};

struct Hostile;

fn discount(line: Option<u32>, amount: i64, reason: &str) -> Discount {
    Discount {
        line,
        amount,
        reason: reason.into(),
        coupon: None,
    }
}

impl Promotion for Hostile {
    fn apply(cart: Cart) -> Result<Offer, String> {
        match config::get("mode").as_deref() {
            Some("loop") => {
                let mut n: u64 = 0;
                loop {
                    n = std::hint::black_box(n.wrapping_add(1));
                }
            }
            Some("absurd") => Ok(Offer {
                discounts: vec![
                    discount(Some(0), i64::MAX, "everything free, forever"),
                    discount(
                        None,
                        cart.subtotal().saturating_mul(10),
                        "ten times the cart",
                    ),
                    discount(Some(0), -5000, "a negative discount"),
                    discount(Some(999), 100, "a line that does not exist"),
                ],
                exclusive: false,
            }),
            _ => panic!("promotion trapped on purpose"),
        }
    }
}

plaza_sdk::promotion!(Hostile);
