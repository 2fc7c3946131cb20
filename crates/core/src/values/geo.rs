//! Places as fixed-point integers (micro-degrees), never floats: signed bytes
//! must not depend on how a float happens to print.

use super::text::Label;
use serde::{Deserialize, Serialize};

/// WGS 84 position in micro-degrees (1e-6°, about 11 cm at the equator).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, try_from = "RawPoint")]
pub struct GeoPoint {
    // Private: a point exists only through `new` (or parsing, which calls
    // it), so it is always on the globe.
    lat_e6: i32,
    lon_e6: i32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPoint {
    lat_e6: i64,
    lon_e6: i64,
}

impl TryFrom<RawPoint> for GeoPoint {
    type Error = String;
    fn try_from(raw: RawPoint) -> Result<Self, String> {
        GeoPoint::new(raw.lat_e6, raw.lon_e6)
    }
}

impl GeoPoint {
    pub fn new(lat_e6: i64, lon_e6: i64) -> Result<Self, String> {
        if !(-90_000_000..=90_000_000).contains(&lat_e6) {
            return Err(format!("latitude {lat_e6} µ° is outside ±90°"));
        }
        if !(-180_000_000..=180_000_000).contains(&lon_e6) {
            return Err(format!("longitude {lon_e6} µ° is outside ±180°"));
        }
        // Both ranges were just checked, so the narrowing cannot fail.
        Ok(Self {
            lat_e6: i32::try_from(lat_e6).map_err(|e| e.to_string())?,
            lon_e6: i32::try_from(lon_e6).map_err(|e| e.to_string())?,
        })
    }

    /// Latitude in micro-degrees, within ±90,000,000.
    pub fn lat_e6(&self) -> i32 {
        self.lat_e6
    }

    /// Longitude in micro-degrees, within ±180,000,000.
    pub fn lon_e6(&self) -> i32 {
        self.lon_e6
    }

    pub fn lat(&self) -> f64 {
        f64::from(self.lat_e6) / 1e6
    }

    pub fn lon(&self) -> f64 {
        f64::from(self.lon_e6) / 1e6
    }
}

/// How precisely the author knows where (ACLED's geo_precision, UCDP's where_prec).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    /// The exact spot, within a few hundred metres.
    Exact,
    /// Near a named town or crossing.
    Locality,
    /// Somewhere in a district (admin2).
    District,
    /// Somewhere in a province (admin1).
    Province,
}

/// A place as reported: a point, how precise it is, and the names that go with it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub point: GeoPoint,
    pub precision: GeoPrecision,
    /// Country, province, district (ACLED admin1..admin3 after the country).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin1: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin2: Option<Label>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Label>,
    /// The shipped gazetteer's id for this place, when picked from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gazetteer_id: Option<Label>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_range_checked() {
        assert!(GeoPoint::new(34_100_000, 71_100_000).is_ok());
        assert!(GeoPoint::new(90_000_001, 0).is_err());
        assert!(GeoPoint::new(0, -180_000_001).is_err());
        let p: Result<GeoPoint, _> = serde_json::from_str(r#"{"lat_e6":34.1,"lon_e6":71}"#);
        assert!(p.is_err(), "floats are refused");
    }
}
