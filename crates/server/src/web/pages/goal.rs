//! A goal (`/goals/{id}`): its metrics against target with launches marked, its
//! initiatives, the work linked to it (explicit apart from inferred) and the notes.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use std::collections::HashSet;
use throughline_model::{LinkOrigin, NoteTarget};
use throughline_report::class::goals_of;
use throughline_report::status::InitiativeStatus;
use throughline_report::{metrics, status};

use super::{PeriodQuery, page_scope, period_page};
use crate::web::WebError;
use crate::web::charts::{self, Bar, Marker, colour};
use crate::web::util::{Shown, item_href, items_href, period_arg, picker, target_label};
use crate::{AppState, View};

/// Rows of each work list; the rest is counted, not listed (the CLI lists all).
const LIST: usize = 25;

/// `GET /goals/{id}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let seen = state.view().await?;
    if seen.view.snap.strategy.goal(&id).is_none() {
        return Err(WebError::NotFound(format!(
            "There is no goal `{id}` in the strategy in force."
        )));
    }
    let name = format!("goal {id}");
    period_page(&state, &seen, &q, &name, "goal.html", move |v, shown| {
        context(v, &id, shown)
    })
    .await
}

fn context(loaded: &View, id: &str, shown: Shown) -> Value {
    let period = &shown.period;
    let snap = &loaded.snap;
    let strategy = &snap.strategy;
    let Some(goal) = strategy.goal(id) else {
        return Value::Null;
    };
    let scope = page_scope(&shown);
    let st = status(snap, &scope);
    let gs = st.goals.iter().find(|g| g.id == goal.id);

    let metric_rows: Vec<Value> = metrics(snap, &scope, None)
        .into_iter()
        .filter(|m| m.goal == goal.id)
        .map(|m| {
            let values: Vec<_> = m.values.iter().map(|v| (v.date, v.value)).collect();
            let markers: Vec<Marker> = m
                .launches
                .iter()
                .map(|l| Marker {
                    date: l.date,
                    label: l.title.clone(),
                })
                .collect();
            let unit = m.unit_suffix();
            let chart = charts::line(
                &format!("{} over time, with baseline, target and launches", m.name),
                &values,
                m.baseline,
                m.target,
                &markers,
            );
            json!({
                "id": m.id, "name": m.name, "unit": unit,
                "direction": m.direction.as_str(),
                "baseline": m.baseline.map(charts::fmt_num),
                "target": m.target.map(charts::fmt_num),
                "latest": m.latest.map(|l| json!({ "value": charts::fmt_num(l.value), "date": l.date.to_string() })),
                "progress": m.progress,
                "chart": chart,
                "values": m.values.iter().map(|v| json!({ "date": v.date.to_string(), "value": charts::fmt_num(v.value) })).collect::<Vec<_>>(),
                "launches": m.launches.iter().enumerate().map(|(i, l)| {
                    let since = m.moved_since(l.date).map(|(a, b)| json!({ "from": charts::fmt_num(a), "to": charts::fmt_num(b) }));
                    json!({
                        "n": i + 1, "title": l.title, "date": l.date.to_string(), "count": l.keys.len(), "since": since,
                        "href": items_href(&shown, &[("initiative", &l.initiative)]),
                    })
                }).collect::<Vec<_>>(),
            })
        })
        .collect();

    // Every count links to the list of exactly the items it counts.
    let href = |f: &[(&str, &str)]| items_href(&shown, f);
    // The initiatives with the most work first; those without any in the period are
    // named once after them, as are those the strategy does not describe.
    let mut with_work: Vec<&InitiativeStatus> = gs
        .map(|g| g.initiatives.iter().filter(|i| i.work.items > 0).collect())
        .unwrap_or_default();
    with_work.sort_by(|a, b| b.work.items.cmp(&a.work.items).then(a.title.cmp(&b.title)));
    let description = |id: &str| {
        strategy
            .initiative(id)
            .map(|x| x.description.trim().to_string())
            .unwrap_or_default()
    };
    let inits: Vec<Value> = with_work
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "title": i.title, "description": description(&i.id),
                "count": i.work.items, "share": i.work.share_items,
                "href": href(&[("initiative", &i.id)]),
            })
        })
        .collect();
    let idle: Vec<&str> = gs
        .map(|g| {
            g.initiatives
                .iter()
                .filter(|i| i.work.items == 0)
                .map(|i| i.title.as_str())
                .collect()
        })
        .unwrap_or_default();
    let undescribed: Vec<&str> = gs
        .map(|g| {
            g.initiatives
                .iter()
                .filter(|i| description(&i.id).is_empty())
                .map(|i| i.title.as_str())
                .collect()
        })
        .unwrap_or_default();
    let init_bars: Vec<Bar> = with_work
        .iter()
        .map(|i| Bar {
            label: i.title.clone(),
            share: i.work.share_items,
            count: i.work.items,
            colour: colour::NEUTRAL,
            href: Some(href(&[("initiative", &i.id)])),
        })
        .collect();

    // The work serving this goal, split by who said so.
    let mut stated = Vec::new();
    let mut inferred = Vec::new();
    let mut keys: HashSet<(&str, &str)> = HashSet::new();
    for s in &snap.items {
        if !scope.includes(&s.item) {
            continue;
        }
        let link = snap.links.get(&s.id);
        if !goals_of(link, strategy).contains(&goal.id.as_str()) {
            continue;
        }
        let Some(l) = link else { continue };
        keys.insert((s.item.source.as_str(), s.item.key.as_str()));
        let row = (s, l);
        if l.origin == LinkOrigin::Inferred {
            inferred.push(row);
        } else {
            stated.push(row);
        }
    }
    // Newest first for stated links; lowest confidence first for inferred ones, so the
    // links most worth a person's look come first.
    stated.sort_by_key(|r| std::cmp::Reverse(r.0.item.created));
    inferred.sort_by(|a, b| a.1.confidence.total_cmp(&b.1.confidence));
    let row = |(s, l): &(
        &throughline_store::StoredItem,
        &throughline_report::EffectiveLink,
    )| {
        json!({
            "key": s.item.key, "title": s.item.title, "href": item_href(&s.item.source, &s.item.key),
            "status": s.item.status, "target": target_label(&l.target, strategy),
            "origin": l.origin.as_str(), "confidence": l.confidence, "reason": l.reason,
        })
    };

    let init_ids: HashSet<&str> = strategy
        .initiatives_of(&goal.id)
        .map(|i| i.id.as_str())
        .collect();
    let mut notes: Vec<Value> = snap
        .notes
        .iter()
        .rev()
        .filter(|n| match &n.target {
            NoteTarget::Goal { id } => *id == goal.id,
            NoteTarget::Initiative { id } => init_ids.contains(id.as_str()),
            NoteTarget::Item { source, key } => keys.contains(&(source.as_str(), key.as_str())),
        })
        .take(30)
        .map(|n| {
            let (on, href) = match &n.target {
                NoteTarget::Goal { .. } => ("this goal".to_string(), None),
                NoteTarget::Initiative { id } => (
                    format!(
                        "initiative {}",
                        strategy.initiative(id).map_or(id.as_str(), |i| i.title.as_str())
                    ),
                    None,
                ),
                NoteTarget::Item { source, key } => (key.clone(), Some(item_href(source, key))),
            };
            json!({ "kind": n.kind.as_str().replace('_', " "), "text": n.text, "date": n.date.to_string(), "team": n.author_team, "on": on, "href": href })
        })
        .collect();
    notes.truncate(30);

    json!({
        "nav": "goals",
        "title": goal.title,
        "goal": { "id": goal.id, "title": goal.title, "description": goal.description, "owner_team": goal.owner_team, "horizon": goal.horizon },
        "period": period.as_ref().map(|p| p.name.clone()),
        "period_arg": period_arg(&shown),
        "periods": picker(snap, &shown.period),
        "period_by": shown.by.as_str(),
        "period_bys": shown.choices(),
        "in_period": shown.in_period(),
        "total": { "count": st.total.items, "href": href(&[]) },
        "work": gs.map(|g| {
            let by_origin = |o: &str, n: usize| json!({ "count": n, "href": href(&[("goal", &g.id), ("origin", o)]) });
            json!({
                "count": g.work.items, "share": g.work.share_items, "href": href(&[("goal", &g.id)]),
                "explicit": by_origin("explicit", g.by_origin.explicit.items),
                "corrected": by_origin("corrected", g.by_origin.corrected.items),
                "inferred": by_origin("inferred", g.by_origin.inferred.items),
            })
        }),
        "metrics": metric_rows,
        "initiatives": inits,
        "idle": idle,
        "undescribed": undescribed,
        "all_undescribed": !inits.is_empty() && undescribed.len() == gs.map_or(0, |g| g.initiatives.len()),
        "initiatives_chart": charts::hbars("Share of the period's work per initiative", &init_bars),
        "stated": stated.iter().take(LIST).map(row).collect::<Vec<_>>(),
        "stated_total": stated.len(),
        "stated_href": href(&[("goal", &goal.id), ("origin", "explicit,corrected")]),
        "inferred": inferred.iter().take(LIST).map(row).collect::<Vec<_>>(),
        "inferred_total": inferred.len(),
        "inferred_href": href(&[("goal", &goal.id), ("origin", "inferred"), ("sort", "confidence")]),
        "notes": notes,
    })
}
