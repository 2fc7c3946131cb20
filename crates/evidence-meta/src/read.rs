//! Reading a file's own metadata from its first bytes, with kamadak-exif
//! for EXIF (JPEG, PNG, WebP, TIFF and HEIF containers). Every value is
//! checked before it is kept: a position must be on the globe, a date a
//! real date, a text printable and short; anything else is dropped, never
//! passed on.

use crate::credentials;
use crate::model::{CaptureTime, ExifFacts, FileMetadata, TimeSource};
use crate::text::printable;
use exif::{Field, In, Tag, Value};
use std::io::Cursor;
use time::{Date, Month, PrimitiveDateTime, Time, UtcOffset};
use truce_core::values::{GeoPoint, Timestamp};

/// The furthest a local clock is from UTC: UTC−12:00 to UTC+14:00.
const WEST_MOST_S: i64 = 12 * 3600;
const EAST_MOST_S: i64 = 14 * 3600;

/// Reads what `prefix` (the first bytes of a file; `whole` when they are all
/// of it) says about itself.
pub fn read(prefix: &[u8], whole: bool) -> FileMetadata {
    let detected_type = image::guess_format(prefix)
        .ok()
        .map(|f| f.to_mime_type().to_string());
    // EXIF is looked for only in containers the image crate recognises
    // (JPEG, PNG, WebP, TIFF, …): other files (a PDF, a video) carry none
    // this server reads, which is not a fault of theirs.
    let parsed = detected_type
        .as_ref()
        .map(|_| exif::Reader::new().read_from_container(&mut Cursor::new(prefix)));
    let (exif, exif_unreadable) = match parsed {
        None => (None, None),
        Some(Ok(exif)) => {
            let facts = facts(&exif);
            (Some(facts).filter(|f| !f.is_empty()), None)
        }
        // No EXIF at all is the common case, and says nothing wrong.
        Some(Err(exif::Error::NotFound(_))) => (None, None),
        Some(Err(e)) => (None, Some(e.to_string())),
    };
    let content_credentials = credentials::read(prefix, whole, detected_type.as_deref());
    FileMetadata {
        detected_type,
        bytes_read: prefix.len() as u64,
        whole_file_read: whole,
        exif,
        exif_unreadable,
        content_credentials,
    }
}

fn field(exif: &exif::Exif, tag: Tag) -> Option<&Field> {
    exif.get_field(tag, In::PRIMARY)
}

fn facts(exif: &exif::Exif) -> ExifFacts {
    ExifFacts {
        captured: capture_time(exif),
        position: position(exif),
        make: text(exif, Tag::Make),
        model: text(exif, Tag::Model),
        software: text(exif, Tag::Software),
    }
}

/// The first ASCII value of a text field, printable characters only, bounded.
fn text(exif: &exif::Exif, tag: Tag) -> Option<String> {
    let Value::Ascii(values) = &field(exif, tag)?.value else {
        return None;
    };
    printable(&String::from_utf8_lossy(values.first()?))
}

fn ascii(exif: &exif::Exif, tag: Tag) -> Option<&[u8]> {
    match &field(exif, tag)?.value {
        Value::Ascii(values) => values.first().map(Vec::as_slice),
        _ => None,
    }
}

fn rationals(exif: &exif::Exif, tag: Tag) -> Option<[f64; 3]> {
    match &field(exif, tag)?.value {
        Value::Rational(r) if r.len() >= 3 => {
            let v = |i: usize| {
                r.get(i)
                    .filter(|x| x.denom != 0)
                    .map(exif::Rational::to_f64)
            };
            Some([v(0)?, v(1)?, v(2)?])
        }
        _ => None,
    }
}

/// GPSLatitude/GPSLongitude (degrees, minutes, seconds) with their N/S, E/W
/// references, as a point on the globe, or nothing.
fn position(exif: &exif::Exif) -> Option<GeoPoint> {
    let degrees = |tag, reference, negative: u8| -> Option<f64> {
        let [d, m, s] = rationals(exif, tag)?;
        if !(0.0..60.0).contains(&m) || !(0.0..60.0).contains(&s) {
            return None;
        }
        let value = d + m / 60.0 + s / 3600.0;
        let sign = match ascii(exif, reference)?.first()? {
            r if *r == negative => -1.0,
            _ => 1.0,
        };
        Some(sign * value)
    };
    let lat = degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, b'S')?;
    let lon = degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, b'W')?;
    let micro = |v: f64| -> Option<i64> {
        let scaled = (v * 1e6).round();
        // Finite and within i64: GeoPoint::new then checks the globe's range.
        #[allow(clippy::cast_possible_truncation)]
        (scaled.is_finite() && scaled.abs() < 1e12).then_some(scaled as i64)
    };
    GeoPoint::new(micro(lat)?, micro(lon)?).ok()
}

