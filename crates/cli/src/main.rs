//! `throughline`: see how work lines up with strategy.
//!
//! This crate only wires the libraries together: flags live in `args.rs`, one module per
//! command under `cmd/`, and every error is reported for humans through anyhow.

// First, so its `out!`/`outln!` macros are visible to every module after it.
#[macro_use]
mod output;
mod args;
mod cmd;
mod logging;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's: reports and imports on big databases allocate and
/// free millions of small strings (item keys, words), where it measured faster (README,
/// Speed). The same choice as meilisearch's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    logging::init(cli.verbose);
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` prints the whole context chain on one line: "importing x.csv: line 3 ...".
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
