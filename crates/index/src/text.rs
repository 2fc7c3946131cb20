//! Text search for one query: a case-insensitive substring of the title, any
//! place name, the actor or the start of the narrative.
//!
//! Titles, place names and actors repeat, so they are searched once in their
//! pools and an incident then matches by id. Narrative starts are one per
//! incident in one arena, searched either per candidate (when other filters
//! leave few) or in one pass over the whole arena (when they leave many): a
//! single SIMD sweep over contiguous text is several times faster than a
//! search per entry.

use crate::bits::BitSet;
use crate::incidents::{Incidents, NO_ID};
use crate::pool::search_form;
use memchr::memmem::Finder;

pub(crate) struct TextMatch {
    finder: Finder<'static>,
    /// Place-name tuples with a matching name.
    places: BitSet,
    /// Names (actors) that match.
    names: BitSet,
    /// After a sweep: the matching title ids, and the slots whose narrative
    /// start matches.
    swept: Option<(BitSet, BitSet)>,
}

impl TextMatch {
    /// `None` when the text is empty once normalised (it filters nothing).
    pub(crate) fn new(text: &str, incidents: &Incidents) -> Option<Self> {
        let needle = search_form(text, usize::MAX);
        if needle.is_empty() {
            return None;
        }
        let finder = Finder::new(needle.as_bytes()).into_owned();
        let names = incidents.names.sweep(&finder);
        let mut places = BitSet::new(incidents.place_names.len());
        for (id, tuple) in incidents.place_names.iter().enumerate() {
            if tuple
                .iter()
                .any(|&n| n != NO_ID && names.contains(n as usize))
            {
                places.insert(id);
            }
        }
        Some(Self {
            finder,
            places,
            names,
            swept: None,
        })
    }

    /// Decides, from how many candidates the other filters leave, whether to
    /// sweep the arena now or search each candidate's text later.
    pub(crate) fn prepare(&mut self, candidates: usize, incidents: &Incidents) {
        if candidates.saturating_mul(4) >= incidents.len() {
            self.swept = Some((
                incidents.titles.sweep(&self.finder),
                incidents.narratives.sweep(&self.finder),
            ));
        }
    }

    pub(crate) fn matches(&self, slot: u32, incidents: &Incidents) -> bool {
        let Some(row) = incidents.rows.get(slot as usize) else {
            return false;
        };
        let found = |text: &str| self.finder.find(text.as_bytes()).is_some();
        let (title, narrative) = match &self.swept {
            Some((titles, narratives)) => (
                titles.contains(row.title as usize),
                narratives.contains(slot as usize),
            ),
            None => (
                found(incidents.titles.search_form(row.title)),
                found(incidents.narratives.get(slot)),
            ),
        };
        title
            || narrative
            || (row.actor != NO_ID && self.names.contains(row.actor as usize))
            || incidents
                .names_of(slot)
                .any(|n| self.places.contains(n as usize))
    }
}
