//! The overview (`/`): how the period's work lines up, as pictures first.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde_json::{Value, json};
use throughline_report::allocation::Bucket;
use throughline_report::class::{Origin, WorkClass};
use throughline_report::drift::Measure;
use throughline_report::{BucketBy, DriftOptions, Picture, drift, picture_by};

use super::items::{PageQuery, list_context};
use super::{PeriodQuery, page_scope, period_page, report_page};
use crate::web::WebError;
use crate::web::charts::{self, Bar, Column, Series, colour};
use crate::web::util::{
    Shown, items_href, key_href, period_arg, period_by, period_or_default, picker, seg,
};
use crate::{AppState, View};
use throughline_report::data_sources;
use throughline_report::item_query::ItemRow;

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
    period_page(&state, &seen, &q, "overview", "overview.html", context).await
}

fn context(loaded: &View, shown: Shown) -> Value {
    let period = &shown.period;
    let snap = &loaded.snap;
    let by = bucket_size(snap, period);
    let Picture {
        status: st,
        allocation: alloc,
        drift: dr,
        themes: th,
    } = picture_by(snap, &page_scope(&shown), by);
    // Every count links to the list of exactly the items it counts.
    let href = |f: &[(&str, &str)]| items_href(&shown, f);

    let not_placed_items = st.unclear.items + st.unlinked.items;
    let not_placed_share = st.unclear.share_items + st.unlinked.share_items;
    let origins = &st.aligned_by_origin;
    let alignment = [
        (
            "aligned, explicit",
            origins.explicit.share_items,
            origins.explicit.items,
            colour::EXPLICIT,
            href(&[("class", "aligned"), ("origin", "explicit")]),
        ),
        (
            "aligned, set by a person",
            origins.corrected.share_items,
            origins.corrected.items,
            colour::CORRECTED,
            href(&[("class", "aligned"), ("origin", "corrected")]),
        ),
        (
            "aligned, inferred",
            origins.inferred.share_items,
            origins.inferred.items,
            colour::INFERRED,
            href(&[("class", "aligned"), ("origin", "inferred")]),
        ),
        (
            "off plan",
            st.off_plan.share_items,
            st.off_plan.items,
            colour::OFF_PLAN,
            href(&[("off_plan", "any")]),
        ),
        (
            "not placed (unclear or not linked)",
            not_placed_share,
            not_placed_items,
            colour::NOT_PLACED,
            href(&[("class", "not_placed")]),
        ),
    ];
    let alignment_bars: Vec<Bar> = alignment
        .iter()
        .map(|(l, s, n, c, h)| Bar {
            label: (*l).into(),
            share: *s,
            count: *n,
            colour: c,
            href: Some(h.clone()),
        })
        .collect();
    let alignment_rows: Vec<Value> = alignment
        .iter()
        .map(|(l, s, n, _, h)| json!({ "label": l, "share": s, "count": n, "href": h }))
        .collect();

    let goals: Vec<Value> = st
        .goals
        .iter()
        .map(|g| {
            let by_origin = |o: &str| href(&[("goal", &g.id), ("origin", o)]);
            json!({
                "id": g.id, "title": g.title, "href": format!("/goals/{}{}", seg(&g.id), period_arg(&shown)),
                "share": g.work.share_items, "count": g.work.items,
                "items": href(&[("goal", &g.id)]),
                "explicit": { "count": g.by_origin.explicit.items, "href": by_origin("explicit") },
                "corrected": { "count": g.by_origin.corrected.items, "href": by_origin("corrected") },
                "inferred": { "count": g.by_origin.inferred.items, "href": by_origin("inferred") },
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
            href: Some(href(&[("goal", &g.id)])),
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
            href: Some(href(&[("off_plan", r.reason.as_str())])),
        })
        .collect();
    let reason_rows: Vec<Value> = reasons
        .iter()
        .map(|r| json!({
            "label": r.label, "id": r.reason.as_str(), "share": r.work.share_items, "count": r.work.items,
            "href": href(&[("off_plan", r.reason.as_str())]),
        }))
        .collect();

    let buckets: Vec<&Bucket> = alloc
        .buckets
        .iter()
        .filter(|b| period.as_ref().is_none_or(|p| bucket_in(&b.label, p)))
        .collect();
    let drawn_items: usize = buckets.iter().map(|b| b.total.items).sum();
    // Work active in the period but created before its first column has none.
    let created_before = period.as_ref().and_then(|p| {
        let n = st.total.items.saturating_sub(drawn_items);
        let first = buckets
            .first()
            .and_then(|b| b.label.parse::<throughline_model::Period>().ok())
            .map_or(p.start, |b| b.start.min(p.start));
        let last = first.pred_opt()?;
        let range = format!("1970-01-01..{last}");
        (n > 0).then(|| json!({ "count": n, "before": first.to_string(), "href": href(&[("created", &range)]) }))
    });
    let cols: Vec<Column> = buckets
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
    let goal_cols: Vec<Column> = buckets
        .iter()
        .map(|b| Column {
            label: b.label.clone(),
            items: b.total.items,
            shares: b.goals.iter().map(|g| g.work.share_items).collect(),
        })
        .collect();
    let goal_trend_rows: Vec<Value> = buckets
        .iter()
        .map(|b| {
            let cells: Vec<Value> = b
                .goals
                .iter()
                .map(|g| {
                    json!({
                        "share": g.work.share_items, "count": g.work.items,
                        "href": href(&[("goal", &g.id), ("created", &b.label)]),
                    })
                })
                .collect();
            json!({ "week": b.label, "cells": cells })
        })
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
    let trend_rows: Vec<Value> = buckets
        .iter()
        .map(|b| {
            let part = |want: fn(WorkClass) -> bool, class: &str| {
                let (n, share) = b
                    .classes
                    .iter()
                    .filter(|c| want(c.class))
                    .fold((0, 0.0), |(n, s), c| (n + c.work.items, s + c.work.share_items));
                json!({ "count": n, "share": share, "href": href(&[("created", &b.label), ("class", class)]) })
            };
            json!({
                "week": b.label,
                "items": { "count": b.total.items, "href": href(&[("created", &b.label)]) },
                "aligned": part(WorkClass::is_aligned, "aligned"),
                "off_plan": part(WorkClass::is_off_plan, "off_plan"),
                "not_placed": part(|c| matches!(c, WorkClass::Unclear | WorkClass::Unlinked), "not_placed"),
            })
        })
        .collect();
    let unit = match by {
        BucketBy::Month => "month",
        BucketBy::Quarter => "quarter",
        _ => "week",
    };

    let alerts: Vec<Value> = dr
        .shifts
        .iter()
        .take(6)
        .enumerate()
        .map(|(n, s)| {
            let side = |side: &str, f: &throughline_report::status::Figure| {
                json!({ "count": f.items, "href": format!("/shifts/{n}/{side}{}", period_arg(&shown)) })
            };
            let measure = measure_words(&s.measure, &snap.strategy);
            json!({
                "group": s.group,
                "measure": measure,
                "before": {
                    "share": s.before.share, "part": side("before", &s.before.part), "all": side("before-all", &s.before.all),
                    "from": s.before.from.to_string(), "to": s.before.to.to_string(),
                },
                "gap": (!s.gap_areas.is_empty()).then(|| s.gap_areas.iter().map(|(a, n)| format!("{a} {n}")).collect::<Vec<_>>().join(", ")),
                "after": {
                    "share": s.after.share, "part": side("recent", &s.after.part), "all": side("recent-all", &s.after.all),
                    "from": s.after.from.to_string(), "to": s.after.to.to_string(),
                },
                "up": s.points > 0.0,
                "note": s.notes.first().map(|n| json!({ "text": n.text, "date": n.date.to_string(), "team": n.author_team })),
                "examples": s.examples.iter().take(3).map(|k| json!({ "key": k, "href": key_href(snap, &loaded.index, k) })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let quiet: Vec<Value> = dr
        .within_noise
        .iter()
        .map(|s| {
            json!({
                "group": s.group, "measure": measure_words(&s.measure, &snap.strategy),
                "before": s.before.share, "after": s.after.share,
                "before_from": s.before.from.to_string(), "before_to": s.before.to.to_string(),
                "after_from": s.after.from.to_string(), "after_to": s.after.to.to_string(),
                "p": format!("{:.2}", s.p_value),
            })
        })
        .collect();
    let theme_rows: Vec<Value> = th
        .themes
        .iter()
        .take(6)
        .map(|t| {
            json!({
                "label": t.label, "count": t.work.items, "href": href(&[("theme", &t.label)]),
                "examples": t.examples.iter().take(3).map(|e| json!({ "key": e.key, "title": e.title, "href": key_href(snap, &loaded.index, &e.key) })).collect::<Vec<_>>(),
            })
        })
        .collect();

    json!({
        "nav": "overview",
        "title": "Overview",
        "period": period.as_ref().map(|p| p.name.clone()),
        "period_arg": period_arg(&shown),
        "periods": picker(snap, &shown.period),
        "period_by": shown.by.as_str(),
        "period_bys": shown.choices(),
        "in_period": shown.in_period(),
        "has_strategy": !snap.strategy.goals.is_empty(),
        "total": { "count": st.total.items, "href": href(&[]) },
        "aligned": { "share": st.aligned.share_items, "count": st.aligned.items, "href": href(&[("class", "aligned")]) },
        "off_plan": { "share": st.off_plan.share_items, "count": st.off_plan.items, "href": href(&[("off_plan", "any")]) },
        "not_placed": { "share": not_placed_share, "count": not_placed_items, "href": href(&[("class", "not_placed")]) },
        "review_href": href(&[("origin", "inferred"), ("sort", "confidence")]),
        "expected": {
            "shown": st.aligned_by_origin.inferred.items + st.unclear.items > 0,
            "aligned": st.expected.aligned,
            "low": st.expected.aligned_low,
            "high": st.expected.aligned_high,
            "off_plan": st.expected.off_plan,
        },
        "alignment_chart": charts::hbars("Where the period's work stands", &alignment_bars),
        "alignment_rows": alignment_rows,
        "goals_chart": charts::hbars("Share of work serving each goal", &goal_bars),
        "goals": goals,
        "reasons_chart": charts::hbars("Off-plan work by reason (share of all work)", &reason_bars),
        "reasons": reason_rows,
        "unit": unit,
        "trend_chart": charts::stacked(&format!("Allocation by {unit} created (share of the items created each {unit})"), &CLASS_SERIES, &cols),
        "trend_rows": trend_rows,
        "created_before": created_before,
        "goal_trend_chart": charts::lines(&format!("Each goal's share of the work created each {unit}"), &drawn_names, &drawn_cols),
        "goal_trend_all": drawn.len() == goal_names.len(),
        "goal_trend_rows": goal_trend_rows,
        "goal_names": goal_names,
        "alerts": alerts,
        "quiet": quiet,
        "drift_unit": match dr.unit { BucketBy::Month => "month", BucketBy::Quarter => "quarter", _ => "week" },
        "scanned": dr.span.map(|(a, b)| format!("the work created {a} to {b}")),
        "thin_goals": alloc.thin_goals.iter().map(|g| json!({
            "title": g.title, "href": format!("/goals/{}{}", seg(&g.id), period_arg(&shown)),
            "share": g.work.share_items, "count": g.work.items, "items": href(&[("goal", &g.id)]),
        })).collect::<Vec<_>>(),
        "stalled": alloc.stalled.iter().map(|s| json!({
            "title": s.title, "last": s.last_activity.map(|d| d.to_string()), "count": s.work.items,
            "href": href(&[("initiative", &s.id)]),
        })).collect::<Vec<_>>(),
        "themes": theme_rows,
        "total_off_plan": th.total_off_plan,
        "data_as_of": data_sources(&snap.imports),
    })
}

/// `GET /shifts/{n}/{side}?period=`: the items behind one number of the overview's
/// `n`-th shift: `recent` (the items counted in the recent share), `recent-all` (all
/// the group's items in the recent window), `before` or `before-all`.
pub(crate) async fn shift_items(
    State(state): State<AppState>,
    Path((n, side)): Path<(usize, String)>,
    Query(q): Query<PeriodQuery>,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(p) = page.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let page = p.page.unwrap_or(1).max(1);
    let seen = state.view().await?;
    let shown = Shown {
        period: period_or_default(q.period.as_deref(), &seen.view)?,
        by: period_by(q.period_by.as_deref())?,
    };
    let name = shown.in_period();
    let for_drift = shown.clone();
    // The same drift the overview shows: its scope and default options.
    let report = state
        .derive(&seen, format!("drift struct {name}"), move |v| {
            Ok(drift(
                &v.snap,
                &page_scope(&for_drift),
                &DriftOptions::default(),
            ))
        })
        .await?;
    let missing = || {
        WebError::NotFound(format!(
            "The overview for {name} has no shift {n} `{side}`."
        ))
    };
    let shift = report.shifts.get(n).ok_or_else(missing)?;
    let (figure, what) = match side.as_str() {
        "recent" => (&shift.after.part, "counted in the recent share"),
        "recent-all" => (&shift.after.all, "all of the group's in the recent window"),
        "before" => (&shift.before.part, "counted in the share before"),
        "before-all" => (&shift.before.all, "all of the group's in the window before"),
        _ => return Err(missing()),
    };
    let keys = figure.keys.clone();
    let described = format!(
        "{}: {}, {what} ({name})",
        shift.group,
        measure_words(&shift.measure, &seen.view.snap.strategy)
    );
    let base = format!("/shifts/{n}/{side}{}", period_arg(&shown));
    let key = format!("shift {name} {n} {side} page={page}");
    report_page(&state, &seen, "items.html", key, move |v| {
        let rows = keys.iter().filter_map(|k| {
            let s = &v.snap.items[v.index.get(k)?];
            Some(ItemRow::new(s, v.snap.links.get(&s.id)))
        });
        let at = |n: usize| format!("{base}&page={n}");
        list_context(v, rows, page, &described, &at, None)
    })
    .await
}

/// What a shift measures, in words.
fn measure_words(m: &Measure, strategy: &throughline_model::Strategy) -> String {
    match m {
        Measure::OffPlan => "off-plan share".into(),
        Measure::NotPlaced => "share of work not yet placed (unclear or not linked)".into(),
        Measure::Goal(g) => format!(
            "share of work serving “{}”",
            strategy.goal(g).map_or(g.as_str(), |g| g.title.as_str())
        ),
    }
}

/// The columns of the overview's charts: weeks for a quarter or less, months up to three
/// years, quarters past that (all time is as long as the data).
fn bucket_size(
    snap: &throughline_report::Snapshot,
    period: &Option<throughline_model::Period>,
) -> BucketBy {
    let days = match period {
        Some(p) => p.days(),
        None => {
            let first = snap.items.iter().filter_map(|s| s.item.created).min();
            match (first, snap.last_activity()) {
                (Some(f), Some(l)) => (l - f.date_naive()).num_days(),
                _ => 0,
            }
        }
    };
    if days <= 26 * 7 {
        BucketBy::Week
    } else if days <= 3 * 366 {
        BucketBy::Month
    } else {
        BucketBy::Quarter
    }
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

/// Whether a bucket ("2026-W27", "2026-07", "2026-Q3") overlaps the period. Allocation
/// buckets work by when it was created, and work created before the period but active
/// in it would otherwise draw a long tail of near-empty early columns.
fn bucket_in(label: &str, p: &throughline_model::Period) -> bool {
    match label.parse::<throughline_model::Period>() {
        Ok(b) => b.start < p.end && b.end > p.start,
        // "(no date)": work without a creation date counts in every period.
        Err(_) => true,
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

    #[test]
    fn a_bucket_counts_when_it_overlaps_the_period() {
        let q3: throughline_model::Period = "2026-Q3".parse().unwrap();
        // 2026-W27 starts on 29 June, before the quarter, and ends inside it.
        assert!(bucket_in("2026-W27", &q3));
        assert!(!bucket_in("2026-W26", &q3));
        assert!(bucket_in("2026-09", &q3));
        assert!(!bucket_in("2026-10", &q3));
        assert!(bucket_in("2026-Q3", &q3));
        assert!(bucket_in("(no date)", &q3));
    }
}
