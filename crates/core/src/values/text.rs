//! Bounded text: every string in a signed record has a ceiling, so no record can
//! grow without limit and every limit is stated next to the field that has it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A string of at most `MAX` bytes with no control characters other than
/// newline and tab (those only where `MAX` allows prose, i.e. above 200 bytes).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Text<const MAX: usize>(String);

/// A name, a title, a label: one line, up to 200 bytes.
pub type Label = Text<200>;
/// A paragraph or a few: up to 4 KiB.
pub type Paragraph = Text<4096>;
/// A narrative, a clause, a reasoning: up to 16 KiB.
pub type Prose = Text<16384>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TextError {
    #[error("is empty")]
    Empty,
    #[error("is {len} bytes long; the limit is {max}")]
    TooLong { len: usize, max: usize },
    #[error("contains a control character (U+{0:04X})")]
    ControlCharacter(u32),
}

impl<const MAX: usize> Text<MAX> {
    pub fn parse(value: impl Into<String>) -> Result<Self, TextError> {
        let value = value.into();
        if value.trim().is_empty() {
            return Err(TextError::Empty);
        }
        if value.len() > MAX {
            return Err(TextError::TooLong {
                len: value.len(),
                max: MAX,
            });
        }
        let multiline = MAX > 200;
        if let Some(c) = value
            .chars()
            .find(|c| c.is_control() && !(multiline && (*c == '\n' || *c == '\t')))
        {
            return Err(TextError::ControlCharacter(c as u32));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<const MAX: usize> fmt::Debug for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl<const MAX: usize> Serialize for Text<MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(s).map_err(serde::de::Error::custom)
    }
}

/// A list of at most `MAX` items: deserialisation refuses longer ones, so an
/// oversized array is rejected before anything looks at its contents.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Bounded<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> Bounded<T, MAX> {
    pub fn new(items: Vec<T>) -> Result<Self, String> {
        if items.len() > MAX {
            return Err(format!("has {} items; the limit is {MAX}", items.len()));
        }
        Ok(Self(items))
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T, const MAX: usize> Default for Bounded<T, MAX> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'a, T, const MAX: usize> IntoIterator for &'a Bounded<T, MAX> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T: Serialize, const MAX: usize> Serialize for Bounded<T, MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for Bounded<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<T>::deserialize(d)?;
        Self::new(items).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_refuse_empty_long_and_control_text() {
        assert_eq!(Label::parse("  "), Err(TextError::Empty));
        assert!(matches!(
            Label::parse("x".repeat(201)),
            Err(TextError::TooLong { len: 201, max: 200 })
        ));
        assert_eq!(Label::parse("a\nb"), Err(TextError::ControlCharacter(10)));
        assert!(Paragraph::parse("a\nb").is_ok());
        assert_eq!(
            Paragraph::parse("a\u{7}b"),
            Err(TextError::ControlCharacter(7))
        );
    }

    #[test]
    fn bounded_lists_refuse_too_many_items() {
        let ok: Result<Bounded<u8, 2>, _> = serde_json::from_str("[1,2]");
        assert!(ok.is_ok());
        let too_many: Result<Bounded<u8, 2>, _> = serde_json::from_str("[1,2,3]");
        assert!(too_many.is_err());
    }
}
