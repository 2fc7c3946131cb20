//! Incidents counted on a grid of square cells: what a map shows when it
//! holds too many incidents for one marker each (a million over the border
//! region). The server counts, the browser draws one circle per cell, so the
//! map costs the same at any size of log.

use crate::Index;
use crate::eval::Filter;
use crate::query::{IncidentQuery, QueryError};
use hashbrown::HashMap;
use serde::Serialize;
use truce_core::values::Timestamp;

/// The smallest cell side, in micro-degrees (0.001°, about 110 m).
pub const MIN_CELL_E6: u32 = 1_000;
/// The largest cell side (90°).
pub const MAX_CELL_E6: u32 = 90_000_000;
/// The most cells one answer holds: a map's viewport with cells a few dozen
/// pixels wide shows a few thousand. The work is one pass over the matching
/// incidents whatever the size, as for statistics; this bounds the answer.
pub const MAX_CELLS: usize = 16_384;

const LAT_ORIGIN: i64 = -90_000_000;
const LON_ORIGIN: i64 = -180_000_000;

/// The incidents whose (first) place lies in one cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DensityCell {
    /// The cell's south-west corner, micro-degrees; the cell spans the
    /// answer's `cell_e6` north and east of it.
    pub south_e6: i64,
    pub west_e6: i64,
    /// Where its incidents are: the mean of their points, micro-degrees.
    pub lat_e6: i64,
    pub lon_e6: i64,
    pub incidents: usize,
    /// Killed and injured as claimed in the reports (best estimates).
    pub killed: u64,
    pub injured: u64,
}

/// Count, sums of latitude and longitude, killed, injured.
type Tally = (usize, i64, i64, u64, u64);

impl Index {
    /// The incidents matching `query` (its cursor and limit are ignored),
    /// counted in square cells of `cell_e6` micro-degrees aligned on 90°S
    /// 180°W, south to north, then west to east. An incident is counted once,
    /// in the cell of its first place; the counts add up to the list's
    /// `total`.
    pub fn density(
        &self,
        query: &IncidentQuery,
        cell_e6: u32,
        now: Timestamp,
    ) -> Result<Vec<DensityCell>, QueryError> {
        self.density_at_most(query, cell_e6, now, MAX_CELLS)
    }

    /// As [`Index::density`], refusing an answer of more than `most` cells
    /// (`density` allows [`MAX_CELLS`]).
    pub fn density_at_most(
        &self,
        query: &IncidentQuery,
        cell_e6: u32,
        now: Timestamp,
        most: usize,
    ) -> Result<Vec<DensityCell>, QueryError> {
        if !(MIN_CELL_E6..=MAX_CELL_E6).contains(&cell_e6) {
            return Err(QueryError::CellSize {
                cell_e6,
                min: MIN_CELL_E6,
                max: MAX_CELL_E6,
            });
        }
        let cell = i64::from(cell_e6);
        let mut filter = Filter::new(self, query, now)?;
        let matches = filter.evaluate();
        let inc = &self.incidents;
        let mut tallies: HashMap<(i64, i64), Tally> = HashMap::new();
        for slot in filter.slots(&matches) {
            let s = slot as usize;
            let (Some(&lat), Some(&lon)) = (inc.lat.get(s), inc.lon.get(s)) else {
                continue;
            };
            let (lat, lon) = (i64::from(lat), i64::from(lon));
            let key = (
                (lat - LAT_ORIGIN).div_euclid(cell),
                (lon - LON_ORIGIN).div_euclid(cell),
            );
            let (killed, injured) = inc
                .rows
                .get(s)
                .map_or((0, 0), |r| (u64::from(r.killed), u64::from(r.injured)));
            if tallies.len() >= most && !tallies.contains_key(&key) {
                return Err(QueryError::TooManyCells { most });
            }
            let tally = tallies.entry(key).or_default();
            tally.0 += 1;
            tally.1 += lat;
            tally.2 += lon;
            tally.3 += killed;
            tally.4 += injured;
        }
        let mut cells: Vec<DensityCell> = tallies
            .into_iter()
            .map(|((row, col), (incidents, lat, lon, killed, injured))| {
                let n = i64::try_from(incidents).unwrap_or(i64::MAX).max(1);
                DensityCell {
                    south_e6: LAT_ORIGIN + row * cell,
                    west_e6: LON_ORIGIN + col * cell,
                    lat_e6: lat / n,
                    lon_e6: lon / n,
                    incidents,
                    killed,
                    injured,
                }
            })
            .collect();
        cells.sort_by_key(|c| (c.south_e6, c.west_e6));
        Ok(cells)
    }
}
