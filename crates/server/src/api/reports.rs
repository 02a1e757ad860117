//! Reports over the cached snapshot: status, allocation, drift, themes, metrics, brief
//! and ask. Each is computed once per database version and set of parameters (see
//! [`AppState::report`]), so a dashboard full of viewers costs one computation.

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use throughline_report::{
    AllocationOptions, BucketBy, DriftOptions, Scope, ThemeOptions, WithoutKeys,
    allocation as allocation_fn, allocation_csv, ask as ask_fn, brief as brief_fn,
    drift as drift_fn, metrics as metrics_fn, status as status_fn, status_csv, themes as themes_fn,
};
use utoipa::IntoParams;

use super::contract::{self, check_enum};
use super::{ApiQuery, CSV, ScopeQuery, csv_failed, shapes, wants_csv};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Default smallest group: fewer people than this fold into "other".
const MIN_GROUP: usize = 3;

/// Largest `min_group`: a bound the document can state (more people than any team has).
const MAX_GROUP: usize = 1_000_000;

/// How small a group may get before it folds into "other".
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// Teams with fewer people than this fold into "other" (default 3, at least 2).
    #[param(minimum = 2, maximum = 1000000)]
    pub min_group: Option<usize>,
}

impl GroupQuery {
    fn size(&self) -> Result<usize, ApiError> {
        match self.min_group {
            None => Ok(MIN_GROUP),
            // One person's work must never be a figure of its own.
            Some(n) if n < 2 => Err(ApiError::BadRequest(
                "`min_group` must be at least 2, so no figure points at one person".into(),
            )),
            Some(n) if n > MAX_GROUP => Err(ApiError::BadRequest(format!(
                "`min_group` is at most {MAX_GROUP}"
            ))),
            Some(n) => Ok(n),
        }
    }
}

/// Whether figures list the item keys behind them.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeysQuery {
    /// `false` leaves out the item keys behind each figure (default `true`): much smaller
    /// for polling the numbers; drill into a figure with `/api/items` and the same scope.
    pub keys: Option<bool>,
}

impl KeysQuery {
    /// Whether to keep the keys (the default).
    fn keep(&self) -> bool {
        self.keys.unwrap_or(true)
    }
}

/// `report`, without its keys unless `keep`.
fn keyed<R: WithoutKeys>(report: R, keep: bool) -> R {
    if keep { report } else { report.without_keys() }
}

/// JSON or CSV.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TableFormatQuery {
    /// `json` (the default) or `csv`: one row per figure, in the long format a
    /// spreadsheet's pivot table reads (as the CLI's `--csv`).
    pub format: Option<String>,
}

impl TableFormatQuery {
    fn csv(&self) -> Result<bool, ApiError> {
        if let Some(f) = &self.format {
            check_enum("format", f, contract::TABLE_FORMATS)?;
        }
        wants_csv(self.format.as_deref())
    }
}

/// Allocation, alignment and off-plan work for a period and team.
#[utoipa::path(get, path = "/api/status", tag = "reports", params(ScopeQuery, GroupQuery, KeysQuery, TableFormatQuery),
    responses(
        (status = 200, description = "The status report, with the item keys behind each figure (or CSV, one row per figure)",
            content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A period, min_group, keys or format not of the documented form", body = ErrorBody),
        (status = 404, description = "A period the calendar does not have (2025-W53)", body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    ApiQuery(s): ApiQuery<ScopeQuery>,
    ApiQuery(g): ApiQuery<GroupQuery>,
    ApiQuery(k): ApiQuery<KeysQuery>,
    ApiQuery(f): ApiQuery<TableFormatQuery>,
) -> Result<Response, ApiError> {
    let min = g.size()?;
    let scope = s.scope(min)?;
    if f.csv()? {
        let key = format!("status csv {} min={min}", s.key());
        return state
            .report_raw(key, CSV, move |snap| {
                let text = status_csv(&status_fn(snap, &scope)).map_err(csv_failed)?;
                Ok(text.into_bytes())
            })
            .await;
    }
    let keep = k.keep();
    let key = format!("status {} min={min} keys={keep}", s.key());
    state
        .report(key, move |snap| Ok(keyed(status_fn(snap, &scope), keep)))
        .await
}

/// Parameters of the allocation report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllocationQuery {
    /// Bucket by `week`, `month`, `quarter`, `sprint`, or `auto` (the default, as in the
    /// CLI: weeks up to 26 weeks of work, months up to three years, quarters beyond; the
    /// report's `options.by` says which was chosen).
    pub by: Option<String>,
}

/// Allocation over time, thin goals and stalled initiatives.
#[utoipa::path(get, path = "/api/allocation", tag = "reports", params(ScopeQuery, AllocationQuery, KeysQuery, TableFormatQuery),
    responses(
        (status = 200, description = "The allocation report (or CSV: per period, a row per class of work and per goal)",
            content((Object = "application/json"), (String = "text/csv"))),
        (status = 400, description = "A period, `by`, keys or format not of the documented form", body = ErrorBody),
        (status = 404, description = "A period the calendar does not have (2025-W53)", body = ErrorBody)))]
