use super::Location;
use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

/// One line per record: the index, the exact leaf bytes (base64) from which
/// anyone can recompute the tree, and the record as JSON for reading.
pub fn run(location: &Location) -> Result<ExitCode> {
    let (_, store) = location.open()?;
    let size = store.size()?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut start = 0;
    while start < size {
        let end = (start + 5_000).min(size);
        for r in store.records(start, end)? {
            let record: serde_json::Value = serde_json::from_slice(&r.leaf)?;
            let line = serde_json::json!({
                "index": r.index,
                "leaf": STANDARD.encode(&r.leaf),
                "record": record,
            });
            serde_json::to_writer(&mut out, &line)?;
            out.write_all(b"\n")?;
        }
        start = end;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
