use truce_core::Body;
use truce_core::kinds::Kind;
use truce_import::{Format, parse};

/// Bytes as an ACLED and as a UCDP GED file: never a panic; every report
/// made is a valid incident report body that reads back as itself through
/// the log's own parsing (`Body::parse`), and keeps its dataset's event;
/// no event is made twice; every refused row's line is within the input.
pub fn csv_import(data: &[u8]) {
    let lines = csv_lines(data);
    for format in Format::ALL {
        let Ok(parsed) = parse(format, data) else {
            continue;
        };
        let mut events = std::collections::HashSet::new();
        for imported in &parsed.reports {
            let event = imported
                .event()
                .expect("an imported report without its event");
            assert!(events.insert(event.clone()), "one event made twice");
            assert!(
                imported.line >= 2 && imported.line <= lines,
                "a report's line is outside the input"
            );
            let value = serde_json::to_value(&imported.report).expect("a report serialises");
            match Body::parse(Kind::IncidentReport, &value) {
                Ok(Body::IncidentReport(again)) => {
                    assert_eq!(again, imported.report, "a report reads back otherwise")
                }
                Ok(_) => panic!("an incident report parsed as another kind"),
                Err(e) => panic!("an imported report is not a valid body: {e}"),
            }
        }
        for rejected in &parsed.rejected {
            assert!(
                rejected.line <= lines,
                "a refused row's line is outside the input"
            );
        }
    }
}

/// The lines of `data` as a CSV reader counts them: `\n`, `\r\n` and a lone
/// `\r` each end one (the `csv` crate accepts all three, so a file saved
/// with old Mac line ends reads as lines, and its rows are numbered so).
fn csv_lines(data: &[u8]) -> u64 {
    let mut lines = 1;
    let mut bytes = data.iter().peekable();
    while let Some(b) = bytes.next() {
        match b {
            b'\n' => lines += 1,
            b'\r' if bytes.peek() != Some(&&b'\n') => lines += 1,
            _ => {}
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::csv_lines;

    #[test]
    fn every_line_end_a_csv_reader_accepts_ends_a_line() {
        assert_eq!(csv_lines(b"a"), 1);
        assert_eq!(csv_lines(b"a\nb"), 2);
        assert_eq!(csv_lines(b"a\r\nb\r\n"), 3);
        assert_eq!(csv_lines(b"a\rb\rc"), 3);
        assert_eq!(csv_lines(b"a\r\rb"), 3);
    }
}
