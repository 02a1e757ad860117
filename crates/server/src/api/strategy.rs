//! The strategy: read it, its history, and (admin) replace it with a new version.

use axum::response::{IntoResponse, Response};
use serde_json::json;
use throughline_report::relink;

use super::{ApiJson, shapes};
use crate::auth::Admin;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// The strategy in force and its version.
#[utoipa::path(get, path = "/api/strategy", tag = "strategy", operation_id = "get_strategy",
    responses(
        (status = 200, description = "`{version, strategy}`: goals, metrics, initiatives", body = shapes::StrategyInForce,
            links(
                ("items_of_first_goal" = (operation_id = "list_items", parameters(("goal" = "$response.body#/strategy/goals/0/id")))),
                ("notes_on_first_goal" = (operation_id = "list_notes", parameters(("on" = "goal:{$response.body#/strategy/goals/0/id}")))),
            )),
        (status = 404, description = "No strategy applied yet", body = ErrorBody)))]
pub async fn get_strategy(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Response, ApiError> {
    let seen = state.view().await?;
    let snap = &seen.view.snap;
    let Some(version) = snap.strategy_version else {
        return Err(ApiError::NotFound(
            "no strategy applied yet; PUT one to /api/strategy (admin) or run \
             `throughline strategy apply FILE`"
                .into(),
        ));
    };
    Ok(
        seen.mark(
            ApiJson(json!({ "version": version, "strategy": snap.strategy })).into_response(),
        ),
    )
}

/// Every applied version, oldest first.
#[utoipa::path(get, path = "/api/strategy/history", tag = "strategy", operation_id = "strategy_history",
    responses((status = 200, description = "Versions with when they were applied and their size, oldest first", body = Vec<Object>)))]
pub async fn history(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<Response, ApiError> {
    let h = state.read(|s| Ok(s.strategy_history()?)).await?;
    Ok(ApiJson(h).into_response())
}

/// Replaces the strategy with a new version (the strategy file's TOML as the body), then
/// re-links all work to it: explicit links from the selectors, inference for the rest.
/// Slow on large databases (inference runs over every unlinked item).
#[utoipa::path(put, path = "/api/strategy", tag = "strategy", operation_id = "put_strategy",
    request_body(description = "A strategy file's TOML (see `throughline strategy example`); read as text whatever the content type",
        content((String = "application/toml"), (String = "text/plain"))),
    responses(
        (status = 200, description = "`{version, links, inferred}`", body = shapes::StrategyApplied),
        (status = 400, description = "Empty, not UTF-8, or a file with problems (`problems`: each with its line)", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 413, description = "A body over 2 MB", body = ErrorBody)))]
pub async fn put_strategy(
    axum::extract::State(state): axum::extract::State<AppState>,
    _admin: Admin,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::BadRequest("the strategy file must be UTF-8 text".into()))?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "empty body: send the strategy file's TOML".into(),
        ));
    }
    let file = throughline_strategy::parse_file(&text)?;
    let out = state
        .write(move |store| {
            let (version, _) =
                store.apply_strategy_with_teams(&file.strategy, &file.teams, &text, Some("api"))?;
            let work = relink::Work::new();
            let links = relink::explicit_links(store, &work).map_err(relink_error)?;
            // A new strategy changes what every item could serve: infer all again.
            let inferred =
                relink::infer_links(store, &work, true, &|_, _| {}).map_err(relink_error)?;
            Ok(json!({ "version": version, "links": links, "inferred": inferred }))
        })
        .await?;
    Ok(ApiJson(out).into_response())
}

fn relink_error(e: relink::RelinkError) -> ApiError {
    match e {
        relink::RelinkError::Store(e) => e.into(),
        // The engine refusing the new strategy (nothing to align to) is about the file.
        relink::RelinkError::Sense(e) => ApiError::BadRequest(e.to_string()),
    }
}
