//! Context notes: list them, and (contributors) add one.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_model::{ContextNote, NoteKind, NoteTarget};
use throughline_store::Store;
use utoipa::{IntoParams, ToSchema};

use super::contract::{self, check_enum, check_pattern};
use super::links::team_of;
use super::{ApiJson, ApiQuery, shapes};
use crate::auth::Contributor;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// Longest note accepted, in characters: a note is a few sentences, not a document.
const MAX_NOTE: usize = 4000;

/// Which notes to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotesQuery {
    /// `item:SOURCE:KEY`, `item:KEY`, `initiative:ID` or `goal:ID`; all notes without it.
    pub on: Option<String>,
}

/// A new note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    /// `item:SOURCE:KEY`, `item:KEY`, `initiative:ID` or `goal:ID`.
    #[schema(schema_with = contract::note_target_schema)]
    pub on: String,
    /// why, trade_off, learning, risk or customer_signal (default why).
    #[schema(value_type = Option<NoteKindName>)]
    pub kind: Option<String>,
    /// The note itself: some text that is not only spaces, at most 4000 characters.
    #[schema(schema_with = contract::note_text_schema)]
    pub text: String,
    /// Day of the note, YYYY-MM-DD (default today).
    #[schema(schema_with = contract::date_schema)]
    pub date: Option<chrono::NaiveDate>,
    /// The team to record when the server runs without tokens; with a token, the
    /// token's team is recorded instead.
    pub team: Option<String>,
}

/// The kinds of note, for the document (the handler checks against
/// [`contract::NOTE_KINDS`], which a test holds equal to this).
#[derive(serde::Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub enum NoteKindName {
    Why,
    TradeOff,
    Learning,
    Risk,
    CustomerSignal,
}

/// A note as the API shows it: with the author's team, never their name.
pub fn public(n: ContextNote) -> Value {
    json!({ "target": n.target, "kind": n.kind, "text": n.text,
        "author_team": n.author_team, "date": n.date })
}

fn parse_target(s: &str) -> Result<NoteTarget, ApiError> {
    let bad = || {
        ApiError::BadRequest(format!(
            "`{s}` is not a note target: use item:SOURCE:KEY, item:KEY, initiative:ID or goal:ID"
        ))
    };
    check_pattern("on", s, &contract::NOTE_TARGET).map_err(|_| bad())?;
    let (kind, rest) = s.trim().split_once(':').ok_or_else(bad)?;
    if rest.trim().is_empty() {
        return Err(bad());
    }
    Ok(match kind.trim().to_ascii_lowercase().as_str() {
        "item" => match rest.split_once(':') {
            Some((source, key)) if !source.is_empty() && !key.is_empty() => NoteTarget::Item {
                source: source.into(),
                key: key.into(),
            },
            _ => NoteTarget::Item {
                source: String::new(),
                key: rest.into(),
            },
        },
        "initiative" => NoteTarget::Initiative { id: rest.into() },
        "goal" => NoteTarget::Goal { id: rest.into() },
        _ => return Err(bad()),
    })
}

/// Fills in an item's source when only its key was named, and checks the target exists.
fn resolve(store: &Store, t: NoteTarget) -> Result<NoteTarget, ApiError> {
    match t {
        NoteTarget::Item { source, key } => {
            let src = (!source.is_empty()).then_some(source.as_str());
            let found = store
                .find_item(src, &key)?
                .ok_or_else(|| ApiError::NotFound(format!("no item `{key}` in the database")))?;
            Ok(NoteTarget::Item {
                source: found.item.source,
                key,
            })
        }
        NoteTarget::Initiative { id } => {
            let s = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
            if s.initiative(&id).is_none() {
                return Err(ApiError::NotFound(format!(
                    "no initiative `{id}` in the strategy in force"
                )));
            }
            Ok(NoteTarget::Initiative { id })
        }
        NoteTarget::Goal { id } => {
            let s = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
            if s.goal(&id).is_none() {
                return Err(ApiError::NotFound(format!(
                    "no goal `{id}` in the strategy in force"
                )));
            }
            Ok(NoteTarget::Goal { id })
        }
    }
}

/// Notes, oldest first, optionally for one item, initiative or goal.
#[utoipa::path(get, path = "/api/notes", tag = "notes", operation_id = "list_notes", params(NotesQuery),
    responses(
        (status = 200, description = "Notes with the author's team (never their name)", body = Vec<shapes::Note>),
        (status = 400, description = "An `on` not of the documented form", body = ErrorBody),
        (status = 404, description = "`on` names nothing known", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<NotesQuery>,
) -> Result<ApiJson<Vec<Value>>, ApiError> {
    let want = q.on.as_deref().map(parse_target).transpose()?;
    let out = state
        .read(move |store| {
            let want = want.map(|t| resolve(store, t)).transpose()?;
            let notes = match &want {
                Some(NoteTarget::Item { source, key }) => store.notes_for_item(source, key)?,
                _ => store.notes()?,
            };
            Ok(notes
                .into_iter()
                .filter(|n| want.as_ref().is_none_or(|w| &n.target == w))
                .map(public)
                .collect())
        })
        .await?;
    Ok(ApiJson(out))
}

/// Adds a note. The author's team comes from the token; no name is recorded.
#[utoipa::path(post, path = "/api/notes", tag = "notes", operation_id = "add_note", request_body = NoteBody,
    responses(
        (status = 201, description = "The note as stored", body = shapes::Note,
            links(("notes_on_it" = (operation_id = "list_notes", parameters(("on" = "$request.body#/on")))))),
        (status = 400, description = "A body not of the documented shape (bad JSON, a missing, mistyped or unknown field, a bad kind, target or date, a blank or too long text)", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "The target does not exist", body = ErrorBody),
        (status = 413, description = "A body over 2 MB", body = ErrorBody)))]
pub async fn add(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiJson(body): ApiJson<NoteBody>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
    if let Some(k) = &body.kind {
        check_enum("kind", k, contract::NOTE_KINDS)?;
    }
    let kind = match body.kind.as_deref() {
        None => NoteKind::Why,
        Some(k) => NoteKind::parse(k).ok_or_else(|| {
            ApiError::BadRequest(format!(
                "`{k}` is not a note kind: use why, trade_off, learning, risk or customer_signal"
            ))
        })?,
    };
    // Counted as sent, as the document's `maxLength` counts, then stored trimmed.
    if body.text.chars().count() > MAX_NOTE {
        return Err(ApiError::BadRequest(format!(
            "`text` is longer than {MAX_NOTE} characters"
        )));
    }
    let text = body.text.trim().to_string();
    check_pattern("text", &body.text, &contract::NOT_BLANK)
        .map_err(|_| ApiError::BadRequest("`text` is empty".into()))?;
    let target = parse_target(&body.on)?;
    let author_team = team_of(&caller, body.team);
    let date = body.date.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let note = state
        .write(move |store| {
            let note = ContextNote {
                target: resolve(store, target)?,
                kind,
                text,
                author_team,
                author_name: None,
                date,
            };
            store.add_notes(std::slice::from_ref(&note))?;
            Ok(note)
        })
        .await?;
    Ok((StatusCode::CREATED, ApiJson(public(note))))
}