/// `YYYY:MM:DD HH:MM:SS` (EXIF's form) as a date and time, or nothing.
fn local_time(raw: &[u8]) -> Option<PrimitiveDateTime> {
    let dt = exif::DateTime::from_ascii(raw).ok()?;
    let date =
        Date::from_calendar_date(i32::from(dt.year), Month::try_from(dt.month).ok()?, dt.day)
            .ok()?;
    let time = Time::from_hms(dt.hour, dt.minute, dt.second).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

/// `+HH:MM` / `-HH:MM` (OffsetTimeOriginal), or nothing.
fn offset(raw: &[u8]) -> Option<UtcOffset> {
    let s = std::str::from_utf8(raw).ok()?.trim_end_matches('\0').trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1i8, s.get(1..)?),
        b'-' => (-1i8, s.get(1..)?),
        _ => return None,
    };
    let (h, m) = rest.split_once(':')?;
    let (h, m): (i8, i8) = (h.parse().ok()?, m.parse().ok()?);
    UtcOffset::from_hms(sign * h, sign * m, 0).ok()
}

fn stamp(at: time::OffsetDateTime) -> Option<Timestamp> {
    Timestamp::from_datetime(at)
}

fn iso_local(t: PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn iso_offset(o: UtcOffset) -> String {
    let (h, m, _) = o.as_hms();
    let sign = if h < 0 || m < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
}

/// When the file says it was taken: DateTimeOriginal (with its offset when
/// the file gives one), else the GPS clock (UTC), else DateTime.
fn capture_time(exif: &exif::Exif) -> Option<CaptureTime> {
    let original = ascii(exif, Tag::DateTimeOriginal).and_then(local_time);
    if let Some(local) = original {
        let zone = ascii(exif, Tag::OffsetTimeOriginal).and_then(offset);
        return spanned(local, zone, TimeSource::DateTimeOriginal);
    }
    if let Some(utc) = gps_time(exif) {
        return spanned(utc, Some(UtcOffset::UTC), TimeSource::Gps);
    }
    let changed = ascii(exif, Tag::DateTime).and_then(local_time)?;
    let zone = ascii(exif, Tag::OffsetTime).and_then(offset);
    spanned(changed, zone, TimeSource::DateTime)
}

fn spanned(
    local: PrimitiveDateTime,
    zone: Option<UtcOffset>,
    source: TimeSource,
) -> Option<CaptureTime> {
    let (earliest, latest) = match zone {
        Some(z) => {
            let at = stamp(local.assume_offset(z))?;
            (at, at)
        }
        None => {
            let as_utc = local.assume_utc();
            (
                stamp(as_utc.checked_sub(time::Duration::seconds(EAST_MOST_S))?)?,
                stamp(as_utc.checked_add(time::Duration::seconds(WEST_MOST_S))?)?,
            )
        }
    };
    Some(CaptureTime {
        local: iso_local(local),
        offset: zone.map(|z| {
            if z == UtcOffset::UTC && source == TimeSource::Gps {
                "Z".into()
            } else {
                iso_offset(z)
            }
        }),
        source,
        earliest,
        latest,
    })
}

/// GPSDateStamp (`YYYY:MM:DD`) and GPSTimeStamp (three rationals), UTC.
fn gps_time(exif: &exif::Exif) -> Option<PrimitiveDateTime> {
    let date = std::str::from_utf8(ascii(exif, Tag::GPSDateStamp)?).ok()?;
    let mut parts = date.trim_end_matches('\0').split(':');
    let (y, m, d) = (
        parts.next()?.parse::<i32>().ok()?,
        parts.next()?.parse::<u8>().ok()?,
        parts.next()?.parse::<u8>().ok()?,
    );
    let date = Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()?;
    let [h, min, s] = rationals(exif, Tag::GPSTimeStamp)?;
    let whole = |v: f64, below: f64| -> Option<u8> {
        // Checked to lie in 0..below (< 61), so the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        (v.is_finite() && (0.0..below).contains(&v)).then(|| v.floor() as u8)
    };
    let time = Time::from_hms(whole(h, 24.0)?, whole(min, 60.0)?, whole(s, 60.0)?).ok()?;
    Some(PrimitiveDateTime::new(date, time))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thumbnail::{ThumbnailError, thumbnail};

    fn exif_of(bytes: &[u8]) -> ExifFacts {
        read(bytes, true).exif.expect("EXIF")
    }

    #[test]
    fn reads_time_place_and_device_from_a_photo() {
        let far = exif_of(include_bytes!("../testdata/far.jpg"));
        assert_eq!(far.make.as_deref(), Some("Google"));
        assert_eq!(far.model.as_deref(), Some("Pixel 7"));
        let at = far.position.expect("GPS");
        assert_eq!((at.lat_e6(), at.lon_e6()), (30_179_800, 66_975_000));
        let t = far.captured.expect("time");
        assert_eq!(t.local, "2025-10-26T06:10:00");
        assert_eq!(t.offset.as_deref(), Some("+04:30"));
        assert_eq!(t.source, TimeSource::DateTimeOriginal);
        assert_eq!(
            t.earliest,
            Timestamp::parse("2025-10-26T01:40:00Z").unwrap()
        );
        assert_eq!(t.earliest, t.latest, "a stated offset is one instant");

        let late = exif_of(include_bytes!("../testdata/late.jpg"));
        assert_eq!(
            late.captured.expect("time").earliest,
            Timestamp::parse("2031-06-01T12:00:00Z").unwrap()
        );
    }

    #[test]
    fn files_without_exif_say_so() {
        for bytes in [
            &include_bytes!("../testdata/none.jpg")[..],
            include_bytes!("../testdata/plain.png"),
            b"%PDF-1.7\n",
            b"",
        ] {
            let m = read(bytes, true);
            assert_eq!(m.exif, None);
            assert_eq!(m.exif_unreadable, None, "{m:?}");
            assert!(!m.content_credentials.present);
        }
        assert_eq!(
            read(include_bytes!("../testdata/plain.png"), true)
                .detected_type
                .as_deref(),
            Some("image/png")
        );
    }

    #[test]
    fn content_credentials_are_found_in_a_real_c2pa_file() {
        // From the c2pa crate's own test fixtures (see testdata/README.md).
        let m = read(include_bytes!("../testdata/c2pa.jpg"), true);
        assert!(m.content_credentials.present, "{m:?}");
        assert_eq!(
            m.content_credentials.container,
            Some(crate::model::CredentialsContainer::JpegApp11)
        );
        assert_eq!(m.detected_type.as_deref(), Some("image/jpeg"));
        // Its first megabyte only, as the server reads it: still found.
        assert!(
            read(&include_bytes!("../testdata/c2pa.jpg")[..4096], false)
                .content_credentials
                .present
        );
    }

    #[test]
    fn a_time_without_its_zone_spans_every_zone() {
        let local = local_time(b"2025:10:26 06:10:00").unwrap();
        let t = spanned(local, None, TimeSource::DateTimeOriginal).unwrap();
        assert_eq!(
            t.earliest,
            Timestamp::parse("2025-10-25T16:10:00Z").unwrap()
        );
        assert_eq!(t.latest, Timestamp::parse("2025-10-26T18:10:00Z").unwrap());
        assert!(local_time(b"2025:13:40 99:10:00").is_none());
        assert_eq!(offset(b"-03:30").map(iso_offset).as_deref(), Some("-03:30"));
        assert!(offset(b"+99:00").is_none());
    }

    #[test]
    fn thumbnails_are_small_jpegs_and_huge_images_are_refused() {
        let t = thumbnail(Cursor::new(&include_bytes!("../testdata/near.jpg")[..])).unwrap();
        assert!(t.jpeg.starts_with(&[0xFF, 0xD8]));
        assert_eq!((t.width, t.height), (96, 64));
        let t = thumbnail(Cursor::new(&include_bytes!("../testdata/plain.png")[..])).unwrap();
        assert_eq!((t.width, t.height), (80, 60));
        // 74 bytes declaring 100,000 × 100,000 pixels.
        let huge = thumbnail(Cursor::new(&include_bytes!("../testdata/huge.png")[..]));
        assert!(matches!(huge, Err(ThumbnailError::TooLarge(_))), "{huge:?}");
        assert!(matches!(
            thumbnail(Cursor::new(&b"%PDF-1.7\n"[..])),
            Err(ThumbnailError::NotSupported)
        ));
        let truncated = &include_bytes!("../testdata/near.jpg")[..300];
        assert!(matches!(
            thumbnail(Cursor::new(truncated)),
            Err(ThumbnailError::Malformed(_))
        ));
    }
}
