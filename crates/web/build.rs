//! `include_dir!` cannot tell cargo which files it read (that needs a
//! nightly API), so this asks cargo to rebuild the crate whenever anything
//! under `static/` changes.
fn main() {
    println!("cargo::rerun-if-changed=static");
}
