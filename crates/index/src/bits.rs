//! A plain fixed-size bitset: the result of a filter over incident slots (or
//! over pool ids), built once per query and read while paging.

#[derive(Clone, Debug, Default)]
pub(crate) struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    pub(crate) fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// Sets bit `i`; returns whether it was clear before. Bits past the
    /// length given to `new` are ignored.
    pub(crate) fn insert(&mut self, i: usize) -> bool {
        match self.words.get_mut(i / 64) {
            Some(w) => {
                let mask = 1u64 << (i % 64);
                let was_clear = *w & mask == 0;
                *w |= mask;
                was_clear
            }
            None => false,
        }
    }

    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| (w >> (i % 64)) & 1 == 1)
    }

    /// The first `len` bits set.
    pub(crate) fn full(len: usize) -> Self {
        let mut words = vec![!0u64; len.div_ceil(64)];
        if let Some(last) = words.last_mut()
            && !len.is_multiple_of(64)
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        Self { words }
    }

    /// Keeps bit `i` of each 64-bit word only where `keep(i)`, reading
    /// `keep` for every bit of the words not yet empty: a branch-free pass
    /// over one column.
    pub(crate) fn retain_all(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (n, w) in self.words.iter_mut().enumerate() {
            if *w == 0 {
                continue;
            }
            let mut mask = 0u64;
            for bit in 0..64 {
                mask |= u64::from(keep(n * 64 + bit)) << bit;
            }
            *w &= mask;
        }
    }

    /// Clears the set bits where `keep` says no, asking only about set bits.
    pub(crate) fn retain_set(&mut self, mut keep: impl FnMut(usize) -> bool) {
        for (n, w) in self.words.iter_mut().enumerate() {
            let mut rest = *w;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if !keep(n * 64 + bit) {
                    *w &= !(1u64 << bit);
                }
            }
        }
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Set bits in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(n, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let bit = w.trailing_zeros() as usize;
                w &= w - 1;
                Some(n * 64 + bit)
            })
        })
    }
}
