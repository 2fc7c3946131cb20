use std::io::Cursor;
use truce_core::values::{EventTime, GeoPoint, GeoPrecision, Place, TimePrecision, Timestamp};
use truce_evidence_meta::{Check, IncidentStatement, Outcome, Statement, compare, read, thumbnail};

/// Bytes as an uploaded evidence file: reading its metadata, comparing it
/// with a report and making its thumbnail never panic; a capture time's
/// span is never inverted; a file with no EXIF is compared as "not in the
/// file" and nothing else; a thumbnail is a JPEG within 320 pixels a side.
pub fn evidence_meta(data: &[u8]) {
    for whole in [true, false] {
        let file = read(data, whole);
        assert_eq!(file.bytes_read, data.len() as u64, "bytes read misreported");
        if let Some(t) = file.exif.as_ref().and_then(|e| e.captured.as_ref()) {
            assert!(t.earliest <= t.latest, "a capture time's span is inverted");
        }
        let at = Timestamp::parse("2025-10-26T12:00:00Z").expect("a timestamp");
        let statement = Statement {
            evidence_filed_at: at,
            captured: None,
            incident: Some(IncidentStatement {
                filed_at: at,
                time: EventTime {
                    at,
                    precision: TimePrecision::Hour,
                },
                places: vec![Place {
                    point: GeoPoint::new(34_101_000, 71_099_000).expect("a point"),
                    precision: GeoPrecision::Exact,
                    country: None,
                    admin1: None,
                    admin2: None,
                    location: None,
                    gazetteer_id: None,
                }],
            }),
        };
        let checks = compare(&file, &statement);
        if file.exif.is_none() {
            assert!(
                checks.iter().all(|c| c.outcome() == Outcome::NotInFile),
                "a file without EXIF compared as if it had some"
            );
        }
        for check in &checks {
            if let Check::IncidentPlace {
                distance_m: Some(d),
                ..
            } = check
            {
                assert!(*d <= 20_040_000, "a distance longer than half the Earth");
            }
        }
    }
    if let Ok(t) = thumbnail(Cursor::new(data)) {
        assert!(
            t.jpeg.starts_with(&[0xFF, 0xD8]),
            "a thumbnail that is not a JPEG"
        );
        assert!(
            (1..=320).contains(&t.width) && (1..=320).contains(&t.height),
            "a thumbnail larger than 320 pixels a side"
        );
    }
}
