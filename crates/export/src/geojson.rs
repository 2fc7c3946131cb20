//! GeoJSON (RFC 7946): one FeatureCollection, one Point Feature per place a
//! report names, longitude first, WGS 84 and no `crs` member (RFC 7946 §4).

use crate::{ExportError, Incident, day, id, name};
use serde_json::{Map, Number, Value, json};
use std::io::Write;

/// A coordinate in degrees as a JSON number, read from the exact decimal of
/// its micro-degrees (serde_json writes the shortest decimal that reads back
/// to it: at most six decimals, the record's own precision).
fn coordinate(e6: i32) -> Result<Value, ExportError> {
    let number: Number = serde_json::from_str(&crate::degrees(e6))?;
    Ok(Value::Number(number))
}

pub fn write(
    incidents: &[Incident<'_>],
    case_link: &dyn Fn(u64) -> String,
    mut out: impl Write,
) -> Result<(), ExportError> {
    let mut features = Vec::new();
    for i in incidents {
        let r = i.report;
        let places = r.places.len();
        for (n, place) in (1usize..).zip(&r.places) {
            let mut properties = Map::new();
            let mut put = |k: &str, v: Value| {
                properties.insert(k.to_owned(), v);
            };
            put("index", json!(i.index));
            put("leaf_hash", json!(i.leaf_hash));
            put("place", json!(n));
            put("places", json!(places));
            put("title", json!(r.title));
            put("incident_type", json!(r.incident_type));
            put("time", json!(r.time.at));
            put("time_precision", json!(r.time.precision));
            put("date", json!(day(r.time.at)));
            put("status", json!(i.status));
            put("reporter", json!(id(&i.reporter)));
            put("reporter_name", json!(name(&i.reporter)));
            put("accused", json!(i.accused.as_ref().map(|p| &p.id)));
            put("accused_name", json!(i.accused.as_ref().map(|p| &p.name)));
            put("actor", json!(r.actor));
            put("reported_at", json!(i.reported_at));
            put("killed_claimed", json!(r.casualties.killed_best()));
            put("injured_claimed", json!(r.casualties.injured_best()));
            put("casualties_claimed_by", json!(id(&i.reporter)));
            put("geo_precision", json!(place.precision));
            put("country", json!(place.country));
            put("admin1", json!(place.admin1));
            put("admin2", json!(place.admin2));
            put("location", json!(place.location));
            put("illustrative", json!(i.illustrative));
            put("case", json!(case_link(i.index)));
            features.push(json!({
                "type": "Feature",
                "id": format!("{}-{n}", i.index),
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        coordinate(place.point.lon_e6())?,
                        coordinate(place.point.lat_e6())?,
                    ],
                },
                "properties": properties,
            }));
        }
    }
    let collection = json!({"type": "FeatureCollection", "features": features});
    serde_json::to_writer(&mut out, &collection)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}
