//! `throughline drift`: material shifts anywhere in the period (or between the recent
//! weeks and the weeks before, when asked).

use throughline_report::{DriftOptions, drift};

use super::{Globals, scope};
use crate::args::DriftArgs;

pub fn run(g: &Globals, a: DriftArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let d = DriftOptions::default();
    let opts = DriftOptions {
        scan: a.recent_weeks.is_none() && a.baseline_weeks.is_none(),
        recent_weeks: a.recent_weeks.unwrap_or(d.recent_weeks),
        baseline_weeks: a.baseline_weeks.unwrap_or(d.baseline_weeks),
        ..d
    };
    g.print_report(&mut store, "drift", &a, |snap| {
        Ok(drift(snap, &scope(&a.scope, a.min_group)?, &opts))
    })
}
