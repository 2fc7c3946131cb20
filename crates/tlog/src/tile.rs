//! Tile paths (c2sp.org/tlog-tiles): `<L>/<N>[.p/<W>]` for hash tiles and
//! `entries/<N>[.p/<W>]` for entry bundles, as they follow `/tile/`.
//!
//! Only the path: which bytes a tile holds is the server's business. A path
//! is accepted only if [`TilePath::path`] prints it back exactly, so every
//! tile has one spelling (no `x000/` groups, no leading zeros, no `+`) and
//! the parser cannot disagree with the printer.

use crate::TlogError;

/// The highest tile level: a level-8 tile would start at tree level 64, which
/// a tree of at most `u64::MAX` leaves never reaches.
pub const MAX_TILE_LEVEL: u8 = 7;

/// A parsed tile path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TilePath {
    /// The tile level (tree level `8 * level`), or `None` for an entry bundle.
    pub level: Option<u8>,
    /// The tile's index within its level.
    pub index: u64,
    /// A partial tile's width (1–255); `None` for a full tile of 256.
    pub width: Option<u8>,
}

impl TilePath {
    /// Parses the part of a tile URL after `/tile/`, e.g. `0/x001/x234/067`
    /// or `entries/000.p/17`.
    pub fn parse(path: &str) -> Result<Self, TlogError> {
        let bad = || TlogError::MalformedTilePath(path.to_owned());
        let (head, rest) = path.split_once('/').ok_or_else(bad)?;
        let level = match head {
            "entries" => None,
            _ => Some(head.parse::<u8>().map_err(|_| bad())?),
        };
        let (groups, width) = match rest.split_once(".p/") {
            Some((groups, w)) => (groups, Some(w.parse::<u8>().map_err(|_| bad())?)),
            None => (rest, None),
        };
        let mut index: u64 = 0;
        for group in groups.split('/') {
            let digits = group.strip_prefix('x').unwrap_or(group);
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let n: u64 = digits.parse().map_err(|_| bad())?;
            index = index
                .checked_mul(1000)
                .and_then(|v| v.checked_add(n))
                .ok_or_else(bad)?;
        }
        let tile = TilePath {
            level,
            index,
            width,
        };
        // One spelling: the `x` prefixes, the zero padding, the absence of
        // leading zeros and signs, the level and width bounds are all checked
        // by printing the tile again.
        if level.is_some_and(|l| l > MAX_TILE_LEVEL) || width == Some(0) || tile.path() != path {
            return Err(bad());
        }
        Ok(tile)
    }

    /// The path as c2sp.org/tlog-tiles spells it (without `/tile/`).
    pub fn path(&self) -> String {
        let mut out = match self.level {
            Some(level) => level.to_string(),
            None => "entries".to_owned(),
        };
        let digits = self.index.to_string();
        let padded = format!("{}{digits}", "0".repeat((3 - digits.len() % 3) % 3));
        let groups = padded.len() / 3;
        for (i, group) in padded.as_bytes().chunks(3).enumerate() {
            out.push_str(if i + 1 < groups { "/x" } else { "/" });
            out.extend(group.iter().map(|&b| char::from(b)));
        }
        if let Some(width) = self.width {
            out.push_str(&format!(".p/{width}"));
        }
        out
    }
}
