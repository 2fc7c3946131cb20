use arbitrary::Unstructured;
use truce_tlog::TilePath;
use truce_tlog::tile::MAX_TILE_LEVEL;

/// Bytes as the part of a tile URL after `/tile/`: never a panic, and a path
/// that parses prints back exactly (one spelling per tile). The same bytes
/// read as a tile (level, index, width) print to a path that parses back to
/// that tile.
pub fn tile_path(data: &[u8]) {
    if let Ok(path) = std::str::from_utf8(data)
        && let Ok(tile) = TilePath::parse(path)
    {
        assert_eq!(tile.path(), path, "a parsed tile path prints otherwise");
    }
    let mut u = Unstructured::new(data);
    let tile = (|| -> arbitrary::Result<TilePath> {
        Ok(TilePath {
            level: if u.arbitrary()? {
                Some(u.int_in_range(0..=MAX_TILE_LEVEL)?)
            } else {
                None
            },
            index: u.arbitrary()?,
            width: if u.arbitrary()? {
                Some(u.int_in_range(1..=255)?)
            } else {
                None
            },
        })
    })();
    if let Ok(tile) = tile {
        assert_eq!(TilePath::parse(&tile.path()), Ok(tile), "{}", tile.path());
    }
}
