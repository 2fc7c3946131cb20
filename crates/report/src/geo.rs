//! The map figure, drawn from the geometry the web UI ships
//! (`crates/web/static/data/region.geojson`, Natural Earth; provenance in its
//! README): one file, so the report's map and the browser's agree, and no
//! tile server or network is ever needed.

use crate::figure::{Anchor, Color, Figure, Shape};
use serde::Deserialize;
use std::sync::OnceLock;

const REGION: &str = include_str!("../../web/static/data/region.geojson");

/// The frame: Afghanistan and Pakistan with a margin (degrees).
const WEST: f64 = 60.0;
const EAST: f64 = 78.0;
const SOUTH: f64 = 23.0;
const NORTH: f64 = 39.0;
const WIDTH: f32 = 400.0;

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    name: String,
    #[serde(default)]
    focus: bool,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

struct Country {
    name: String,
    focus: bool,
    rings: Vec<Vec<[f64; 2]>>,
}

fn countries() -> &'static [Country] {
    static COUNTRIES: OnceLock<Vec<Country>> = OnceLock::new();
    COUNTRIES.get_or_init(|| {
        // The file is compiled in and checked by a test; were it unreadable
        // the map would be drawn without land rather than fail the report.
        let parsed: Collection =
            serde_json::from_str(REGION).unwrap_or(Collection { features: vec![] });
        parsed
            .features
            .into_iter()
            .map(|f| Country {
                name: f.properties.name,
                focus: f.properties.focus,
                rings: match f.geometry {
                    Geometry::Polygon(p) => p,
                    Geometry::MultiPolygon(m) => m.into_iter().flatten().collect(),
                },
            })
            .collect()
    })
}

/// Points per degree of longitude at the equator: an equirectangular
/// projection scaled by the cosine of the frame's middle latitude (at this
/// size it is as true as any other).
fn k_and_scale() -> (f64, f64) {
    let k = ((SOUTH + NORTH) / 2.0).to_radians().cos();
    (k, f64::from(WIDTH) / ((EAST - WEST) * k))
}

fn height() -> f32 {
    let (_, s) = k_and_scale();
    ((NORTH - SOUTH) * s) as f32
}

fn project(lon: f64, lat: f64) -> (f32, f32) {
    let (k, s) = k_and_scale();
    (((lon - WEST) * k * s) as f32, ((NORTH - lat) * s) as f32)
}

/// A marked place: longitude and latitude in micro-degrees, and its label.
pub(crate) struct Mark {
    pub lon_micro: i64,
    pub lat_micro: i64,
    pub label: String,
}

pub(crate) fn map(caption: String, marks: &[Mark]) -> Figure {
    let height = height();
    let mut shapes = vec![Shape::Rect {
        x: 0.0,
        y: 0.0,
        w: WIDTH,
        h: height,
        fill: Color::WATER,
    }];
    for c in countries() {
        for ring in &c.rings {
            shapes.push(Shape::Poly {
                points: ring.iter().map(|p| project(p[0], p[1])).collect(),
                closed: true,
                fill: Some(if c.focus {
                    Color::LAND_FOCUS
                } else {
                    Color::LAND
                }),
                stroke: Some((Color::BORDER, 0.6)),
            });
        }
    }
    // Country names at fixed places, for the two focus countries only: the
    // names of the geometry file, as the browser's map shows them.
    for (name, lon, lat) in [("Afghanistan", 65.5, 34.0), ("Pakistan", 69.5, 27.5)] {
        if countries().iter().any(|c| c.name == name) {
            let (x, y) = project(lon, lat);
            shapes.push(Shape::Text {
                x,
                y,
                size: 9.0,
                text: name.to_owned(),
                anchor: Anchor::Middle,
                fill: Color::MUTED,
            });
        }
    }
    for m in marks {
        let (x, y) = project(m.lon_micro as f64 / 1e6, m.lat_micro as f64 / 1e6);
        if !(0.0..=WIDTH).contains(&x) || !(0.0..=height).contains(&y) {
            continue;
        }
        shapes.push(Shape::Circle {
            x,
            y,
            r: 3.2,
            fill: Color::MARK,
        });
        shapes.push(Shape::Text {
            x: x + 5.0,
            y: y + 3.0,
            size: 7.0,
            text: m.label.clone(),
            anchor: Anchor::Start,
            fill: Color::INK,
        });
    }
    Figure {
        caption,
        width: WIDTH,
        height,
        shapes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_geometry_parses_with_both_focus_countries() {
        let focus: Vec<_> = countries()
            .iter()
            .filter(|c| c.focus)
            .map(|c| c.name.as_str())
            .collect();
        assert!(focus.contains(&"Afghanistan") && focus.contains(&"Pakistan"));
        assert!(countries().iter().all(|c| !c.rings.is_empty()));
    }

    #[test]
    fn kabul_lands_inside_the_frame_and_a_far_place_is_left_out() {
        let kabul = Mark {
            lon_micro: 69_207_000,
            lat_micro: 34_555_000,
            label: "#1".into(),
        };
        let far = Mark {
            lon_micro: 2_350_000,
            lat_micro: 48_850_000,
            label: "#2".into(),
        };
        let f = map("m".into(), &[kabul, far]);
        let circles = f
            .shapes
            .iter()
            .filter(|s| matches!(s, Shape::Circle { .. }))
            .count();
        assert_eq!(circles, 1);
    }
}
