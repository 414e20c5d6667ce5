//! A district's facilities and agencies file: public toilets, nursing
//! rooms, ATMs, service centres, free Wi-Fi hotspots, police and medical
//! points, referenced from `[[district]] facilities = ...`.
//!
//! ```toml
//! [[facility]]
//! id = "jfb-toilet-monument"
//! name = "Liberation Monument public toilet"
//! kind = "toilet"        # toilet | nursing-room | atm | service-centre
//!                        # | wifi-hotspot | police | medical
//! lat = 29.5581
//! lon = 106.5774
//! address = "Minquan Road, beside the Liberation Monument"
//! opening_hours = "06:00-23:00"            # or "24h" or "closed"
//! opening_hours_by_day = { sun = "08:00-22:00" }   # optional overrides
//! ```
//!
//! Opening hours are in the district's local time. `HH:MM-HH:MM` opens at
//! the first time and closes at the second; a closing time before the
//! opening time runs past midnight (`20:00-02:00`), `24:00` is the end of
//! the day. Day keys are `mon tue wed thu fri sat sun`.

use super::load::{ConfigError, validate_id};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Kinds of facility a data file may name.
pub const FACILITY_KINDS: [&str; 7] = [
    "toilet",
    "nursing-room",
    "atm",
    "service-centre",
    "wifi-hotspot",
    "police",
    "medical",
];

/// Day keys of `opening_hours_by_day`, Monday first.
pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The whole data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilitiesData {
    /// Facilities, written `[[facility]]`.
    #[serde(default, rename = "facility")]
    pub facilities: Vec<FacilityData>,
}

/// `[[facility]]`: one facility or agency point.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FacilityData {
    /// Id, unique in the district.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One of [`FACILITY_KINDS`].
    pub kind: String,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// Street address, for people.
    pub address: String,
    /// Every day's hours: `HH:MM-HH:MM`, `24h` or `closed`.
    pub opening_hours: String,
    /// Hours of given days, overriding `opening_hours`.
    #[serde(default)]
    pub opening_hours_by_day: BTreeMap<String, String>,
    /// The hours of each day, Monday first, as read and checked at load.
    #[serde(skip)]
    pub week: [DayHours; 7],
}

/// One day's opening hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DayHours {
    /// Closed all day.
    #[default]
    Closed,
    /// Open all day.
    AllDay,
    /// Open from `open` to `close`, minutes after midnight; `close` below
    /// `open` runs into the next day.
    Between {
        /// Opening minute of the day, 0..1440.
        open: u16,
        /// Closing minute, 0..=1440.
        close: u16,
    },
}

impl DayHours {
    /// Reads `HH:MM-HH:MM`, `24h` or `closed`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text {
            "24h" => return Ok(Self::AllDay),
            "closed" => return Ok(Self::Closed),
            _ => {}
        }
        let bad = || format!("{text:?} is not \"HH:MM-HH:MM\", \"24h\" or \"closed\"");
        let (open, close) = text.split_once('-').ok_or_else(bad)?;
        let minute = |hhmm: &str, max: u16| -> Result<u16, String> {
            let (h, m) = hhmm.split_once(':').ok_or_else(bad)?;
            let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
            let total = h * 60 + m;
            if h.to_string().len() > 2 || m >= 60 || total > max {
                return Err(bad());
            }
            Ok(total)
        };
        let (open, close) = (minute(open, 1439)?, minute(close, 1440)?);
        if open == close {
            return Err(format!("{text:?} opens and closes at the same time"));
        }
        Ok(Self::Between { open, close })
    }

    /// Whether a place with these hours on `today` (and `yesterday`'s,
    /// for hours running past midnight) is open at `minute` of today.
    pub fn open_at(today: Self, yesterday: Self, minute: u16) -> bool {
        let spill = match yesterday {
            Self::Between { open, close } if close < open => minute < close,
            _ => false,
        };
        spill
            || match today {
                Self::Closed => false,
                Self::AllDay => true,
                Self::Between { open, close } if close < open => minute >= open,
                Self::Between { open, close } => (open..close).contains(&minute),
            }
    }
}

