//! How the index's long columns are written in its snapshot (`snapshot.rs`,
//! through serde's `with`): as little-endian byte strings of at most
//! [`CHUNK`] bytes each, where serde would write a value at a time.

/// The longest byte string written whole; longer ones go in chunks, so that
/// a snapshot read as a stream needs a scratch buffer of this size only.
pub(crate) const CHUNK: usize = 1 << 20;

/// A column of fixed-width values as byte strings, little-endian, for the
/// columns that hold a value per record or per incident. Postcard writes a
/// `Vec<u32>` as one varint per element, each read back through serde's
/// sequence machinery: on a million incidents, decoding and rebuilding the
/// index took 330 ms that way and 200 ms with these columns as bytes, which
/// are read back at memory speed. (`Vec<Hash>` likewise: 32 bytes each,
/// where a hash's own serde form is base64 text, for JSON.)
pub(crate) mod column {
    use serde::de::{DeserializeSeed, Error, SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use std::marker::PhantomData;
    use truce_core::derive::case::StageClass;
    use truce_core::kinds::incident::{IncidentType, InvestigationStep, Stance};
    use truce_core::values::{GeoPrecision, TimePrecision};
    use truce_core::{Hash, Kind};

    pub(crate) trait Fixed: Sized {
        const WIDTH: usize;
        fn put(&self, out: &mut Vec<u8>);
        /// `bytes` is exactly `WIDTH` long; `None` if they are no value.
        fn get(bytes: &[u8]) -> Option<Self>;
    }

    macro_rules! little_endian {
        ($($t:ty),*) => {$(
            impl Fixed for $t {
                const WIDTH: usize = size_of::<$t>();
                fn put(&self, out: &mut Vec<u8>) {
                    out.extend_from_slice(&self.to_le_bytes());
                }
                fn get(bytes: &[u8]) -> Option<Self> {
                    Some(<$t>::from_le_bytes(bytes.try_into().ok()?))
                }
            }
        )*};
    }
    little_endian!(u8, u16, u32, i32, i64, u64);

    impl Fixed for bool {
        const WIDTH: usize = 1;
        fn put(&self, out: &mut Vec<u8>) {
            out.push(u8::from(*self));
        }
        fn get(bytes: &[u8]) -> Option<Self> {
            match bytes.first()? {
                0 => Some(false),
                1 => Some(true),
                _ => None,
            }
        }
    }

    /// A field-less enum as the byte of its discriminant, and an optional
    /// one as 0 for none, else that byte plus one. The `match` in `put`
    /// names every variant, so one added to the enum does not compile here
    /// until it is listed, and `get` then knows it.
    macro_rules! byte_coded {
        ($($t:ident { $($v:ident),+ $(,)? })*) => {$(
            impl Fixed for $t {
                const WIDTH: usize = 1;
                fn put(&self, out: &mut Vec<u8>) {
                    match self {
                        $($t::$v)|+ => out.push(*self as u8),
                    }
                }
                fn get(bytes: &[u8]) -> Option<Self> {
                    let code = *bytes.first()?;
                    [$($t::$v),+].into_iter().find(|v| *v as u8 == code)
                }
            }

            impl Fixed for Option<$t> {
                const WIDTH: usize = 1;
                fn put(&self, out: &mut Vec<u8>) {
                    match self {
                        None => out.push(0),
                        Some(v) => {
                            v.put(out);
                            if let Some(code) = out.last_mut() {
                                *code += 1;
                            }
                        }
                    }
                }
                fn get(bytes: &[u8]) -> Option<Self> {
                    match *bytes.first()? {
                        0 => Some(None),
                        code => $t::get(&[code - 1]).map(Some),
                    }
                }
            }
        )*};
    }
    byte_coded! {
        IncidentType { ArmedClash, CrossBorderAttack, InfiltrationAttempt, Airstrike, DroneStrike,
            Shelling, AirspaceViolation, Ied, Abduction, CrossingClosure, Other }
        Stance { Acknowledge, Deny, Dispute }
        InvestigationStep { Opened, TeamAssigned, InformationRequested, SiteVisit, AccessDenied,
            Report, Closed }
        TimePrecision { Minute, Hour, Day, Week, Month }
        GeoPrecision { Exact, Locality, District, Province }
        StageClass { Found, FindingPending, UnderInvestigation, Answered, NotAccused, Awaiting }
    }

    /// Reads a composite value's fields in turn from its bytes (see
    /// `Fixed for Row` in `incidents.rs`).
    pub(crate) struct Fields<'a>(pub(crate) &'a [u8]);

