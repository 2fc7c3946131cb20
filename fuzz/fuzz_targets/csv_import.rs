#![no_main]
//! See `truce_fuzz_checks::csv_import` for what is checked.
libfuzzer_sys::fuzz_target!(|data: &[u8]| truce_fuzz_checks::csv_import(data));
