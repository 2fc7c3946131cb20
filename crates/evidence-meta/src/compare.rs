//! The file's metadata set beside the submitter's statement: the evidence
//! record's own capture time, place and device, the incident report's
//! places and time, and when each was filed. Pure: the statement and the
//! metadata come in, checks come out; nothing is read, nothing is trusted.
//!
//! A check says whether the two disagree, never which one is right: EXIF is
//! easily edited and a camera's clock easily wrong, and a submitter may have
//! good reason for what it states. The page words each neutrally ("the
//! file's EXIF says …; the submitter states …").

use crate::geo::distance_m;
use crate::model::{CaptureTime, FileMetadata};
use serde::Serialize;
use truce_core::kinds::evidence::Capture;
use truce_core::values::{EventTime, GeoPoint, GeoPrecision, Place, TimePrecision, Timestamp};

/// A photo further than this from the place stated for it is flagged, when
/// that place is known to a locality or better.
pub const FAR_M: u64 = 40_000;

/// Camera clocks drift and are set by hand: times closer than this are not
/// called a disagreement.
pub const CLOCK_SLACK_S: i64 = 10 * 60;

/// What the records state about a piece of evidence.
#[derive(Clone, Debug)]
pub struct Statement {
    /// When the `evidence.submit` record was signed (its claimed time).
    pub evidence_filed_at: Timestamp,
    /// The evidence record's own statement of when, where and with what.
    pub captured: Option<Capture>,
    /// The incident the evidence is filed for, when it names one.
    pub incident: Option<IncidentStatement>,
}

/// What the incident report states.
#[derive(Clone, Debug)]
pub struct IncidentStatement {
    /// When the report was signed (its claimed time).
    pub filed_at: Timestamp,
    /// When the incident happened, as reported.
    pub time: EventTime,
    pub places: Vec<Place>,
}

/// Whether the file and the statement disagree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// They agree, within the stated precision and a camera clock's slack.
    Consistent,
    /// They disagree: worth a look, not a verdict.
    Disagrees,
    /// The file carries nothing to compare.
    NotInFile,
}

/// One comparison of the file's metadata with one statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum Check {
    /// The file's GPS position against the nearest place the incident
    /// report names.
    IncidentPlace {
        outcome: Outcome,
        stated: GeoPoint,
        precision: GeoPrecision,
        /// Great-circle distance in metres, when the file has a position.
        #[serde(skip_serializing_if = "Option::is_none")]
        distance_m: Option<u64>,
        /// Further than this is a disagreement (wider for a place known only
        /// to its district or province).
        threshold_m: u64,
    },
    /// The file's GPS position against where the evidence record says it was captured.
    StatedPlace {
        outcome: Outcome,
        stated: GeoPoint,
        precision: GeoPrecision,
        #[serde(skip_serializing_if = "Option::is_none")]
        distance_m: Option<u64>,
        threshold_m: u64,
    },
    /// The file's capture time against the time the evidence record states.
    StatedTime { outcome: Outcome, stated: EventTime },
    /// The file's capture time against the incident's reported time: a photo
    /// of an incident taken before it happened disagrees.
    IncidentTime { outcome: Outcome, stated: EventTime },
    /// The file's capture time against when the incident report was filed:
    /// a capture after the report disagrees with evidence the report rests on.
    ReportFiled { outcome: Outcome, stated: Timestamp },
    /// The file's capture time against when the evidence record was filed:
    /// a file cannot have been captured after it was submitted.
    EvidenceFiled { outcome: Outcome, stated: Timestamp },
    /// The file's make and model against the device the evidence record names.
    StatedDevice { outcome: Outcome, stated: String },
}

impl Check {
    pub fn outcome(&self) -> Outcome {
        match self {
            Check::IncidentPlace { outcome, .. }
            | Check::StatedPlace { outcome, .. }
            | Check::StatedTime { outcome, .. }
            | Check::IncidentTime { outcome, .. }
            | Check::ReportFiled { outcome, .. }
            | Check::EvidenceFiled { outcome, .. }
            | Check::StatedDevice { outcome, .. } => *outcome,
        }
    }
}

