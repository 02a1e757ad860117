use throughline_report::{StatusReport, status};

use super::figures_csv::FiguresCsv;
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
            csv_text(&status(g.snapshot(store)?, &scope))
        })?;
        out!("{text}");
        return Ok(());
    }
    g.print_report(&mut store, "status", &a, |snap| Ok(status(snap, &scope)))
}

/// One row per figure of the report. `parent` is an initiative's goal, or the team a
/// team row is about; a team row's share is of that team's items.
fn csv_text(r: &StatusReport) -> anyhow::Result<String> {
    let mut w = FiguresCsv::new(&["kind", "id", "label", "parent"])?;
    w.row(&["total", "", "all work in scope", ""], &r.total)?;
    w.row(&["aligned", "", "aligned to a goal", ""], &r.aligned)?;
    let o = &r.aligned_by_origin;
    for (id, f) in [
        ("explicit", &o.explicit),
        ("corrected", &o.corrected),
        ("inferred", &o.inferred),
    ] {
        w.row(&["origin", id, id, ""], f)?;
    }
    for goal in &r.goals {
        w.row(&["goal", &goal.id, &goal.title, ""], &goal.work)?;
        for i in &goal.initiatives {
            w.row(&["initiative", &i.id, &i.title, &goal.id], &i.work)?;
        }
    }
    w.row(&["off_plan", "", "off plan", ""], &r.off_plan)?;
    for reason in &r.off_plan_by_reason {
        w.row(
            &["off_plan_reason", reason.reason.as_str(), &reason.label, ""],
            &reason.work,
        )?;
    }
    w.row(&["not_placed", "unclear", "unclear", ""], &r.unclear)?;
    w.row(
        &["not_placed", "unlinked", "not linked yet", ""],
        &r.unlinked,
    )?;
    for t in &r.teams {
        for (id, label, share) in [
            ("aligned", "aligned to a goal", t.aligned),
            ("off_plan", "off plan", t.off_plan),
            ("not_placed", "unclear or not linked", t.unclear_or_unlinked),
        ] {
            // Shares come from whole counts: rounding gives the count back.
            let items = (share * t.items as f64).round() as usize;
            w.numbers(&["team", id, label, &t.team], items, share, None)?;
        }
    }
    w.finish()
}
