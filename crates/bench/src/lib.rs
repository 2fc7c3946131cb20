//! What Truce's benchmarks share.
//!
//! Each benchmark prints its figures for people, and also hands the ones
//! `bench/run` reports to [`figure`], which appends them to the file named by
//! `TRUCE_BENCH_FIGURES` (one tab-separated line each: id, value, unit,
//! conditions). `bench/run` sets that variable, runs every benchmark and
//! writes BENCHMARKS.md from the file and `bench/targets.tsv`; a benchmark run
//! by hand, without the variable, only prints.
//!
//! The rest reads what the kernel counts for this process: CPU time (which
//! varies less than wall time on a shared two-core machine, so it compares
//! builds better), resident memory and bytes written to storage.

use std::io::Write;
use std::time::Duration;

/// The variable naming the figures file.
pub const FIGURES_VAR: &str = "TRUCE_BENCH_FIGURES";

/// Records one figure for `bench/run`: `id` is the stable name
/// `bench/targets.tsv` refers to (`ledger.append.single`), `conditions` what
/// a reader needs to compare it (size, clients, backend). Does nothing when
/// `TRUCE_BENCH_FIGURES` is unset. A figure that cannot be written is said on
/// stderr and the benchmark goes on: its printed output still stands.
pub fn figure(id: &str, value: f64, unit: &str, conditions: &str) {
    if let Some(path) = std::env::var_os(FIGURES_VAR) {
        append_figure(std::path::Path::new(&path), id, value, unit, conditions);
    }
}

fn append_figure(path: &std::path::Path, id: &str, value: f64, unit: &str, conditions: &str) {
    let line = format!(
        "{}\t{value}\t{}\t{}\n",
        clean(id),
        clean(unit),
        clean(conditions)
    );
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        // One write per line, in append mode: benchmarks that run at once
        // (the server's and its clients') never interleave within a line.
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = written {
        eprintln!("figure {id}: cannot append to {}: {e}", path.display());
    }
}

/// Tabs and line breaks would break the file's one line per figure.
fn clean(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// CPU time this process has used so far (user + system, every thread),
/// from `/proc/self/stat`; `None` off Linux.
pub fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may
    // hold spaces: utime and stime are the 12th and 13th of them.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// This process's resident memory in bytes, from `/proc/self/status`.
pub fn resident_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// The most resident memory this process has had, in bytes.
pub fn peak_resident_bytes() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

fn status_kib(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Bytes this process has caused to be written to storage, from
/// `/proc/self/io`.
pub fn written_bytes() -> Option<u64> {
    std::fs::read_to_string("/proc/self/io")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("write_bytes: "))?
        .trim()
        .parse()
        .ok()
}

/// The `p`-quantile (0.0–1.0) of sorted durations, in milliseconds; 0 for
/// none. Nearest rank, as the benches have always printed it.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((sorted.len() - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize;
    sorted
        .get(rank.min(sorted.len() - 1))
        .map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank_in_milliseconds() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&sorted, 0.5), 51.0);
        assert_eq!(percentile_ms(&sorted, 0.99), 99.0);
        assert_eq!(percentile_ms(&sorted, 1.0), 100.0);
        assert_eq!(percentile_ms(&[], 0.99), 0.0);
    }

    #[test]
    fn the_kernel_counts_are_read_on_linux() {
        if !cfg!(target_os = "linux") {
            return;
        }
        // Work and memory this test itself uses, so the counts are not zero.
        let data: Vec<u64> = (0..2_000_000).collect();
        let sum: u64 = data.iter().sum();
        assert!(sum > 0);
        assert!(resident_bytes().is_some_and(|b| b > 16 * 1024 * 1024));
        assert!(peak_resident_bytes() >= resident_bytes());
        assert!(cpu_time().is_some());
    }

    #[test]
    fn a_figure_is_one_clean_line_appended_to_the_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("figures.tsv");
        append_figure(
            &path,
            "ledger.append.single",
            4_512.5,
            "records/s",
            "3,000\trecords",
        );
        append_figure(&path, "verify.dir", 51_000.0, "records/s", "line\nbreak");
        let text = std::fs::read_to_string(&path).expect("figures written");
        assert_eq!(
            text,
            "ledger.append.single\t4512.5\trecords/s\t3,000 records\n\
             verify.dir\t51000\trecords/s\tline break\n"
        );
    }
}
