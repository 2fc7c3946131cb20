//! SHA-256 hashes and the RFC 6962 hashing rules.
//!
//! Why a newtype instead of `[u8; 32]`: the log, its proofs and its
//! checkpoints all speak base64 on the wire (c2sp.org/tlog-checkpoint), but
//! humans debugging a store want hex. `Hash` fixes both renderings in one
//! place, and its serde form is the same base64 string a checkpoint carries.
//! The domain-separation prefixes (0x00 for leaves, 0x01 for interior nodes)
//! live here so no other module can get them wrong.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::TlogError;

/// SHA-256 hash; `Display`/`FromStr`/serde as standard base64 (with
/// padding), `Debug` as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

impl Hash {
    /// Size of a hash in bytes.
    pub const LEN: usize = 32;

    /// Standard base64 with padding (44 characters).
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Parses standard, padded, canonical base64 of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Hash, TlogError> {
        let bytes = STANDARD
            .decode(s)
            .map_err(|e| TlogError::InvalidHash(format!("bad base64: {e}")))?;
        Hash::from_slice(&bytes)
    }

    /// Lower-case hex (64 characters).
    pub fn to_hex(&self) -> String {
        let mut out = String::with_capacity(64);
        for b in self.0 {
            out.push(hex_digit(b >> 4));
            out.push(hex_digit(b & 0x0f));
        }
        out
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Result<Hash, TlogError> {
        let bytes = s.as_bytes();
        if bytes.len() != 64 {
            return Err(TlogError::InvalidHash(format!(
                "hex hash must be 64 digits, got {}",
                bytes.len()
            )));
        }
        let mut out = [0u8; 32];
        for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let (hi, lo) = match pair {
                [hi, lo] => (hex_value(*hi)?, hex_value(*lo)?),
                _ => return Err(TlogError::InvalidHash("odd hex length".into())),
            };
            *o = (hi << 4) | lo;
        }
        Ok(Hash(out))
    }

    /// Copies exactly 32 bytes into a hash.
    pub fn from_slice(bytes: &[u8]) -> Result<Hash, TlogError> {
        let arr: [u8; 32] = bytes.try_into().map_err(|_| {
            TlogError::InvalidHash(format!("hash must be 32 bytes, got {}", bytes.len()))
        })?;
        Ok(Hash(arr))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

fn hex_digit(n: u8) -> char {
    char::from_digit(u32::from(n & 0x0f), 16).unwrap_or('0')
}

fn hex_value(c: u8) -> Result<u8, TlogError> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(TlogError::InvalidHash(format!(
            "invalid hex digit {:?}",
            char::from(c)
        ))),
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = TlogError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Hash::from_base64(s)
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<[u8; 32]> for Hash {
    fn from(b: [u8; 32]) -> Self {
        Hash(b)
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_base64())
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Hash;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64-encoded 32-byte hash")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Hash, E> {
                Hash::from_base64(v).map_err(E::custom)
            }
        }
        // `string`, not `str`: the same to JSON, and a format that reads
        // from a stream (postcard's, for the server's index snapshot) then
        // decodes each hash in a scratch buffer it reuses rather than one
        // that must hold every hash at once.
        d.deserialize_string(V)
    }
}

/// In the server's OpenAPI document a hash is a base64 string of 32 bytes.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Hash {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_encoding("base64")
            .min_length(Some(44))
            .max_length(Some(44))
            .description(Some("A SHA-256 hash (32 bytes), base64 with padding."))
            .examples(["47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Hash {}

/// RFC 6962 leaf hash: SHA-256(0x00 || data).
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    Hash(h.finalize().into())
}

/// RFC 6962 interior node hash: SHA-256(0x01 || left || right).
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// Root of the empty tree: SHA-256("").
pub fn empty_root() -> Hash {
    Hash(Sha256::digest([]).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            empty_root().to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn base64_and_hex_round_trip() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_base64(&h.to_base64()).unwrap(), h);
        assert_eq!(Hash::from_hex(&h.to_hex()).unwrap(), h);
        assert_eq!(h.to_string().parse::<Hash>().unwrap(), h);
        assert!(format!("{h:?}").contains(&h.to_hex()));
    }

    #[test]
    fn wrong_lengths_and_bad_base64_are_rejected() {
        assert!(Hash::from_base64("").is_err());
        assert!(Hash::from_base64("ZG9uJ3QgY2FyZSAx").is_err()); // 12 bytes
        assert!(Hash::from_base64("not base64!").is_err());
        // Unpadded 32-byte value is not the canonical encoding.
        let b64 = empty_root().to_base64();
        assert!(Hash::from_base64(b64.trim_end_matches('=')).is_err());
        assert!(Hash::from_slice(&[0u8; 31]).is_err());
        assert!(Hash::from_hex("zz").is_err());
        assert!(Hash::from_hex(&"g".repeat(64)).is_err());
    }
}
