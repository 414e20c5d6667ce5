//! A district's commerce data file, referenced from its config as
//! `[[district]] commerce = "districts/<id>/commerce.toml"`: the guarantee
//! fund's policy, and the merchants with their goods and services that
//! seed the catalogue. Errors name the data file, the key and the reason.

use super::load::ConfigError;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// Reasons a shopper may claim compensation for.
pub const CLAIM_REASONS: [&str; 3] = ["not-as-described", "late", "not-delivered"];

/// The whole commerce data file of one district.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommerceData {
    /// "Compensation paid first": the district's guarantee fund.
    pub guarantee: GuaranteePolicy,
    /// The district's shops, written `[[merchant]]`.
    #[serde(default, rename = "merchant")]
    pub merchants: Vec<MerchantData>,
}

/// `[guarantee]`: how claims are paid.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuaranteePolicy {
    /// ISO 4217 code of the fund and of every price (default `CNY`).
    #[serde(default = "cny")]
    pub currency: String,
    /// The fund's balance when first opened, in minor units.
    pub fund_initial_balance: i64,
    /// Most paid out on one claim, in minor units.
    pub max_payout_per_claim: i64,
    /// Reasons accepted, from `not-as-described`, `late`, `not-delivered`.
    pub allowed_reasons: Vec<String>,
}

fn cny() -> String {
    "CNY".into()
}

/// `[[merchant]]`: one shop.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MerchantData {
    /// Id, unique in the district: 1-63 of `a-z 0-9 -`.
    pub id: String,
    /// Shop name.
    pub name: String,
    /// What it sells, e.g. `hotpot`, `tea`, `fashion`, `electronics`.
    pub category: String,
    /// Floor, e.g. `L3` or `B1`.
    pub floor: String,
    /// Opening hours, `HH:MM-HH:MM`.
    pub opening_hours: String,
    /// Where to find it.
    pub location: String,
    /// Its goods and services, written `[[merchant.item]]`.
    #[serde(default, rename = "item")]
    pub items: Vec<ItemData>,
}

/// `[[merchant.item]]`: one good or service.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemData {
    /// Id, unique in the district.
    pub id: String,
    /// Name.
    pub name: String,
    /// `goods` (needs `stock`) or `service` (has none).
    pub kind: String,
    /// Category; default the merchant's.
    pub category: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Price of one unit in minor units, above 0.
    pub price: i64,
    /// Units in stock, for goods.
    pub stock: Option<i64>,
}

/// Reads and checks a commerce data file.
pub fn load_commerce(file: &Path) -> Result<CommerceData, ConfigError> {
    let err = |key: String, reason: String| ConfigError {
        file: file.to_path_buf(),
        key,
        reason,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| err("(file)".into(), format!("failed to read: {e}")))?;
    let de = toml::Deserializer::parse(&text).map_err(|e| err("(syntax)".into(), e.to_string()))?;
    let data: CommerceData = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        err(key, e.into_inner().message().to_owned())
    })?;
    validate(&data).map_err(|(key, reason)| err(key, reason))?;
    Ok(data)
}

fn validate(data: &CommerceData) -> Result<(), (String, String)> {
    let g = &data.guarantee;
    if g.currency.len() != 3 || !g.currency.chars().all(|c| c.is_ascii_uppercase()) {
        return Err((
            "guarantee.currency".into(),
            "must be an ISO 4217 code".into(),
        ));
    }
    if g.fund_initial_balance < 0 {
        let reason = "must not be negative".into();
        return Err(("guarantee.fund_initial_balance".into(), reason));
    }
    if g.max_payout_per_claim <= 0 {
        return Err((
            "guarantee.max_payout_per_claim".into(),
            "must be above 0".into(),
        ));
    }
    for (r, reason) in g.allowed_reasons.iter().enumerate() {
        if !CLAIM_REASONS.contains(&reason.as_str()) {
            let why = format!("{reason:?} is not one of {CLAIM_REASONS:?}");
            return Err((format!("guarantee.allowed_reasons[{r}]"), why));
        }
    }
    let mut merchants = HashSet::new();
    let mut items = HashSet::new();
    for (m, merchant) in data.merchants.iter().enumerate() {
        let at = format!("merchant[{m}]");
        check_id(&format!("{at}.id"), &merchant.id)?;
        if !merchants.insert(&merchant.id) {
            return Err((
                format!("{at}.id"),
                format!("{:?} is defined twice", merchant.id),
            ));
        }
        for (key, value) in [("name", &merchant.name), ("category", &merchant.category)] {
            if value.trim().is_empty() {
                return Err((format!("{at}.{key}"), "must not be empty".into()));
            }
        }
        if !valid_hours(&merchant.opening_hours) {
            let reason = format!("{:?} is not HH:MM-HH:MM", merchant.opening_hours);
            return Err((format!("{at}.opening_hours"), reason));
        }
        for (i, item) in merchant.items.iter().enumerate() {
            let at = format!("{at}.item[{i}]");
            check_id(&format!("{at}.id"), &item.id)?;
            if !items.insert(&item.id) {
                return Err((
                    format!("{at}.id"),
                    format!("{:?} is defined twice", item.id),
                ));
            }
            if item.price <= 0 {
                return Err((
                    format!("{at}.price"),
                    "must be above 0 (minor units)".into(),
                ));
            }
            match (item.kind.as_str(), item.stock) {
                ("goods", Some(stock)) if stock >= 0 => {}
                ("goods", _) => {
                    let reason = "goods need a stock of 0 or more".into();
                    return Err((format!("{at}.stock"), reason));
                }
                ("service", None) => {}
                ("service", Some(_)) => {
                    return Err((format!("{at}.stock"), "a service has no stock".into()));
                }
                (other, _) => {
                    let reason = format!("{other:?} is neither \"goods\" nor \"service\"");
                    return Err((format!("{at}.kind"), reason));
                }
            }
        }
    }
    Ok(())
}

/// Checks an id: 1-63 of `a-z 0-9 -`, starting with a letter or digit.
pub(crate) fn check_id(key: &str, id: &str) -> Result<(), (String, String)> {
    let ok = !id.is_empty()
        && id.len() <= 63
        && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        let reason = format!("{id:?} must be 1-63 of a-z, 0-9 and '-'");
        Err((key.to_owned(), reason))
    }
}

fn valid_hours(text: &str) -> bool {
    let hhmm = |s: &str| {
        let b = s.as_bytes();
        b.len() == 5
            && b[2] == b':'
            && s[..2].parse::<u8>().is_ok_and(|h| h < 24)
            && s[3..].parse::<u8>().is_ok_and(|m| m < 60)
    };
    text.split_once('-')
        .is_some_and(|(a, b)| hhmm(a) && hhmm(b))
}
