//! One item (`/items/{source}/{key}`): everything known about it, why it is linked where
//! it is, and forms to confirm or correct the link and to add a context note.
//!
//! The forms post here and redirect back to the page (post/redirect/get), so a reload
//! never re-sends them and they work without JavaScript. Writes go through the server's
//! single writer; the page itself reads through a fresh connection, not the cached
//! snapshot, so it is quick and current right after a write.

use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_model::{ContextNote, LinkOrigin, LinkTarget, NoteKind, NoteTarget, OffPlanReason};
use throughline_report::{confirmation, effective_links, engine_candidates};
use throughline_store::{Store, StoredItem};

use super::html;
use crate::ApiError;
use crate::AppState;
use crate::auth::Caller;
use crate::web::WebError;
use crate::web::util::{
    back_to_list, form_text, item_href, origin_label, seg, target_label, team_of,
};

/// `?saved=` and `?problem=` after a form was sent.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Flash {
    saved: Option<String>,
    problem: Option<String>,
}

fn find(store: &Store, source: &str, key: &str) -> Result<StoredItem, ApiError> {
    store
        .find_item(Some(source), key)?
        .ok_or_else(|| ApiError::NotFound(format!("There is no item `{key}` from `{source}`.")))
}

/// `GET /items/{source}/{key}`.
pub(crate) async fn page(
    State(state): State<AppState>,
    caller: Caller,
    Path((source, key)): Path<(String, String)>,
    Query(flash): Query<Flash>,
) -> Result<Html<String>, WebError> {
    let mut ctx = state
        .read(move |store| {
            let found = find(store, &source, &key)?;
            context(store, &found, &flash)
        })
        .await?;
    // The forms only for those whose post would be taken (see `access::require_role`):
    // a viewer shown a form that is then refused has been misled.
    ctx["can_write"] = json!(can_write(&caller));
    html("item.html", &ctx)
}

/// Whether `caller` may send the dashboard's forms (correct, confirm, note, review).
pub(crate) fn can_write(caller: &Caller) -> bool {
    caller.require(throughline_store::Role::Contributor).is_ok()
}

fn saved_text(s: &str) -> Option<&'static str> {
    Some(match s {
        "linked" => {
            "Saved: the link you chose now counts for this item. The engine learns from it on the next align."
        }
        "confirmed" => "Saved: you confirmed this link; it is now a person's link.",
        "unlinked" => "Removed your link; tracker facts and the engine's inference apply again.",
        "note" => "Saved: your note is added below.",
        _ => return None,
    })
}

fn problem_text(s: &str) -> Option<&'static str> {
    Some(match s {
        "target" => "Choose where this item belongs from the list, then save.",
        "nothing" => "There is no link to confirm yet; choose where the item belongs instead.",
        "note" => "Write the note before adding it (up to 4,000 characters).",
        "kind" => "Choose what kind of note it is.",
        _ => return None,
    })
}