pub async fn allocation(
    State(state): State<AppState>,
    ApiQuery(s): ApiQuery<ScopeQuery>,
    ApiQuery(a): ApiQuery<AllocationQuery>,
    ApiQuery(k): ApiQuery<KeysQuery>,
    ApiQuery(f): ApiQuery<TableFormatQuery>,
) -> Result<Response, ApiError> {
    let scope = s.scope(MIN_GROUP)?;
    if let Some(b) = &a.by {
        check_enum("by", b, contract::BUCKETS)?;
    }
    let by = match a.by.as_deref() {
        None => BucketBy::Auto,
        Some(b) => b
            .parse::<BucketBy>()
            .map_err(|e| ApiError::BadRequest(format!("`by`: {e}")))?,
    };
    let key = format!("allocation {} by={by:?}", s.key());
    let opts = AllocationOptions {
        by,
        ..Default::default()
    };
    if f.csv()? {
        return state
            .report_raw(format!("{key} csv"), CSV, move |snap| {
                let text =
                    allocation_csv(&allocation_fn(snap, &scope, &opts)).map_err(csv_failed)?;
                Ok(text.into_bytes())
            })
            .await;
    }
    let keep = k.keep();
    state
        .report(format!("{key} keys={keep}"), move |snap| {
            Ok(keyed(allocation_fn(snap, &scope, &opts), keep))
        })
        .await
}

/// Parameters of the drift report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DriftQuery {
    /// Compare only the last this many weeks (1 to 52) with the weeks before, instead of
    /// scanning the whole period for shifts.
    #[param(minimum = 1, maximum = 52)]
    pub recent_weeks: Option<i64>,
    /// Weeks in the window compared against, with `recent_weeks` (default 8, 1 to 104).
    #[param(minimum = 1, maximum = 104)]
    pub baseline_weeks: Option<i64>,
}

/// Material shifts anywhere in the period (or the recent weeks against the weeks before).
#[utoipa::path(get, path = "/api/drift", tag = "reports", params(ScopeQuery, GroupQuery, DriftQuery, KeysQuery),
    responses(
        (status = 200, description = "The drift report", body = Object),
        (status = 400, description = "A period, min_group, window or keys not of the documented form", body = ErrorBody),
        (status = 404, description = "A period the calendar does not have (2025-W53)", body = ErrorBody)))]
pub async fn drift(
    State(state): State<AppState>,
    ApiQuery(s): ApiQuery<ScopeQuery>,
    ApiQuery(g): ApiQuery<GroupQuery>,
    ApiQuery(d): ApiQuery<DriftQuery>,
    ApiQuery(k): ApiQuery<KeysQuery>,
) -> Result<Response, ApiError> {
    let min = g.size()?;
    let scope = s.scope(min)?;
    let scan = d.recent_weeks.is_none() && d.baseline_weeks.is_none();
    let recent = d.recent_weeks.unwrap_or(4);
    let baseline = d.baseline_weeks.unwrap_or(8);
    if !(1..=52).contains(&recent) || !(1..=104).contains(&baseline) {
        return Err(ApiError::BadRequest(
            "`recent_weeks` must be 1 to 52 and `baseline_weeks` 1 to 104".into(),
        ));
    }
    let keep = k.keep();
    let key = format!(
        "drift {} min={min} scan={scan} r={recent} b={baseline} keys={keep}",
        s.key()
    );
    let opts = DriftOptions {
        recent_weeks: recent,
        baseline_weeks: baseline,
        scan,
        ..Default::default()
    };
    state
        .report(key, move |snap| {
            Ok(keyed(drift_fn(snap, &scope, &opts), keep))
        })
        .await
}

/// Parameters of the themes report.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThemesQuery {
    /// Also theme work not placed yet (unclear or unlinked).
    #[serde(default)]
    pub unplaced: bool,
}

/// Off-plan work grouped into a few plain themes.
#[utoipa::path(get, path = "/api/themes", tag = "reports", params(ScopeQuery, ThemesQuery, KeysQuery),
    responses(
        (status = 200, description = "The themes report", body = Object),
        (status = 400, description = "A period, unplaced or keys not of the documented form", body = ErrorBody),
        (status = 404, description = "A period the calendar does not have (2025-W53)", body = ErrorBody)))]
pub async fn themes(
    State(state): State<AppState>,
    ApiQuery(s): ApiQuery<ScopeQuery>,
    ApiQuery(t): ApiQuery<ThemesQuery>,
    ApiQuery(k): ApiQuery<KeysQuery>,
) -> Result<Response, ApiError> {
    let scope = s.scope(MIN_GROUP)?;
    let keep = k.keep();
    let key = format!("themes {} unplaced={} keys={keep}", s.key(), t.unplaced);
    let opts = ThemeOptions {
        include_unplaced: t.unplaced,
        ..Default::default()
    };
    state
        .report(key, move |snap| {
            Ok(keyed(themes_fn(snap, &scope, &opts), keep))
        })
        .await
}

