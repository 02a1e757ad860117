//! Phase timings on stderr (`-v`, `-vv` or `THROUGHLINE_LOG`).
//!
//! The libraries open a tracing span around each phase that can take seconds on a big
//! database (loading the items, re-linking, training, inferring, writing); this prints
//! each span when it closes, with the time it took, so "why is import slow here?" has an
//! answer without a profiler. Off by default: normal output stays as it is.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::time::Uptime;

/// Our crates only: the server's dependencies (hyper, tower) have their own chatter.
const CRATES: [&str; 7] = [
    "throughline",
    "throughline_notify",
    "throughline_store",
    "throughline_ingest",
    "throughline_sense",
    "throughline_report",
    "throughline_server",
];

/// Installs the stderr subscriber when asked for (and then hides progress bars, which
/// would be drawn over its lines); does nothing otherwise.
pub fn init(verbose: u8) {
    let filter = match std::env::var("THROUGHLINE_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::new(spec),
        _ if verbose > 0 => {
            let level = if verbose == 1 { "info" } else { "debug" };
            EnvFilter::new(
                CRATES
                    .iter()
                    .map(|c| format!("{c}={level}"))
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
        _ => return,
    };
    crate::progress::hide_all();
    // `try_init`: timings are never worth a panic, should a subscriber be set already.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_span_events(FmtSpan::CLOSE)
        .with_timer(Uptime::default())
        .with_target(false)
        .with_ansi(false)
        .try_init();
}
