#![no_main]
//! See `truce_fuzz_checks::evidence_meta` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| truce_fuzz_checks::evidence_meta(data));
