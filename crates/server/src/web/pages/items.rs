//! The items behind a figure (`/items?goal=…&period=…`): the dashboard's drill-down.
//! Every count on the overview, goal and off-plan pages links here with the filters
//! that produced it, so any number can be checked item by item. The filters are those
//! of `/api/items` and `throughline items` (one definition: `report::item_query`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_model::{LinkOrigin, LinkTarget};
use throughline_report::item_query::{
    ClassFilter, ItemOrder, ItemQuery, ItemRow, parse_created, select,
};

use super::report_page_with;
use crate::api::items::ItemsQuery;
use crate::auth::Caller;
use crate::web::WebError;
use crate::web::util::{item_href, origin_label, seg, target_label};
use crate::{AppState, View};

/// Rows per page.
const PAGE: usize = 50;

/// The page number (from 1), beside the API's filters. Two extractors rather than one
/// struct with a flattened part: flattening loses the types of query values (a `true`
/// stays a string).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default, deserialize_with = "crate::api::lenient::opt")]
    pub page: Option<usize>,
    /// The key of an item just confirmed from this list (review queue).
    pub confirmed: Option<String>,
    /// What a reviewed list uploaded from this page did (`confirmed.linked.undecided`).
    pub reviewed: Option<String>,
}

/// `GET /items`.
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    filters: Result<Query<ItemsQuery>, QueryRejection>,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let bad = |e: QueryRejection| WebError::BadRequest(e.body_text());
    let (Query(filters), Query(p)) = (filters.map_err(bad)?, page.map_err(bad)?);
    let seen = state.view().await?;
    let query = filters.to_query(&seen.view.snap.strategy)?;
    let page = p.page.unwrap_or(1).max(1);
    let described = describe(&filters, &seen.view);
    let params = params(&filters);
    // Viewers get the list without the review forms, so the shared page is kept per kind.
    let can_write = super::item::can_write(&caller);
    let key = format!("items {params} page={page} write={can_write}");
    // The confirmation is said on top of the shared (cached) page, and only of an item
    // there is: the key comes from the address, which anyone can write.
    let flash = p
        .confirmed
        .filter(|k| seen.view.index.get(k).is_some())
        .map(|k| ("confirmed", json!(k)))
        .or_else(|| {
            let counts = super::review::reviewed_flash(p.reviewed.as_deref()?)?;
            Some(("reviewed", counts))
        });
    report_page_with(
        &state,
        &seen,
        "items.html",
        key,
        move |v| {
            let mut ctx = context(v, &query, page, &described, &params);
            ctx["can_write"] = json!(can_write);
            ctx
        },
        flash,
    )
    .await
}

fn context(view: &View, query: &ItemQuery, page: usize, described: &str, params: &str) -> Value {
    let at = |p: usize| {
        let sep = if params.is_empty() { "" } else { "&" };
        format!("/items?{params}{sep}page={p}")
    };
    let mut ctx = list_context(
        view,
        select(&view.snap, query),
        page,
        described,
        &at,
        Some(format!("/api/items?{params}")),
    );
    // The review queue says what it is for, and confirms from its rows.
    ctx["review"] = json!(query.order == ItemOrder::LeastSure);
    ctx["here"] = json!(at(page));
    let sep = if params.is_empty() { "" } else { "&" };
    ctx["csv"] = json!(format!("/api/items?{params}{sep}format=csv"));
    ctx
}

/// The context of `items.html` for page `page` of `rows`: `at(n)` is the address of
/// page `n`, `api` the same list as JSON, if there is one.
pub(crate) fn list_context<'a>(
    view: &'a View,
    rows: impl Iterator<Item = ItemRow<'a>>,
    page: usize,
    described: &str,
    at: &dyn Fn(usize) -> String,
    api: Option<String>,
) -> Value {
    let snap = &view.snap;
    let skip = (page - 1) * PAGE;
    let mut total = 0usize;
    let mut shown = Vec::new();
    for row in rows {
        total += 1;
        if total > skip && shown.len() < PAGE {
            let link = row.link;
            shown.push(json!({
                "key": row.key,
                "href": item_href(row.source, row.key),
                "title": row.title,
                "team": row.team,
                "status": row.status.replace('_', " "),
                "target": link.map(|l| target_label(&l.target, &snap.strategy)),
                "origin": link.map(|l| origin_label(l.origin)),
                // A confidence is the engine's; facts and people's links have none to show.
                "confidence": link
                    .filter(|l| l.origin == LinkOrigin::Inferred)
                    .map(|l| l.confidence),
                // The engine's answer can be confirmed as it stands; "unclear" cannot.
                "can_confirm": link.is_some_and(|l| {
                    l.origin == LinkOrigin::Inferred && l.target != LinkTarget::Unclear
                }),
            }));
        }
    }
    let pages = total.div_ceil(PAGE).max(1);
    json!({
        "title": format!("Items: {described}"),
        "described": described,
        "total": total,
        "rows": shown,
        "page": page,
        "pages": pages,
        "first": if total == 0 { 0 } else { skip + 1 },
        "last": skip + shown.len(),
        "prev": (page > 1).then(|| at(page - 1)),
        "next": (page < pages).then(|| at(page + 1)),
        "api": api,
    })
}

