//! `throughline allocation`: how work splits over time, by week, month, quarter or sprint.

use throughline_report::{AllocationOptions, BucketBy, allocation};

use super::{Globals, scope};
use crate::args::AllocationArgs;
use crate::output;

pub fn run(g: &Globals, a: AllocationArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let opts = AllocationOptions {
        by: a.by.parse::<BucketBy>().map_err(anyhow::Error::msg)?,
        ..Default::default()
    };
    let r = allocation(snap, &scope(&a.scope, 3)?, &opts);
    if g.json {
        output::json(&r)
    } else {
        out!("{}", r.to_text());
        Ok(())
    }
}
