//! Distances on the Earth and the zone a place lies in.

use crate::config::{LogisticsData, Zone};

/// Mean Earth radius, metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance between two WGS 84 positions, in metres.
pub(super) fn distance_m(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// The first zone of `data` whose circle holds `(lat, lon)`.
pub(super) fn zone_of(data: &LogisticsData, lat: f64, lon: f64) -> Option<&Zone> {
    data.zones
        .iter()
        .find(|z| distance_m((z.center.lat, z.center.lon), (lat, lon)) <= z.radius_km * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::distance_m;

    #[test]
    fn distances_match_known_figures() {
        // Jiefangbei to Guanyinqiao, Chongqing: about 4.3 km apart.
        let d = distance_m((29.5586, 106.5770), (29.5754, 106.5355));
        assert!((4_000.0..4_600.0).contains(&d), "{d}");
        assert_eq!(distance_m((10.0, 20.0), (10.0, 20.0)), 0.0);
    }
}
