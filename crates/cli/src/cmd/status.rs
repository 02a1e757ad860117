use throughline_report::status;

use super::{Globals, scope};
use crate::args::StatusArgs;
use crate::output;

pub fn run(g: &Globals, a: StatusArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let scope = scope(&a.scope, a.min_group)?;
    let snap = g.snapshot(&store)?;
    if snap.strategy_version.is_none() && !g.quiet {
        eprintln!(
            "note: no strategy applied yet, so no work can be aligned; \
             draft one from this work with `throughline strategy draft`, or see `throughline strategy example`"
        );
    }
    let report = status(snap, &scope);
    if g.json {
        output::json(&report)
    } else {
        out!("{}", report.to_text());
        Ok(())
    }
}
