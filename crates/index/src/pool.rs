//! Text storage without a heap allocation per string: every string lives in
//! one arena and is named by its position. `StrPool` keeps each distinct
//! string once (titles, place names and actors repeat a great deal), in its
//! original form for summaries and lower-cased for search; `Arena` keeps one
//! entry per incident (the searchable start of its narrative).

use crate::bits::BitSet;
use crate::room::Room;
use hashbrown::{DefaultHashBuilder, HashTable};
use memchr::memmem::Finder;
use serde::{Deserialize, Serialize};
use std::hash::BuildHasher;
use truce_core::per_record::{Column, push_text};

/// The form text is searched in: lower-cased (Unicode default case mapping)
/// with every run of whitespace turned into one space and other control
/// characters dropped, cut to at most `max` bytes on a character boundary.
/// Queries are put in the same form, so a needle never holds the NUL that
/// separates the fields of an incident's search text.
pub(crate) fn search_form(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max));
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if c.is_control() {
            continue;
        }
        if space && !out.is_empty() {
            if out.len() + 1 > max {
                break;
            }
            out.push(' ');
        }
        space = false;
        let before = out.len();
        out.extend(c.to_lowercase());
        if out.len() > max {
            out.truncate(before);
            break;
        }
    }
    out
}

/// Entries laid end to end; `ends[i]` is where entry `i` stops.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct Arena {
    #[serde(with = "crate::packed::long_text")]
    text: String,
    #[serde(with = "crate::packed::column")]
    ends: Vec<usize>,
}

impl Arena {
    pub(crate) fn push(&mut self, s: &str) -> u32 {
        let id = self.ends.len();
        push_text(&mut self.text, s);
        self.ends.push_kept(self.text.len());
        u32::try_from(id).unwrap_or(u32::MAX)
    }

    /// Makes room for more entries (see `room.rs`).
    pub(crate) fn reserve(&mut self, room: Room) {
        room.text(&mut self.text);
        room.column(&mut self.ends);
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        let id = id as usize;
        let end = self.ends.get(id).copied().unwrap_or(0);
        let start = match id.checked_sub(1) {
            Some(prev) => self.ends.get(prev).copied().unwrap_or(0),
            None => 0,
        };
        self.text.get(start..end).unwrap_or("")
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * size_of::<usize>()
    }

    /// Every entry containing the needle, in one pass over the whole arena:
    /// far faster than one search per entry when most entries are candidates.
    pub(crate) fn sweep(&self, finder: &Finder<'_>) -> BitSet {
        let mut hits = BitSet::new(self.ends.len());
        let needle = finder.needle().len();
        let mut entry = 0;
        for start in finder.find_iter(self.text.as_bytes()) {
            while self.ends.get(entry).is_some_and(|&end| end <= start) {
                entry += 1;
            }
            // A match running into the next entry is no match.
            if self
                .ends
                .get(entry)
                .is_some_and(|&end| start + needle <= end)
            {
                hits.insert(entry);
            }
        }
        hits
    }
}

/// Distinct strings, each kept once as written and, if the pool is
/// searchable, once in search form.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct StrPool {
    original: Arena,
    search: Option<Arena>,
    /// Not written out: rebuilt from `original` ([`StrPool::rebuild_table`]).
    #[serde(skip)]
    table: HashTable<u32>,
    #[serde(skip)]
    hasher: DefaultHashBuilder,
}

impl StrPool {
    pub(crate) fn searchable() -> Self {
        Self {
            search: Some(Arena::default()),
            ..Self::default()
        }
    }

    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        let hash = self.hasher.hash_one(s);
        let original = &self.original;
        if let Some(&id) = self.table.find(hash, |&id| original.get(id) == s) {
            return id;
        }
        let id = self.original.push(s);
        if let Some(search) = &mut self.search {
            search.push(&search_form(s, usize::MAX));
        }
        let (original, hasher) = (&self.original, &self.hasher);
        self.table
            .insert_unique(hash, id, |&id| hasher.hash_one(original.get(id)));
        id
    }

    pub(crate) fn get(&self, id: u32) -> &str {
        self.original.get(id)
    }

    /// Makes room for more strings (see `room.rs`).
    pub(crate) fn reserve(&mut self, room: Room) {
        self.original.reserve(room);
        if let Some(search) = &mut self.search {
            search.reserve(room);
        }
        let (original, hasher) = (&self.original, &self.hasher);
        let _ = self
            .table
            .try_reserve(room.for_len(self.table.len()), |&id| {
                hasher.hash_one(original.get(id))
            });
    }

    /// Fills the string → id table from the strings, after a snapshot is
    /// read back (as `Records::rebuild_tables`).
    pub(crate) fn rebuild_table(&mut self) {
        let (original, hasher) = (&self.original, &self.hasher);
        let mut table = HashTable::with_capacity(original.ends.len());
        for id in 0..original.ends.len() {
            let Ok(id) = u32::try_from(id) else { break };
            let hash = hasher.hash_one(original.get(id));
            table.insert_unique(hash, id, |&id| hasher.hash_one(original.get(id)));
        }
        self.table = table;
    }

    pub(crate) fn len(&self) -> usize {
        self.original.ends.len()
    }

    pub(crate) fn search_form(&self, id: u32) -> &str {
        self.search.as_ref().map_or("", |s| s.get(id))
    }

    /// The ids whose search form contains the needle (none if the pool is
    /// not searchable).
    pub(crate) fn sweep(&self, finder: &Finder<'_>) -> BitSet {
        self.search
            .as_ref()
            .map_or_else(|| BitSet::new(0), |s| s.sweep(finder))
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.original.heap_bytes()
            + self.search.as_ref().map_or(0, Arena::heap_bytes)
            + self.table.capacity() * (size_of::<u32>() + 1)
    }
}
