//! `throughline allocation`: how work splits over time, by week, month, quarter or sprint.

use throughline_report::{AllocationOptions, AllocationReport, BucketBy, allocation};

use super::figures_csv::FiguresCsv;
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
            csv_text(&allocation(g.snapshot(store)?, &scope(&a.scope, 3)?, &opts))
        })?;
        out!("{text}");
        return Ok(());
    }
    g.print_report(&mut store, "allocation", &a, |snap| {
        Ok(allocation(snap, &scope(&a.scope, 3)?, &opts))
    })
}

/// The long format a spreadsheet's pivot table reads: per period, one row per class of
/// work, then one per goal. Shares are fractions of the period's items (and estimate).
fn csv_text(r: &AllocationReport) -> anyhow::Result<String> {
    let mut w = FiguresCsv::new(&["period", "kind", "id", "label"])?;
    for b in &r.buckets {
        for c in &b.classes {
            let (kind, id) = c.class.kind_and_id();
            w.row(&[&b.label, kind, id, &c.label], &c.work)?;
        }
        for goal in &b.goals {
            w.row(&[&b.label, "goal", &goal.id, &goal.title], &goal.work)?;
        }
    }
    w.finish()
}