/// Which metrics to show.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetricsQuery {
    /// Only this metric.
    pub id: Option<String>,
}

/// Key results against baseline and target, with launches on their timeline.
#[utoipa::path(get, path = "/api/metrics", tag = "reports", params(MetricsQuery),
    responses(
        (status = 200, description = "One entry per metric", body = Vec<Object>),
        (status = 404, description = "No such metric", body = ErrorBody)))]
pub async fn metrics(
    State(state): State<AppState>,
    ApiQuery(m): ApiQuery<MetricsQuery>,
) -> Result<Response, ApiError> {
    let key = format!("metrics {:?}", m.id);
    state
        .report(key, move |snap| {
            let ms = metrics_fn(snap, &Scope::default(), m.id.as_deref());
            match &m.id {
                Some(id) if ms.is_empty() => Err(ApiError::NotFound(format!(
                    "no metric `{id}` in the strategy in force"
                ))),
                _ => Ok(ms),
            }
        })
        .await
}

/// Format of the brief.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BriefQuery {
    /// `json` (default), `md` (or `markdown`) or `html`.
    pub format: Option<String>,
}

/// The executive brief, as structured JSON, Markdown or self-contained HTML.
#[utoipa::path(get, path = "/api/brief", tag = "reports", params(ScopeQuery, GroupQuery, BriefQuery, KeysQuery),
    responses(
        (status = 200, description = "The brief", content(
            (Object = "application/json"), (String = "text/markdown"), (String = "text/html"))),
        (status = 400, description = "A period, min_group, format or keys not of the documented form", body = ErrorBody),
        (status = 404, description = "A period the calendar does not have (2025-W53)", body = ErrorBody)))]
pub async fn brief(
    State(state): State<AppState>,
    ApiQuery(s): ApiQuery<ScopeQuery>,
    ApiQuery(g): ApiQuery<GroupQuery>,
    ApiQuery(b): ApiQuery<BriefQuery>,
    ApiQuery(k): ApiQuery<KeysQuery>,
) -> Result<Response, ApiError> {
    let min = g.size()?;
    let scope = s.scope(min)?;
    if let Some(f) = &b.format {
        check_enum("format", f, contract::BRIEF_FORMATS)?;
    }
    let format = b.format.as_deref().unwrap_or("json");
    let content_type = match format {
        "json" => "application/json",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        o => {
            return Err(ApiError::BadRequest(format!(
                "bad `format` `{o}`: use json, md or html"
            )));
        }
    };
    let keep = k.keep();
    let key = format!(
        "brief {} min={min} format={content_type} keys={keep}",
        s.key()
    );
    state
        .report_raw(key, content_type, move |snap| {
            let b = brief_fn(snap, &scope);
            Ok(match content_type {
                // Markdown and HTML list a few keys of each figure and link to the rest.
                "application/json" => serde_json::to_vec(&keyed(b, keep))
                    .map_err(|e| ApiError::Internal(format!("encoding the brief: {e}")))?,
                t if t.starts_with("text/html") => b.to_html().into_bytes(),
                _ => b.to_markdown().into_bytes(),
            })
        })
        .await
}

/// The question.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AskQuery {
    /// A question, e.g. "why is Payments off plan?": some text that is not only spaces,
    /// at most 500 characters.
    #[param(required = true, example = "why is Payments off plan?")]
    pub q: Option<String>,
}

/// Longest question accepted, in characters.
const MAX_QUESTION: usize = 500;

/// A question answered offline, citing the items and notes behind the answer.
#[utoipa::path(get, path = "/api/ask", tag = "reports", params(AskQuery),
    responses(
        (status = 200, description = "`{shape, text, cited}`", body = shapes::Answer),
        (status = 400, description = "No question, only spaces, or too long", body = ErrorBody)))]
pub async fn ask(
    State(state): State<AppState>,
    ApiQuery(a): ApiQuery<AskQuery>,
) -> Result<Response, ApiError> {
    let raw = a.q.unwrap_or_default();
    let q = raw.trim().to_string();
    if q.is_empty() {
        return Err(ApiError::BadRequest(
            "ask a question with `q`, e.g. /api/ask?q=why+is+Payments+off+plan".into(),
        ));
    }
    // Counted as sent, as the document's `maxLength` counts.
    if raw.chars().count() > MAX_QUESTION {
        return Err(ApiError::BadRequest(format!(
            "`q` is longer than {MAX_QUESTION} characters"
        )));
    }
    let today = chrono::Utc::now().date_naive();
    let key = format!("ask {today} {q}");
    state
        .report(key, move |snap| Ok(ask_fn(snap, &q, today)))
        .await
}
