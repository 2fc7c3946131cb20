//! Whether the five public reports the scenario quotes are at hand. They are
//! kept beside the repository (`../shared/seeds`), never in it, so a fresh
//! clone has none: there the quote test is compiled as ignored, and the test
//! summary counts it as such instead of passing it silently. CI sets
//! `TRUCE_REQUIRE_SEEDS=1`, which compiles the test in whether or not the
//! reports are there, so that their absence fails it rather than skips it.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(truce_seeds)");
    println!("cargo::rerun-if-env-changed=TRUCE_REQUIRE_SEEDS");
    println!("cargo::rerun-if-env-changed=TRUCE_SEEDS");
    let dir = std::env::var("TRUCE_SEEDS").unwrap_or_else(|_| {
        let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        Path::new(&manifest)
            .join("../../../shared/seeds")
            .display()
            .to_string()
    });
    println!("cargo::rerun-if-changed={dir}");
    println!("cargo::rustc-env=TRUCE_SEEDS_DIR={dir}");
    let required = std::env::var("TRUCE_REQUIRE_SEEDS").is_ok_and(|v| v == "1");
    if required || Path::new(&dir).is_dir() {
        println!("cargo::rustc-cfg=truce_seeds");
    }
}
