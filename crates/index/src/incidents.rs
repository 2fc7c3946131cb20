//! The incidents: one slot per report, in log order. What filters read is
//! kept column by column (a scan touches only the columns it needs); what
//! only a summary shows is kept in a compact row; text lives in pools.
//!
//! A case's stage is never stored. The slot keeps the facts that decide it
//! (when and how the accused first answered, the last investigation step,
//! how many findings there are and how many have reached the charter's
//! threshold of mediators, the response deadline) and `stage` derives it for
//! a given "now" through the rules of `truce_core::derive::case` itself
//! (`StageFacts`, `StageClass`, `response_deadline`, `response_state`).

use crate::grid::Grid;
use crate::order::TimeOrder;
use crate::packed::column::{Fields, Fixed};
use crate::pool::{Arena, StrPool, search_form};
use crate::room::Room;
use hashbrown::HashMap;
use serde::{Deserialize, Serialize};
use truce_core::derive::case::{
    CaseStage, DEFAULT_RESPONSE_HOURS, ResponseState, StageClass, StageFacts,
};
use truce_core::kinds::incident::{IncidentReport, IncidentType, InvestigationStep, Stance};
use truce_core::per_record::Column;
use truce_core::values::{GeoPoint, GeoPrecision, Place, TimePrecision, Timestamp};

/// How much of a narrative is searchable: its first 128 bytes (lower-cased,
/// whitespace runs as one space). Narratives run to 16 KiB; keeping them
/// whole would multiply the index's memory, and a text search over every
/// incident reads all it keeps. A title, the place names and the actor are
/// searchable whole.
pub const NARRATIVE_SEARCH_BYTES: usize = 128;

pub(crate) const NO_PARTY: u8 = u8::MAX;
pub(crate) const NO_ID: u32 = u32::MAX;

/// The facts that decide a case's stage.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CaseFacts {
    /// When the accused's answer is due (Unix seconds): the charter's
    /// response hours after the report was signed.
    pub(crate) deadline: i64,
    /// The first response's time and stance, in log order.
    pub(crate) response_at: i64,
    pub(crate) response: Option<Stance>,
    pub(crate) last_step: Option<InvestigationStep>,
    pub(crate) findings: u16,
    /// Findings signed by the charter's threshold of mediators.
    pub(crate) counting: u16,
}

/// What a summary shows and no filter reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub(crate) title: u32,
    pub(crate) names: u32,
    pub(crate) actor: u32,
    pub(crate) killed: u32,
    pub(crate) injured: u32,
    pub(crate) time_precision: TimePrecision,
    pub(crate) geo_precision: GeoPrecision,
    pub(crate) places: u8,
    /// The report, or a record about it, says something in it is invented.
    pub(crate) illustrative: bool,
}

/// In a snapshot, field by field in the order declared (see `packed`).
impl Fixed for CaseFacts {
    const WIDTH: usize = 8 + 8 + 1 + 1 + 2 + 2;
    fn put(&self, out: &mut Vec<u8>) {
        self.deadline.put(out);
        self.response_at.put(out);
        self.response.put(out);
        self.last_step.put(out);
        self.findings.put(out);
        self.counting.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        let mut fields = Fields(bytes);
        Some(Self {
            deadline: fields.next()?,
            response_at: fields.next()?,
            response: fields.next()?,
            last_step: fields.next()?,
            findings: fields.next()?,
            counting: fields.next()?,
        })
    }
}

impl Fixed for Row {
    const WIDTH: usize = 5 * 4 + 4;
    fn put(&self, out: &mut Vec<u8>) {
        self.title.put(out);
        self.names.put(out);
        self.actor.put(out);
        self.killed.put(out);
        self.injured.put(out);
        self.time_precision.put(out);
        self.geo_precision.put(out);
        self.places.put(out);
        self.illustrative.put(out);
    }
    fn get(bytes: &[u8]) -> Option<Self> {
        let mut fields = Fields(bytes);
        Some(Self {
            title: fields.next()?,
            names: fields.next()?,
            actor: fields.next()?,
            killed: fields.next()?,
            injured: fields.next()?,
            time_precision: fields.next()?,
            geo_precision: fields.next()?,
            places: fields.next()?,
            illustrative: fields.next()?,
        })
    }
}

