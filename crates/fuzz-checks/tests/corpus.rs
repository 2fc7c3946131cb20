//! The committed fuzz corpora, replayed on stable: every file under
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the
//! check its target runs under libFuzzer, so a fix that regresses is caught
//! by `cargo test` without nightly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

const FUZZ: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz");

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    out.sort();
    out
}

#[test]
fn every_committed_corpus_file_passes_its_targets_check() {
    for (target, check) in truce_fuzz_checks::TARGETS {
        let corpus = files(&Path::new(FUZZ).join("corpus").join(target));
        assert!(!corpus.is_empty(), "fuzz/corpus/{target} is empty");
        let regressions = files(&Path::new(FUZZ).join("regressions").join(target));
        for file in corpus.iter().chain(&regressions) {
            let data = std::fs::read(file).unwrap();
            if let Err(panic) = std::panic::catch_unwind(|| check(&data)) {
                let why = panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| panic.downcast_ref::<&str>().copied())
                    .unwrap_or("a panic");
                panic!("{}: {why}", file.display());
            }
        }
    }
}

#[test]
fn every_target_has_a_fuzz_target_file() {
    for (target, _) in truce_fuzz_checks::TARGETS {
        let file = Path::new(FUZZ).join(format!("fuzz_targets/{target}.rs"));
        let source = std::fs::read_to_string(&file).unwrap();
        assert!(
            source.contains(&format!("truce_fuzz_checks::{target}(data)")),
            "{} does not call its check",
            file.display()
        );
    }
}

#[test]
fn the_note_corpus_reaches_a_checkpoint_that_opens_under_the_fixed_key() {
    let key = truce_fuzz_checks::fuzz_log_key().verifier();
    let opened = files(&Path::new(FUZZ).join("corpus/note"))
        .iter()
        .filter_map(|f| String::from_utf8(std::fs::read(f).unwrap()).ok())
        .filter(|text| truce_tlog::Checkpoint::open(text, &key).is_ok())
        .count();
    assert!(opened > 0, "no checkpoint in fuzz/corpus/note opens");
}