/// How far from a stated place still agrees with it: a point given for a
/// district or a province is that area's centre, not where anything happened.
pub fn threshold_m(precision: GeoPrecision) -> u64 {
    match precision {
        GeoPrecision::Exact | GeoPrecision::Locality => FAR_M,
        GeoPrecision::District => 2 * FAR_M,
        GeoPrecision::Province => 5 * FAR_M,
    }
}

/// Half the width of the span a stated time stands for.
fn half_span_s(precision: TimePrecision) -> i64 {
    match precision {
        TimePrecision::Minute => 60,
        TimePrecision::Hour => 3600,
        // A day written without its zone spans a day either side.
        TimePrecision::Day => 24 * 3600,
        TimePrecision::Week => 7 * 24 * 3600,
        TimePrecision::Month => 31 * 24 * 3600,
    }
}

/// Every check the statement allows, in a fixed order.
pub fn compare(file: &FileMetadata, statement: &Statement) -> Vec<Check> {
    let exif = file.exif.as_ref();
    let position = exif.and_then(|e| e.position.as_ref());
    let captured = exif.and_then(|e| e.captured.as_ref());
    let mut checks = Vec::new();

    if let Some(incident) = &statement.incident {
        let nearest = incident
            .places
            .iter()
            .map(|p| (p, position.map(|at| distance_m(at, &p.point))))
            .min_by_key(|(p, d)| d.map(|d| d.saturating_sub(threshold_m(p.precision))));
        if let Some((place, distance)) = nearest {
            let threshold = threshold_m(place.precision);
            checks.push(Check::IncidentPlace {
                outcome: by_distance(distance, threshold),
                stated: place.point,
                precision: place.precision,
                distance_m: distance,
                threshold_m: threshold,
            });
        }
    }
    if let Some(place) = statement.captured.as_ref().and_then(|c| c.place.as_ref()) {
        let distance = position.map(|at| distance_m(at, &place.point));
        let threshold = threshold_m(place.precision);
        checks.push(Check::StatedPlace {
            outcome: by_distance(distance, threshold),
            stated: place.point,
            precision: place.precision,
            distance_m: distance,
            threshold_m: threshold,
        });
    }
    if let Some(time) = statement.captured.as_ref().and_then(|c| c.time.as_ref()) {
        checks.push(Check::StatedTime {
            outcome: overlaps(captured, time),
            stated: time.clone(),
        });
    }
    if let Some(incident) = &statement.incident {
        let before = |c: &CaptureTime| {
            c.latest.unix()
                < incident.time.at.unix() - half_span_s(incident.time.precision) - CLOCK_SLACK_S
        };
        checks.push(Check::IncidentTime {
            outcome: judged(captured, before),
            stated: incident.time.clone(),
        });
        checks.push(Check::ReportFiled {
            outcome: judged(captured, |c| after(c, incident.filed_at)),
            stated: incident.filed_at,
        });
    }
    checks.push(Check::EvidenceFiled {
        outcome: judged(captured, |c| after(c, statement.evidence_filed_at)),
        stated: statement.evidence_filed_at,
    });
    if let Some(device) = statement.captured.as_ref().and_then(|c| c.device.as_ref()) {
        checks.push(Check::StatedDevice {
            outcome: same_device(
                exif.and_then(|e| e.make.as_deref()),
                exif.and_then(|e| e.model.as_deref()),
                device.as_str(),
            ),
            stated: device.as_str().to_string(),
        });
    }
    checks
}

fn by_distance(distance: Option<u64>, threshold: u64) -> Outcome {
    match distance {
        None => Outcome::NotInFile,
        Some(d) if d > threshold => Outcome::Disagrees,
        Some(_) => Outcome::Consistent,
    }
}

fn judged(captured: Option<&CaptureTime>, disagrees: impl Fn(&CaptureTime) -> bool) -> Outcome {
    match captured {
        None => Outcome::NotInFile,
        Some(c) if disagrees(c) => Outcome::Disagrees,
        Some(_) => Outcome::Consistent,
    }
}

