//! Work items: the filtered list behind every figure, and one item in full.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use throughline_model::{LinkOrigin, OffPlanReason, Strategy};
use throughline_report::effective_links;
use throughline_report::item_query::{
    ClassFilter, ItemOrder, ItemQuery, ItemRow, parse_created, select,
};
use throughline_report::{REVIEW_HEADER, review_record};
use utoipa::IntoParams;

use super::contract::{self, check_pattern};
use super::{ApiJson, ApiPath, ApiQuery, CSV, ScopeQuery, csv_failed, lenient, shapes, wants_csv};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Most rows one request returns.
pub(crate) const MAX_LIMIT: usize = 1000;

/// Largest `offset`: more items than any database holds, and a bound the document can
/// state (the type's own bound depends on the platform).
pub(crate) const MAX_OFFSET: usize = 1_000_000_000;

/// Filters of the item list; all optional and combined with AND. An empty parameter is
/// the same as none.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// Period the work was active in (2026-Q3, 2026-07, ...; `all`: all time).
    #[serde(default, deserialize_with = "lenient::text")]
    #[param(example = "2026-Q3")]
    pub period: Option<String>,
    /// Which date puts work in the period: `active` (default), `created` or `resolved`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub period_by: Option<String>,
    /// Only this team's work.
    #[serde(default, deserialize_with = "lenient::text")]
    pub team: Option<String>,
    /// Only work serving this goal (directly or through its initiatives); 404 for a goal
    /// the strategy in force does not have.
    #[serde(default, deserialize_with = "lenient::text")]
    pub goal: Option<String>,
    /// Only work linked to this initiative; 404 for one the strategy does not have.
    #[serde(default, deserialize_with = "lenient::text")]
    pub initiative: Option<String>,
    /// Only off-plan work for this reason, or `any`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub off_plan: Option<String>,
    /// Only work in this class, as the reports count it: `aligned` (serving a goal),
    /// `off_plan`, `not_placed` (unclear or not linked), `unclear` or `unlinked`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub class: Option<String>,
    /// Only work the engine could not place.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub unclear: bool,
    /// Only work with no link at all.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub unlinked: bool,
    /// Only links of this origin: explicit, inferred or corrected (several with commas:
    /// `explicit,corrected`).
    #[serde(default, deserialize_with = "lenient::text")]
    pub origin: Option<String>,
    /// Only work created in this period (a week 2026-W27, a month, a quarter...; `none`:
    /// work without a creation date), as `allocation` buckets work.
    #[serde(default, deserialize_with = "lenient::text")]
    pub created: Option<String>,
    /// Only the off-plan theme with this label, as `/api/themes` names it over the same
    /// period and team.
    #[serde(default, deserialize_with = "lenient::text")]
    pub theme: Option<String>,
    /// Title or key contains this text (case-insensitive).
    #[serde(default, deserialize_with = "lenient::text")]
    pub text: Option<String>,
    /// Only work with this label (case-insensitive).
    #[serde(default, deserialize_with = "lenient::text")]
    pub label: Option<String>,
    /// Only work filed under this component (case-insensitive).
    #[serde(default, deserialize_with = "lenient::text")]
    pub component: Option<String>,
    /// Only work of this type (`Bug`, `Story`...; case-insensitive).
    #[serde(rename = "type", default, deserialize_with = "lenient::text")]
    #[param(rename = "type")]
    pub item_type: Option<String>,
    /// Only the engine's links (and "unclear" answers) less sure than this (0 to 1).
    #[serde(default, deserialize_with = "lenient::opt")]
    pub below: Option<f64>,
    /// `stored` (default: import order) or `confidence` (the engine's least sure
    /// inferences first, the queue to review).
    #[serde(default, deserialize_with = "lenient::text")]
    pub sort: Option<String>,
    /// Rows to return (default 50, at most 1000; with `format=csv` the default is 1000).
    #[serde(default, deserialize_with = "lenient::opt")]
    pub limit: Option<usize>,
    /// `json` (the default) or `csv`: the rows as a spreadsheet to review, with empty
    /// `decision` and `why` columns that `throughline link --file` reads back.
    #[serde(default, deserialize_with = "lenient::text")]
    pub format: Option<String>,
    /// Rows to skip (at most 1,000,000,000).
    #[serde(default, deserialize_with = "lenient::num")]
    pub offset: usize,
}

