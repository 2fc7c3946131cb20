//! Room made for the rest of the log before a long build.
//!
//! A column that grows is copied into a new allocation, and both are
//! resident while it is copied. Building the index of ten million records
//! from the log alone, the last growths of its columns held up to a
//! gigabyte more for a second or two and set the server's peak while it
//! started (4.3 GiB, against 3.6 GiB once open). Room reserved before the
//! build is never copied; room never written is not resident, so a guess
//! that is too high costs address space, not memory.
//!
//! How much room each part needs depends on what the rest of the log holds
//! (incidents or case work, long titles or repeated ones), which only
//! reading it tells. The guess is that it is shaped like what is indexed
//! already: a part that holds `len` entries for the records so far gets
//! room for as many more, in proportion.

/// Room for `additional` more records shaped like the `records` so far.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Room {
    records: u64,
    additional: u64,
}

impl Room {
    pub(crate) fn new(records: u64, additional: u64) -> Self {
        Self {
            records,
            additional,
        }
    }

    /// The entries to make room for in a part that holds `len` now.
    pub(crate) fn for_len(self, len: usize) -> usize {
        if self.records == 0 {
            return 0;
        }
        let more = (len as u128 * u128::from(self.additional)).div_ceil(u128::from(self.records));
        usize::try_from(more).unwrap_or(usize::MAX)
    }

    /// Reserves a column's room. A room the allocator refuses (a size no
    /// log reaches, asked for by a corrupt store) is left for the column to
    /// grow into as it would have.
    pub(crate) fn column<T>(self, column: &mut Vec<T>) {
        let _ = column.try_reserve_exact(self.for_len(column.len()));
    }

    /// As [`Room::column`], for text laid end to end.
    pub(crate) fn text(self, text: &mut String) {
        let _ = text.try_reserve_exact(self.for_len(text.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_gets_room_in_proportion_to_what_it_holds_for_the_records_so_far() {
        let room = Room::new(1_000, 9_000);
        assert_eq!(room.for_len(1_000), 9_000, "a column per record");
        assert_eq!(
            room.for_len(500),
            4_500,
            "a column per incident, half of them"
        );
        assert_eq!(room.for_len(1), 9, "rounded up");
        assert_eq!(room.for_len(0), 0);
        assert_eq!(Room::new(0, 9_000).for_len(5), 0, "nothing to go by yet");
        assert_eq!(
            Room::new(1, u64::MAX).for_len(usize::MAX),
            usize::MAX,
            "no overflow"
        );
    }

    #[test]
    fn reserved_room_keeps_what_a_column_holds_and_a_refused_room_changes_nothing() {
        let mut column: Vec<u64> = (0..100).collect();
        Room::new(100, 10_000).column(&mut column);
        assert!(column.capacity() >= 10_100);
        assert!(column.iter().copied().eq(0..100));

        let mut text = String::from("shelling");
        Room::new(1, u64::MAX).text(&mut text);
        Room::new(1, u64::MAX).column(&mut column);
        assert_eq!(text, "shelling");
        assert!(column.iter().copied().eq(0..100));
    }
}
