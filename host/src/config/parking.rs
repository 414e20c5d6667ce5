//! A district's parking data file: its car parks, their entrances and
//! floors and their spaces, referenced from `[[district]] parking = ...`.
//!
//! ```toml
//! [[car_park]]
//! id = "jfb-square"
//! name = "Jiefangbei Square Underground"
//! lat = 29.5575
//! lon = 106.5775
//! opening_hours = "00:00-24:00"
//! floors = ["B1", "B2"]          # in the order a driver reaches them
//!
//! [[car_park.entrance]]
//! id = "jfb-square-minzu"
//! name = "Minzu Road ramp"
//! lat = 29.5571
//! lon = 106.5779
//!
//! [[car_park.spaces]]            # B1-001 .. B1-024
//! floor = "B1"
//! category = "standard"          # standard | disabled | ev-charging | family | motorcycle
//! count = 24
//! ```
//!
//! A space's id is `{car park}-{floor}-{number}` in lower case, e.g.
//! `jfb-square-b1-007`; sensors report under that id.

use super::load::{ConfigError, validate_id};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// Space categories a data file may name.
pub const SPACE_CATEGORIES: [&str; 5] = [
    "standard",
    "disabled",
    "ev-charging",
    "family",
    "motorcycle",
];

/// The whole data file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParkingData {
    /// Car parks, written `[[car_park]]`.
    #[serde(default, rename = "car_park")]
    pub car_parks: Vec<CarParkData>,
}

/// `[[car_park]]`: one off-street car park.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarParkData {
    /// Id, unique in the district; used in URLs.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Latitude of the car park, WGS 84 degrees.
    pub lat: f64,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
    /// `HH:MM-HH:MM` local time; `00:00-24:00` for always open.
    #[serde(default = "always_open")]
    pub opening_hours: String,
    /// Floor names in the order a driver reaches them.
    pub floors: Vec<String>,
    /// Vehicle entrances, written `[[car_park.entrance]]`.
    #[serde(default, rename = "entrance")]
    pub entrances: Vec<EntranceData>,
    /// Groups of spaces, written `[[car_park.spaces]]`.
    #[serde(default)]
    pub spaces: Vec<SpaceGroup>,
}

fn always_open() -> String {
    "00:00-24:00".into()
}

/// `[[car_park.entrance]]`: a vehicle entrance (and its gate counter).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntranceData {
    /// Id, unique in the district; gate counters report under it.
    pub id: String,
    /// Display name, e.g. the street it opens on.
    pub name: String,
    /// Latitude, WGS 84 degrees.
    pub lat: f64,
    /// Longitude, WGS 84 degrees.
    pub lon: f64,
}

/// `[[car_park.spaces]]`: `count` numbered spaces of one category on a floor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpaceGroup {
    /// One of the car park's `floors`.
    pub floor: String,
    /// One of [`SPACE_CATEGORIES`].
    #[serde(default = "standard")]
    pub category: String,
    /// How many spaces, 1..=5000.
    pub count: u32,
    /// Number of the first space (default 1); the rest follow it.
    #[serde(default = "one")]
    pub first: u32,
}

fn standard() -> String {
    "standard".into()
}

fn one() -> u32 {
    1
}

/// One space as the data file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceData {
    /// `{car park}-{floor}-{number}` in lower case.
    pub id: String,
    /// Its floor's name.
    pub floor: String,
    /// Its floor's place in the car park's `floors`.
    pub floor_index: usize,
    /// Its category.
    pub category: String,
}

impl CarParkData {
    /// Every space of the car park, in floor and number order.
    pub fn space_list(&self) -> Vec<SpaceData> {
        let mut out = Vec::new();
        for group in &self.spaces {
            let floor_index = self.floors.iter().position(|f| *f == group.floor);
            for n in group.first..group.first.saturating_add(group.count) {
                out.push(SpaceData {
                    id: format!("{}-{}-{n:03}", self.id, group.floor).to_lowercase(),
                    floor: group.floor.clone(),
                    floor_index: floor_index.unwrap_or(0),
                    category: group.category.clone(),
                });
            }
        }
        out
    }
}

