use throughline_report::status;

use super::{Globals, scope};
use crate::args::StatusArgs;

pub fn run(g: &Globals, a: StatusArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let scope = scope(&a.scope, a.min_group)?;
    if store.strategy()?.is_none() && !g.quiet {
        eprintln!(
            "note: no strategy applied yet, so no work can be aligned; \
             draft one from this work with `throughline strategy draft`, or see `throughline strategy example`"
        );
    }
    let text = g.report_output(&mut store, "status", &a, |store| {
        let report = status(g.snapshot(store)?, &scope);
        if g.json {
            Ok(serde_json::to_string_pretty(&report)? + "\n")
        } else {
            Ok(report.to_text())
        }
    })?;
    out!("{text}");
    Ok(())
}