fn context(store: &Store, found: &StoredItem, flash: &Flash) -> Result<Value, ApiError> {
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    let it = &found.item;
    let rows = store.links_of(found.id)?;
    // With the other initiatives the selectors place it under, as reports count it.
    let mut effective = effective_links(&rows);
    let also = store.also_links_of(found.id)?;
    throughline_report::attach_also(&mut effective, [(found.id, also)].into());
    let effective = effective.remove(&found.id);
    let notes: Vec<Value> = store
        .notes_for_item(&it.source, &it.key)?
        .into_iter()
        .map(|n| {
            // The author's team, never their name: notes travel upward as the team's words.
            json!({ "kind": n.kind.as_str().replace('_', " "), "text": n.text, "date": n.date.to_string(), "team": n.author_team })
        })
        .collect();
    let ts = |t: Option<throughline_model::Timestamp>| t.map(|t| t.format("%Y-%m-%d").to_string());
    let facts: Vec<Value> = [
        ("Source", Some(it.source.clone())),
        ("Type", it.item_type.clone()),
        ("Status", it.status.clone()),
        ("Team", it.team.clone()),
        // The single place a person's name appears: one item, looked at on purpose.
        ("Assignee", it.assignee.clone()),
        ("Epic", it.epic_key.clone()),
        ("Parent", it.parent_key.clone()),
        ("Project", it.project.clone()),
        ("Area", it.area_path.clone()),
        ("Sprint", it.sprint.clone()),
        (
            "Labels",
            (!it.labels.is_empty()).then(|| it.labels.join(", ")),
        ),
        (
            "Components",
            (!it.components.is_empty()).then(|| it.components.join(", ")),
        ),
        ("Estimate", it.estimate.map(|e| format!("{e}"))),
        ("Created", ts(it.created)),
        ("Started", ts(it.started)),
        ("Resolved", ts(it.resolved)),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| json!({ "k": k, "v": v })))
    .collect();

    let current = effective.as_ref().map(|e| e.target.clone());
    let opt = |t: LinkTarget, label: String| json!({ "value": t.to_string(), "label": label, "selected": current.as_ref() == Some(&t) });
    let groups: Vec<Value> = strategy
        .goals
        .iter()
        .map(|g| {
            let mut options = vec![opt(
                LinkTarget::Goal(g.id.clone()),
                format!("{} (the goal itself)", g.title),
            )];
            options.extend(
                strategy
                    .initiatives_of(&g.id)
                    .map(|i| opt(LinkTarget::Initiative(i.id.clone()), i.title.clone())),
            );
            json!({ "label": format!("Goal: {}", g.title), "options": options })
        })
        .chain(std::iter::once(json!({
            "label": "Off plan",
            "options": OffPlanReason::ALL.iter().map(|r| opt(LinkTarget::OffPlan(*r), format!("off plan: {}", r.label()))).collect::<Vec<_>>(),
        })))
        .collect();

    let base = item_href(&it.source, &it.key);
    let description = throughline_report::item_text::item_description(it, 4000);
    Ok(json!({
        "nav": "item",
        "title": format!("{} {}", it.key, it.title),
        "item": {
            "key": it.key, "title": it.title, "source": it.source, "url": it.url,
            "description": description, "facts": facts,
        },
        "effective": effective.as_ref().map(|e| json!({
            "target": target_label(&e.target, &strategy),
            "origin": e.origin.as_str(),
            "origin_label": origin_label(e.origin),
            "confidence": e.confidence,
            "confidence_pct": format!("{:.0}%", e.confidence * 100.0),
            "reason": e.reason,
            "unclear": e.target == LinkTarget::Unclear,
            "also": e.also.iter().map(|i| target_label(&LinkTarget::Initiative(i.clone()), &strategy)).collect::<Vec<_>>(),
        })),
        // The runner-up is often the link to choose in the form below.
        "candidates": engine_candidates(&rows).iter()
            .map(|c| json!({ "target": target_label(&c.target, &strategy), "pct": format!("{:.0}%", c.probability * 100.0) }))
            .collect::<Vec<_>>(),
        "others": rows.iter().filter(|r| Some(r.origin) != effective.as_ref().map(|e| e.origin)).map(|r| json!({
            "origin_label": origin_label(r.origin), "target": target_label(&r.target, &strategy),
            "confidence_pct": format!("{:.0}%", r.confidence * 100.0), "reason": r.reason,
        })).collect::<Vec<_>>(),
        "can_confirm": effective.as_ref().is_some_and(|e| e.origin != LinkOrigin::Corrected && e.target != LinkTarget::Unclear),
        "corrected": has_correction(&rows),
        "groups": groups,
        "note_kinds": NoteKind::ALL.iter().map(|k| json!({ "value": k.as_str(), "label": k.as_str().replace('_', " ") })).collect::<Vec<_>>(),
        "notes": notes,
        "saved": flash.saved.as_deref().and_then(saved_text),
        "problem": flash.problem.as_deref().and_then(problem_text),
        "actions": {
            "link": format!("{base}/link"), "confirm": format!("{base}/confirm"),
            "unlink": format!("{base}/unlink"), "notes": format!("{base}/notes"),
        },
    }))
}

/// The correction form.
#[derive(Debug, Deserialize)]
pub(crate) struct LinkForm {
    target: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    team: String,
}

/// The note form.
#[derive(Debug, Deserialize)]
pub(crate) struct NoteForm {
    kind: String,
    text: String,
    #[serde(default)]
    team: String,
}