/// The filters as query parameters, in a fixed order (also the cache key).
fn params(f: &ItemsQuery) -> String {
    let mut p: Vec<String> = Vec::new();
    let mut add = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            p.push(format!("{k}={}", seg(v)));
        }
    };
    add("period", &f.period);
    add("period_by", &f.period_by);
    add("team", &f.team);
    add("goal", &f.goal);
    add("initiative", &f.initiative);
    add("off_plan", &f.off_plan);
    add("class", &f.class);
    add("origin", &f.origin);
    add("created", &f.created);
    add("theme", &f.theme);
    add("text", &f.text);
    add("label", &f.label);
    add("component", &f.component);
    add("type", &f.item_type);
    add("below", &f.below.map(|b| b.to_string()));
    add("sort", &f.sort);
    if f.unclear {
        p.push("unclear=true".into());
    }
    if f.unlinked {
        p.push("unlinked=true".into());
    }
    p.join("&")
}

/// The filters in words, with the strategy's titles: "serving goal Grow self-serve
/// revenue, in 2026-Q3, inferred".
fn describe(f: &ItemsQuery, view: &View) -> String {
    let strategy = &view.snap.strategy;
    let mut parts: Vec<String> = Vec::new();
    if let Some(g) = f.goal.as_deref().and_then(|g| strategy.goal(g)) {
        parts.push(format!("serving goal “{}”", g.title));
    }
    if let Some(i) = f.initiative.as_deref().and_then(|i| strategy.initiative(i)) {
        parts.push(format!("linked to initiative “{}”", i.title));
    }
    match f.off_plan.as_deref().map(str::trim) {
        Some("any") => parts.push("off plan".into()),
        Some(r) => parts.push(format!("off plan: {}", r.replace('_', " "))),
        None => {}
    }
    if let Some(c) = f.class.as_deref().and_then(|c| ClassFilter::parse(c).ok()) {
        parts.push(c.words().into());
    }
    if let Some(t) = f.theme.as_deref() {
        parts.push(format!("in the theme “{}”", t.trim()));
    }
    if f.unclear {
        parts.push("unclear".into());
    }
    if f.unlinked {
        parts.push("not linked yet".into());
    }
    if let Some(o) = f.origin.as_deref() {
        let names: Vec<&str> = o
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .collect();
        parts.push(format!("{} links", names.join(" or ")));
    }
    if let Some(t) = f.team.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(format!("team {t}"));
    }
    if let Some(t) = f.text.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(format!("matching “{t}”"));
    }
    for (what, v) in [
        ("label", &f.label),
        ("component", &f.component),
        ("type", &f.item_type),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
            parts.push(format!("{what} “{}”", v.trim()));
        }
    }
    if let Some(b) = f.below {
        parts.push(format!("inferred with confidence below {:.0}%", b * 100.0));
    }
    if f.sort.as_deref().map(str::trim) == Some("confidence") {
        parts.push("least sure first".into());
    }
    if let Some(c) = f.created.as_deref() {
        match parse_created(c) {
            Ok(None) => parts.push("created on no known date".into()),
            Ok(Some(p)) if c.contains("..") && p.start.to_string() == "1970-01-01" => {
                parts.push(format!("created before {}", p.end))
            }
            Ok(Some(p)) if c.contains("..") => parts.push(format!(
                "created {} to {}",
                p.start,
                p.end.pred_opt().unwrap_or(p.end)
            )),
            _ => parts.push(format!("created in {}", c.trim())),
        }
    }
    match f
        .period
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("all"))
    {
        Some(p) => parts.push(match f.period_by.as_deref().map(str::trim) {
            Some("created") => format!("created in {p}"),
            Some("resolved") => format!("resolved in {p}"),
            _ => format!("active in {p}"),
        }),
        None => parts.push("all time".into()),
    }
    if parts.len() == 1 {
        format!("all work, {}", parts[0])
    } else {
        parts.join(", ")
    }
}
