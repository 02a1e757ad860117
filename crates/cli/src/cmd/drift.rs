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
    let text = g.report_output(&mut store, "drift", &a, |store| {
        let r = drift(g.snapshot(store)?, &scope(&a.scope, a.min_group)?, &opts);
        if g.json {
            Ok(serde_json::to_string_pretty(&r)? + "\n")
        } else {
            Ok(r.to_text())
        }
    })?;
    out!("{text}");
    Ok(())
}
