//! API tokens (admin): list, create (the secret is shown once), revoke.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_store::{Role, TokenInfo};
use utoipa::ToSchema;

use super::{ApiJson, ApiPath};
use crate::auth::Admin;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// viewer, contributor or admin.
    pub role: String,
    /// Team recorded with the notes and corrections made with the token.
    pub team: Option<String>,
    /// What the token is for (e.g. "ci", "dashboard"); never a person's name is needed.
    pub name: Option<String>,
}

/// Every token, revoked ones included; never their secrets.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses(
        (status = 200, description = "Tokens without secrets", body = Object),
        (status = 403, description = "Needs the admin role", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<ApiJson<Vec<TokenInfo>>, ApiError> {
    Ok(ApiJson(state.read(|s| Ok(s.tokens()?)).await?))
}

/// Creates a token. Its secret is in this response only; the database keeps a hash.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = TokenBody,
    responses(
        (status = 201, description = "`{token, info}`: the secret, shown once", body = Object),
        (status = 400, description = "A bad role", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
    let role: Role = body.role.parse().map_err(ApiError::BadRequest)?;
    let t = state
        .write(move |s| {
            Ok(s.create_token(
                role,
                body.team.as_deref().filter(|t| !t.trim().is_empty()),
                body.name.as_deref().filter(|t| !t.trim().is_empty()),
            )?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(json!({ "token": t.secret, "info": t.info })),
    ))
}

/// Revokes a token; it stops working at once.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "The token's id (from the list)")),
    responses(
        (status = 200, description = "`{id, revoked: true}`", body = Object),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 404, description = "No live token with this id", body = ErrorBody)))]
pub async fn revoke(
    State(state): State<AppState>,
    _admin: Admin,
    ApiPath(id): ApiPath<i64>,
) -> Result<ApiJson<Value>, ApiError> {
    state.write(move |s| Ok(s.revoke_token(id)?)).await?;
    Ok(ApiJson(json!({ "id": id, "revoked": true })))
}
