//! The executive brief (`/brief?period=2026-Q3`), printable, and the Ask box (`/ask`).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;
use throughline_report::ask::CitationKind;
use throughline_report::item_query::ItemRow;
use throughline_report::{Brief, Evidence, LongEvidence, ask as answer, brief};

use super::items::{PageQuery, list_context};
use super::{PeriodQuery, html, page_scope, period_page, report_page};
use crate::AppState;
use crate::web::WebError;
use crate::web::util::{Shown, key_href, period_arg, period_by, period_or_default, picker, seg};

/// The body of `Brief::to_html` (a whole document) without its `<h1>`: the page has
/// its own heading and layout, and the report crate stays the one place the brief's
/// HTML (numbers linked to their evidence) is written.
fn body_of(doc: &str) -> &str {
    let start = doc.find("</h1>").map_or(0, |i| i + "</h1>".len());
    let end = doc.rfind("</body>").unwrap_or(doc.len());
    doc.get(start..end).unwrap_or("")
}

/// `GET /brief`.
pub(crate) async fn page(
    State(state): State<AppState>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, WebError> {
    let seen = state.view().await?;
    // The brief's figures count the work the "Work" control picks (active by default),
    // and its own words say which ("created in 2026-Q3"), as every other page does.
    period_page(&state, &seen, &q, "brief", "brief.html", |v, shown| {
        let snap = &v.snap;
        let b = brief(snap, &page_scope(&shown));
        // Long evidence lists link to their own page instead of carrying every key.
        let href = |e: &Evidence| evidence_href(&e.id, &shown);
        let long = LongEvidence {
            max_keys: EVIDENCE_KEYS,
            href: Some(&href),
        };
        json!({
            "nav": "brief",
            "title": format!("{} — {}", b.title, b.scope),
            "heading": b.title,
            "scope": b.scope,
            "period": shown.period.as_ref().map(|p| p.name.clone()),
            "periods": picker(snap, &shown.period),
            "period_by": shown.by.as_str(),
            "period_bys": shown.choices(),
            "body": body_of(&b.to_html_with(Some(&long))),
        })
    })
    .await
}

/// Keys an evidence list shows on the brief page before linking to the whole list.
const EVIDENCE_KEYS: usize = 40;

fn evidence_href(id: &str, shown: &Shown) -> String {
    format!("/brief/evidence/{}{}", seg(id), period_arg(shown))
}

/// `GET /brief/evidence/{id}?period=`: the items behind one number of the brief.
pub(crate) async fn evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(q): Query<PeriodQuery>,
    page: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, WebError> {
    let Query(p) = page.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let page = p.page.unwrap_or(1).max(1);
    let seen = state.view().await?;
    // `all` names the whole history (no `period` means the default quarter elsewhere).
    let period = match q.period.as_deref() {
        Some("all") => None,
        other => period_or_default(other, &seen.view)?,
    };
    let shown = Shown {
        period,
        by: period_by(q.period_by.as_deref())?,
    };
    let name = shown.period.as_ref().map_or("all", |p| &p.name).to_string();
    let by = shown.by.as_str();
    let for_brief = shown.clone();
    let b: Arc<Brief> = state
        .derive(&seen, format!("brief struct {name} {by}"), move |v| {
            Ok(brief(&v.snap, &page_scope(&for_brief)))
        })
        .await?;
    let Some(e) = b.evidence.iter().find(|e| e.id == id) else {
        return Err(WebError::NotFound(format!(
            "The brief for {name} has no evidence `{id}`."
        )));
    };
    let (label, keys) = (e.label.clone(), e.keys.clone());
    let key = format!("evidence {name} {by} {id} page={page}");
    report_page(&state, &seen, "items.html", key, move |v| {
        let rows = keys.iter().filter_map(|k| {
            let s = &v.snap.items[v.index.get(k)?];
            Some(ItemRow::new(s, v.snap.links.get(&s.id)))
        });
        let at = |n: usize| format!("{}&page={n}", evidence_href(&id, &shown));
        let described = format!("“{label}” in the brief for {name}");
        list_context(v, rows, page, &described, &at, None)
    })
    .await
}

/// `?q=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct AskQuery {
    q: Option<String>,
}

/// `GET /ask?q=...`: an answer that cites the items and notes behind it.
pub(crate) async fn ask(
    State(state): State<AppState>,
    Query(q): Query<AskQuery>,
) -> Result<Response, WebError> {
    let question: String = q.q.unwrap_or_default().trim().chars().take(500).collect();
    if question.is_empty() {
        return Ok(html(
            "ask.html",
            &json!({ "nav": "ask", "title": "Ask", "question": "" }),
        )?
        .into_response());
    }
    let seen = state.view().await?;
    let key = format!("ask {question}");
    report_page(&state, &seen, "ask.html", key, move |loaded| {
            let snap = &loaded.snap;
            let a = answer(snap, &question, chrono::Utc::now().date_naive());
            let cited: Vec<_> = a
                .cited
                .iter()
                .map(|c| match c.kind {
                    CitationKind::Item => json!({
                        "kind": "item", "key": c.key, "text": c.snippet,
                        "href": key_href(snap, &loaded.index, &c.key),
                    }),
                    CitationKind::Note => json!({ "kind": "note", "key": c.key, "text": c.snippet }),
                })
                .collect();
            json!({ "nav": "ask", "title": "Ask", "question": question, "answer": a.text, "cited": cited })
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_brief_body_drops_the_document_shell() {
        let doc = "<!DOCTYPE html><html><head><title>x</title></head><body>\n<h1>T</h1>\n<h2>A</h2></body></html>";
        assert_eq!(super::body_of(doc), "\n<h2>A</h2>");
    }
}
