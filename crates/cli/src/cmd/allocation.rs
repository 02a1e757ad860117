//! `throughline allocation`: how work splits over time, by week, month, quarter or sprint.

use throughline_report::status::Figure;
use throughline_report::{AllocationOptions, AllocationReport, BucketBy, allocation};

use super::{Globals, scope};
use crate::args::AllocationArgs;
use crate::output::inert;

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
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "kind",
        "id",
        "label",
        "items",
        "share_items",
        "estimate",
        "share_estimate",
    ])?;
    let mut row = |period: &str, kind: &str, id: &str, label: &str, f: &Figure| {
        w.write_record([
            inert(period).as_ref(),
            kind,
            &inert(id),
            &inert(label),
            &f.items.to_string(),
            &format!("{:.4}", f.share_items),
            &f.estimate.to_string(),
            &format!("{:.4}", f.share_estimate),
        ])
    };
    for b in &r.buckets {
        for c in &b.classes {
            let (kind, id) = c.class.kind_and_id();
            row(&b.label, kind, id, &c.label, &c.work)?;
        }
        for goal in &b.goals {
            row(&b.label, "goal", &goal.id, &goal.title, &goal.work)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
    Ok(String::from_utf8(bytes)?)
}
