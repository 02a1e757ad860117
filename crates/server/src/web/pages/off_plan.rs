//! Off-plan work (`/off-plan`): why it was done, its themes, examples and the notes that
//! explain it. Off plan is a signal to understand, so the page leads with reasons.

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use throughline_report::{ThemeOptions, status, themes};

use super::{PeriodQuery, page_scope, period_page};
use crate::web::WebError;
use crate::web::charts::{self, Bar, colour};
use crate::web::util::{Shown, items_href, key_href, period_arg, picker};
use crate::{AppState, View};

/// `GET /off-plan`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let seen = state.view().await?;
    period_page(&state, &seen, &q, "off-plan", "off_plan.html", context).await
}

fn context(loaded: &View, shown: Shown) -> Value {
    let period = &shown.period;
    let snap = &loaded.snap;
    let scope = page_scope(&shown);
    let st = status(snap, &scope);
    let th = themes(snap, &scope, &ThemeOptions::default());
    let mut reasons = st.off_plan_by_reason.clone();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.work.items));
    let off = st.off_plan.items.max(1) as f64;
    // Every count links to the list of exactly the items it counts.
    let href = |f: &[(&str, &str)]| items_href(&shown, f);
    let bars: Vec<Bar> = reasons
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            share: r.work.items as f64 / off,
            count: r.work.items,
            colour: colour::OFF_PLAN,
            href: Some(href(&[("off_plan", r.reason.as_str())])),
        })
        .collect();
    let sections: Vec<Value> = reasons
        .iter()
        .map(|r| {
            let ts: Vec<Value> = th
                .themes
                .iter()
                .filter(|t| t.reason == Some(r.reason))
                .map(|t| {
                    json!({
                        "label": t.label,
                        "terms": t.terms,
                        "count": t.work.items,
                        "href": href(&[("theme", &t.label)]),
                        "share": t.work.items as f64 / r.work.items.max(1) as f64,
                        "examples": t.examples.iter().take(5).map(|e| json!({ "key": e.key, "title": e.title, "href": key_href(snap, &loaded.index, &e.key) })).collect::<Vec<_>>(),
                        "notes": t.notes.iter().take(3).map(|n| json!({ "text": n.text, "date": n.date.to_string(), "team": n.author_team, "kind": n.kind.replace('_', " "), "on": n.target })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "id": r.reason.as_str(), "label": r.label, "count": r.work.items,
                "href": href(&[("off_plan", r.reason.as_str())]),
                "share_all": r.work.share_items, "share_off": r.work.items as f64 / off,
                "themes": ts,
            })
        })
        .collect();
    json!({
        "nav": "off-plan",
        "title": "Off plan",
        "period": period.as_ref().map(|p| p.name.clone()),
        "period_arg": period_arg(&shown),
        "periods": picker(snap, &shown.period),
        "period_by": shown.by.as_str(),
        "period_bys": shown.choices(),
        "in_period": shown.in_period(),
        "total": { "count": st.total.items, "href": href(&[]) },
        "off_plan": { "count": st.off_plan.items, "share": st.off_plan.share_items, "href": href(&[("off_plan", "any")]) },
        "chart": charts::hbars("Off-plan work by reason (share of off-plan work)", &bars),
        "reasons": sections,
    })
}
