//! Progress bars on a terminal, silence elsewhere.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner counting items with their rate, drawn only when stderr is a terminal and
/// `--quiet` is off, so scripts and CI logs stay clean.
pub fn counter(quiet: bool, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target(quiet));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} {human_pos} items ({rate}) {elapsed}")
            .map(with_rate)
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what.to_string());
    bar
}

/// The style of a bar towards a known total.
pub fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} ({rate}, eta {eta})")
        .map(with_rate)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// A spinner with the time spent, for work of unknown length (learning from the linked
/// work can take a minute with hundreds of targets): it keeps turning on its own, so a
/// long step never looks like a hang.
pub fn spinner(quiet: bool, what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, target(quiet));
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// `{rate}`: items a second as a whole number ("1,476/s"); indicatif's `{per_sec}`
/// prints four decimals.
fn with_rate(style: ProgressStyle) -> ProgressStyle {
    style.with_key(
        "rate",
        |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
            let _ = write!(w, "{}/s", indicatif::HumanCount(state.per_sec() as u64));
        },
    )
}

/// Set when phase timings go to stderr (`-v`): a bar redrawn between their lines would
/// garble both, and the timings say what the bars would.
static HIDDEN: AtomicBool = AtomicBool::new(false);

/// Draws no bars from now on.
pub fn hide_all() {
    HIDDEN.store(true, Ordering::Relaxed);
}

fn target(quiet: bool) -> ProgressDrawTarget {
    if quiet || HIDDEN.load(Ordering::Relaxed) || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}
