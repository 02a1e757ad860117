//! `throughline allocation`: how work splits over time, by week, month, quarter or sprint.

use throughline_report::{AllocationOptions, BucketBy, allocation};

use super::{Globals, scope};
use crate::args::AllocationArgs;

pub fn run(g: &Globals, a: AllocationArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let opts = AllocationOptions {
        by: a.by.parse::<BucketBy>().map_err(anyhow::Error::msg)?,
        ..Default::default()
    };
    let text = g.report_output(&mut store, "allocation", &a, |store| {
        let r = allocation(g.snapshot(store)?, &scope(&a.scope, 3)?, &opts);
        if g.json {
            Ok(serde_json::to_string_pretty(&r)? + "\n")
        } else {
            Ok(r.to_text())
        }
    })?;
    out!("{text}");
    Ok(())
}