/// Reads and checks a facilities file; errors name the file and key.
pub fn load_facilities(file: &Path) -> Result<FacilitiesData, ConfigError> {
    let err = |key: String, reason: String| ConfigError {
        file: file.to_path_buf(),
        key,
        reason,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| err("(file)".into(), format!("failed to read: {e}")))?;
    let de = toml::Deserializer::parse(&text).map_err(|e| err("(syntax)".into(), e.to_string()))?;
    let mut data: FacilitiesData = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        err(key, e.into_inner().message().to_owned())
    })?;
    let mut ids = HashSet::new();
    for (i, facility) in data.facilities.iter_mut().enumerate() {
        let at = format!("facility[{i}]");
        validate_id(&format!("{at}.id"), &facility.id).map_err(|(k, r)| err(k, r))?;
        if !ids.insert(facility.id.clone()) {
            let why = format!("facility {:?} is defined twice", facility.id);
            return Err(err(format!("{at}.id"), why));
        }
        if facility.name.trim().is_empty() {
            return Err(err(format!("{at}.name"), "must not be empty".into()));
        }
        if !FACILITY_KINDS.contains(&facility.kind.as_str()) {
            let why = format!(
                "{:?} is not a facility kind; use one of {}",
                facility.kind,
                FACILITY_KINDS.join(", ")
            );
            return Err(err(format!("{at}.kind"), why));
        }
        if !(-90.0..=90.0).contains(&facility.lat) {
            return Err(err(format!("{at}.lat"), "must be within -90..=90".into()));
        }
        if !(-180.0..=180.0).contains(&facility.lon) {
            return Err(err(format!("{at}.lon"), "must be within -180..=180".into()));
        }
        let every_day = DayHours::parse(&facility.opening_hours)
            .map_err(|r| err(format!("{at}.opening_hours"), r))?;
        facility.week = [every_day; 7];
        for (day, hours) in &facility.opening_hours_by_day {
            let key = format!("{at}.opening_hours_by_day.{day}");
            let index = DAY_KEYS.iter().position(|d| d == day).ok_or_else(|| {
                err(
                    key.clone(),
                    format!("{day:?} is not one of {}", DAY_KEYS.join(" ")),
                )
            })?;
            facility.week[index] = DayHours::parse(hours).map_err(|r| err(key, r))?;
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::DayHours;

    #[test]
    fn hours_parse_ranges_all_day_and_closed() {
        assert_eq!(DayHours::parse("24h"), Ok(DayHours::AllDay));
        assert_eq!(DayHours::parse("closed"), Ok(DayHours::Closed));
        assert_eq!(
            DayHours::parse("08:30-22:00"),
            Ok(DayHours::Between {
                open: 510,
                close: 1320
            })
        );
        assert!(DayHours::parse("8-22").is_err());
        assert!(DayHours::parse("08:00-25:00").is_err());
        assert!(DayHours::parse("08:00-08:00").is_err());
    }

    #[test]
    fn hours_past_midnight_spill_into_the_next_day() {
        let late = DayHours::parse("20:00-02:00").unwrap();
        assert!(DayHours::open_at(late, DayHours::Closed, 21 * 60));
        assert!(!DayHours::open_at(late, DayHours::Closed, 60));
        assert!(DayHours::open_at(DayHours::Closed, late, 60));
        assert!(!DayHours::open_at(DayHours::Closed, late, 3 * 60));
        let day = DayHours::parse("08:00-24:00").unwrap();
        assert!(DayHours::open_at(day, DayHours::Closed, 23 * 60 + 59));
        assert!(!DayHours::open_at(day, DayHours::Closed, 7 * 60));
    }
}
