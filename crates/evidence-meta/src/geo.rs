//! Great-circle distance between two points, for "how far is the photo from
//! the reported place".

use truce_core::values::GeoPoint;

/// The mean Earth radius (IUGG), in metres: the haversine distance on a
/// sphere of this radius is within 0.5 % of the ellipsoidal one, far finer
/// than the tens of kilometres the checks look at.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The great-circle (haversine) distance between `a` and `b`, in whole metres.
pub fn distance_m(a: &GeoPoint, b: &GeoPoint) -> u64 {
    let (lat1, lat2) = (a.lat().to_radians(), b.lat().to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon() - a.lon()).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair past 1 for antipodal points.
    let central = 2.0 * h.clamp(0.0, 1.0).sqrt().asin();
    // At most half the Earth's circumference (about 2e7 m): the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let metres = (EARTH_RADIUS_M * central).round() as u64;
    metres
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(lat: f64, lon: f64) -> GeoPoint {
        #[allow(clippy::cast_possible_truncation)]
        GeoPoint::new((lat * 1e6) as i64, (lon * 1e6) as i64).unwrap()
    }

    #[test]
    fn known_distances() {
        // Peshawar to Torkham, about 47 km as the crow flies.
        let d = distance_m(&point(34.0151, 71.5249), &point(34.1367, 71.0933));
        assert!((40_000..=50_000).contains(&d), "{d}");
        // A degree of latitude is about 111.2 km.
        let d = distance_m(&point(0.0, 10.0), &point(1.0, 10.0));
        assert!((111_000..=111_400).contains(&d), "{d}");
        assert_eq!(distance_m(&point(34.0, 71.0), &point(34.0, 71.0)), 0);
        // Antipodes: half the circumference, no NaN.
        let d = distance_m(&point(0.0, 0.0), &point(0.0, 180.0));
        assert!((20_000_000..=20_040_000).contains(&d), "{d}");
    }
}