    impl Fields<'_> {
        pub(crate) fn next<T: Fixed>(&mut self) -> Option<T> {
            let (value, rest) = self.0.split_at_checked(T::WIDTH)?;
            self.0 = rest;
            T::get(value)
        }
    }

    /// As a u64 everywhere, so a snapshot does not depend on the word size.
    impl Fixed for usize {
        const WIDTH: usize = 8;
        fn put(&self, out: &mut Vec<u8>) {
            (*self as u64).put(out);
        }
        fn get(bytes: &[u8]) -> Option<Self> {
            usize::try_from(u64::get(bytes)?).ok()
        }
    }

    impl Fixed for Hash {
        const WIDTH: usize = 32;
        fn put(&self, out: &mut Vec<u8>) {
            out.extend_from_slice(&self.0);
        }
        fn get(bytes: &[u8]) -> Option<Self> {
            Some(Hash(bytes.try_into().ok()?))
        }
    }

    /// By its place in [`Kind::ALL`].
    impl Fixed for Kind {
        const WIDTH: usize = 1;
        fn put(&self, out: &mut Vec<u8>) {
            out.push(*self as u8);
        }
        fn get(bytes: &[u8]) -> Option<Self> {
            Kind::ALL.get(usize::from(*bytes.first()?)).copied()
        }
    }

    /// As a sequence of byte strings, each of whole values.
    pub(crate) fn serialize<S: Serializer, T: Fixed>(
        values: &[T],
        out: S,
    ) -> Result<S::Ok, S::Error> {
        let per_chunk = (super::CHUNK / T::WIDTH).max(1);
        let mut seq = out.serialize_seq(Some(values.len().div_ceil(per_chunk)))?;
        let mut bytes = Vec::with_capacity(per_chunk * T::WIDTH);
        for chunk in values.chunks(per_chunk) {
            bytes.clear();
            for v in chunk {
                v.put(&mut bytes);
            }
            seq.serialize_element(&Bytes(&bytes))?;
        }
        seq.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Fixed>(
        input: D,
    ) -> Result<Vec<T>, D::Error> {
        input.deserialize_seq(Chunks(PhantomData))
    }

    /// Serializes as a byte string (a `&[u8]` alone is a sequence of u8).
    struct Bytes<'a>(&'a [u8]);

    impl serde::Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
            out.serialize_bytes(self.0)
        }
    }

    /// 512 MiB.
    const MAX_PREALLOCATED_CHUNKS: usize = 512;

    struct Chunks<T>(PhantomData<T>);

    impl<'de, T: Fixed> Visitor<'de> for Chunks<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "chunks of {}-byte values", T::WIDTH)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut chunks: A) -> Result<Vec<T>, A::Error> {
            // Sized from the count of chunks, though not past what a damaged
            // count could make an absurd allocation of; with a sixteenth
            // more, as the ledger's replay leaves its own columns. Without
            // that room the first record appended after a restart would
            // copy each column whole, both copies resident meanwhile (a
            // column of hashes is 320 MB at ten million records); room not
            // written is not resident.
            let per_chunk = (super::CHUNK / T::WIDTH).max(1);
            let chunks_hint = chunks.size_hint().unwrap_or(0).min(MAX_PREALLOCATED_CHUNKS);
            let expected = chunks_hint * per_chunk;
            let mut values = Vec::with_capacity(expected + expected / 16);
            while chunks
                .next_element_seed(Chunk { into: &mut values })?
                .is_some()
            {}
            // The last chunk is seldom full: kept for the life of the
            // process, a column holds at most an eighth more than it needs
            // (as `truce_core::per_record`).
            if values.capacity() - values.len() > values.len() / 8 {
                values.shrink_to(values.len() + values.len() / 16);
            }
            Ok(values)
        }
    }

    /// Decodes one chunk onto the end of `into`.
    struct Chunk<'v, T> {
        into: &'v mut Vec<T>,
    }

    impl<'de, T: Fixed> DeserializeSeed<'de> for Chunk<'_, T> {
        type Value = ();

        fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<(), D::Error> {
            // `byte_buf`: decoded from a stream, each chunk in turn in the
            // same scratch buffer (`bytes` would keep every one of them).
            input.deserialize_byte_buf(self)
        }
    }

    impl<T: Fixed> Visitor<'_> for Chunk<'_, T> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "a multiple of {} bytes", T::WIDTH)
        }

        fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<(), E> {
            let values = bytes.chunks_exact(T::WIDTH);
            if !values.remainder().is_empty() {
                return Err(E::invalid_length(bytes.len(), &self));
            }
            self.into.reserve(values.len());
            for v in values {
                self.into
                    .push(T::get(v).ok_or_else(|| E::custom("a value out of range"))?);
            }
            Ok(())
        }
    }
}

