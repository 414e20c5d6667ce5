//! "Near me": a district's facilities and agencies from its data file,
//! filtered by kind, distance and whether they are open now, nearest
//! first.

use super::{PublicServiceError, PublicServices};
use crate::config::{DayHours, FACILITY_KINDS, FacilityData};
use crate::domain::parking::{GeoPoint, distance_m};
use chrono::{Datelike, Timelike};
use serde::Serialize;
use utoipa::ToSchema;

/// Largest search radius accepted, in metres.
const MAX_RADIUS_M: f64 = 50_000.0;

/// What a shopper searches for.
#[derive(Debug, Clone, Default)]
pub struct FacilityQuery {
    /// Only this kind (one of the data file's kinds).
    pub kind: Option<String>,
    /// Where the shopper is, `(lat, lon)`.
    pub near: Option<(f64, f64)>,
    /// Only within this many metres of `near`.
    pub radius_m: Option<f64>,
    /// Only those open (true) or closed (false) now.
    pub open_now: Option<bool>,
}

/// A facility as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Facility {
    /// Id, unique in the district.
    pub id: String,
    /// Display name.
    pub name: String,
    /// `toilet`, `nursing-room`, `atm`, `service-centre`, `wifi-hotspot`,
    /// `police` or `medical`.
    pub kind: String,
    /// Where it is.
    pub location: GeoPoint,
    /// Street address.
    pub address: String,
    /// Every day's hours as the data file gives them.
    pub opening_hours: String,
    /// Days whose hours differ, e.g. `{"sun": "closed"}`.
    pub opening_hours_by_day: std::collections::BTreeMap<String, String>,
    /// Whether it is open now, in the district's local time.
    pub open_now: bool,
    /// Metres from the searched point, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance_m: Option<f64>,
}

/// Whether a facility is open at `now_ms` in a district `utc_offset`
/// minutes ahead of UTC.
pub(crate) fn open_at(facility: &FacilityData, now_ms: i64, utc_offset: i32) -> bool {
    let local = chrono::DateTime::from_timestamp_millis(now_ms + i64::from(utc_offset) * 60_000)
        .unwrap_or_default()
        .naive_utc();
    let today = local.weekday().num_days_from_monday() as usize;
    let yesterday = (today + 6) % 7;
    let minute = (local.hour() * 60 + local.minute()) as u16;
    DayHours::open_at(facility.week[today], facility.week[yesterday], minute)
}

impl FacilityQuery {
    fn check(&self) -> Result<(), PublicServiceError> {
        let bad = |why: String| Err(PublicServiceError::InvalidRequest(why));
        if let Some(kind) = &self.kind
            && !FACILITY_KINDS.contains(&kind.as_str())
        {
            return bad(format!(
                "kind {kind:?} is not one of {}",
                FACILITY_KINDS.join(", ")
            ));
        }
        if let Some((lat, lon)) = self.near
            && !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon))
        {
            return bad(format!("near {lat},{lon} is not a latitude,longitude"));
        }
        if let Some(radius) = self.radius_m {
            if self.near.is_none() {
                return bad("radius_m needs near=lat,lon".into());
            }
            if !(radius > 0.0 && radius <= MAX_RADIUS_M) {
                return bad(format!(
                    "radius_m must be above 0 and at most {MAX_RADIUS_M}"
                ));
            }
        }
        Ok(())
    }
}

impl PublicServices {
    /// The district's facilities matching `query`: nearest first when a
    /// point is given, by id otherwise.
    pub fn facilities(
        &self,
        district: &str,
        query: &FacilityQuery,
    ) -> Result<Vec<Facility>, PublicServiceError> {
        let entry = self
            .inner
            .registry
            .district(district)
            .ok_or_else(|| PublicServiceError::UnknownDistrict(district.to_owned()))?;
        query.check()?;
        let now = chrono::Utc::now().timestamp_millis();
        let listed = self.inner.facilities.get(district).map(Vec::as_slice);
        let mut found: Vec<Facility> = listed
            .unwrap_or_default()
            .iter()
            .filter(|f| query.kind.as_ref().is_none_or(|k| *k == f.kind))
            .map(|f| Facility {
                id: f.id.clone(),
                name: f.name.clone(),
                kind: f.kind.clone(),
                location: GeoPoint {
                    kind: "Point",
                    coordinates: [f.lon, f.lat],
                },
                address: f.address.clone(),
                opening_hours: f.opening_hours.clone(),
                opening_hours_by_day: f.opening_hours_by_day.clone(),
                open_now: open_at(f, now, entry.utc_offset_minutes),
                distance_m: query
                    .near
                    .map(|(lat, lon)| (distance_m(lat, lon, f.lat, f.lon) * 10.0).round() / 10.0),
            })
            .filter(|f| query.open_now.is_none_or(|open| open == f.open_now))
            .filter(|f| match (query.radius_m, f.distance_m) {
                (Some(radius), Some(d)) => d <= radius,
                _ => true,
            })
            .collect();
        if query.near.is_some() {
            found.sort_by(|a, b| {
                a.distance_m
                    .partial_cmp(&b.distance_m)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.id.cmp(&b.id))
            });
        } else {
            found.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Ok(found)
    }
}
