use throughline_model::LinkOrigin;
use throughline_report::item_query::{ItemOrder, ItemQuery, ItemRow, select};
use throughline_report::truncate;

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
        return output::json(&serde_json::json!({ "total": total, "items": rows }));
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