/// A map of columns, as the grid's cells and the incidents in each: each
/// column as [`column`] writes it.
pub(crate) mod columns_by_key {
    use super::column::{self, Fixed};
    use hashbrown::HashMap;
    use serde::de::{DeserializeSeed, MapAccess, Visitor};
    use serde::ser::SerializeMap;
    use serde::{Deserializer, Serializer};
    use std::fmt;
    use std::marker::PhantomData;

    pub(crate) fn serialize<S: Serializer, T: Fixed>(
        map: &HashMap<u32, Vec<T>>,
        out: S,
    ) -> Result<S::Ok, S::Error> {
        let mut entries = out.serialize_map(Some(map.len()))?;
        for (key, values) in map {
            entries.serialize_entry(key, &Column(values))?;
        }
        entries.end()
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>, T: Fixed>(
        input: D,
    ) -> Result<HashMap<u32, Vec<T>>, D::Error> {
        input.deserialize_map(Entries(PhantomData))
    }

    struct Column<'a, T>(&'a [T]);

    impl<T: Fixed> serde::Serialize for Column<'_, T> {
        fn serialize<S: Serializer>(&self, out: S) -> Result<S::Ok, S::Error> {
            column::serialize(self.0, out)
        }
    }

    struct Entries<T>(PhantomData<T>);

    impl<'de, T: Fixed> Visitor<'de> for Entries<T> {
        type Value = HashMap<u32, Vec<T>>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("columns by key")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
            // Not sized from the count given: a damaged one could be absurd.
            let mut map = HashMap::new();
            while let Some(key) = entries.next_key::<u32>()? {
                let values = entries.next_value_seed(ColumnSeed(PhantomData))?;
                map.insert(key, values);
            }
            Ok(map)
        }
    }

    struct ColumnSeed<T>(PhantomData<T>);

    impl<'de, T: Fixed> DeserializeSeed<'de> for ColumnSeed<T> {
        type Value = Vec<T>;

        fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Vec<T>, D::Error> {
            column::deserialize(input)
        }
    }
}

/// A long text (an arena's entries end to end) in chunks of bytes, checked
/// as UTF-8 once whole.
pub(crate) mod long_text {
    use super::column;
    use serde::de::Error;
    use serde::{Deserializer, Serializer};

