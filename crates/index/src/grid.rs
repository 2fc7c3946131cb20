//! A coarse spatial grid: half-degree cells (about 55 km), each listing the
//! incidents with a place in it. A bounding box touches few cells; incidents
//! in cells wholly inside the box match without a look at their points, and
//! only those in the cells along its edge are checked exactly.

use crate::query::BoundingBox;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use truce_core::values::GeoPoint;

const CELL: i64 = 500_000;
const ROWS: i64 = 360;
const COLS: i64 = 720;

fn row(lat_e6: i32) -> i64 {
    ((i64::from(lat_e6) + 90_000_000) / CELL).clamp(0, ROWS - 1)
}

fn col(lon_e6: i32) -> i64 {
    ((i64::from(lon_e6) + 180_000_000) / CELL).clamp(0, COLS - 1)
}

fn cell_id(row: i64, col: i64) -> u32 {
    u32::try_from(row * COLS + col).unwrap_or(u32::MAX)
}

/// The span of a row or column in micro-degrees, both ends included (the
/// last row and column also hold the pole and the antimeridian themselves).
fn span(index: i64, last: i64, origin: i64) -> (i64, i64) {
    let low = index * CELL - origin;
    let high = if index == last {
        low + CELL
    } else {
        low + CELL - 1
    };
    (low, high)
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Grid {
    #[serde(with = "crate::packed::columns_by_key")]
    cells: HashMap<u32, Vec<u32>>,
}

/// A cell the box overlaps, with whether the box covers it entirely.
pub(crate) struct Overlap<'a> {
    pub(crate) inside: bool,
    pub(crate) slots: &'a [u32],
}

impl Grid {
    pub(crate) fn insert(&mut self, slot: u32, points: impl Iterator<Item = GeoPoint>) {
        let mut seen: Vec<u32> = Vec::new();
        for p in points {
            let id = cell_id(row(p.lat_e6()), col(p.lon_e6()));
            if !seen.contains(&id) {
                seen.push(id);
                self.cells.entry(id).or_default().push(slot);
            }
        }
    }

    pub(crate) fn overlaps(&self, bbox: &BoundingBox) -> Vec<Overlap<'_>> {
        let rows = row(bbox.south())..=row(bbox.north());
        let cols: Vec<(i64, i64)> = bbox
            .lon_ranges()
            .into_iter()
            .map(|(w, e)| (col(w), col(e)))
            .collect();
        let inside = |r: i64, c: i64| {
            let (s, n) = span(r, ROWS - 1, 90_000_000);
            let (w, e) = span(c, COLS - 1, 180_000_000);
            s >= i64::from(bbox.south())
                && n <= i64::from(bbox.north())
                && bbox
                    .lon_ranges()
                    .iter()
                    .any(|&(bw, be)| w >= i64::from(bw) && e <= i64::from(be))
        };
        let wanted: i64 =
            cols.iter().map(|(w, e)| e - w + 1).sum::<i64>() * (rows.end() - rows.start() + 1);
        let mut out = Vec::new();
        if usize::try_from(wanted).unwrap_or(usize::MAX) > self.cells.len() {
            // A wide box: walk the occupied cells instead of the box's cells.
            for (&id, slots) in &self.cells {
                let (r, c) = (i64::from(id) / COLS, i64::from(id) % COLS);
                if rows.contains(&r) && cols.iter().any(|&(w, e)| (w..=e).contains(&c)) {
                    out.push(Overlap {
                        inside: inside(r, c),
                        slots,
                    });
                }
            }
        } else {
            for r in rows.clone() {
                for &(w, e) in &cols {
                    for c in w..=e {
                        if let Some(slots) = self.cells.get(&cell_id(r, c)) {
                            out.push(Overlap {
                                inside: inside(r, c),
                                slots,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.cells.capacity() * (size_of::<(u32, Vec<u32>)>() + 1)
            + self
                .cells
                .values()
                .map(|v| v.capacity() * size_of::<u32>())
                .sum::<usize>()
    }
}
