//! Statistics: matching incidents and their casualties, grouped.

use crate::Index;
use crate::eval::Filter;
use crate::incidents::{NO_ID, NO_PARTY, stage, timestamp};
use crate::query::{Grouping, IncidentQuery, QueryError, StatBucket, StatKey};
use hashbrown::HashMap;
use truce_core::derive::case::CaseStage;
use truce_core::kinds::incident::IncidentType;
use truce_core::values::Timestamp;

const WEEK: i64 = 7 * 24 * 3600;
/// 1970-01-01 was a Thursday; the Monday before it is three days earlier.
const MONDAY: i64 = -3 * 24 * 3600;
/// Up to this many groups are counted in an array, beyond in a hash map.
const DENSE: i64 = 1 << 20;

/// The number of the week of `t`: weeks since the Monday before the epoch.
fn week(t: i64) -> i64 {
    (t - MONDAY).div_euclid(WEEK)
}

/// Incidents, killed, injured, illustrative incidents.
type Tally = (usize, u64, u64, usize);

/// Tallies per group number: an array over `low..=high` when that range is
/// small (one add per incident, no hashing), else a hash map.
enum Groups {
    Dense { low: i64, tallies: Vec<Tally> },
    Sparse(HashMap<i64, Tally>),
}

impl Groups {
    fn new(low: i64, high: i64) -> Self {
        match usize::try_from(high.saturating_sub(low).saturating_add(1)) {
            Ok(n) if high.saturating_sub(low) < DENSE => Groups::Dense {
                low,
                tallies: vec![(0, 0, 0, 0); n],
            },
            _ => Groups::Sparse(HashMap::new()),
        }
    }

    fn add(&mut self, group: i64, killed: u64, injured: u64, illustrative: bool) {
        let tally = match self {
            Groups::Dense { low, tallies } => usize::try_from(group - *low)
                .ok()
                .and_then(|i| tallies.get_mut(i)),
            Groups::Sparse(map) => Some(map.entry(group).or_default()),
        };
        if let Some(t) = tally {
            t.0 += 1;
            t.1 += killed;
            t.2 += injured;
            t.3 += usize::from(illustrative);
        }
    }

    fn into_vec(self) -> Vec<(i64, Tally)> {
        match self {
            Groups::Dense { low, tallies } => tallies
                .into_iter()
                .zip(low..)
                .filter(|(t, _)| t.0 > 0)
                .map(|(t, g)| (g, t))
                .collect(),
            Groups::Sparse(map) => map.into_iter().collect(),
        }
    }
}

impl Index {
    /// How many incidents are at each case stage as of `now`, in the order of
    /// [`CaseStage::ALL`]: one pass over the stage column.
    pub fn stage_totals(&self, now: Timestamp) -> [(CaseStage, usize); 6] {
        let inc = &self.incidents;
        let mut totals = CaseStage::ALL.map(|s| (s, 0));
        for (s, &class) in inc.class.iter().enumerate() {
            let deadline = inc.case.get(s).map_or(0, |c| c.deadline);
            let stage = stage(class, deadline, now.unix());
            if let Some(total) = totals.iter_mut().find(|(t, _)| *t == stage) {
                total.1 += 1;
            }
        }
        totals
    }

    /// Counts and casualties of the incidents matching `query` (its cursor
    /// and limit are ignored), grouped `by`. Weeks come in time order, other
    /// groupings largest first. The counts add up to the page's `total`.
    pub fn statistics(
        &self,
        query: &IncidentQuery,
        by: Grouping,
        now: Timestamp,
    ) -> Result<Vec<StatBucket>, QueryError> {
        let mut filter = Filter::new(self, query, now)?;
        let matches = filter.evaluate();
        let inc = &self.incidents;
        let (low, high) = match by {
            Grouping::Week => inc
                .order
                .bounds()
                .map_or((0, 0), |(a, b)| (week(a), week(b))),
            Grouping::Type => (0, IncidentType::ALL.len() as i64),
            Grouping::Party | Grouping::Reporter => (0, i64::from(NO_PARTY)),
            // Names by id; the last group for "no name".
            Grouping::Area => (0, inc.names_len() as i64),
        };
        let mut groups = Groups::new(low, high);
        for slot in filter.slots(&matches) {
            let s = slot as usize;
            let group = match by {
                Grouping::Week => week(inc.event_at.get(s).copied().unwrap_or(0)),
                Grouping::Type => inc.kind.get(s).map_or(-1, |t| *t as i64),
                Grouping::Party => i64::from(inc.accused.get(s).copied().unwrap_or(NO_PARTY)),
                Grouping::Reporter => i64::from(inc.reporter.get(s).copied().unwrap_or(NO_PARTY)),
                Grouping::Area => {
                    let names = inc
                        .rows
                        .get(s)
                        .and_then(|r| inc.place_names.get(r.names as usize));
                    let area = names.map_or(NO_ID, |n| {
                        let [country, admin1, ..] = *n;
                        if admin1 != NO_ID { admin1 } else { country }
                    });
                    if area == NO_ID {
                        inc.names_len() as i64
                    } else {
                        i64::from(area)
                    }
                }
            };
            let (killed, injured, illustrative) = inc.rows.get(s).map_or((0, 0, false), |r| {
                (u64::from(r.killed), u64::from(r.injured), r.illustrative)
            });
            groups.add(group, killed, injured, illustrative);
        }
        let party = |g: i64| {
            u8::try_from(g)
                .ok()
                .and_then(|p| self.parties.get(p))
                .cloned()
        };
        let mut out: Vec<StatBucket> = groups
            .into_vec()
            .into_iter()
            .filter_map(|(g, (incidents, killed, injured, illustrative))| {
                let key = match by {
                    Grouping::Week => StatKey::Week(timestamp(g * WEEK + MONDAY)),
                    Grouping::Type => {
                        StatKey::Type(*IncidentType::ALL.get(usize::try_from(g).ok()?)?)
                    }
                    Grouping::Party => StatKey::Party(party(g)),
                    Grouping::Reporter => StatKey::Reporter(party(g)),
                    Grouping::Area => StatKey::Area(
                        u32::try_from(g)
                            .ok()
                            .filter(|id| (*id as usize) < inc.names_len())
                            .map(|id| inc.names.get(id).to_owned()),
                    ),
                };
                Some(StatBucket {
                    key,
                    incidents,
                    killed,
                    injured,
                    illustrative,
                })
            })
            .collect();
        match by {
            Grouping::Week => out.sort_by(|a, b| a.key.cmp(&b.key)),
            _ => out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.key.cmp(&b.key))),
        }
        Ok(out)
    }
}