/// Reads and checks a data file; errors name the file, key and reason.
pub fn load_parking(file: &Path) -> Result<ParkingData, ConfigError> {
    let err = |key: String, reason: String| ConfigError {
        file: file.to_path_buf(),
        key,
        reason,
    };
    let text = std::fs::read_to_string(file)
        .map_err(|e| err("(file)".into(), format!("failed to read: {e}")))?;
    let de = toml::Deserializer::parse(&text).map_err(|e| err("(syntax)".into(), e.to_string()))?;
    let data: ParkingData = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        err(key, e.into_inner().message().to_owned())
    })?;
    validate(&data).map_err(|(key, reason)| err(key, reason))?;
    Ok(data)
}

fn validate(data: &ParkingData) -> Result<(), (String, String)> {
    let mut ids = HashSet::new();
    let mut spaces = HashSet::new();
    for (c, park) in data.car_parks.iter().enumerate() {
        let at = format!("car_park[{c}]");
        validate_id(&format!("{at}.id"), &park.id)?;
        if !ids.insert(park.id.clone()) {
            return Err((format!("{at}.id"), format!("{:?} is used twice", park.id)));
        }
        check_point(&at, park.lat, park.lon)?;
        check_hours(&format!("{at}.opening_hours"), &park.opening_hours)?;
        let floors: HashSet<_> = park.floors.iter().collect();
        if park.floors.is_empty() || floors.len() != park.floors.len() {
            let reason = "must list at least one floor, each once".to_owned();
            return Err((format!("{at}.floors"), reason));
        }
        if park.entrances.is_empty() {
            let reason = "a car park needs at least one entrance".to_owned();
            return Err((format!("{at}.entrance"), reason));
        }
        for (e, entrance) in park.entrances.iter().enumerate() {
            let at = format!("{at}.entrance[{e}]");
            validate_id(&format!("{at}.id"), &entrance.id)?;
            if !ids.insert(entrance.id.clone()) {
                let reason = format!("{:?} is already a car park or entrance id", entrance.id);
                return Err((format!("{at}.id"), reason));
            }
            check_point(&at, entrance.lat, entrance.lon)?;
        }
        for (g, group) in park.spaces.iter().enumerate() {
            let at = format!("{at}.spaces[{g}]");
            if !floors.contains(&group.floor) {
                let reason = format!("{:?} is not one of the car park's floors", group.floor);
                return Err((format!("{at}.floor"), reason));
            }
            if !SPACE_CATEGORIES.contains(&group.category.as_str()) {
                let reason = format!(
                    "{:?} is not one of {}",
                    group.category,
                    SPACE_CATEGORIES.join(", ")
                );
                return Err((format!("{at}.category"), reason));
            }
            if !(1..=5000).contains(&group.count) {
                return Err((format!("{at}.count"), "must be within 1..=5000".into()));
            }
        }
        for space in park.space_list() {
            if !spaces.insert(space.id.clone()) {
                let reason = format!("space {:?} is defined twice", space.id);
                return Err((format!("{at}.spaces"), reason));
            }
        }
    }
    Ok(())
}

fn check_point(at: &str, lat: f64, lon: f64) -> Result<(), (String, String)> {
    if !(-90.0..=90.0).contains(&lat) {
        return Err((format!("{at}.lat"), format!("{lat} is outside -90..=90")));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err((format!("{at}.lon"), format!("{lon} is outside -180..=180")));
    }
    Ok(())
}

fn check_hours(key: &str, hours: &str) -> Result<(), (String, String)> {
    let minutes = |hm: &str| -> Option<u32> {
        let (h, m) = hm.split_once(':')?;
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (h <= 24 && m < 60 && h * 60 + m <= 1440 && hm.len() == 5).then_some(h * 60 + m)
    };
    let ok = hours
        .split_once('-')
        .and_then(|(from, to)| Some((minutes(from)?, minutes(to)?)))
        .is_some_and(|(from, to)| from < to);
    if ok {
        Ok(())
    } else {
        let reason = format!("{hours:?} is not HH:MM-HH:MM with the start before the end");
        Err((key.to_owned(), reason))
    }
}
