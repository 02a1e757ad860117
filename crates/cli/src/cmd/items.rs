use throughline_model::LinkOrigin;
use throughline_report::item_query::{
    ItemOrder, ItemQuery, ItemRow, parse_created, select, theme_keys,
};
use throughline_report::{REVIEW_HEADER, plural, review_record, truncate};

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
    let origins = a
        .origin
        .iter()
        .filter_map(|o| LinkOrigin::parse(o.trim()))
        .collect();
    if let Some(goal) = &a.goal
        && snap.strategy.goal(goal).is_none()
    {
        let ids = snap.strategy.goals.iter().map(|x| (&x.id, &x.title));
        anyhow::bail!(
            "no goal `{goal}` in the strategy in force{} (see `throughline strategy show`)",
            did_you_mean(goal, ids)
        );
    }
    if let Some(init) = &a.initiative
        && snap.strategy.initiative(init).is_none()
    {
        let ids = snap.strategy.initiatives.iter().map(|x| (&x.id, &x.title));
        anyhow::bail!(
            "no initiative `{init}` in the strategy in force{} (see `throughline strategy show`)",
            did_you_mean(init, ids)
        );
    }
    let created = a
        .created
        .as_deref()
        .map(parse_created)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--created: {e}"))?;
    if let Some(theme) = &a.theme
        && let Err(there) = theme_keys(snap, &scope, theme)
    {
        anyhow::bail!(
            "no off-plan theme `{theme}` in this period and team; the themes are: {}",
            if there.is_empty() {
                "none".to_string()
            } else {
                there.join("; ")
            }
        );
    }
    let query = ItemQuery {
        scope,
        goal: a.goal.clone(),
        initiative: a.initiative.clone(),
        off_plan: a.off_plan.is_some().then_some(off_plan),
        unclear: a.unclear,
        unlinked: a.unlinked,
        class: a.class,
        origins,
        created,
        theme: a.theme.clone(),
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
        outln!("{}", plural(total, "item"));
    }
    if total == 0
        && let Some(hint) = empty_hint(snap, &query)
    {
        outln!("{hint}");
    }
    Ok(())
}

/// Why a list came out empty when a neighbouring one is not: work not linked yet is
/// rare after `align`, which answers "unclear" where it cannot tell.
fn empty_hint(snap: &throughline_report::Snapshot, q: &ItemQuery) -> Option<String> {
    if !q.unlinked {
        return None;
    }
    let unclear = ItemQuery {
        unlinked: false,
        unclear: true,
        ..q.clone()
    };
    let n = select(snap, &unclear).count();
    (n > 0).then(|| {
        format!(
            "Every item here has been looked at: {} the engine could not place {} under \
             `--unclear` (review them with `throughline items --unclear`).",
            plural(n, "item"),
            if n == 1 { "is" } else { "are" }
        )
    })
}

/// " (did you mean `a`, `b`?)" for the ids whose id or title contains what was asked,
/// or the ids there are when few; empty when nothing fits.
fn did_you_mean<'a>(asked: &str, ids: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    let all: Vec<(&String, &String)> = ids.collect();
    let want = asked.trim().to_lowercase();
    let close: Vec<&String> = all
        .iter()
        .filter(|(id, title)| {
            !want.is_empty()
                && (id.to_lowercase().contains(&want)
                    || title.to_lowercase().contains(&want)
                    || want.contains(&id.to_lowercase()))
        })
        .map(|(id, _)| *id)
        .collect();
    let shown: Vec<&String> = if close.is_empty() && all.len() <= 8 {
        all.iter().map(|(id, _)| *id).collect()
    } else {
        close
    };
    if shown.is_empty() {
        return String::new();
    }
    let names: Vec<String> = shown.iter().take(8).map(|id| format!("`{id}`")).collect();
    format!("; did you mean {}?", names.join(", "))
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