impl ItemsQuery {
    /// The filters as an item query, checked: a bad period, reason or origin, or a goal
    /// or initiative the strategy in force does not have, is a 400 saying which.
    pub fn to_query(&self, strategy: &Strategy) -> Result<ItemQuery, ApiError> {
        // The document's grammar first, so what it forbids is a 400 whatever the parsers
        // below would make of it; what passes and still names nothing is a 404.
        for (name, value, pattern) in [
            ("period", &self.period, &*contract::LIST_PERIOD),
            ("off_plan", &self.off_plan, &*contract::OFF_PLAN_FILTER),
            ("class", &self.class, &*contract::CLASSES),
            ("origin", &self.origin, &*contract::ORIGINS),
            ("created", &self.created, &*contract::CREATED),
            ("sort", &self.sort, &*contract::SORTS),
            ("format", &self.format, &*contract::LIST_FORMATS),
        ] {
            if let Some(v) = value {
                check_pattern(name, v, pattern)?;
            }
        }
        if self.offset > MAX_OFFSET {
            return Err(ApiError::BadRequest(format!(
                "`offset` is at most {MAX_OFFSET}"
            )));
        }
        let scope = ScopeQuery {
            period: self.period.clone(),
            period_by: self.period_by.clone(),
            team: self.team.clone(),
        }
        .scope(0)?;
        let off_plan = match self.off_plan.as_deref().map(str::trim) {
            None => None,
            Some("any") => Some(None),
            Some(r) => {
                Some(Some(r.parse::<OffPlanReason>().map_err(|e| {
                    ApiError::BadRequest(format!("bad `off_plan`: {e}"))
                })?))
            }
        };
        let origins = self
            .origin
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| {
                LinkOrigin::parse(o).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "bad `origin` `{o}`: use explicit, inferred or corrected"
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let class = self
            .class
            .as_deref()
            .map(ClassFilter::parse)
            .transpose()
            .map_err(|e| ApiError::BadRequest(format!("bad `class`: {e}")))?;
        let created = self
            .created
            .as_deref()
            .map(parse_created)
            .transpose()
            .map_err(|e| ApiError::NotFound(format!("no such `created` period: {e}")))?;
        if let Some(goal) = &self.goal
            && strategy.goal(goal).is_none()
        {
            return Err(ApiError::NotFound(format!(
                "no goal `{goal}` in the strategy in force"
            )));
        }
        if let Some(i) = &self.initiative
            && strategy.initiative(i).is_none()
        {
            return Err(ApiError::NotFound(format!(
                "no initiative `{i}` in the strategy in force"
            )));
        }
        let below = match self.below {
            Some(b) if !(b > 0.0 && b <= 1.0) => {
                return Err(ApiError::BadRequest(format!(
                    "bad `below` {b}: a confidence between 0 (exclusive) and 1"
                )));
            }
            // In (0, 1] as a double, then as the engine keeps it: a confidence too
            // small for an f32 is "below nothing", not an error.
            b => b.map(|b| b as f32),
        };
        let order = match self
            .sort
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => ItemOrder::Stored,
            Some(o) => ItemOrder::parse(o).ok_or_else(|| {
                ApiError::BadRequest(format!("bad `sort` `{o}`: use stored or confidence"))
            })?,
        };
        let some = |v: &Option<String>| v.clone().filter(|t| !t.trim().is_empty());
        Ok(ItemQuery {
            scope,
            goal: self.goal.clone(),
            initiative: self.initiative.clone(),
            off_plan,
            unclear: self.unclear,
            unlinked: self.unlinked,
            class,
            origins,
            created,
            theme: some(&self.theme),
            text: some(&self.text),
            label: some(&self.label),
            component: some(&self.component),
            item_type: some(&self.item_type),
            below,
            order,
        })
    }
}

