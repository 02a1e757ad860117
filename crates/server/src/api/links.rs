//! A person's word on a link: link, confirm, unlink. The same rules as the CLI's
//! `link`/`confirm`/`unlink`: the target must exist in the strategy in force, "unclear"
//! cannot be set by a person, and confirming copies the effective link as a correction.

use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_model::{LinkOrigin, LinkTarget};
use throughline_report::{NothingToConfirm, confirmation};
use throughline_store::Store;
use utoipa::ToSchema;

use super::items::find;
use super::{ApiJson, ApiPath};
use crate::auth::{Caller, Contributor};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A person's link for one item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// `initiative:ID`, `goal:ID` or `off_plan:REASON` (tech_debt, bug_incident,
    /// customer_escalation, sales_commitment, maintenance, exploration, other).
    pub target: String,
    /// Why, in a few words; kept with the link.
    pub reason: Option<String>,
    /// The team to record when the server runs without tokens; with a token, the
    /// token's team is recorded instead.
    pub team: Option<String>,
}

/// Optional body of a confirmation.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmBody {
    /// As for [`LinkBody::team`].
    pub team: Option<String>,
}

/// The team recorded with a write: the token's, else (no tokens in use) the one given.
pub fn team_of(caller: &Caller, given: Option<String>) -> Option<String> {
    match caller {
        Caller::Token(t) => t.team.clone(),
        _ => given.filter(|t| !t.trim().is_empty()),
    }
}

fn check_target(store: &Store, t: &LinkTarget) -> Result<(), ApiError> {
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    strategy
        .check_correction(t)
        .map_err(|e| ApiError::unprocessable(e.to_string()))
}

/// Links an item to an initiative, goal or off-plan reason. Overrides selectors and
/// inference, and is kept forever.
#[utoipa::path(post, path = "/api/items/{source}/{key}/link", tag = "items",
    params(("source" = String, Path), ("key" = String, Path)),
    request_body = LinkBody,
    responses(
        (status = 200, description = "`{item, target, origin: \"corrected\", by_team}`", body = Object),
        (status = 400, description = "Bad JSON or target syntax", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Target not in the strategy, or a missing field", body = ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiPath((source, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<ApiJson<Value>, ApiError> {
    let target: LinkTarget = body
        .target
        .parse()
        .map_err(|e: throughline_model::ParseTargetError| ApiError::BadRequest(e.to_string()))?;
    let team = team_of(&caller, body.team);
    let reason = body
        .reason
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "set by a person".into());
    let out = state
        .write(move |store| {
            let item = find(store, &source, &key)?;
            check_target(store, &target)?;
            store.set_correction(item.id, &target, team.as_deref(), &reason)?;
            Ok(json!({ "item": item.item.key, "source": item.item.source,
                "target": target.to_string(), "origin": "corrected", "by_team": team }))
        })
        .await?;
    Ok(ApiJson(out))
}

/// Confirms the item's current link as a person's, so it is kept and learned from.
#[utoipa::path(post, path = "/api/items/{source}/{key}/confirm", tag = "items",
    params(("source" = String, Path), ("key" = String, Path)),
    request_body(content = Option<ConfirmBody>, description = "Optional"),
    responses(
        (status = 200, description = "`{item, target, origin: \"corrected\", by_team}`", body = Object),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "Nothing to confirm (no link, or unclear)", body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiPath((source, key)): ApiPath<(String, String)>,
    body: axum::body::Bytes,
) -> Result<ApiJson<Value>, ApiError> {
    // The body is optional, so it is read as bytes and parsed only when present.
    let body: ConfirmBody = if body.iter().all(u8::is_ascii_whitespace) {
        ConfirmBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))?
    };
    let team = team_of(&caller, body.team);
    let out = state
        .write(move |store| {
            let item = find(store, &source, &key)?;
            let key = &item.item.key;
            let (target, reason) =
                confirmation(&store.links_of(item.id)?).map_err(|e| match e {
                    NothingToConfirm::NoLink => ApiError::unprocessable(format!(
                        "{key} has no link to confirm; POST a link instead"
                    )),
                    NothingToConfirm::Unclear => ApiError::unprocessable(format!(
                        "{key}: the engine could not place it, so there is nothing to \
                         confirm; POST a link to say where it belongs"
                    )),
                })?;
            store.set_correction(item.id, &target, team.as_deref(), &reason)?;
            Ok(json!({ "item": item.item.key, "source": item.item.source,
                "target": target.to_string(), "origin": "corrected", "by_team": team }))
        })
        .await?;
    Ok(ApiJson(out))
}

/// Removes a person's link; selectors and inference apply again.
#[utoipa::path(delete, path = "/api/items/{source}/{key}/link", tag = "items",
    params(("source" = String, Path), ("key" = String, Path)),
    responses(
        (status = 200, description = "`{item, unlinked: true}`", body = Object),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 422, description = "The item has no link set by a person", body = ErrorBody)))]
pub async fn unlink(
    State(state): State<AppState>,
    _c: Contributor,
    ApiPath((source, key)): ApiPath<(String, String)>,
) -> Result<ApiJson<Value>, ApiError> {
    let out = state
        .write(move |store| {
            let item = find(store, &source, &key)?;
            let had = store
                .links_of(item.id)?
                .into_iter()
                .any(|l| l.origin == LinkOrigin::Corrected);
            if !had {
                return Err(ApiError::unprocessable(format!(
                    "{} has no link set by a person; explicit links come from the strategy's \
                     selectors, inferred ones from the engine",
                    item.item.key
                )));
            }
            store.delete_links(LinkOrigin::Corrected, &[item.id])?;
            Ok(json!({ "item": item.item.key, "source": item.item.source, "unlinked": true }))
        })
        .await?;
    Ok(ApiJson(out))
}
