//! Growth for what is kept per record for the life of a process (the
//! admission state's entries, the query index's columns and text).
//!
//! A `Vec` doubles when full, so just after it grows half of it is empty
//! and freed copies linger in the allocator: over a log of 10M records a
//! doubled column sits at 16.8M slots, 40% of it empty, and a server that
//! keeps ~250 bytes a record in such columns would hold 170 more bytes a
//! record for nothing. These grow by an eighth instead: at most 1/9 of a
//! column is ever empty, at the price of copying each slot about eight
//! times over its life rather than about twice (amortised O(1) still).

/// The least a column grows by, so that small ones do not grow slot by slot.
const MIN_GROWTH: usize = 1024;

fn growth(len: usize, wanted: usize) -> usize {
    (len / 8).max(MIN_GROWTH).max(wanted)
}

/// A vector kept per record: grows by an eighth when full.
pub trait Column<T> {
    fn push_kept(&mut self, value: T);

    /// Makes room for `additional` more values, growing as `push_kept` does
    /// when there is not room enough already.
    fn room_kept(&mut self, additional: usize);
}

impl<T> Column<T> for Vec<T> {
    fn push_kept(&mut self, value: T) {
        self.room_kept(1);
        self.push(value);
    }

    fn room_kept(&mut self, additional: usize) {
        if self.capacity() - self.len() < additional {
            self.reserve_exact(growth(self.len(), additional));
        }
    }
}

/// Text kept per record, laid end to end: grows by an eighth when full.
pub fn push_text(text: &mut String, s: &str) {
    if text.capacity() - text.len() < s.len() {
        text.reserve_exact(growth(text.len(), s.len()));
    }
    text.push_str(s);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_column_grows_by_an_eighth_and_keeps_its_values() {
        let mut v: Vec<u64> = Vec::new();
        for i in 0..100_000 {
            v.push_kept(i);
            // Never more than an eighth (or the least growth) beyond what it holds.
            assert!(
                v.capacity() <= v.len() + growth(v.len(), 1),
                "{} of {}",
                v.len(),
                v.capacity()
            );
        }
        assert!(v.iter().copied().eq(0..100_000));
        // A doubling vector of the same length would hold 131,072 slots.
        assert!(v.capacity() < 113_000, "{}", v.capacity());
    }

    #[test]
    fn room_is_made_by_an_eighth_or_what_is_asked_and_only_when_lacking() {
        let mut v: Vec<u32> = Vec::with_capacity(80_000);
        v.extend(0..80_000);
        v.room_kept(100);
        assert_eq!(v.capacity(), 80_000 + 10_000, "an eighth, not a doubling");
        v.room_kept(10_000);
        assert_eq!(v.capacity(), 90_000, "room enough already: unchanged");
        v.room_kept(50_000);
        assert_eq!(v.capacity(), 130_000, "more than an eighth asked: as asked");
        assert!(v.iter().copied().eq(0..80_000));
    }

    #[test]
    fn text_grows_to_fit_a_long_entry() {
        let mut text = String::new();
        let long = "x".repeat(5000);
        push_text(&mut text, "a");
        push_text(&mut text, &long);
        assert_eq!(text.len(), 5001);
        assert!(text.starts_with("ax"));
    }
}
