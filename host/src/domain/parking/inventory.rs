//! Car parks and spaces as shoppers and control centres see them, in the
//! shapes of the FIWARE Smart Data Models `OffStreetParking` and
//! `ParkingSpot`, with availability counted from the spaces at read time;
//! and guidance to the nearest car parks with room.

use super::{ParkingError, ParkingService, rfc3339};
use crate::storage::parking::{Availability, CarParkRow, EntranceRow, SpaceRow};
use serde::Serialize;
use utoipa::ToSchema;

/// A GeoJSON point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GeoPoint {
    /// Always `Point`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `[longitude, latitude]`, WGS 84 degrees.
    pub coordinates: [f64; 2],
}

impl GeoPoint {
    fn new(lat: f64, lon: f64) -> Self {
        Self {
            kind: "Point",
            coordinates: [lon, lat],
        }
    }
}

/// A vehicle entrance.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Entrance {
    /// Id, unique in the district.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Where it is.
    pub location: GeoPoint,
}

/// A car park (FIWARE `OffStreetParking`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CarPark {
    /// Id, unique in the district.
    pub id: String,
    /// Always `OffStreetParking`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Display name.
    pub name: String,
    /// Where it is.
    pub location: GeoPoint,
    /// `HH:MM-HH:MM` local time.
    pub opening_hours: String,
    /// Floor names in the order a driver reaches them.
    pub floors: Vec<String>,
    /// Vehicle entrances.
    pub entrances: Vec<Entrance>,
    /// Every space.
    pub total_spot_number: i64,
    /// Free spaces no reservation holds now.
    pub available_spot_number: i64,
    /// Spaces sensors report occupied.
    pub occupied_spot_number: i64,
    /// Occupied share of the spaces, 0 to 1.
    pub occupancy: f64,
    /// First floor (in driving order) with an available space.
    pub first_available_floor: Option<String>,
    /// Vehicles in through the gates in the current hour.
    pub vehicle_entrance_count: i64,
    /// Vehicles out in the current hour.
    pub vehicle_exit_count: i64,
    /// Latest sensor or gate observation, RFC 3339.
    pub date_observed: Option<String>,
    /// Metres from the point asked about, when one was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distance: Option<f64>,
}

/// A space (FIWARE `ParkingSpot`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ParkingSpot {
    /// Id, unique in the district; sensors report under it.
    pub id: String,
    /// Always `ParkingSpot`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Its car park.
    pub ref_parking_site: String,
    /// Its floor.
    pub floor: String,
    /// `standard`, `disabled`, `ev-charging`, `family` or `motorcycle`.
    pub category: String,
    /// `free`, `occupied`, `closed` or `unknown`.
    pub status: String,
    /// When a sensor last reported, RFC 3339.
    pub date_observed: Option<String>,
}

/// A car park with room, and how to get in.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Guidance {
    /// The car park.
    pub car_park: String,
    /// Its name.
    pub name: String,
    /// Metres in a straight line to the nearest entrance.
    pub distance: f64,
    /// The nearest entrance.
    pub entrance: Entrance,
    /// First floor with room.
    pub first_available_floor: Option<String>,
    /// Free spaces no reservation holds now.
    pub available_spot_number: i64,
}

/// Metres between two points on the Earth (haversine).
pub(crate) fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    const EARTH_RADIUS_M: f64 = 6_371_000.0;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

fn entrance(e: &EntranceRow) -> Entrance {
    Entrance {
        id: e.id.clone(),
        name: e.name.clone(),
        location: GeoPoint::new(e.lat, e.lon),
    }
}

impl ParkingService {
    /// Every car park of the district with its availability now; with
    /// `near = (lat, lon, radius_m)` only those within the radius, nearest
    /// first.
    pub async fn car_parks(
        &self,
        district: &str,
        near: Option<(f64, f64, f64)>,
    ) -> Result<Vec<CarPark>, ParkingError> {
        self.check_district(district)?;
        let now = self.clock.now_ms();
        let parks = self.store.car_parks(district).await?;
        let entrances = self.store.entrances(district).await?;
        let counts = self.store.availability(district, now).await?;
        let mut out = Vec::with_capacity(parks.len());
        for park in parks {
            let count = counts
                .iter()
                .find(|(id, _)| *id == park.id)
                .map(|(_, c)| c.clone())
                .unwrap_or_default();
            let mut view = self.view(district, park, &entrances, count, now).await?;
            if let Some((lat, lon, radius)) = near {
                let [plon, plat] = view.location.coordinates;
                let d = distance_m(lat, lon, plat, plon);
                if d > radius {
                    continue;
                }
                view.distance = Some(d.round());
            }
            out.push(view);
        }
        if near.is_some() {
            out.sort_by(|a, b| a.distance.partial_cmp(&b.distance).expect("finite"));
        }
        Ok(out)
    }

