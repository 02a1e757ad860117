//! `throughline drift`: material shifts between the recent weeks and the weeks before.

use throughline_report::{DriftOptions, drift};

use super::{Globals, scope};
use crate::args::DriftArgs;

pub fn run(g: &Globals, a: DriftArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let opts = DriftOptions {
        recent_weeks: a.recent_weeks,
        baseline_weeks: a.baseline_weeks,
        ..Default::default()
    };
    g.print_report(&mut store, "drift", &a, |snap| {
        Ok(drift(snap, &scope(&a.scope, a.min_group)?, &opts))
    })
}
