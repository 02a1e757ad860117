//! The overview (`/`): how the period's work lines up, as pictures first.

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use throughline_report::allocation::Bucket;
use throughline_report::class::{Origin, WorkClass};
use throughline_report::{Picture, picture};

use super::{PeriodQuery, page_scope, period_page};
use crate::web::WebError;
use crate::web::charts::{self, Bar, Column, Series, colour};
use crate::web::util::{key_href, quarters};
use crate::{AppState, View};

/// Series of the weekly allocation chart, in stacking order (bottom first).
pub(crate) const CLASS_SERIES: [Series; 5] = [
    Series {
        name: "explicit",
        colour: colour::EXPLICIT,
    },
    Series {
        name: "set by a person",
        colour: colour::CORRECTED,
    },
    Series {
        name: "inferred",
        colour: colour::INFERRED,
    },
    Series {
        name: "off plan",
        colour: colour::OFF_PLAN,
    },
    Series {
        name: "not placed",
        colour: colour::NOT_PLACED,
    },
];

fn series_index(c: WorkClass) -> usize {
    match c {
        WorkClass::Aligned(Origin::Explicit) => 0,
        WorkClass::Aligned(Origin::Corrected) => 1,
        WorkClass::Aligned(Origin::Inferred) => 2,
        WorkClass::OffPlan(_) => 3,
        WorkClass::Unclear | WorkClass::Unlinked => 4,
    }
}

/// `GET /`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let seen = state.view().await?;
    period_page(
        &state,
        &seen,
        q.period.as_deref(),
        "overview",
        "overview.html",
        context,
    )
    .await
}

