use throughline_model::{LinkOrigin, LinkTarget};
use throughline_report::{EffectiveLink, Snapshot, truncate};

use super::{Globals, scope};
use crate::args::ItemsArgs;
use crate::output;

#[derive(serde::Serialize)]
struct Row<'a> {
    id: i64,
    source: &'a str,
    key: &'a str,
    title: &'a str,
    item_type: Option<&'a str>,
    status: &'a str,
    team: Option<&'a str>,
    estimate: Option<f64>,
    created: Option<String>,
    url: Option<&'a str>,
    link: Option<&'a EffectiveLink>,
}

pub fn run(g: &Globals, a: ItemsArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    let snap = Snapshot::load(&store)?;
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
    let goal_inits: Vec<&str> = a
        .goal
        .as_deref()
        .map(|g| {
            snap.strategy
                .initiatives_of(g)
                .map(|i| i.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let text = a.text.as_deref().map(str::to_lowercase);

    let mut rows = Vec::new();
    for s in &snap.items {
        let it = &s.item;
        if !scope.includes(it) {
            continue;
        }
        if let Some(t) = &text
            && !it.title.to_lowercase().contains(t)
            && !it.key.to_lowercase().contains(t)
        {
            continue;
        }
        let link = snap.links.get(&s.id);
        let target = link.map(|l| &l.target);
        if a.unlinked && link.is_some() {
            continue;
        }
        if a.unclear && target != Some(&LinkTarget::Unclear) {
            continue;
        }
        if let Some(o) = origin
            && link.map(|l| l.origin) != Some(o)
        {
            continue;
        }
        if a.off_plan.is_some() {
            match (target, off_plan) {
                (Some(LinkTarget::OffPlan(r)), Some(want)) if *r == want => {}
                (Some(LinkTarget::OffPlan(_)), None) => {}
                _ => continue,
            }
        }
        if let Some(i) = &a.initiative
            && target != Some(&LinkTarget::Initiative(i.clone()))
        {
            continue;
        }
        if let Some(goal) = &a.goal {
            let serves = match target {
                Some(LinkTarget::Goal(g)) => g == goal,
                Some(LinkTarget::Initiative(i)) => goal_inits.contains(&i.as_str()),
                _ => false,
            };
            if !serves {
                continue;
            }
        }
        rows.push(Row {
            id: s.id,
            source: &it.source,
            key: &it.key,
            title: &it.title,
            item_type: it.item_type.as_deref(),
            status: it.status_category.as_str(),
            team: it.team.as_deref(),
            estimate: it.estimate,
            created: it.created.map(|c| c.date_naive().to_string()),
            url: it.url.as_deref(),
            link,
        });
    }
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
        println!(
            "{:<14} {:<11} {:<12} {:<44} {}",
            r.key,
            r.status,
            r.team.unwrap_or("-"),
            truncate(r.title, 44),
            link
        );
    }
    if total > rows.len() {
        println!(
            "... {} more (use --limit 0 for all, or --json)",
            total - rows.len()
        );
    } else {
        println!("{total} items");
    }
    Ok(())
}
