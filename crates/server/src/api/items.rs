//! Work items: the filtered list behind every figure, and one item in full.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use throughline_model::{LinkOrigin, OffPlanReason, Strategy};
use throughline_report::effective_links;
use throughline_report::item_query::{ItemOrder, ItemQuery, ItemRow, select};
use throughline_report::{REVIEW_HEADER, review_record};
use utoipa::IntoParams;

use super::{ApiJson, ApiPath, ApiQuery, CSV, ScopeQuery, csv_failed, wants_csv};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Most rows one request returns.
const MAX_LIMIT: usize = 1000;

/// Filters of the item list; all optional and combined with AND.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemsQuery {
    /// Period the work was active in (2026-Q3, 2026-07, ...).
    pub period: Option<String>,
    /// Only this team's work.
    pub team: Option<String>,
    /// Only work serving this goal (directly or through its initiatives).
    pub goal: Option<String>,
    /// Only work linked to this initiative.
    pub initiative: Option<String>,
    /// Only off-plan work for this reason, or `any`.
    pub off_plan: Option<String>,
    /// Only work the engine could not place.
    #[serde(default)]
    pub unclear: bool,
    /// Only work with no link at all.
    #[serde(default)]
    pub unlinked: bool,
    /// Only links of this origin: explicit, inferred or corrected.
    pub origin: Option<String>,
    /// Title or key contains this text (case-insensitive).
    pub text: Option<String>,
    /// Only work with this label (case-insensitive).
    pub label: Option<String>,
    /// Only work filed under this component (case-insensitive).
    pub component: Option<String>,
    /// Only work of this type (`Bug`, `Story`...; case-insensitive).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub item_type: Option<String>,
    /// Only the engine's links (and "unclear" answers) less sure than this (0 to 1).
    pub below: Option<f32>,
    /// `stored` (default: import order) or `confidence` (the engine's least sure
    /// inferences first, the queue to review).
    pub sort: Option<String>,
    /// Rows to return (default 50, at most 1000; with `format=csv` the default is 1000).
    pub limit: Option<usize>,
    /// `json` (the default) or `csv`: the rows as a spreadsheet to review, with empty
    /// `decision` and `why` columns that `throughline link --file` reads back.
    pub format: Option<String>,
    /// Rows to skip.
    #[serde(default)]
    pub offset: usize,
}

impl ItemsQuery {
    /// The filters as an item query, checked: a bad period, reason or origin, or a goal
    /// or initiative the strategy in force does not have, is a 400 saying which.
    pub fn to_query(&self, strategy: &Strategy) -> Result<ItemQuery, ApiError> {
        let scope = ScopeQuery {
            period: self.period.clone(),
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
        let origin = self
            .origin
            .as_deref()
            .map(|o| {
                LinkOrigin::parse(o.trim()).ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "bad `origin` `{o}`: use explicit, inferred or corrected"
                    ))
                })
            })
            .transpose()?;
        if let Some(goal) = &self.goal
            && strategy.goal(goal).is_none()
        {
            return Err(ApiError::BadRequest(format!(
                "no goal `{goal}` in the strategy in force"
            )));
        }
        if let Some(i) = &self.initiative
            && strategy.initiative(i).is_none()
        {
            return Err(ApiError::BadRequest(format!(
                "no initiative `{i}` in the strategy in force"
            )));
        }
        let below = match self.below {
            Some(b) if !(b > 0.0 && b <= 1.0) => {
                return Err(ApiError::BadRequest(format!(
                    "bad `below` {b}: a confidence between 0 (exclusive) and 1"
                )));
            }
            b => b,
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
            origin,
            text: some(&self.text),
            label: some(&self.label),
            component: some(&self.component),
            item_type: some(&self.item_type),
            below,
            order,
        })
    }
}

/// Work items matching the filters, with their effective link: `{total, items}`.
#[utoipa::path(get, path = "/api/items", tag = "items", params(ItemsQuery),
    responses(
        (status = 200, description = "`{total, offset, items}`; rows carry no assignee", body = Object),
        (status = 400, description = "A bad filter (period, reason, origin, unknown goal, confidence, sort)", body = ErrorBody)))]
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
#[utoipa::path(get, path = "/api/items/{source}/{key}", tag = "items",
    params(("source" = String, Path, description = "Source the key belongs to, e.g. jira"),
           ("key" = String, Path, description = "The tracker's key, e.g. PAY-12")),
    responses(
        (status = 200, description = "`{item, text, effective, links, notes}`; `text` is the title and description as shown (markup rendered, people masked) and the tracker link", body = Object),
        (status = 404, description = "No such item", body = ErrorBody)))]
pub async fn one(
    State(state): State<AppState>,
    ApiPath((source, key)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let out = state
        .read(move |store| {
            let item = find(store, &source, &key)?;
            let links = store.links_of(item.id)?;
            let effective = effective_links(&links).remove(&item.id);
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
