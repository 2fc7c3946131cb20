//! `truce`: the command line over the Truce core, ledger and stores. Thin by
//! design: parsing arguments, reading files and printing are here; every rule
//! lives in the library crates.

mod batch;
mod clock;
mod commands;
mod keyfile;
mod local_witnesses;
mod mechanism;

use clap::Parser;
use std::process::ExitCode;

// mimalloc rather than glibc's allocator: under the server's load (many
// threads allocating JSON values), glibc's malloc and free took a fifth of the
// CPU; with mimalloc the load benchmark accepts ~35% more records per second.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Gives back the memory mimalloc holds freed, in every arena of the
/// process. mimalloc 3 returns freed memory only when the thread that freed
/// it allocates again, a second later; the start-up's log replay and index
/// build free as much as they keep (outgrown columns, parsed records) and
/// then stop, so it stayed resident: over 200,000 records the server held
/// 220-250 MiB after start, and about 140 MiB once this ran after the build.
/// (A shorter purge delay for the whole run gave the same memory back but
/// made the build ~20% slower: the build reused memory it had just returned.)
#[allow(unsafe_code)]
fn release_freed_memory() {
    // SAFETY: `mi_collect` takes no pointer and may be called from any
    // thread at any time; it frees only blocks already freed.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn main() -> ExitCode {
    truce_server::memory::set_release(release_freed_memory);
    let cli = commands::Cli::parse();
    match commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("truce: {error:#}");
            ExitCode::FAILURE
        }
    }
}
