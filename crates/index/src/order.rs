//! Incidents ordered by event time: a sorted run plus a small sorted set of
//! late arrivals, merged into the run once it holds 1/32 of the whole.
//!
//! Reports mostly arrive in the order of the events they describe, so most
//! keys append to the run. A report of an older event (or an import of a
//! history in any order) goes to the set in O(log n); merging costs O(n)
//! once per n/32 such arrivals, so adding stays amortised O(log n) and the
//! run stays one flat array for binary search and scans.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::iter::Peekable;
use truce_core::per_record::Column;

/// (event time in Unix seconds, incident slot). Slots follow log order, so
/// this orders by time and then by log index.
pub(crate) type Key = (i64, u32);

#[derive(Debug, Default, Serialize, Deserialize)]
pub(crate) struct TimeOrder {
    #[serde(with = "crate::packed::column")]
    times: Vec<i64>,
    #[serde(with = "crate::packed::column")]
    slots: Vec<u32>,
    late: BTreeSet<Key>,
}

const MIN_MERGE: usize = 1024;

impl TimeOrder {
    pub(crate) fn insert(&mut self, key: Key) {
        if self.last().is_none_or(|last| last <= key) {
            self.times.push_kept(key.0);
            self.slots.push_kept(key.1);
            return;
        }
        self.late.insert(key);
        if self.late.len() > MIN_MERGE.max(self.times.len() / 32) {
            self.merge();
        }
    }

    fn last(&self) -> Option<Key> {
        Some((*self.times.last()?, *self.slots.last()?))
    }

    fn key_at(&self, i: usize) -> Option<Key> {
        Some((*self.times.get(i)?, *self.slots.get(i)?))
    }

    fn merge(&mut self) {
        let late = std::mem::take(&mut self.late);
        let n = self.times.len() + late.len();
        let mut times = Vec::with_capacity(n);
        let mut slots = Vec::with_capacity(n);
        let mut late = late.into_iter().peekable();
        for (t, s) in self.times.iter().copied().zip(self.slots.iter().copied()) {
            while let Some(k) = late.next_if(|k| *k < (t, s)) {
                times.push(k.0);
                slots.push(k.1);
            }
            times.push(t);
            slots.push(s);
        }
        for k in late {
            times.push(k.0);
            slots.push(k.1);
        }
        self.times = times;
        self.slots = slots;
    }

    /// The earliest and latest event times.
    pub(crate) fn bounds(&self) -> Option<(i64, i64)> {
        let run = self.times.first().zip(self.times.last());
        let late = self.late.first().zip(self.late.last());
        match (run, late) {
            (Some((a, b)), Some((c, d))) => Some((*a.min(&c.0), *b.max(&d.0))),
            (Some((a, b)), None) => Some((*a, *b)),
            (None, Some((c, d))) => Some((c.0, d.0)),
            (None, None) => None,
        }
    }

    /// The number of run entries with a key below `key`.
    fn run_position(&self, key: Key) -> usize {
        let (mut lo, mut hi) = (0, self.times.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.key_at(mid).is_some_and(|k| k < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    /// How many keys lie in `lo..hi`.
    pub(crate) fn count(&self, lo: Key, hi: Key) -> usize {
        if lo >= hi {
            return 0;
        }
        let run = self.run_position(hi).saturating_sub(self.run_position(lo));
        run + self.late.range(lo..hi).count()
    }

    /// The keys in `lo..hi`, newest first.
    pub(crate) fn descending(&self, lo: Key, hi: Key) -> Descending<'_> {
        let (start, end) = if lo < hi {
            (self.run_position(lo), self.run_position(hi))
        } else {
            (0, 0)
        };
        let late = if lo < hi {
            self.late.range(lo..hi)
        } else {
            self.late.range(hi..hi)
        };
        Descending {
            order: self,
            start,
            end,
            late: late.rev().peekable(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.times.capacity() * size_of::<i64>()
            + self.slots.capacity() * size_of::<u32>()
            // A B-tree node holds up to 11 keys; count it about two-thirds full.
            + self.late.len() * (size_of::<Key>() * 3 / 2)
    }
}

pub(crate) struct Descending<'a> {
    order: &'a TimeOrder,
    /// Run entries `start..end` remain, taken from the end.
    start: usize,
    end: usize,
    late: Peekable<std::iter::Rev<std::collections::btree_set::Range<'a, Key>>>,
}

impl Iterator for Descending<'_> {
    type Item = Key;

    fn next(&mut self) -> Option<Key> {
        let run = if self.end > self.start {
            self.order.key_at(self.end - 1)
        } else {
            None
        };
        match (run, self.late.peek().map(|k| **k)) {
            (Some(r), Some(l)) if l > r => self.late.next().copied(),
            (Some(r), _) => {
                self.end -= 1;
                Some(r)
            }
            (None, _) => self.late.next().copied(),
        }
    }
}