/// A place's names as ids in the names pool: country, admin1, admin2, location.
pub(crate) type Names = [u32; 4];

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct ExtraPlace {
    pub(crate) point: GeoPoint,
    pub(crate) names: u32,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Incidents {
    // Columns, by slot. Log indexes fit in u32 (the index refuses more).
    #[serde(with = "crate::packed::column")]
    pub(crate) index: Vec<u32>,
    #[serde(with = "crate::packed::column")]
    pub(crate) event_at: Vec<i64>,
    #[serde(with = "crate::packed::column")]
    pub(crate) kind: Vec<IncidentType>,
    #[serde(with = "crate::packed::column")]
    pub(crate) reporter: Vec<u8>,
    #[serde(with = "crate::packed::column")]
    pub(crate) accused: Vec<u8>,
    #[serde(with = "crate::packed::column")]
    pub(crate) lat: Vec<i32>,
    #[serde(with = "crate::packed::column")]
    pub(crate) lon: Vec<i32>,
    #[serde(with = "crate::packed::column")]
    pub(crate) case: Vec<CaseFacts>,
    /// Each case's stage apart from the clock, recomputed whenever its facts
    /// change, so a status filter reads a byte instead of the facts.
    #[serde(with = "crate::packed::column")]
    pub(crate) class: Vec<StageClass>,
    #[serde(with = "crate::packed::column")]
    pub(crate) rows: Vec<Row>,
    /// Places after the first, for the few reports that name several.
    pub(crate) extra_places: HashMap<u32, Vec<ExtraPlace>>,
    /// Each incident's narrative start in search form.
    pub(crate) narratives: Arena,

    /// Titles, deduplicated: reports of one kind of event often share one.
    pub(crate) titles: StrPool,
    /// Place names and actors.
    pub(crate) names: StrPool,
    /// Distinct place-name tuples.
    pub(crate) place_names: Vec<Names>,
    place_names_ids: HashMap<Names, u32>,

    pub(crate) order: TimeOrder,
    pub(crate) grid: Grid,
}

impl Incidents {
    /// Makes room for more incidents (see `room.rs`). The grid is left to
    /// grow: its lists are many and short.
    pub(crate) fn reserve(&mut self, room: Room) {
        room.column(&mut self.index);
        room.column(&mut self.event_at);
        room.column(&mut self.kind);
        room.column(&mut self.reporter);
        room.column(&mut self.accused);
        room.column(&mut self.lat);
        room.column(&mut self.lon);
        room.column(&mut self.case);
        room.column(&mut self.class);
        room.column(&mut self.rows);
        self.narratives.reserve(room);
        self.titles.reserve(room);
        self.names.reserve(room);
        self.order.reserve(room);
    }

    /// After a snapshot is read back: see `StrPool::rebuild_table`.
    pub(crate) fn rebuild_tables(&mut self) {
        self.titles.rebuild_table();
        self.names.rebuild_table();
    }

    /// A record about the incident in `slot` says something in it is
    /// invented; returns whether that changes what its summary shows.
    pub(crate) fn mark_illustrative(&mut self, slot: u32) -> bool {
        match self.rows.get_mut(slot as usize) {
            Some(row) if !row.illustrative => {
                row.illustrative = true;
                true
            }
            _ => false,
        }
    }
}

impl Default for Incidents {
    fn default() -> Self {
        Self {
            index: Vec::new(),
            event_at: Vec::new(),
            kind: Vec::new(),
            reporter: Vec::new(),
            accused: Vec::new(),
            lat: Vec::new(),
            lon: Vec::new(),
            case: Vec::new(),
            class: Vec::new(),
            rows: Vec::new(),
            extra_places: HashMap::new(),
            narratives: Arena::default(),
            titles: StrPool::searchable(),
            names: StrPool::searchable(),
            place_names: Vec::new(),
            place_names_ids: HashMap::new(),
            order: TimeOrder::default(),
            grid: Grid::default(),
        }
    }
}

impl Incidents {
    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    /// The slot of the report at log `index`.
    pub(crate) fn slot_of(&self, index: u64) -> Option<u32> {
        let index = u32::try_from(index).ok()?;
        let slot = self.index.binary_search(&index).ok()?;
        u32::try_from(slot).ok()
    }

    /// How many slots hold reports logged before `index`.
    pub(crate) fn slots_before(&self, index: u64) -> usize {
        self.index.partition_point(|i| u64::from(*i) < index)
    }

    /// How many distinct place names and actors there are.
    pub(crate) fn names_len(&self) -> usize {
        self.names.len()
    }

    pub(crate) fn log_index(&self, slot: u32) -> Option<u64> {
        self.index.get(slot as usize).map(|i| u64::from(*i))
    }

    fn intern_names(&mut self, place: &Place) -> u32 {
        let mut name = |label: Option<&truce_core::values::Label>| {
            label.map_or(NO_ID, |l| self.names.intern(l.as_str()))
        };
        let names = [
            name(place.country.as_ref()),
            name(place.admin1.as_ref()),
            name(place.admin2.as_ref()),
            name(place.location.as_ref()),
        ];
        if let Some(&id) = self.place_names_ids.get(&names) {
            return id;
        }
        let id = u32::try_from(self.place_names.len()).unwrap_or(NO_ID);
        self.place_names.push(names);
        self.place_names_ids.insert(names, id);
        id
    }

    pub(crate) fn add_report(
        &mut self,
        index: u64,
        deadline: Timestamp,
        reporter: u8,
        accused: u8,
        report: &IncidentReport,
    ) {
        let (Ok(slot), Ok(index)) = (u32::try_from(self.len()), u32::try_from(index)) else {
            return;
        };
        let mut places = report.places.iter();
        let Some(first) = places.next() else {
            return;
        };
        let names = self.intern_names(first);
        let extra: Vec<ExtraPlace> = places
            .map(|p| ExtraPlace {
                point: p.point,
                names: self.intern_names(p),
            })
            .collect();
        let title = self.titles.intern(report.title.as_str());
        let actor = report
            .actor
            .as_ref()
            .map_or(NO_ID, |a| self.names.intern(a.as_str()));
        self.narratives.push(&search_form(
            report.narrative.as_str(),
            NARRATIVE_SEARCH_BYTES,
        ));

        let event_at = report.time.at.unix();
        self.index.push_kept(index);
        self.event_at.push_kept(event_at);
        self.kind.push_kept(report.incident_type);
        self.reporter.push_kept(reporter);
        self.accused.push_kept(accused);
        self.lat.push_kept(first.point.lat_e6());
        self.lon.push_kept(first.point.lon_e6());
        let case = CaseFacts {
            deadline: deadline.unix(),
            response_at: 0,
            response: None,
            last_step: None,
            findings: 0,
            counting: 0,
        };
        self.class.push_kept(class(&case, accused != NO_PARTY));
        self.case.push_kept(case);
        self.rows.push_kept(Row {
            title,
            names,
            actor,
            killed: report.casualties.killed_best(),
            injured: report.casualties.injured_best(),
            time_precision: report.time.precision,
            geo_precision: first.precision,
            places: u8::try_from(report.places.len()).unwrap_or(u8::MAX),
            illustrative: report.illustrative.is_some(),
        });
        self.grid.insert(
            slot,
            std::iter::once(first.point).chain(extra.iter().map(|p| p.point)),
        );
        if !extra.is_empty() {
            self.extra_places.insert(slot, extra);
        }
        self.order.insert((event_at, slot));
    }

    /// Changes a case's facts and recomputes its class from them.
    pub(crate) fn update(&mut self, slot: u32, change: impl FnOnce(&mut CaseFacts)) {
        let s = slot as usize;
        let accused = self.accused.get(s).is_some_and(|a| *a != NO_PARTY);
        if let (Some(case), Some(c)) = (self.case.get_mut(s), self.class.get_mut(s)) {
            change(case);
            *c = class(case, accused);
        }
    }

    /// Every place of the slot: the first, then the others.
    pub(crate) fn points(&self, slot: u32) -> impl Iterator<Item = GeoPoint> + '_ {
        let s = slot as usize;
        let first = match (self.lat.get(s), self.lon.get(s)) {
            (Some(&lat_e6), Some(&lon_e6)) => {
                GeoPoint::new(i64::from(lat_e6), i64::from(lon_e6)).ok()
            }
            _ => None,
        };
        first.into_iter().chain(
            self.extra_places
                .get(&slot)
                .into_iter()
                .flatten()
                .map(|p| p.point),
        )
    }

    /// The place-name tuples of every place of the slot.
    pub(crate) fn names_of(&self, slot: u32) -> impl Iterator<Item = u32> + '_ {
        let first = self.rows.get(slot as usize).map(|r| r.names);
        first.into_iter().chain(
            self.extra_places
                .get(&slot)
                .into_iter()
                .flatten()
                .map(|p| p.names),
        )
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        let columns = self.index.capacity() * size_of::<u32>()
            + self.class.capacity() * size_of::<StageClass>()
            + self.event_at.capacity() * size_of::<i64>()
            + self.kind.capacity() * size_of::<IncidentType>()
            + self.reporter.capacity()
            + self.accused.capacity()
            + (self.lat.capacity() + self.lon.capacity()) * size_of::<i32>()
            + self.case.capacity() * size_of::<CaseFacts>()
            + self.rows.capacity() * size_of::<Row>();
        let extra = self.extra_places.capacity() * (size_of::<(u32, Vec<ExtraPlace>)>() + 1)
            + self
                .extra_places
                .values()
                .map(|v| v.capacity() * size_of::<ExtraPlace>())
                .sum::<usize>();
        let names = self.place_names.capacity() * size_of::<Names>()
            + self.place_names_ids.capacity() * (size_of::<(Names, u32)>() + 1);
        columns
            + extra
            + names
            + self.narratives.heap_bytes()
            + self.titles.heap_bytes()
            + self.names.heap_bytes()
            + self.order.heap_bytes()
            + self.grid.heap_bytes()
    }
}

