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
    g.print_report(&mut store, "allocation", &a, |snap| {
        Ok(allocation(snap, &scope(&a.scope, 3)?, &opts))
    })
}
