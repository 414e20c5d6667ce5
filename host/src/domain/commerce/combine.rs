//! The rule that turns several promotion offers into one set of
//! discounts, and the checks every offer goes through first. Pure
//! functions over amounts, so the rule is tested without any plugin.
//!
//! # The combination rule
//!
//! 1. Every promotion plugin of the district prices the same undiscounted
//!    cart, on its own; none sees another's answer.
//! 2. Each offer is checked alone against the cart: a discount that is not
//!    above zero or names a line the cart does not have is dropped; one
//!    above what is left of its line (or, for a whole-cart discount, of
//!    the cart) is clamped to that. Both are counted.
//! 3. Non-exclusive offers stack, in priority order: the order of the
//!    district's `[[district.plugin]]` entries of kind `promotion`. Each
//!    discount is clamped again against what the earlier ones left, so the
//!    stack never takes a line or the cart below zero.
//! 4. An exclusive offer refuses to combine: it competes, on its own,
//!    with the whole stack and with every other exclusive offer. The
//!    shopper gets whichever saves most; on a tie the stack wins, then the
//!    earlier exclusive offer.
//!
//! A plugin that fails, times out or declines contributes no offer and
//! never fails the checkout.

/// One discount of an offer, as the plugin gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// Line index; none for the whole cart.
    pub line: Option<u32>,
    /// Amount, in minor units.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// Coupon code redeemed.
    pub coupon: Option<String>,
}

/// The offer of one plugin.
#[derive(Debug, Clone)]
pub struct ProposedOffer {
    /// The plugin's id.
    pub plugin: String,
    /// Its discounts.
    pub discounts: Vec<Proposed>,
    /// Whether it refuses to combine.
    pub exclusive: bool,
}

/// A discount as granted, after the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    /// The plugin that gave it.
    pub plugin: String,
    /// Line index; none for the whole cart.
    pub line: Option<u32>,
    /// Amount, in minor units, above zero.
    pub amount: i64,
    /// Why.
    pub reason: String,
    /// Coupon code redeemed.
    pub coupon: Option<String>,
}

/// What the checks did to one plugin's offer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// Discounts dropped as invalid.
    pub dropped: u32,
    /// Discounts clamped to what was left.
    pub clamped: u32,
    /// What the offer saves on its own after the checks.
    pub saving: i64,
}

/// The outcome of combining offers.
#[derive(Debug, Clone, Default)]
pub struct Combined {
    /// The discounts granted, in order.
    pub granted: Vec<Granted>,
    /// Per offer (in input order): what the checks did, and whether it is
    /// part of what the shopper gets.
    pub checked: Vec<(Checked, bool)>,
}

impl Combined {
    /// Sum of the granted discounts.
    pub fn total(&self) -> i64 {
        self.granted.iter().map(|g| g.amount).sum()
    }
}

/// Applies `offers` (in priority order) to lines worth `line_totals`,
/// following the module's rule.
pub fn combine(line_totals: &[i64], offers: &[ProposedOffer]) -> Combined {
    let mut checked = Vec::with_capacity(offers.len());
    let mut alone = Vec::with_capacity(offers.len());
    for offer in offers {
        let mut left = line_totals.to_vec();
        let mut stats = Checked::default();
        let granted = apply(&mut left, offer, &mut stats);
        stats.saving = granted.iter().map(|g| g.amount).sum();
        checked.push((stats, false));
        alone.push(granted);
    }

    // The stack of non-exclusive offers, each clamped against the rest.
    let mut left = line_totals.to_vec();
    let mut stack = Vec::new();
    for offer in offers.iter().filter(|o| !o.exclusive) {
        stack.extend(apply(&mut left, offer, &mut Checked::default()));
    }
    let stack_saving: i64 = stack.iter().map(|g| g.amount).sum();

    let best_exclusive = offers
        .iter()
        .enumerate()
        .filter(|(_, o)| o.exclusive)
        .map(|(i, _)| (i, checked[i].0.saving))
        .fold(None, |best: Option<(usize, i64)>, (i, saving)| match best {
            Some((_, b)) if b >= saving => best,
            _ => Some((i, saving)),
        });
    let granted = match best_exclusive {
        Some((i, saving)) if saving > stack_saving => {
            checked[i].1 = true;
            std::mem::take(&mut alone[i])
        }
        _ => {
            for (i, offer) in offers.iter().enumerate() {
                checked[i].1 = !offer.exclusive && checked[i].0.saving > 0;
            }
            stack
        }
    };
    Combined { granted, checked }
}

