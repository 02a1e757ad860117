//! One module per page. Each handler loads what it needs (the cached snapshot for
//! report pages, a fresh read connection for the item page), builds a plain JSON
//! context and renders its template.

pub(crate) mod brief;
pub(crate) mod goal;
pub(crate) mod item;
pub(crate) mod off_plan;
pub(crate) mod overview;

use axum::response::Html;
use serde::Deserialize;

use super::WebError;
use super::templates;

/// The query every report page accepts.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PeriodQuery {
    pub period: Option<String>,
}

/// Renders a page template into a response.
pub(crate) fn html(name: &str, ctx: &serde_json::Value) -> Result<Html<String>, WebError> {
    Ok(Html(templates::render(name, ctx)?))
}