/// Work items matching the filters, with their effective link: `{total, offset, items}`.
#[utoipa::path(get, path = "/api/items", tag = "items", operation_id = "list_items", params(ItemsQuery),
    responses(
        (status = 200, description = "`{total, offset, items}`; rows carry no assignee. With `format=csv`, the rows as a list to review",
            content((shapes::ItemList = "application/json"), (String = "text/csv")),
            links(
                ("item" = (operation_id = "get_item", parameters(("source" = "$response.body#/items/0/source"), ("key" = "$response.body#/items/0/key")))),
                ("link" = (operation_id = "link_item", parameters(("source" = "$response.body#/items/0/source"), ("key" = "$response.body#/items/0/key")))),
                ("confirm" = (operation_id = "confirm_item", parameters(("source" = "$response.body#/items/0/source"), ("key" = "$response.body#/items/0/key")))),
                ("unlink" = (operation_id = "unlink_item", parameters(("source" = "$response.body#/items/0/source"), ("key" = "$response.body#/items/0/key")))),
            )),
        (status = 400, description = "A filter not of the documented form", body = ErrorBody),
        (status = 404, description = "A goal, initiative or period (2025-W53) that does not exist", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<ItemsQuery>,
) -> Result<Response, ApiError> {
    let csv = wants_csv(q.format.as_deref())?;
    let limit = q.limit.unwrap_or(if csv { MAX_LIMIT } else { 50 });
    if limit > MAX_LIMIT {
        return Err(ApiError::BadRequest(format!(
            "`limit` is at most {MAX_LIMIT}; page with `offset`"
        )));
    }
    let seen = state.view().await?;
    let snap = seen.view.snap.clone();
    let query = q.to_query(&snap.strategy)?;
    // Filtering 100,000 items is a few milliseconds of CPU: off the async threads.
    let body = tokio::task::spawn_blocking(move || {
        let mut total = 0usize;
        let mut rows = Vec::new();
        for row in select(&snap, &query) {
            total += 1;
            if total > q.offset && rows.len() < limit {
                rows.push(row);
            }
        }
        if csv {
            return review_csv(&rows);
        }
        serde_json::to_vec(&json!({ "total": total, "offset": q.offset, "items": rows }))
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await??;
    let content_type = if csv { CSV } else { "application/json" };
    Ok(seen.mark(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response()))
}

/// The rows as the CLI's `items --csv` writes them.
fn review_csv(rows: &[ItemRow<'_>]) -> Result<Vec<u8>, ApiError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(REVIEW_HEADER).map_err(csv_failed)?;
    for r in rows {
        w.write_record(review_record(r)).map_err(csv_failed)?;
    }
    w.into_inner()
        .map_err(|e| csv_failed(e.into_error().into()))
}

/// One item in full (including its assignee: a person asked for this one item), every
/// link it has by origin, the effective one, and its notes.
#[utoipa::path(get, path = "/api/items/{source}/{key}", tag = "items", operation_id = "get_item",
    params(("source" = String, Path, description = "Source the key belongs to, e.g. jira"),
           ("key" = String, Path, description = "The tracker's key, e.g. PAY-12")),
    responses(
        (status = 200, description = "`{item, text, effective, links, notes}`; `text` is the title and description as shown (markup rendered, people masked) and the tracker link", body = shapes::ItemDetail),
        (status = 400, description = "A path segment that is not text", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiPath((source, key)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let out = state
        .read(move |store| {
            let item = find(store, &source, &key)?;
            let links = store.links_of(item.id)?;
            // With the other initiatives the selectors place it under, as reports count it.
            let mut effective = effective_links(&links);
            let also = store.also_links_of(item.id)?;
            throughline_report::attach_also(&mut effective, [(item.id, also)].into());
            let effective = effective.remove(&item.id);
            let notes: Vec<_> = store
                .notes_for_item(&item.item.source, &item.item.key)?
                .into_iter()
                .map(super::notes::public)
                .collect();
            // The stored text is the tracker's; `text` is what people read: markup
            // rendered, people masked, the description cut at a word.
            let text = json!({
                "title": throughline_model::mask_people(&item.item.title),
                "description": throughline_report::item_text::item_description(&item.item, 4000),
                "url": item.item.url,
            });
            Ok(json!({ "item": item, "text": text, "effective": effective, "links": links, "notes": notes }))
        })
        .await?;
    Ok(ApiJson(out).into_response())
}

/// The item `(source, key)`, or a 404 saying so.
pub fn find(
    store: &throughline_store::Store,
    source: &str,
    key: &str,
) -> Result<throughline_store::StoredItem, ApiError> {
    store
        .find_item(Some(source), key)?
        .ok_or_else(|| ApiError::NotFound(format!("no item `{key}` in source `{source}`")))
}
