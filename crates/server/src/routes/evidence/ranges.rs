//! Which part of a blob a request asks for: one `Range` header read as
//! RFC 9110 §14 says. Pure, so every case is a unit test.

/// The part of a blob a request asks for (RFC 9110 §14).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Wanted {
    Whole,
    /// Inclusive byte positions.
    Part {
        first: u64,
        last: u64,
    },
    Unsatisfiable,
}

/// Reads a `Range` header for a representation of `len` bytes. One range
/// only: a malformed header, another unit or several ranges get the whole
/// representation, as RFC 9110 allows.
pub fn wanted(range: Option<&str>, len: u64) -> Wanted {
    let Some((unit, set)) = range.and_then(|r| r.trim().split_once('=')) else {
        return Wanted::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return Wanted::Whole;
    }
    let Some((a, b)) = set.trim().split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<u64>().ok())
            .flatten()
    };
    let last_byte = len.saturating_sub(1);
    if a.trim().is_empty() {
        // A suffix: the last n bytes.
        let Some(n) = number(b) else {
            return Wanted::Whole;
        };
        if n == 0 || len == 0 {
            return Wanted::Unsatisfiable;
        }
        return Wanted::Part {
            first: len.saturating_sub(n),
            last: last_byte,
        };
    }
    let Some(first) = number(a) else {
        return Wanted::Whole;
    };
    let last = if b.trim().is_empty() {
        None
    } else {
        match number(b) {
            Some(l) if l >= first => Some(l),
            _ => return Wanted::Whole,
        }
    };
    if first >= len {
        return Wanted::Unsatisfiable;
    }
    Wanted::Part {
        first,
        last: last.map_or(last_byte, |l| l.min(last_byte)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        let part = |first, last| Wanted::Part { first, last };
        assert_eq!(wanted(None, 10), Wanted::Whole);
        assert_eq!(wanted(Some("bytes=0-4"), 10), part(0, 4));
        assert_eq!(wanted(Some("bytes=5-"), 10), part(5, 9));
        assert_eq!(wanted(Some("bytes=5-100"), 10), part(5, 9));
        assert_eq!(wanted(Some("bytes=-3"), 10), part(7, 9));
        assert_eq!(wanted(Some("bytes=-30"), 10), part(0, 9));
        assert_eq!(wanted(Some("Bytes = 2-2"), 10), part(2, 2));
        assert_eq!(wanted(Some("bytes=10-"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 10), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=0-"), 0), Wanted::Unsatisfiable);
        for ignored in [
            "bytes=4-2",
            "bytes=0-1,3-4",
            "items=0-1",
            "bytes=a-b",
            "bytes=-",
            "bytes=1",
            "bytes=+1-2",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(wanted(Some(ignored), 10), Wanted::Whole, "{ignored}");
        }
    }
}