/// The charter's terms a case's stage depends on.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub(crate) struct Terms {
    pub(crate) response_hours: u32,
    /// Mediator participants a finding needs; `usize::MAX` without a charter,
    /// so that no finding counts (as in `derive`).
    pub(crate) required_mediators: usize,
}

impl Default for Terms {
    fn default() -> Self {
        Self {
            response_hours: DEFAULT_RESPONSE_HOURS,
            required_mediators: usize::MAX,
        }
    }
}

/// The case's stage apart from the clock, by core's rules.
pub(crate) fn class(case: &CaseFacts, accused: bool) -> StageClass {
    StageFacts {
        counting_finding: case.counting > 0,
        finding: case.findings > 0,
        last_step: case.last_step,
        accused,
        answered: case.response.is_some(),
    }
    .class()
}

/// The case's stage at `now` (Unix seconds): its class, and for a report
/// awaiting its answer, whether the deadline (Unix seconds) has passed.
pub(crate) fn stage(class: StageClass, deadline: i64, now: i64) -> CaseStage {
    class.stage(now > deadline)
}

pub(crate) fn timestamp(unix: i64) -> Timestamp {
    // Every stored time came from a `Timestamp`, so this round trip is exact.
    Timestamp::from_unix(unix).unwrap_or(Timestamp::EPOCH)
}

/// The response state at `now`, and the deadline when someone owes an answer.
pub(crate) fn response_state(
    case: &CaseFacts,
    accused: bool,
    now: Timestamp,
) -> (ResponseState, Option<Timestamp>) {
    let deadline = timestamp(case.deadline);
    let first = case.response.map(|s| (s, timestamp(case.response_at)));
    let state = truce_core::derive::case::response_state(accused, first, deadline, now);
    (state, accused.then_some(deadline))
}