    pub(crate) fn serialize<S: Serializer>(text: &str, out: S) -> Result<S::Ok, S::Error> {
        column::serialize(text.as_bytes(), out)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<String, D::Error> {
        let bytes: Vec<u8> = column::deserialize(input)?;
        String::from_utf8(bytes).map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use serde::{Deserialize, Serialize};
    use truce_core::{Hash, Kind};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Columns {
        #[serde(with = "super::column")]
        numbers: Vec<i64>,
        #[serde(with = "super::column")]
        hashes: Vec<Hash>,
        #[serde(with = "super::column")]
        kinds: Vec<Kind>,
        #[serde(with = "super::long_text")]
        text: String,
        after: u32,
    }

    fn round_trip(columns: &Columns) -> Result<Columns, postcard::Error> {
        let bytes = postcard::to_stdvec(columns).unwrap();
        let mut scratch = vec![0; super::CHUNK];
        postcard::from_io((bytes.as_slice(), scratch.as_mut_slice())).map(|(c, _)| c)
    }

    #[test]
    fn long_columns_and_text_go_in_chunks_and_come_back_whole() {
        // Several chunks each, none full at the end; a text whose chunks
        // split its two- and four-byte characters.
        let columns = Columns {
            numbers: (0..300_001).map(|n| n * -7_919).collect(),
            hashes: (0..70_001u32)
                .map(|n| Hash(std::array::from_fn(|i| (n as usize * 31 + i) as u8)))
                .collect(),
            kinds: Kind::ALL.iter().copied().cycle().take(3_000_000).collect(),
            text: "Torkham — Ṭorkham 🕊 ".repeat(120_000),
            after: 7,
        };
        assert!(columns.text.len() > 3 * super::CHUNK);
        let read = round_trip(&columns).unwrap();
        assert_eq!(read, columns);
        // Each comes back with room for a sixteenth more (the first records
        // appended after a restart copy nothing), never past an eighth.
        for (len, capacity) in [
            (read.numbers.len(), read.numbers.capacity()),
            (read.hashes.len(), read.hashes.capacity()),
            (read.kinds.len(), read.kinds.capacity()),
            (read.text.len(), read.text.capacity()),
        ] {
            assert!(
                capacity >= len + len / 16 && capacity <= len + len / 8,
                "{capacity} for {len}"
            );
        }

        let empty = Columns {
            numbers: vec![],
            hashes: vec![],
            kinds: vec![],
            text: String::new(),
            after: 0,
        };
        assert_eq!(round_trip(&empty).unwrap(), empty);
    }

    /// Each value as its column writes it, read back.
    fn fixed_round_trip<T: super::column::Fixed>(value: &T) -> Option<T> {
        let mut bytes = Vec::new();
        value.put(&mut bytes);
        assert_eq!(bytes.len(), T::WIDTH);
        T::get(&bytes)
    }

    #[test]
    fn every_variant_of_a_byte_coded_enum_comes_back_and_no_other_code_is_read() {
        use truce_core::derive::case::StageClass;
        use truce_core::kinds::incident::{IncidentType, InvestigationStep, Stance};
        let types = IncidentType::ALL;
        for t in types {
            assert_eq!(fixed_round_trip(&t), Some(t));
            assert_eq!(fixed_round_trip(&Some(t)), Some(Some(t)));
        }
        assert_eq!(fixed_round_trip(&None::<IncidentType>), Some(None));
        let codes: std::collections::BTreeSet<u8> = types.iter().map(|t| *t as u8).collect();
        for code in 0..=u8::MAX {
            let read = <IncidentType as super::column::Fixed>::get(&[code]);
            assert_eq!(read.is_some(), codes.contains(&code), "code {code}");
        }
        for s in [Stance::Acknowledge, Stance::Deny, Stance::Dispute] {
            assert_eq!(fixed_round_trip(&Some(s)), Some(Some(s)));
        }
        assert_eq!(
            <Option<Stance> as super::column::Fixed>::get(&[4]),
            None,
            "three stances: codes 1 to 3, 0 for none"
        );
        for step in [InvestigationStep::Opened, InvestigationStep::Closed] {
            assert_eq!(fixed_round_trip(&Some(step)), Some(Some(step)));
        }
        for class in [
            StageClass::Found,
            StageClass::Awaiting,
            StageClass::NotAccused,
        ] {
            assert_eq!(fixed_round_trip(&class), Some(class));
        }
        assert_eq!(<bool as super::column::Fixed>::get(&[2]), None);
    }

    #[test]
    fn a_value_out_of_range_or_a_torn_value_is_refused() {
        // A kind byte past `Kind::ALL`.
        let kinds = Columns {
            numbers: vec![],
            hashes: vec![],
            kinds: vec![Kind::Charter],
            text: String::new(),
            after: 0,
        };
        let mut bytes = postcard::to_stdvec(&kinds).unwrap();
        // numbers: 0 chunks; hashes: 0 chunks; kinds: 1 chunk of 1 byte.
        assert_eq!(&bytes[..5], &[0, 0, 1, 1, 0]);
        bytes[4] = Kind::ALL.len() as u8;
        let mut scratch = vec![0; super::CHUNK];
        assert!(
            postcard::from_io::<Columns, _>((bytes.as_slice(), scratch.as_mut_slice())).is_err()
        );
        // A chunk of 5 bytes for 8-byte numbers.
        let torn = [1, 5, 1, 2, 3, 4, 5, 0, 0, 0, 0, 0];
        assert!(
            postcard::from_io::<Columns, _>((torn.as_slice(), scratch.as_mut_slice())).is_err()
        );
    }
}
