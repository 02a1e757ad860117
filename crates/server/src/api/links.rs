//! A person's word on a link: link, confirm, unlink, and a reviewed list of many. The
//! same rules as the CLI's `link`/`confirm`/`unlink`/`link --file`: the target must
//! exist in the strategy in force, "unclear" cannot be set by a person, and confirming
//! copies the effective link as a correction.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_model::{LinkOrigin, LinkTarget};
use throughline_report::{NothingToConfirm, ReviewOutcome, apply_review, confirmation};
use throughline_store::Store;
use utoipa::ToSchema;

use super::contract::{self, check_pattern};
use super::items::find;
use super::{ApiJson, ApiPath, ApiQuery, shapes};
use crate::auth::{Caller, Contributor};
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A person's link for one item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkBody {
    /// `initiative:ID`, `goal:ID` or `off_plan:REASON` (tech_debt, bug_incident,
    /// customer_escalation, sales_commitment, maintenance, exploration, other,
    /// not_covered).
    #[schema(schema_with = contract::target_schema)]
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

/// The team recorded with a write: the token's or the session's, else (no tokens in
/// use) the one given.
pub fn team_of(caller: &Caller, given: Option<String>) -> Option<String> {
    match caller {
        Caller::Token(t) => t.team.clone(),
        Caller::Session(s) => s.team.clone(),
        _ => given.filter(|t| !t.trim().is_empty()),
    }
}

/// A target the strategy in force does not have is a 404, like any name of nothing.
fn check_target(store: &Store, t: &LinkTarget) -> Result<(), ApiError> {
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    strategy
        .check_correction(t)
        .map_err(|e| ApiError::NotFound(e.to_string()))
}

/// Links an item to an initiative, goal or off-plan reason. Overrides selectors and
/// inference, and is kept forever.
#[utoipa::path(post, path = "/api/items/{source}/{key}/link", tag = "items", operation_id = "link_item",
    params(("source" = String, Path), ("key" = String, Path)),
    request_body = LinkBody,
    responses(
        (status = 200, description = "`{item, source, target, origin: \"corrected\", by_team}`", body = shapes::Linked),
        (status = 400, description = "A body not of the documented shape (bad JSON, a missing, mistyped or unknown field, a bad target)", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item, or a goal or initiative the strategy in force does not have", body = ErrorBody),
        (status = 413, description = "A body over 2 MB", body = ErrorBody)))]
