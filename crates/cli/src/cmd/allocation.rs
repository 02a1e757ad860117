//! `throughline allocation`: how work splits over time, by week, month, quarter or sprint.

use throughline_report::{AllocationOptions, BucketBy, allocation, allocation_csv};

use super::{Globals, scope};
use crate::args::AllocationArgs;

pub fn run(g: &Globals, a: AllocationArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let opts = AllocationOptions {
        by: a.by.parse::<BucketBy>().map_err(anyhow::Error::msg)?,
        ..Default::default()
    };
    if a.csv {
        // Kept like the other outputs: `--csv` is one of the arguments the name holds.
        let text = g.report_output(&mut store, "allocation", &a, |store| {
            let r = allocation(g.snapshot(store)?, &scope(&a.scope, 3)?, &opts);
            Ok(allocation_csv(&r)?)
        })?;
        out!("{text}");
        return Ok(());
    }
    g.print_report(&mut store, "allocation", &a, |snap| {
        Ok(allocation(snap, &scope(&a.scope, 3)?, &opts))
    })
}
