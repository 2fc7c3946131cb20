//! `include_dir!` cannot tell cargo which files it read (that needs a
//! nightly API), so this asks cargo to rebuild the crate whenever anything
//! under `static/` changes.
//!
//! It also names this build of `static/`: `TRUCE_WEB_VERSION` is a digest of
//! every file's path and bytes. The page loads its scripts and styles under
//! `/assets/v/<version>/`, and the modules import each other by relative
//! paths, so every module a page runs comes from one version: an upgrade
//! cannot leave a browser running cached old modules beside new ones.

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=static");
    let mut files = Vec::new();
    collect(Path::new("static"), &mut files);
    files.sort();
    let mut hash = Fnv::default();
    for path in &files {
        hash.write(path.to_string_lossy().as_bytes());
        hash.write(&std::fs::read(path).unwrap_or_default());
    }
    println!("cargo::rustc-env=TRUCE_WEB_VERSION={:016x}", hash.0);
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}

/// FNV-1a, 64 bits: a version name needs no cryptography, and this needs no
/// build dependency.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
    }
}