pub async fn link(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiPath((source, key)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<LinkBody>,
) -> Result<ApiJson<Value>, ApiError> {
    check_pattern("target", &body.target, &contract::TARGET)?;
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
#[utoipa::path(post, path = "/api/items/{source}/{key}/confirm", tag = "items", operation_id = "confirm_item",
    params(("source" = String, Path), ("key" = String, Path)),
    request_body(content = Option<ConfirmBody>, description = "Optional"),
    responses(
        (status = 200, description = "`{item, source, target, origin: \"corrected\", by_team}`", body = shapes::Linked),
        (status = 400, description = "A body not of the documented shape", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item", body = ErrorBody),
        (status = 409, description = "Nothing to confirm (no link, or the engine could not place it)", body = ErrorBody),
        (status = 413, description = "A body over 2 MB", body = ErrorBody)))]
pub async fn confirm(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiPath((source, key)): ApiPath<(String, String)>,
    body: axum::body::Bytes,
) -> Result<ApiJson<Value>, ApiError> {
    // The body is optional, so it is read as bytes and parsed only when present; JSON
    // `null` is no body too, as the document's optional schema allows.
    let body: ConfirmBody = if body.iter().all(u8::is_ascii_whitespace) {
        ConfirmBody::default()
    } else {
        serde_json::from_slice::<Option<ConfirmBody>>(&body)
            .map_err(|e| ApiError::BadRequest(format!("bad JSON body: {e}")))?
            .unwrap_or_default()
    };
    let team = team_of(&caller, body.team);
    let out = state
        .write(move |store| {
            let item = find(store, &source, &key)?;
            let key = &item.item.key;
            let (target, reason) =
                confirmation(&store.links_of(item.id)?).map_err(|e| match e {
                    NothingToConfirm::NoLink => ApiError::Conflict(format!(
                        "{key} has no link to confirm; POST a link instead"
                    )),
                    NothingToConfirm::Unclear => ApiError::Conflict(format!(
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
#[utoipa::path(delete, path = "/api/items/{source}/{key}/link", tag = "items", operation_id = "unlink_item",
    params(("source" = String, Path), ("key" = String, Path)),
    responses(
        (status = 200, description = "`{item, source, unlinked: true}`", body = shapes::Unlinked),
        (status = 400, description = "A path segment that is not text", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "No such item, or it has no link set by a person (nothing to remove)", body = ErrorBody)))]
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
                return Err(ApiError::NotFound(format!(
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

/// The largest reviewed list taken, in bytes: far more than the 1,000 rows the CSV
/// download offers (about 0.4 MB), well below what would strain the server.
pub const REVIEW_LIMIT: usize = 32 << 20;

/// Who a reviewed list is from, when the server runs without tokens.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// As for [`LinkBody::team`].
    pub team: Option<String>,
}

/// The name a reviewed list is read under, which sets its format: JSON or JSON Lines
/// when the content type says so, else CSV (what `format=csv` and `items --csv` write).
fn review_name(headers: &HeaderMap) -> &'static str {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if kind.contains("ndjson") || kind.contains("jsonl") || kind.contains("json-seq") {
        "review.jsonl"
    } else if kind.contains("json") {
        "review.json"
    } else {
        "review.csv"
    }
}

/// A JSON list's rows must be objects, as the document says: the reader would also take
/// an array as a row (`["PAY-1", "jira", "confirm"]`, serde fills a struct from a
/// sequence by position), which no one writes on purpose. CSV has no such question.
fn rows_are_objects(name: &str, text: &str) -> Result<(), ApiError> {
    use serde_json::Value;
    let refuse = |at: String| {
        Err(ApiError::BadRequest(format!(
            "{name}: {at} is not an object with `key` and `decision`"
        )))
    };
    if name.ends_with(".jsonl") {
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            // A line that is no JSON at all is the reader's to report, with its column.
            if let Ok(v) = serde_json::from_str::<Value>(line)
                && !v.is_object()
            {
                return refuse(format!("line {}", i + 1));
            }
        }
    } else if name.ends_with(".json")
        && let Ok(Value::Array(rows)) = serde_json::from_str::<Value>(text)
        && let Some(i) = rows.iter().position(|r| !r.is_object())
    {
        return refuse(format!("row {}", i + 1));
    }
    Ok(())
}

/// Reads an uploaded reviewed list (`name` names it in errors and, by its extension,
/// says CSV or JSON) and stores its decisions (see [`apply_review`]): the API's and the
/// dashboard's uploads. The file is read before the server's one writer is taken, so a
/// large one does not hold up other people's writes.
pub async fn store_review(
    state: &AppState,
    name: String,
    body: axum::body::Bytes,
    team: Option<String>,
) -> Result<ReviewOutcome, ApiError> {
    let (name, review) = tokio::task::spawn_blocking(move || {
        let text = std::str::from_utf8(&body)
            .map_err(|e| ApiError::BadRequest(format!("{name} is not UTF-8 text: {e}")))?;
        rows_are_objects(&name, text)?;
        let review = throughline_ingest::read_review_text(&name, text)
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        // A list of no rows is a file that lost them (a header alone, `[]`): say so
        // rather than report nothing done.
        if review.rows.is_empty() && review.undecided == 0 {
            return Err(ApiError::BadRequest(format!("{name} has no rows")));
        }
        Ok::<_, ApiError>((name, review))
    })
    .await??;
    state
        .write(move |store| Ok(apply_review(store, &name, &review, team.as_deref())?))
        .await
}

/// Stores a reviewed list: the item list as `GET /api/items?format=csv` gave it, with
/// `decision` (`confirm`, or `initiative:ID`, `goal:ID`, `off_plan:REASON`) and `why`
/// filled in where a person looked. Rows with no decision are left as they are. All or
/// nothing: a row naming no item, a target the strategy does not have or nothing to
/// confirm rejects the whole list, naming its line. CSV by default; JSON or JSON Lines
/// with that content type.
#[utoipa::path(post, path = "/api/items/review", tag = "items", operation_id = "review_items",
    params(ReviewQuery),
    request_body(description = "The reviewed list: rows of `key`, `decision` and optionally `source` and `why` (other columns are read past), as CSV with a header (what `format=csv` writes), a JSON array, or JSON Lines",
        content(
            (shapes::ReviewRows = "text/csv"),
            (shapes::ReviewRows = "application/json"),
            (shapes::ReviewRows = "application/x-ndjson"))),
    responses(
        (status = 200, description = "`{confirmed, linked, undecided}`: rows stored as people's links, and rows left as they were", body = shapes::Reviewed),
        (status = 400, description = "No body, no rows, or not a list that can be read (its line and field are named)", body = ErrorBody),
        (status = 403, description = "Needs the contributor role", body = ErrorBody),
        (status = 404, description = "A row naming no item; nothing was stored", body = ErrorBody),
        (status = 409, description = "A row whose decision the data does not allow (a goal or initiative the strategy in force does not have, or nothing to confirm); nothing was stored", body = ErrorBody),
        (status = 413, description = "A list over 32 MB", body = ErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    Contributor(caller): Contributor,
    ApiQuery(q): ApiQuery<ReviewQuery>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<ApiJson<ReviewOutcome>, ApiError> {
    let team = team_of(&caller, q.team);
    let name = review_name(&headers);
    // Read here, not with the `Bytes` extractor, whose limit (2 MB) fits JSON bodies.
    let body = axum::body::to_bytes(body, REVIEW_LIMIT)
        .await
        .map_err(|_| {
            ApiError::Status(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("a reviewed list can be at most {} MB", REVIEW_LIMIT >> 20),
            )
        })?;
    // The document makes the body required: an empty one is a client that sent nothing,
    // not a list of no rows (a CSV header alone, or `[]`, is that).
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "no reviewed list in the body: send the CSV (or JSON) list".into(),
        ));
    }
    Ok(ApiJson(
        store_review(&state, name.into(), body, team).await?,
    ))
}
