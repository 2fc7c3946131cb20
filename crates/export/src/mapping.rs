//! The one mapping from Truce's values to ACLED's and UCDP GED's (the
//! README prints the same table). Where a format has no equivalent, the
//! mapping says so (`exact: false`) and the row says it in `tags`/`notes`.

use truce_core::kinds::incident::IncidentType;
use truce_core::values::{GeoPrecision, TimePrecision};

/// ACLED's classification of one of our incident types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcledType {
    pub disorder_type: &'static str,
    pub event_type: &'static str,
    pub sub_event_type: &'static str,
    /// ACLED has this kind of event as such; when not, the row's tags say
    /// which Truce type it was and that ACLED has no equivalent.
    pub exact: bool,
}

const fn acled(
    disorder_type: &'static str,
    event_type: &'static str,
    sub_event_type: &'static str,
    exact: bool,
) -> AcledType {
    AcledType {
        disorder_type,
        event_type,
        sub_event_type,
        exact,
    }
}

const VIOLENCE: &str = "Political violence";
const STRATEGIC: &str = "Strategic developments";

pub fn acled_type(t: IncidentType) -> AcledType {
    match t {
        IncidentType::ArmedClash => acled(VIOLENCE, "Battles", "Armed clash", true),
        // An attack across the border: fighting between organised armed
        // actors, as ACLED codes it, but ACLED does not mark "cross-border".
        IncidentType::CrossBorderAttack => acled(VIOLENCE, "Battles", "Armed clash", false),
        IncidentType::Airstrike | IncidentType::DroneStrike => acled(
            VIOLENCE,
            "Explosions/Remote violence",
            "Air/drone strike",
            true,
        ),
        IncidentType::Shelling => acled(
            VIOLENCE,
            "Explosions/Remote violence",
            "Shelling/artillery/missile attack",
            true,
        ),
        IncidentType::Ied => acled(
            VIOLENCE,
            "Explosions/Remote violence",
            "Remote explosive/landmine/IED",
            true,
        ),
        IncidentType::Abduction => acled(
            VIOLENCE,
            "Violence against civilians",
            "Abduction/forced disappearance",
            true,
        ),
        // No violence reported as such: ACLED's catch-all for the rest.
        IncidentType::InfiltrationAttempt
        | IncidentType::AirspaceViolation
        | IncidentType::CrossingClosure
        | IncidentType::Other => acled(STRATEGIC, "Strategic developments", "Other", false),
    }
}

/// ACLED `time_precision`: 1 the day is known, 2 the week, 3 the month.
pub fn acled_time_precision(p: TimePrecision) -> u8 {
    match p {
        TimePrecision::Minute | TimePrecision::Hour | TimePrecision::Day => 1,
        TimePrecision::Week => 2,
        TimePrecision::Month => 3,
    }
}

/// ACLED `geo_precision`: 1 the place itself, 2 a part of a region (a
/// district), 3 only a larger region (a province).
pub fn acled_geo_precision(p: GeoPrecision) -> u8 {
    match p {
        GeoPrecision::Exact | GeoPrecision::Locality => 1,
        GeoPrecision::District => 2,
        GeoPrecision::Province => 3,
    }
}

/// UCDP GED `date_prec`: 1 the exact day, 3 a week, 4 a month (8-30 days).
pub fn ucdp_date_prec(p: TimePrecision) -> u8 {
    match p {
        TimePrecision::Minute | TimePrecision::Hour | TimePrecision::Day => 1,
        TimePrecision::Week => 3,
        TimePrecision::Month => 4,
    }
}

/// UCDP GED `where_prec`: 1 the exact place, 2 within about 25 km of a known
/// point, 3 a second-order administrative division (district), 4 a
/// first-order one (province).
pub fn ucdp_where_prec(p: GeoPrecision) -> u8 {
    match p {
        GeoPrecision::Exact => 1,
        GeoPrecision::Locality => 2,
        GeoPrecision::District => 3,
        GeoPrecision::Province => 4,
    }
}

/// What the formats need to know of a country, by the name a report gives
/// it: ISO 3166-1 numeric (ACLED `iso`) and alpha-3 (the prefix of ACLED's
/// `event_id_cnty`), the UN M49 sub-region ACLED names as `region`, and the
/// Gleditsch-Ward code and region UCDP uses (`country_id`, `gwnoa`, `gwnob`, `region`). A country
/// not in this table leaves those cells empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Country {
    pub name: &'static str,
    pub iso: u16,
    pub iso3: &'static str,
    pub acled_region: &'static str,
    pub gw: u16,
    /// UCDP's `region`.
    pub ucdp_region: &'static str,
}

pub const COUNTRIES: [Country; 6] = [
    Country {
        name: "Afghanistan",
        iso: 4,
        iso3: "AFG",
        acled_region: "South Asia",
        gw: 700,
        ucdp_region: "Asia",
    },
    Country {
        name: "Pakistan",
        iso: 586,
        iso3: "PAK",
        acled_region: "South Asia",
        gw: 770,
        ucdp_region: "Asia",
    },
    Country {
        name: "Iran",
        iso: 364,
        iso3: "IRN",
        acled_region: "Middle East",
        gw: 630,
        ucdp_region: "Middle East",
    },
    Country {
        name: "India",
        iso: 356,
        iso3: "IND",
        acled_region: "South Asia",
        gw: 750,
        ucdp_region: "Asia",
    },
    Country {
        name: "Türkiye",
        iso: 792,
        iso3: "TUR",
        acled_region: "Middle East",
        gw: 640,
        ucdp_region: "Middle East",
    },
    Country {
        name: "Qatar",
        iso: 634,
        iso3: "QAT",
        acled_region: "Middle East",
        gw: 694,
        ucdp_region: "Middle East",
    },
];

pub fn country(name: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.name == name)
}

/// The PRIO-GRID cell (0.5° × 0.5°, numbered from 1 at 90°S 180°W, row by
/// row eastward) of a point in micro-degrees, as UCDP's `priogrid_gid`.
pub fn priogrid(lat_e6: i32, lon_e6: i32) -> u32 {
    // A point at 90°N or 180°E belongs to the last row or column.
    let row = ((i64::from(lat_e6) + 90_000_000) / 500_000).min(359);
    let col = ((i64::from(lon_e6) + 180_000_000) / 500_000).min(719);
    u32::try_from(row * 720 + col + 1).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priogrid_cells_are_numbered_as_prio_does() {
        assert_eq!(priogrid(-90_000_000, -180_000_000), 1);
        assert_eq!(priogrid(-90_000_000, 179_999_999), 720);
        assert_eq!(priogrid(90_000_000, 180_000_000), 259_200);
        // Kabul (34.53°N 69.17°E): row 250, column 499 (both from 1).
        assert_eq!(priogrid(34_530_000, 69_170_000), 179_779);
    }

    #[test]
    fn every_type_has_an_acled_class() {
        for t in IncidentType::ALL {
            let a = acled_type(t);
            assert!(!a.event_type.is_empty() && !a.sub_event_type.is_empty());
        }
    }
}
