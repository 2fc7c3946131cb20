//! What the server asks and what it gets back.

use serde::Serialize;
use std::fmt;
use truce_core::Hash;
use truce_core::derive::case::{CaseStage, ResponseState};
use truce_core::kinds::incident::IncidentType;
use truce_core::values::{EventTime, GeoPoint, GeoPrecision, ParticipantId, Timestamp};

/// Items per page when a query does not say.
pub const DEFAULT_LIMIT: usize = 50;
/// The most items one page returns; a larger `limit` is cut to this.
pub const MAX_LIMIT: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("latitude {0} µ° is outside ±90° (±90000000 µ°)")]
    Latitude(i64),
    #[error("longitude {0} µ° is outside ±180° (±180000000 µ°)")]
    Longitude(i64),
    #[error("the box's south edge ({south} µ°) is north of its north edge ({north} µ°); swap them")]
    InvertedLatitude { south: i64, north: i64 },
    #[error("the time range starts ({from}) after it ends ({to})")]
    InvertedTimeRange { from: Timestamp, to: Timestamp },
    #[error("{0:?} is not a cursor this server issued; start again from the first page")]
    Cursor(String),
    #[error("{0:?} is not a number of degrees")]
    Degrees(String),
    #[error("{0} is outside ±180°")]
    DegreesRange(String),
    #[error("bbox is south,west,north,east in degrees")]
    BoxShape,
    #[error("a cell of {cell_e6} µ° is outside {min}–{max} µ°")]
    CellSize { cell_e6: u32, min: u32, max: u32 },
    #[error(
        "the incidents asked for fill more than {most} cells of that size: ask for larger cells or a smaller box"
    )]
    TooManyCells { most: usize },
}

/// An area on the map in micro-degrees, edges included. As in GeoJSON
/// (RFC 7946 §5.2), a west edge east of the east edge means the box crosses
/// the antimeridian. A south edge north of the north edge means nothing and
/// is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoundingBox {
    south: i32,
    west: i32,
    north: i32,
    east: i32,
}

impl BoundingBox {
    /// `south,west,north,east` in decimal degrees, as the API's `bbox` and
    /// `truce export --bbox` take it.
    pub fn parse_degrees(text: &str) -> Result<Self, QueryError> {
        let parts: Vec<i64> = text
            .split(',')
            .map(micro_degrees)
            .collect::<Result<_, _>>()?;
        let [south, west, north, east] = parts[..] else {
            return Err(QueryError::BoxShape);
        };
        Self::new(south, west, north, east)
    }

    pub fn new(south: i64, west: i64, north: i64, east: i64) -> Result<Self, QueryError> {
        let lat = |v: i64| i32::try_from(v).ok().filter(|v| v.abs() <= 90_000_000);
        let lon = |v: i64| i32::try_from(v).ok().filter(|v| v.abs() <= 180_000_000);
        let s = lat(south).ok_or(QueryError::Latitude(south))?;
        let n = lat(north).ok_or(QueryError::Latitude(north))?;
        let w = lon(west).ok_or(QueryError::Longitude(west))?;
        let e = lon(east).ok_or(QueryError::Longitude(east))?;
        if s > n {
            return Err(QueryError::InvertedLatitude { south, north });
        }
        Ok(Self {
            south: s,
            west: w,
            north: n,
            east: e,
        })
    }

    pub fn south(&self) -> i32 {
        self.south
    }
    pub fn west(&self) -> i32 {
        self.west
    }
    pub fn north(&self) -> i32 {
        self.north
    }
    pub fn east(&self) -> i32 {
        self.east
    }

    /// Whether the box crosses the antimeridian (west edge east of the east edge).
    pub fn crosses_antimeridian(&self) -> bool {
        self.west > self.east
    }

    /// The box's longitudes as one or two plain west ≤ east ranges.
    pub(crate) fn lon_ranges(&self) -> Vec<(i32, i32)> {
        if self.crosses_antimeridian() {
            vec![(self.west, 180_000_000), (-180_000_000, self.east)]
        } else {
            vec![(self.west, self.east)]
        }
    }

    pub fn contains(&self, p: GeoPoint) -> bool {
        let lat = (self.south..=self.north).contains(&p.lat_e6());
        let lon = if self.crosses_antimeridian() {
            p.lon_e6() >= self.west || p.lon_e6() <= self.east
        } else {
            (self.west..=self.east).contains(&p.lon_e6())
        };
        lat && lon
    }
}

/// Where a page ended: the event time and log index of its last item. Pages
/// after it hold exactly the matching incidents that sort after that item,
/// so appends never repeat or skip an item across pages (a report appended
/// later whose event sorts after the cursor shows up on a later page).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub(crate) event_at: i64,
    pub(crate) index: u64,
}

