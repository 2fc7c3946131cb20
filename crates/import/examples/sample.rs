//! Writes a made-up file in ACLED's or UCDP GED's column layout to stdout
//! (see `truce_import::sample`): `cargo run -p truce-import --example sample
//! -- acled|ucdp ROWS [SEED] [--broken]`. For benchmarks and fuzz seeds.

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: sample acled|ucdp ROWS [SEED] [--broken]";
    let format = args.first().ok_or(usage)?;
    let rows: usize = args.get(1).ok_or(usage)?.parse()?;
    let seed: u64 = match args.get(2) {
        Some(s) if !s.starts_with("--") => s.parse()?,
        _ => 1,
    };
    let broken = args.iter().any(|a| a == "--broken");
    let sample = match format.as_str() {
        "acled" => truce_import::sample::acled(rows, seed, broken),
        "ucdp" => truce_import::sample::ucdp(rows, seed, broken),
        _ => return Err(usage.into()),
    };
    std::io::stdout().write_all(sample.text.as_bytes())?;
    Ok(())
}
