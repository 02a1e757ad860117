use throughline_model::LinkOrigin;
use throughline_report::item_query::{ItemOrder, ItemQuery, ItemRow, select};
use throughline_report::{REVIEW_HEADER, review_record, truncate};

use super::{Globals, scope};
use crate::args::ItemsArgs;
use crate::output;

pub fn run(g: &Globals, a: ItemsArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = g.snapshot(&store)?;
    let scope = scope(&a.scope, 0)?;
    let off_plan = match a.off_plan.as_deref() {
        None | Some("any") => None,
        Some(r) => Some(r.parse::<throughline_model::OffPlanReason>()?),
    };
    let origin = a.origin.as_deref().and_then(LinkOrigin::parse);
    if let Some(goal) = &a.goal
        && snap.strategy.goal(goal).is_none()
    {
        anyhow::bail!(
            "no goal `{goal}` in the strategy in force (see `throughline strategy show`)"
        );
    }
    let query = ItemQuery {
        scope,
        goal: a.goal.clone(),
        initiative: a.initiative.clone(),
        off_plan: a.off_plan.is_some().then_some(off_plan),
        unclear: a.unclear,
        unlinked: a.unlinked,
        origin,
        text: a.text.clone(),
        label: a.label.clone(),
        component: a.component.clone(),
        item_type: a.item_type.clone(),
        below: a.below,
        order: ItemOrder::parse(&a.sort).unwrap_or_default(),
    };
    let mut rows: Vec<ItemRow> = select(snap, &query).collect();
    let total = rows.len();
    if a.limit > 0 {
        rows.truncate(a.limit);
    }
    if g.json {
        anyhow::ensure!(!a.csv, "choose --json or --csv");
        return output::json(&serde_json::json!({ "total": total, "items": rows }));
    }
    if a.csv {
        write_csv(&rows)?;
        if total > rows.len() && !g.quiet {
            // On stderr: stdout is the file.
            eprintln!(
                "wrote {} of {total} rows (--limit {}); --limit 0 for all",
                rows.len(),
                a.limit
            );
        }
        return Ok(());
    }
    for r in &rows {
        let link = match r.link {
            Some(l) => format!("{} ({}, {:.2})", l.target, l.origin.as_str(), l.confidence),
            None => "unlinked".to_string(),
        };
        outln!(
            "{:<14} {:<11} {:<12} {:<44} {}",
            r.key,
            r.status,
            truncate(r.team.unwrap_or("-"), 12),
            truncate(r.title, 44),
            link
        );
    }
    if total > rows.len() {
        outln!(
            "... {} more (use --limit 0 for all, or --json)",
            total - rows.len()
        );
    } else {
        outln!("{total} items");
    }
    Ok(())
}

/// The rows as CSV for a spreadsheet, with empty `decision` and `why` columns for a
/// reviewer to fill in and `link --file` to read back.
fn write_csv(rows: &[ItemRow]) -> anyhow::Result<()> {
    // Written through `out!` a thousand rows at a time, so a closed pipe (`| head`)
    // ends the program quietly, as for every other output.
    let mut w = csv::Writer::from_writer(Vec::new());
    let emit = |w: &mut csv::Writer<Vec<u8>>| -> anyhow::Result<()> {
        let done = std::mem::replace(w, csv::Writer::from_writer(Vec::new()));
        let bytes = done
            .into_inner()
            .map_err(|e| anyhow::anyhow!("writing CSV: {}", e.error()))?;
        out!("{}", String::from_utf8_lossy(&bytes));
        Ok(())
    };
    w.write_record(REVIEW_HEADER)?;
    for (i, r) in rows.iter().enumerate() {
        if i % 1000 == 999 {
            emit(&mut w)?;
        }
        w.write_record(review_record(r))?;
    }
    emit(&mut w)
}