impl Cursor {
    /// Parses what `Display` wrote.
    pub fn parse(s: &str) -> Result<Self, QueryError> {
        let bad = || QueryError::Cursor(s.chars().take(64).collect());
        if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let time = s.get(..16).ok_or_else(bad)?;
        let index = s.get(16..).ok_or_else(bad)?;
        let time = u64::from_str_radix(time, 16).map_err(|_| bad())?;
        let index = u64::from_str_radix(index, 16).map_err(|_| bad())?;
        Ok(Self {
            // The sign bit is flipped so that the text sorts like the time.
            event_at: i64::from_ne_bytes((time ^ (1 << 63)).to_ne_bytes()),
            index,
        })
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let time = u64::from_ne_bytes(self.event_at.to_ne_bytes()) ^ (1 << 63);
        write!(f, "{time:016x}{:016x}", self.index)
    }
}

impl Serialize for Cursor {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Cursor {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9a-f]{32}$"))
            .description(Some(
                "Opaque: pass it back as `cursor` to read the page after this one.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Cursor {}

/// A filtered, paged list of incidents. Every filter given must hold; an
/// empty list (`types`, `status`) or `None` does not filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentQuery {
    /// Event time at or after this.
    pub from: Option<Timestamp>,
    /// Event time at or before this.
    pub to: Option<Timestamp>,
    /// Any of the incident's places lies in the box.
    pub bbox: Option<BoundingBox>,
    pub types: Vec<IncidentType>,
    /// The participant reported the incident or is accused in it.
    pub party: Option<ParticipantId>,
    pub reporter: Option<ParticipantId>,
    pub accused: Option<ParticipantId>,
    /// The case's stage at "now".
    pub status: Vec<CaseStage>,
    /// A case-insensitive substring of the title, a place name, the actor or
    /// the start of the narrative (see [`crate::NARRATIVE_SEARCH_BYTES`]).
    pub text: Option<String>,
    pub cursor: Option<Cursor>,
    /// Items per page, at most [`MAX_LIMIT`]; 0 counts without listing.
    pub limit: usize,
}

/// Degrees as typed by a person, to the micro-degrees the index keeps.
fn micro_degrees(text: &str) -> Result<i64, QueryError> {
    let degrees: f64 = text
        .trim()
        .parse()
        .map_err(|_| QueryError::Degrees(text.to_owned()))?;
    if !degrees.is_finite() || degrees.abs() > 180.0 {
        return Err(QueryError::DegreesRange(text.to_owned()));
    }
    // A query is not signed bytes: a float is fine at this edge.
    Ok((degrees * 1e6).round() as i64)
}

impl Default for IncidentQuery {
    fn default() -> Self {
        Self {
            from: None,
            to: None,
            bbox: None,
            types: Vec::new(),
            party: None,
            reporter: None,
            accused: None,
            status: Vec::new(),
            text: None,
            cursor: None,
            limit: DEFAULT_LIMIT,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceSummary {
    pub point: GeoPoint,
    pub precision: GeoPrecision,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub location: Option<String>,
}

/// One line of an incident list: what the list, the map and the dashboard
/// show, with the case's state derived at the query's "now".
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentSummary {
    pub index: u64,
    pub hash: Hash,
    pub title: String,
    pub incident_type: IncidentType,
    pub time: EventTime,
    /// The first place the report names.
    pub place: PlaceSummary,
    /// How many places the report names.
    pub places: usize,
    pub reporter: Option<ParticipantId>,
    pub accused: Option<ParticipantId>,
    pub actor: Option<String>,
    /// Best estimates, military and civilian together.
    pub killed: u32,
    pub injured: u32,
    pub stage: CaseStage,
    pub response: ResponseState,
    /// When the accused party's answer is due (none when nobody is accused):
    /// the charter's `incident_response_hours` after the report was signed
    /// (its record's `time`, not the event's).
    pub deadline: Option<Timestamp>,
    /// The report, or a record about it (a response, a finding…), says
    /// something in it is invented rather than reported: what is shown of
    /// the case rests on something illustrative.
    pub illustrative: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentPage {
    /// Newest event first; equal times by log index, later first.
    pub items: Vec<IncidentSummary>,
    /// How many incidents match, across all pages.
    pub total: usize,
    /// Pass back as `cursor` for the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

/// What statistics are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    /// ISO weeks (Monday 00:00 UTC) of the event time.
    Week,
    /// The first place's admin1 (province), else its country.
    Area,
    Type,
    /// The accused party (the one the reporter holds responsible).
    Party,
    /// The reporting participant.
    Reporter,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum StatKey {
    /// The Monday 00:00 UTC that starts the week.
    Week(Timestamp),
    /// `None`: the place names neither province nor country.
    Area(Option<String>),
    Type(IncidentType),
    /// `None`: no party accused.
    Party(Option<ParticipantId>),
    Reporter(Option<ParticipantId>),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatBucket {
    pub key: StatKey,
    pub incidents: usize,
    /// Best estimates summed, military and civilian together.
    pub killed: u64,
    pub injured: u64,
    /// How many of `incidents` are illustrative (see `IncidentSummary::illustrative`).
    pub illustrative: usize,
}
