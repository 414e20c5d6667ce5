//! Coupon codes: a fixed amount or a percentage off the cart for a
//! shopper who enters a valid code, within its time window and its
//! per-shopper limit.
//!
//! The host, not this plugin, counts redemptions: it records one for
//! every coupon discount of a placed order (and releases it when the order
//! is cancelled), and passes this shopper's count for each code in
//! `shopper.coupon-uses`. Pricing a cart therefore never uses a coupon up.
//!
//! Config: `coupons`, a list of tables with `code`, `off` (minor units) or
//! `percent` (1-100), optional `min_spend`, `per_shopper` (default 1),
//! `valid_from` and `valid_until` (RFC 3339, e.g.
//! `2026-12-01T00:00:00+08:00`); optional `exclusive` (default false).
//! Codes match case-insensitively.

use plaza_sdk::host::config;
use plaza_sdk::promotion::{Cart, Discount, Offer, Promotion};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    coupons: Vec<Coupon>,
    #[serde(default)]
    exclusive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Coupon {
    code: String,
    off: Option<i64>,
    percent: Option<i64>,
    #[serde(default)]
    min_spend: i64,
    #[serde(default = "one")]
    per_shopper: u32,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

fn one() -> u32 {
    1
}

struct Coupons;

impl Promotion for Coupons {
    fn apply(cart: Cart) -> Result<Offer, String> {
        let s: Settings = config::load()?;
        let subtotal = cart.subtotal();
        let mut discounts = Vec::new();
        for entered in &cart.shopper.coupon_codes {
            let Some(c) = s
                .coupons
                .iter()
                .find(|c| c.code.eq_ignore_ascii_case(entered))
            else {
                continue;
            };
            let used = cart
                .shopper
                .coupon_uses
                .iter()
                .filter(|u| u.code.eq_ignore_ascii_case(&c.code))
                .map(|u| u.redeemed)
                .sum::<u32>();
            let from = c.valid_from.as_deref().map(millis).transpose()?;
            let until = c.valid_until.as_deref().map(millis).transpose()?;
            let in_window =
                from.is_none_or(|f| cart.now >= f) && until.is_none_or(|u| cart.now < u);
            let already = discounts
                .iter()
                .any(|d: &Discount| d.coupon.as_ref() == Some(&c.code));
            if used >= c.per_shopper || !in_window || subtotal < c.min_spend || already {
                continue;
            }
            let amount = match (c.off, c.percent) {
                (Some(off), _) => off,
                (None, Some(percent)) => subtotal * percent / 100,
                (None, None) => 0,
            };
            discounts.push(Discount {
                line: None,
                amount,
                reason: format!("coupon {}", c.code),
                coupon: Some(c.code.clone()),
            });
        }
        Ok(Offer {
            discounts,
            exclusive: s.exclusive,
        })
    }

    fn self_check() -> Result<(), String> {
        let s: Settings = config::load()?;
        for c in &s.coupons {
            let at = format!("coupon {:?}", c.code);
            if c.code.is_empty() {
                return Err("a coupon has an empty code".into());
            }
            match (c.off, c.percent) {
                (Some(off), None) if off > 0 => {}
                (None, Some(p)) if (1..=100).contains(&p) => {}
                _ => return Err(format!("{at}: set either off (> 0) or percent (1-100)")),
            }
            for t in [&c.valid_from, &c.valid_until].into_iter().flatten() {
                millis(t).map_err(|e| format!("{at}: {e}"))?;
            }
        }
        Ok(())
    }
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp of the form
/// `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `±HH:MM`.
fn millis(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not an RFC 3339 timestamp like 2026-12-01T00:00:00+08:00");
    let b = text.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return Err(bad());
    }
    let num = |from: usize, to: usize| -> Result<i64, String> {
        text.get(from..to)
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)
    };
    let (y, m, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (hh, mm, ss) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    let offset = match &text[19..] {
        "Z" => 0,
        zone if zone.len() == 6 => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            sign * (num(20, 22)? * 60 + num(23, 25)?)
        }
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || hh > 23 || mm > 59 || ss > 60 {
        return Err(bad());
    }
    // Days from the civil date (proleptic Gregorian), after H. Hinnant.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hh * 3600 + mm * 60 + ss - offset * 60;
    Ok(seconds * 1000)
}

plaza_sdk::promotion!(Coupons);
