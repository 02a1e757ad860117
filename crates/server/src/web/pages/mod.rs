//! One module per page. Report pages build a plain JSON context from the server's
//! current [`View`] (computed once per view, see [`report_page`]); the item page reads
//! through a connection of its own, so it is current right after a write.

pub(crate) mod brief;
pub(crate) mod goal;
pub(crate) mod item;
pub(crate) mod items;
pub(crate) mod off_plan;
pub(crate) mod overview;
pub(crate) mod review;

use axum::body::Bytes;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::WebError;
use super::templates;
use throughline_report::Scope;

use crate::web::util::{Shown, period_by, period_or_default};
use crate::{ApiError, AppState, Seen, View};

/// The query every report page accepts.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    pub period: Option<String>,
    /// Which of an item's dates puts it in the period: active (default), created or
    /// resolved.
    pub period_by: Option<String>,
}

/// Renders a page template into a response.
pub(crate) fn html(name: &str, ctx: &serde_json::Value) -> Result<Html<String>, WebError> {
    Ok(Html(templates::render(name, ctx)?))
}

/// A report page over one period: `?period=`, else the quarter of the view's last
/// activity (see [`period_or_default`]), counted by `?period_by=` (active by default);
/// its context derived once per view, under `name`, the period and its meaning.
pub(crate) async fn period_page<F>(
    state: &AppState,
    seen: &Seen,
    asked: &PeriodQuery,
    name: &str,
    template: &'static str,
    context: F,
) -> Result<Response, WebError>
where
    F: Fn(&View, Shown) -> Value + Send + Sync + 'static,
{
    let shown = Shown {
        period: period_or_default(asked.period.as_deref(), &seen.view)?,
        by: period_by(asked.period_by.as_deref())?,
    };
    let key = format!(
        "{name} {} {}",
        shown.period.as_ref().map_or("all", |p| &p.name),
        shown.by.as_str()
    );
    report_page(state, seen, template, key, move |v| {
        context(v, shown.clone())
    })
    .await
}

/// The scope of a dashboard page: one period counted by the page's meaning, all teams,
/// teams under three people folded into "other".
pub(crate) fn page_scope(shown: &Shown) -> Scope {
    Scope {
        period: shown.period.clone(),
        period_by: shown.by,
        team: None,
        min_group_size: 3,
    }
}

/// A report page: its context derived from the view once per view and `key` (which must
/// name the page and every parameter it depends on) and rendered once too, since many
/// people open the same few pages; rendered again with a note when the view is stale.
pub(crate) async fn report_page<F>(
    state: &AppState,
    seen: &Seen,
    template: &'static str,
    key: String,
    context: F,
) -> Result<Response, WebError>
where
    F: Fn(&View) -> Value + Send + Sync + 'static,
{
    report_page_with(state, seen, template, key, context, None).await
}

/// [`report_page`], with one more field for this request only (a flash message): the
/// shared page is kept as computed and rendered again with the field.
pub(crate) async fn report_page_with<F>(
    state: &AppState,
    seen: &Seen,
    template: &'static str,
    key: String,
    context: F,
    extra: Option<(&'static str, Value)>,
) -> Result<Response, WebError>
where
    F: Fn(&View) -> Value + Send + Sync + 'static,
{
    let page = state
        .derive(seen, format!("page {key}"), move |v| {
            let ctx = context(v);
            let html = templates::render(template, &ctx)
                .map_err(|e| ApiError::Internal(format!("template: {e:#}")))?;
            Ok(Page {
                ctx,
                html: Bytes::from(html),
            })
        })
        .await?;
    if !seen.stale && extra.is_none() {
        let headers = [(header::CONTENT_TYPE, "text/html; charset=utf-8")];
        return Ok((headers, page.html.clone()).into_response());
    }
    let mut ctx = page.ctx.clone();
    if let Value::Object(fields) = &mut ctx {
        if seen.stale {
            let as_of = seen.view.as_of.format("%H:%M:%S UTC").to_string();
            fields.insert("stale".into(), json!({ "as_of": as_of }));
        }
        if let Some((k, v)) = extra {
            fields.insert(k.into(), v);
        }
    }
    Ok(seen.mark(html(template, &ctx)?.into_response()))
}

/// A rendered page and the context it was rendered from.
struct Page {
    ctx: Value,
    html: Bytes,
}
