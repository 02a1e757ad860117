use throughline_report::{other_sources, status, status_csv};

use super::cached::StatusOut;
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
    if a.csv {
        let text = g.report_output(&mut store, "status", &a, |store| {
            Ok(status_csv(&status(g.snapshot(store)?, &scope))?)
        })?;
        out!("{text}");
        return Ok(());
    }
    g.print_report(&mut store, "status", &a, |snap| {
        Ok(StatusOut {
            report: status(snap, &scope),
            sources: other_sources(&snap.imports),
        })
    })
}
