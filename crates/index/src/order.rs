//! Incidents ordered by event time: a sorted run plus a small sorted set of
//! late arrivals, merged into the run once it holds 1/32 of the whole.
//!
//! Reports mostly arrive in the order of the events they describe, so most
//! keys append to the run. A report of an older event (or an import of a
//! history in any order) goes to the set in O(log n); merging costs O(n)
//! once per n/32 such arrivals, so adding stays amortised O(log n) and the
//! run stays one flat array for binary search and scans.

use crate::room::Room;
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

    /// Merges the late arrivals into the run in place, from the back: each
    /// late key, largest first, goes after the run entries below it once
    /// those above it have moved up. Merging into new vectors held the run
    /// twice for a moment (120 MB at ten million incidents, every 1/32 of
    /// them when most arrive late); this needs only the run's room, which
    /// grows by an eighth when it must (and is reserved before a long
    /// build).
    fn merge(&mut self) {
        let late = std::mem::take(&mut self.late);
        let mut run = self.times.len();
        let (n, m) = (run + late.len(), late.len());
        self.times.room_kept(late.len());
        self.slots.room_kept(late.len());
        self.times.resize(n, 0);
        self.slots.resize(n, 0);
        for (left, key) in late.into_iter().rev().enumerate() {
            // Late keys still to place, this one among them: the run
            // entries above it go that many places up.
            let before = m - left;
            let at = self.position_below(key, run);
            self.times.copy_within(at..run, at + before);
            self.slots.copy_within(at..run, at + before);
            if let (Some(t), Some(s)) = (
                self.times.get_mut(at + before - 1),
                self.slots.get_mut(at + before - 1),
            ) {
                (*t, *s) = key;
            }
            run = at;
        }
    }

    /// Makes room for more incidents (see `room.rs`).
    pub(crate) fn reserve(&mut self, room: Room) {
        let more = room
            .for_len(self.times.len() + self.late.len())
            .saturating_add(self.late.len());
        let _ = self.times.try_reserve_exact(more);
        let _ = self.slots.try_reserve_exact(more);
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
        self.position_below(key, self.times.len())
    }

    /// The number of the first `end` run entries with a key below `key`.
    fn position_below(&self, key: Key, end: usize) -> usize {
        let (mut lo, mut hi) = (0, end);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn all(order: &TimeOrder) -> Vec<Key> {
        order
            .descending((i64::MIN, 0), (i64::MAX, u32::MAX))
            .collect()
    }

    #[test]
    fn merging_in_place_keeps_every_key_in_order_wherever_the_late_ones_fall() {
        let mut order = TimeOrder::default();
        let mut want = Vec::new();
        // Mostly late (times cycle, as the 10M bench log's do), some far
        // below the whole run, some above it, some equal times.
        let mut x: u64 = 7;
        for slot in 0..20_000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let time = match slot % 5 {
                0 => i64::from(slot),
                1 => -i64::from(slot),
                _ => (x >> 40) as i64 % 5_000,
            };
            order.insert((time, slot));
            want.push((time, slot));
        }
        assert!(order.late.len() < want.len() / 10, "merges ran");
        want.sort_unstable();
        want.reverse();
        assert_eq!(all(&order), want);
        order.merge();
        assert!(order.late.is_empty());
        assert_eq!(all(&order), want);
    }

    #[test]
    fn reserved_room_is_what_a_merge_uses() {
        let mut order = TimeOrder::default();
        for slot in 0..4_000u32 {
            order.insert((i64::from(4_000 - slot), slot));
        }
        order.reserve(Room::new(4_000, 40_000));
        let capacity = order.times.capacity();
        assert!(capacity >= 44_000);
        for slot in 4_000..40_000u32 {
            order.insert((-i64::from(slot), slot));
        }
        assert_eq!(order.times.capacity(), capacity, "no growth");
        assert_eq!(all(&order).len(), 40_000);
    }
}