fn context(loaded: &View, period: Option<throughline_model::Period>) -> Value {
    let snap = &loaded.snap;
    let Picture {
        status: st,
        allocation: alloc,
        drift: dr,
        themes: th,
    } = picture(snap, &page_scope(&period));

    let not_placed_items = st.unclear.items + st.unlinked.items;
    let not_placed_share = st.unclear.share_items + st.unlinked.share_items;
    let by = &st.aligned_by_origin;
    let alignment = [
        (
            "aligned, explicit",
            &by.explicit.share_items,
            by.explicit.items,
            colour::EXPLICIT,
        ),
        (
            "aligned, set by a person",
            &by.corrected.share_items,
            by.corrected.items,
            colour::CORRECTED,
        ),
        (
            "aligned, inferred",
            &by.inferred.share_items,
            by.inferred.items,
            colour::INFERRED,
        ),
        (
            "off plan",
            &st.off_plan.share_items,
            st.off_plan.items,
            colour::OFF_PLAN,
        ),
        (
            "not placed (unclear or not linked)",
            &not_placed_share,
            not_placed_items,
            colour::NOT_PLACED,
        ),
    ];
    let alignment_bars: Vec<Bar> = alignment
        .iter()
        .map(|(l, s, n, c)| Bar {
            label: (*l).into(),
            share: **s,
            count: *n,
            colour: c,
        })
        .collect();
    let alignment_rows: Vec<Value> = alignment
        .iter()
        .map(|(l, s, n, _)| json!({ "label": l, "share": s, "count": n }))
        .collect();

    let goals: Vec<Value> = st
        .goals
        .iter()
        .map(|g| {
            json!({
                "id": g.id, "title": g.title, "href": format!("/goals/{}", crate::web::util::seg(&g.id)),
                "share": g.work.share_items, "count": g.work.items,
                "explicit": g.by_origin.explicit.items, "corrected": g.by_origin.corrected.items,
                "inferred": g.by_origin.inferred.items,
            })
        })
        .collect();
    let goal_bars: Vec<Bar> = st
        .goals
        .iter()
        .map(|g| Bar {
            label: g.title.clone(),
            share: g.work.share_items,
            count: g.work.items,
            colour: colour::EXPLICIT,
        })
        .collect();

    let mut reasons = st.off_plan_by_reason.clone();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.work.items));
    let reason_bars: Vec<Bar> = reasons
        .iter()
        .map(|r| Bar {
            label: r.label.clone(),
            share: r.work.share_items,
            count: r.work.items,
            colour: colour::OFF_PLAN,
        })
        .collect();
    let reason_rows: Vec<Value> = reasons
        .iter()
        .map(|r| json!({ "label": r.label, "id": r.reason.as_str(), "share": r.work.share_items, "count": r.work.items }))
        .collect();

    let weeks: Vec<&Bucket> = alloc
        .buckets
        .iter()
        .filter(|b| period.as_ref().is_none_or(|p| week_in(&b.label, p)))
        .collect();
    let cols: Vec<Column> = weeks
        .iter()
        .map(|b| {
            let mut shares = vec![0.0; CLASS_SERIES.len()];
            for c in &b.classes {
                shares[series_index(c.class)] += c.work.share_items;
            }
            Column {
                label: b.label.clone(),
                items: b.total.items,
                shares,
            }
        })
        .collect();
    // Each goal's share of the same weeks' work.
    let goal_names: Vec<String> = snap
        .strategy
        .goals
        .iter()
        .map(|g| g.title.clone())
        .collect();
    let goal_cols: Vec<Column> = weeks
        .iter()
        .map(|b| Column {
            label: b.label.clone(),
            items: b.total.items,
            shares: b.goals.iter().map(|g| g.work.share_items).collect(),
        })
        .collect();
    let goal_trend_rows: Vec<Value> = goal_cols
        .iter()
        .map(|c| json!({ "week": c.label, "shares": c.shares }))
        .collect();
    // Past a few lines a chart is a tangle (and line styles repeat): it draws the goals
    // with the most work, in the strategy's order; the table keeps every goal.
    let drawn = most_work(&goal_cols, charts::MAX_LINES);
    let drawn_names: Vec<String> = drawn.iter().map(|&k| goal_names[k].clone()).collect();
    let drawn_cols: Vec<Column> = goal_cols
        .iter()
        .map(|c| Column {
            label: c.label.clone(),
            items: c.items,
            shares: drawn.iter().map(|&k| c.shares[k]).collect(),
        })
        .collect();
    let trend_rows: Vec<Value> = cols
        .iter()
        .map(|c| {
            json!({
                "week": c.label, "items": c.items,
                "aligned": c.shares[0] + c.shares[1] + c.shares[2],
                "off_plan": c.shares[3], "not_placed": c.shares[4],
            })
        })
        .collect();

    let alerts: Vec<Value> = dr
        .shifts
        .iter()
        .take(6)
        .map(|s| {
            json!({
                "headline": s.headline,
                "up": s.points > 0.0,
                "note": s.notes.first().map(|n| json!({ "text": n.text, "date": n.date.to_string(), "team": n.author_team })),
                "examples": s.examples.iter().take(3).map(|k| json!({ "key": k, "href": key_href(snap, &loaded.index, k) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let theme_rows: Vec<Value> = th
        .themes
        .iter()
        .take(6)
        .map(|t| {
            json!({
                "label": t.label, "count": t.work.items,
                "examples": t.examples.iter().take(3).map(|e| json!({ "key": e.key, "title": e.title, "href": key_href(snap, &loaded.index, &e.key) })).collect::<Vec<_>>(),
            })
        })
        .collect();

    json!({
        "nav": "overview",
        "title": "Overview",
        "period": period.as_ref().map(|p| p.name.clone()),
        "periods": quarters(snap),
        "has_strategy": !snap.strategy.goals.is_empty(),
        "total": st.total.items,
        "aligned": { "share": st.aligned.share_items, "count": st.aligned.items },
        "off_plan": { "share": st.off_plan.share_items, "count": st.off_plan.items },
        "not_placed": { "share": not_placed_share, "count": not_placed_items },
        "alignment_chart": charts::hbars("Where the period's work stands", &alignment_bars),
        "alignment_rows": alignment_rows,
        "goals_chart": charts::hbars("Share of work serving each goal", &goal_bars),
        "goals": goals,
        "reasons_chart": charts::hbars("Off-plan work by reason (share of all work)", &reason_bars),
        "reasons": reason_rows,
        "trend_chart": charts::stacked("Weekly allocation (share of items created each week)", &CLASS_SERIES, &cols),
        "trend_rows": trend_rows,
        "goal_trend_chart": charts::lines("Each goal's share of the work created each week", &drawn_names, &drawn_cols),
        "goal_trend_all": drawn.len() == goal_names.len(),
        "goal_trend_rows": goal_trend_rows,
        "goal_names": goal_names,
        "alerts": alerts,
        "thin_goals": alloc.thin_goals.iter().map(|g| json!({ "title": g.title, "href": format!("/goals/{}", crate::web::util::seg(&g.id)), "share": g.work.share_items, "count": g.work.items })).collect::<Vec<_>>(),
        "stalled": alloc.stalled.iter().map(|s| json!({ "title": s.title, "last": s.last_activity.map(|d| d.to_string()), "count": s.work.items })).collect::<Vec<_>>(),
        "themes": theme_rows,
        "total_off_plan": th.total_off_plan,
        "data_as_of": snap.last_import.as_ref().map(throughline_report::data_as_of),
    })
}

/// The indices of the (at most) `n` series with the largest sums over `cols`, in their
/// own order.
fn most_work(cols: &[Column], n: usize) -> Vec<usize> {
    let series = cols.first().map_or(0, |c| c.shares.len());
    let sum = |k: usize| -> f64 { cols.iter().map(|c| c.shares[k]).sum() };
    let mut by_work: Vec<usize> = (0..series).collect();
    by_work.sort_by(|&a, &b| sum(b).total_cmp(&sum(a)).then(a.cmp(&b)));
    by_work.truncate(n);
    by_work.sort_unstable();
    by_work
}

/// Whether an ISO week label ("2026-W27") starts inside the period. Allocation buckets
/// work by creation week, and work created before the period but active in it would
/// otherwise draw a long tail of near-empty early weeks.
fn week_in(label: &str, p: &throughline_model::Period) -> bool {
    let Some((y, w)) = label.split_once("-W") else {
        return true;
    };
    match (y.parse::<i32>(), w.parse::<u32>()) {
        (Ok(y), Ok(w)) => chrono::NaiveDate::from_isoywd_opt(y, w, chrono::Weekday::Sun)
            .is_none_or(|end| end >= p.start && end < p.end + chrono::Duration::days(6)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_keeps_the_goals_with_the_most_work_in_their_order() {
        let col = |shares: &[f64]| Column {
            label: "2026-W01".into(),
            items: 10,
            shares: shares.to_vec(),
        };
        let cols = [col(&[0.1, 0.5, 0.0, 0.3]), col(&[0.2, 0.4, 0.1, 0.05])];
        assert_eq!(most_work(&cols, 2), vec![1, 3]);
        assert_eq!(most_work(&cols, 9), vec![0, 1, 2, 3]);
        assert!(most_work(&[], 2).is_empty());
    }
}
