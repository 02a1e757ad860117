//! `throughline drift`: material shifts between the recent weeks and the weeks before.

use throughline_report::{DriftOptions, drift};

use super::{Globals, scope};
use crate::args::DriftArgs;
use crate::output;

pub fn run(g: &Globals, a: DriftArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let opts = DriftOptions {
        recent_weeks: a.recent_weeks,
        baseline_weeks: a.baseline_weeks,
        ..Default::default()
    };
    let r = drift(snap, &scope(&a.scope, a.min_group)?, &opts);
    if g.json {
        output::json(&r)
    } else {
        out!("{}", r.to_text());
        Ok(())
    }
}