fn back(source: &str, key: &str, what: &str, anchor: &str) -> Redirect {
    Redirect::to(&format!("{}?{what}#{anchor}", item_href(source, key)))
}

/// `POST /items/{source}/{key}/link`: a person says where the item belongs.
pub(crate) async fn link(
    State(state): State<AppState>,
    caller: Caller,
    Path((source, key)): Path<(String, String)>,
    axum::Form(f): axum::Form<LinkForm>,
) -> Result<Redirect, WebError> {
    let team = team_of(&caller, &f.team);
    let to = state
        .write(move |w| {
            let found = find(w, &source, &key)?;
            let strategy = w.strategy()?.map(|(_, s)| s).unwrap_or_default();
            let target = match f.target.parse::<LinkTarget>() {
                Ok(t) if strategy.check_correction(&t).is_ok() => t,
                _ => return Ok(back(&source, &key, "problem=target", "link")),
            };
            let reason =
                form_text(&f.reason).unwrap_or_else(|| "set by a person in the dashboard".into());
            w.set_correction(found.id, &target, team.as_deref(), &reason)?;
            Ok(back(&source, &key, "saved=linked", "link"))
        })
        .await?;
    Ok(to)
}

/// The confirm form: from the item page, or from a row of the review queue, which sends
/// the list's address to return to.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ConfirmForm {
    #[serde(default)]
    back: String,
}

/// `POST /items/{source}/{key}/confirm`: a person agrees with the current link.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path((source, key)): Path<(String, String)>,
    axum::Form(form): axum::Form<ConfirmForm>,
) -> Result<Redirect, WebError> {
    let to = state
        .write(move |w| {
            let found = find(w, &source, &key)?;
            let Ok((target, reason)) = confirmation(&w.links_of(found.id)?) else {
                return Ok(back(&source, &key, "problem=nothing", "link"));
            };
            let team = caller.team().map(str::to_string);
            w.set_correction(found.id, &target, team.as_deref(), &reason)?;
            let said = format!("confirmed={}", seg(&found.item.key));
            Ok(back_to_list(&form.back, &said)
                .unwrap_or_else(|| back(&source, &key, "saved=confirmed", "link")))
        })
        .await?;
    Ok(to)
}

/// `POST /items/{source}/{key}/unlink`: removes a person's link.
pub(crate) async fn unlink(
    State(state): State<AppState>,
    Path((source, key)): Path<(String, String)>,
) -> Result<Redirect, WebError> {
    let to = state
        .write(move |w| {
            let found = find(w, &source, &key)?;
            w.delete_links(LinkOrigin::Corrected, &[found.id])?;
            Ok(back(&source, &key, "saved=unlinked", "link"))
        })
        .await?;
    Ok(to)
}

/// `POST /items/{source}/{key}/notes`: adds a context note to the item.
pub(crate) async fn add_note(
    State(state): State<AppState>,
    caller: Caller,
    Path((source, key)): Path<(String, String)>,
    axum::Form(f): axum::Form<NoteForm>,
) -> Result<Redirect, WebError> {
    let team = team_of(&caller, &f.team);
    let Some(kind) = NoteKind::parse(&f.kind) else {
        return Ok(back(&source, &key, "problem=kind", "add-note"));
    };
    let text = f.text.trim().to_string();
    if text.is_empty() || text.chars().count() > 4000 {
        return Ok(back(&source, &key, "problem=note", "add-note"));
    }
    let to = state
        .write(move |w| {
            let found = find(w, &source, &key)?;
            let note = ContextNote {
                target: NoteTarget::Item {
                    source: found.item.source.clone(),
                    key: found.item.key.clone(),
                },
                kind,
                text,
                author_team: team,
                author_name: None,
                date: chrono::Utc::now().date_naive(),
            };
            w.add_notes(std::slice::from_ref(&note))?;
            Ok(back(&source, &key, "saved=note", "notes"))
        })
        .await?;
    Ok(to)
}

/// Whether a correction exists among an item's stored links.
fn has_correction(rows: &[throughline_store::LinkRow]) -> bool {
    rows.iter().any(|l| l.origin == LinkOrigin::Corrected)
}