/// Grants what is valid of `offer` against what is `left` of each line,
/// lowering `left` as it goes and counting drops and clamps.
fn apply(left: &mut [i64], offer: &ProposedOffer, stats: &mut Checked) -> Vec<Granted> {
    let mut granted = Vec::new();
    for d in &offer.discounts {
        let room = match d.line {
            None => left.iter().sum::<i64>(),
            Some(line) => match left.get(line as usize) {
                Some(room) => *room,
                None => {
                    stats.dropped += 1;
                    continue;
                }
            },
        };
        if d.amount <= 0 {
            stats.dropped += 1;
            continue;
        }
        let amount = d.amount.min(room);
        if amount < d.amount {
            stats.clamped += 1;
        }
        if amount <= 0 {
            continue;
        }
        match d.line {
            Some(line) => left[line as usize] -= amount,
            None => take_from_cart(left, amount),
        }
        granted.push(Granted {
            plugin: offer.plugin.clone(),
            line: d.line,
            amount,
            reason: d.reason.clone(),
            coupon: d.coupon.clone(),
        });
    }
    granted
}

/// Takes a whole-cart discount from the lines, first line first, so later
/// line discounts see what is really left.
fn take_from_cart(left: &mut [i64], mut amount: i64) {
    for room in left.iter_mut() {
        let take = amount.min(*room);
        *room -= take;
        amount -= take;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(plugin: &str, exclusive: bool, discounts: &[(Option<u32>, i64)]) -> ProposedOffer {
        ProposedOffer {
            plugin: plugin.into(),
            exclusive,
            discounts: discounts
                .iter()
                .map(|&(line, amount)| Proposed {
                    line,
                    amount,
                    reason: "r".into(),
                    coupon: None,
                })
                .collect(),
        }
    }

    #[test]
    fn non_exclusive_offers_stack_in_priority_order() {
        let offers = [
            offer("a", false, &[(Some(0), 1000)]),
            offer("b", false, &[(None, 5000)]),
        ];
        let c = combine(&[20000, 15000], &offers);
        assert_eq!(c.total(), 6000);
        assert!(c.checked.iter().all(|(_, used)| *used));
    }

    #[test]
    fn the_best_of_stack_and_exclusive_offers_wins() {
        let offers = [
            offer("a", false, &[(None, 1000)]),
            offer("x", true, &[(None, 3000)]),
            offer("y", true, &[(None, 2500)]),
        ];
        let c = combine(&[10000], &offers);
        assert_eq!(c.total(), 3000);
        assert_eq!(c.granted[0].plugin, "x");
        let offers = [
            offer("a", false, &[(None, 1000)]),
            offer("b", false, &[(None, 2000)]),
            offer("x", true, &[(None, 3000)]),
        ];
        let c = combine(&[10000], &offers);
        assert_eq!(c.total(), 3000);
        assert!(
            c.granted.iter().all(|g| g.plugin != "x"),
            "a tie goes to the stack"
        );
    }

    #[test]
    fn absurd_discounts_are_dropped_or_clamped_and_never_go_below_zero() {
        let offers = [
            offer(
                "evil",
                false,
                &[(Some(0), i64::MAX), (Some(7), 10), (None, -5)],
            ),
            offer("more", false, &[(None, 99_999_999), (Some(1), 1)]),
        ];
        let c = combine(&[3000, 2000], &offers);
        assert_eq!(c.total(), 5000);
        assert_eq!(c.checked[0].0.dropped, 2);
        assert_eq!(c.checked[0].0.clamped, 1);
        assert_eq!(c.checked[1].0.clamped, 2);
    }
}