    /// One car park with its availability now.
    pub async fn car_park(&self, district: &str, id: &str) -> Result<CarPark, ParkingError> {
        self.check_district(district)?;
        let now = self.clock.now_ms();
        let park = self
            .store
            .car_park(district, id)
            .await?
            .ok_or_else(|| ParkingError::UnknownCarPark(id.to_owned()))?;
        let entrances = self.store.entrances(district).await?;
        let count = self
            .store
            .availability(district, now)
            .await?
            .into_iter()
            .find(|(c, _)| c == id)
            .map(|(_, c)| c)
            .unwrap_or_default();
        self.view(district, park, &entrances, count, now).await
    }

    /// The spaces of a car park and what sensors last said of them.
    pub async fn spaces(&self, district: &str, id: &str) -> Result<Vec<ParkingSpot>, ParkingError> {
        self.check_district(district)?;
        if self.store.car_park(district, id).await?.is_none() {
            return Err(ParkingError::UnknownCarPark(id.to_owned()));
        }
        let spaces = self.store.spaces(district, id).await?;
        Ok(spaces.iter().map(spot).collect())
    }

    /// Car parks with room, nearest entrance first, at most `limit`.
    pub async fn guidance(
        &self,
        district: &str,
        lat: f64,
        lon: f64,
        limit: usize,
    ) -> Result<Vec<Guidance>, ParkingError> {
        let parks = self.car_parks(district, None).await?;
        let mut out: Vec<Guidance> = parks
            .into_iter()
            .filter(|p| p.available_spot_number > 0)
            .filter_map(|p| {
                let nearest = p
                    .entrances
                    .iter()
                    .map(|e| {
                        let [elon, elat] = e.location.coordinates;
                        (distance_m(lat, lon, elat, elon), e)
                    })
                    .min_by(|a, b| a.0.partial_cmp(&b.0).expect("finite"))?;
                Some(Guidance {
                    car_park: p.id.clone(),
                    name: p.name.clone(),
                    distance: nearest.0.round(),
                    entrance: nearest.1.clone(),
                    first_available_floor: p.first_available_floor.clone(),
                    available_spot_number: p.available_spot_number,
                })
            })
            .collect();
        out.sort_by(|a, b| a.distance.partial_cmp(&b.distance).expect("finite"));
        out.truncate(limit);
        Ok(out)
    }

    async fn view(
        &self,
        district: &str,
        park: CarParkRow,
        entrances: &[EntranceRow],
        count: Availability,
        now: i64,
    ) -> Result<CarPark, ParkingError> {
        let hour = now.div_euclid(3_600_000) * 3_600_000;
        let flow = self
            .store
            .flow_hours(district, &park.id, hour, hour + 1)
            .await?;
        let (entered, exited, gate_seen) = flow
            .first()
            .map(|h| (h.entered, h.exited, Some(h.last_observed)))
            .unwrap_or((0, 0, None));
        let observed = count.last_observed.max(gate_seen);
        Ok(CarPark {
            kind: "OffStreetParking",
            location: GeoPoint::new(park.lat, park.lon),
            entrances: entrances
                .iter()
                .filter(|e| e.car_park == park.id)
                .map(entrance)
                .collect(),
            total_spot_number: count.total,
            available_spot_number: count.available,
            occupied_spot_number: count.occupied,
            occupancy: if count.total == 0 {
                0.0
            } else {
                count.occupied as f64 / count.total as f64
            },
            first_available_floor: count
                .first_available_floor
                .and_then(|i| park.floors.get(i as usize).cloned()),
            vehicle_entrance_count: entered,
            vehicle_exit_count: exited,
            date_observed: observed.map(rfc3339),
            distance: None,
            id: park.id,
            name: park.name,
            opening_hours: park.opening_hours,
            floors: park.floors,
        })
    }
}

fn spot(s: &SpaceRow) -> ParkingSpot {
    ParkingSpot {
        id: s.id.clone(),
        kind: "ParkingSpot",
        ref_parking_site: s.car_park.clone(),
        floor: s.floor.clone(),
        category: s.category.clone(),
        status: s.status.clone(),
        date_observed: s.date_observed.map(rfc3339),
    }
}