/// Captured after `moment` whatever the file's zone (its earliest meaning),
/// beyond a camera clock's slack.
fn after(c: &CaptureTime, moment: Timestamp) -> bool {
    c.earliest.unix() > moment.unix() + CLOCK_SLACK_S
}

/// Whether the file's span of instants meets the stated time's span.
fn overlaps(captured: Option<&CaptureTime>, stated: &EventTime) -> Outcome {
    let slack = half_span_s(stated.precision) + CLOCK_SLACK_S;
    let (from, to) = (stated.at.unix() - slack, stated.at.unix() + slack);
    judged(captured, |c| {
        c.latest.unix() < from || c.earliest.unix() > to
    })
}

fn squeezed(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The same device if the stated name contains the file's model (or the
/// model the stated name), letters and digits only, case aside: "Pixel 7"
/// is a "Google Pixel 7", "iPhone 13" is "Apple iPhone 13".
fn same_device(make: Option<&str>, model: Option<&str>, stated: &str) -> Outcome {
    let stated = squeezed(stated);
    let candidates: Vec<String> = [
        model.map(squeezed),
        make.zip(model).map(|(a, b)| squeezed(&format!("{a}{b}"))),
    ]
    .into_iter()
    .flatten()
    .filter(|c| !c.is_empty())
    .collect();
    if candidates.is_empty() {
        return Outcome::NotInFile;
    }
    if stated.is_empty()
        || candidates
            .iter()
            .any(|c| stated.contains(c.as_str()) || c.contains(stated.as_str()))
    {
        Outcome::Consistent
    } else {
        Outcome::Disagrees
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExifFacts, TimeSource};
    use truce_core::values::Label;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn point(lat: f64, lon: f64) -> GeoPoint {
        #[allow(clippy::cast_possible_truncation)]
        GeoPoint::new((lat * 1e6) as i64, (lon * 1e6) as i64).unwrap()
    }

    fn place(lat: f64, lon: f64, precision: GeoPrecision) -> Place {
        Place {
            point: point(lat, lon),
            precision,
            country: None,
            admin1: None,
            admin2: None,
            location: None,
            gazetteer_id: None,
        }
    }

    fn file(position: Option<GeoPoint>, earliest: &str, latest: &str) -> FileMetadata {
        FileMetadata {
            detected_type: Some("image/jpeg".into()),
            bytes_read: 1000,
            whole_file_read: true,
            exif: Some(ExifFacts {
                captured: Some(CaptureTime {
                    local: "x".into(),
                    offset: None,
                    source: TimeSource::DateTimeOriginal,
                    earliest: ts(earliest),
                    latest: ts(latest),
                }),
                position,
                make: Some("Google".into()),
                model: Some("Pixel 7".into()),
                software: None,
            }),
            exif_unreadable: None,
            content_credentials: crate::credentials::detect(b""),
        }
    }

    fn statement() -> Statement {
        Statement {
            evidence_filed_at: ts("2025-10-27T12:00:00Z"),
            captured: Some(Capture {
                time: Some(EventTime {
                    at: ts("2025-10-26T09:30:00Z"),
                    precision: TimePrecision::Hour,
                }),
                place: Some(place(34.1367, 71.0933, GeoPrecision::Exact)),
                device: Some(Label::parse("Pixel 7").unwrap()),
            }),
            incident: Some(IncidentStatement {
                filed_at: ts("2025-10-26T12:00:00Z"),
                time: EventTime {
                    at: ts("2025-10-26T09:00:00Z"),
                    precision: TimePrecision::Hour,
                },
                places: vec![
                    place(31.0, 66.4, GeoPrecision::Locality),
                    place(34.1367, 71.0933, GeoPrecision::Exact),
                ],
            }),
        }
    }

    fn outcome_of(checks: &[Check], about: &str) -> Outcome {
        checks
            .iter()
            .find(|c| serde_json::to_value(c).unwrap()["about"] == about)
            .map(Check::outcome)
            .unwrap_or_else(|| panic!("no {about} check"))
    }

    #[test]
    fn a_photo_near_the_place_and_before_the_report_agrees() {
        let checks = compare(
            &file(
                Some(point(34.14, 71.10)),
                "2025-10-26T09:35:00Z",
                "2025-10-26T09:35:00Z",
            ),
            &statement(),
        );
        assert!(
            checks.iter().all(|c| c.outcome() == Outcome::Consistent),
            "{checks:?}"
        );
        // The nearest of the incident's places is the one compared.
        let Some(Check::IncidentPlace {
            distance_m: Some(d),
            ..
        }) = checks.first()
        else {
            panic!()
        };
        assert!(*d < 1_000);
    }

    #[test]
    fn a_photo_far_away_and_after_the_report_disagrees() {
        // Peshawar is ~47 km from Torkham.
        let checks = compare(
            &file(
                Some(point(34.0151, 71.5249)),
                "2025-10-26T15:00:00Z",
                "2025-10-26T15:00:00Z",
            ),
            &statement(),
        );
        assert_eq!(outcome_of(&checks, "incident_place"), Outcome::Disagrees);
        assert_eq!(outcome_of(&checks, "stated_place"), Outcome::Disagrees);
        assert_eq!(outcome_of(&checks, "report_filed"), Outcome::Disagrees);
        assert_eq!(outcome_of(&checks, "stated_time"), Outcome::Disagrees);
        assert_eq!(outcome_of(&checks, "evidence_filed"), Outcome::Consistent);
        assert_eq!(outcome_of(&checks, "incident_time"), Outcome::Consistent);
    }

    #[test]
    fn an_unknown_zone_is_given_the_benefit_of_the_doubt() {
        // 09:35 on the camera's clock, zone unknown: from 19:35 the day
        // before to 21:35 UTC. Not after the report (12:00) for certain.
        let checks = compare(
            &file(None, "2025-10-25T19:35:00Z", "2025-10-26T21:35:00Z"),
            &statement(),
        );
        assert_eq!(outcome_of(&checks, "report_filed"), Outcome::Consistent);
        assert_eq!(outcome_of(&checks, "stated_time"), Outcome::Consistent);
        assert_eq!(outcome_of(&checks, "incident_place"), Outcome::NotInFile);
    }

    #[test]
    fn a_coarse_place_is_given_room() {
        let mut s = statement();
        if let Some(i) = s.incident.as_mut() {
            i.places = vec![place(34.0, 71.0, GeoPrecision::Province)];
        }
        s.captured = None;
        let checks = compare(
            &file(
                Some(point(34.6, 71.4)),
                "2025-10-26T09:35:00Z",
                "2025-10-26T09:35:00Z",
            ),
            &s,
        );
        assert_eq!(
            outcome_of(&checks, "incident_place"),
            Outcome::Consistent,
            "{checks:?}"
        );
    }

    #[test]
    fn no_exif_is_said_as_such_and_nothing_stated_is_not_checked() {
        let mut f = file(None, "2025-10-26T09:35:00Z", "2025-10-26T09:35:00Z");
        f.exif = None;
        let checks = compare(&f, &statement());
        assert!(
            checks.iter().all(|c| c.outcome() == Outcome::NotInFile),
            "{checks:?}"
        );
        let bare = Statement {
            evidence_filed_at: ts("2025-10-27T12:00:00Z"),
            captured: None,
            incident: None,
        };
        let checks = compare(&f, &bare);
        assert_eq!(checks.len(), 1, "only the filing time is always stated");
    }

    #[test]
    fn devices_compare_by_model() {
        assert_eq!(
            same_device(Some("Google"), Some("Pixel 7"), "Google Pixel 7"),
            Outcome::Consistent
        );
        assert_eq!(
            same_device(Some("Apple"), Some("iPhone 13"), "iphone13"),
            Outcome::Consistent
        );
        assert_eq!(
            same_device(Some("Canon"), Some("EOS R6"), "Pixel 7"),
            Outcome::Disagrees
        );
        assert_eq!(same_device(None, None, "Pixel 7"), Outcome::NotInFile);
    }
}
