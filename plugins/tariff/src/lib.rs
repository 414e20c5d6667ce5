//! A configurable parking tariff, the reference parking-pricing plugin.
//!
//! A stay is billed per started hour after a free period: the first hour at
//! `first_hour`, each further hour at `per_hour`, every 24 hours capped at
//! `daily_cap`. Motorcycles, vans and coaches pay a percentage of the car
//! price; EV-charging spaces carry a surcharge and disabled spaces a
//! discount. Every step is a line of the breakdown.

use plaza_sdk::host::config;
use plaza_sdk::pricing::{
    Line, Policy, Price, Pricing, PricingError, SpaceCategory, Stay, VehicleType,
};
use serde::Deserialize;

const MINUTE_MS: i64 = 60_000;
const DAY_MINUTES: i64 = 24 * 60;

/// The plugin's config, as set under `[district.plugin.config]`.
#[derive(Deserialize)]
struct Tariff {
    currency: String,
    free_minutes: u32,
    first_hour: i64,
    per_hour: i64,
    daily_cap: i64,
    #[serde(default = "full")]
    motorcycle_percent: i64,
    #[serde(default = "full")]
    van_percent: i64,
    #[serde(default = "full")]
    coach_percent: i64,
    #[serde(default)]
    ev_surcharge_percent: i64,
    #[serde(default)]
    disabled_discount_percent: i64,
    max_stay_minutes: u32,
    hold_minutes: u32,
    grace_minutes: u32,
    no_show_fee: i64,
    reservable: Vec<String>,
}

fn full() -> i64 {
    100
}

impl Tariff {
    fn load() -> Result<Self, String> {
        let tariff: Tariff = config::load()?;
        if tariff.first_hour < 0 || tariff.per_hour < 0 || tariff.daily_cap < 0 {
            return Err("prices must not be negative".into());
        }
        if !(0..=100).contains(&tariff.disabled_discount_percent) {
            return Err("disabled_discount_percent must be within 0..=100".into());
        }
        for name in &tariff.reservable {
            category_from_name(name)
                .ok_or_else(|| format!("reservable: unknown space category {name:?}"))?;
        }
        Ok(tariff)
    }

    fn vehicle_percent(&self, vehicle: VehicleType) -> i64 {
        match vehicle {
            VehicleType::Car => 100,
            VehicleType::Motorcycle => self.motorcycle_percent,
            VehicleType::Van => self.van_percent,
            VehicleType::Coach => self.coach_percent,
        }
    }
}

fn category_from_name(name: &str) -> Option<SpaceCategory> {
    Some(match name {
        "standard" => SpaceCategory::Standard,
        "disabled" => SpaceCategory::Disabled,
        "ev-charging" => SpaceCategory::EvCharging,
        "family" => SpaceCategory::Family,
        "motorcycle" => SpaceCategory::Motorcycle,
        _ => return None,
    })
}

fn line(label: impl Into<String>, amount: i64) -> Line {
    Line {
        label: label.into(),
        amount,
    }
}

/// The car price of `minutes` of billable time, as breakdown lines.
fn base_lines(t: &Tariff, minutes: i64) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut left = minutes;
    let mut day = 1;
    while left > 0 {
        let block = left.min(DAY_MINUTES);
        let hours = (block + 59) / 60;
        let first = t.first_hour;
        let further = (hours - 1) * t.per_hour;
        let suffix = if minutes > DAY_MINUTES {
            format!(" (day {day})")
        } else {
            String::new()
        };
        lines.push(line(format!("first hour{suffix}"), first));
        if hours > 1 {
            lines.push(line(
                format!("{} further hours{suffix}", hours - 1),
                further,
            ));
        }
        if first + further > t.daily_cap {
            lines.push(line(
                format!("daily cap{suffix}"),
                t.daily_cap - first - further,
            ));
        }
        left -= block;
        day += 1;
    }
    lines
}

struct TariffPricing;

impl Pricing for TariffPricing {
    fn quote(stay: Stay) -> Result<Price, PricingError> {
        let tariff = Tariff::load().map_err(PricingError::NotOffered)?;
        if stay.end <= stay.start {
            return Err(PricingError::InvalidStay(
                "the stay ends before it starts".into(),
            ));
        }
        let minutes = (stay.end - stay.start + MINUTE_MS - 1) / MINUTE_MS;
        if minutes > i64::from(tariff.max_stay_minutes) {
            return Err(PricingError::InvalidStay(format!(
                "the stay is {minutes} minutes; at most {} may be booked",
                tariff.max_stay_minutes
            )));
        }
        if stay.category == SpaceCategory::Motorcycle && stay.vehicle != VehicleType::Motorcycle {
            return Err(PricingError::NotOffered(
                "motorcycle spaces take motorcycles only".into(),
            ));
        }

        let mut lines = Vec::new();
        if minutes <= i64::from(tariff.free_minutes) {
            lines.push(line(
                format!("free first {} minutes", tariff.free_minutes),
                0,
            ));
        } else {
            lines = base_lines(&tariff, minutes);
        }
        let car_price: i64 = lines.iter().map(|l| l.amount).sum();

        let percent = tariff.vehicle_percent(stay.vehicle);
        if percent != 100 && car_price > 0 {
            let adjusted = car_price * percent / 100;
            lines.push(line(
                format!("vehicle type at {percent}%"),
                adjusted - car_price,
            ));
        }
        let subtotal: i64 = lines.iter().map(|l| l.amount).sum();
        match stay.category {
            SpaceCategory::EvCharging if tariff.ev_surcharge_percent > 0 => {
                let p = tariff.ev_surcharge_percent;
                lines.push(line(format!("EV charging space +{p}%"), subtotal * p / 100));
            }
            SpaceCategory::Disabled if tariff.disabled_discount_percent > 0 => {
                let p = tariff.disabled_discount_percent;
                lines.push(line(format!("disabled space -{p}%"), -(subtotal * p / 100)));
            }
            _ => {}
        }

        let total = lines.iter().map(|l| l.amount).sum();
        Ok(Price {
            currency: tariff.currency,
            total,
            lines,
        })
    }

    fn policy() -> Policy {
        match Tariff::load() {
            Ok(t) => Policy {
                max_stay_minutes: t.max_stay_minutes,
                hold_minutes: t.hold_minutes,
                grace_minutes: t.grace_minutes,
                no_show_fee: t.no_show_fee,
                reservable: t
                    .reservable
                    .iter()
                    .filter_map(|n| category_from_name(n))
                    .collect(),
            },
            // self-check refuses a bad config before the plugin serves; this
            // is only reached if the config changed underneath it.
            Err(_) => Policy {
                max_stay_minutes: 0,
                hold_minutes: 0,
                grace_minutes: 0,
                no_show_fee: 0,
                reservable: Vec::new(),
            },
        }
    }

    fn self_check() -> Result<(), String> {
        Tariff::load().map(|_| ())
    }
}

plaza_sdk::parking_pricing!(TariffPricing);
