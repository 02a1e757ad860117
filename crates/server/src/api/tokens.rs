//! API tokens (admin): list, create (the secret is shown once), revoke.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use throughline_store::{Role, TokenInfo};
use utoipa::ToSchema;

use super::contract::{self, check_enum};
use super::{ApiJson, ApiPath, shapes};
use crate::auth::Admin;
use crate::error::ErrorBody;
use crate::{ApiError, AppState};

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenBody {
    /// viewer, contributor or admin.
    #[schema(value_type = RoleName)]
    pub role: String,
    /// Team recorded with the notes and corrections made with the token.
    pub team: Option<String>,
    /// What the token is for (e.g. "ci", "dashboard"); never a person's name is needed.
    pub name: Option<String>,
}

/// The roles, for the document (the handler checks against [`contract::ROLES`]).
#[derive(serde::Serialize, ToSchema)]
#[allow(dead_code)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Viewer,
    Contributor,
    Admin,
}

/// Every token, revoked ones included; never their secrets.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", operation_id = "list_tokens",
    responses(
        (status = 200, description = "Tokens without secrets", body = Vec<shapes::Token>),
        (status = 403, description = "Needs the admin role", body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _admin: Admin,
) -> Result<ApiJson<Vec<TokenInfo>>, ApiError> {
    Ok(ApiJson(state.read(|s| Ok(s.tokens()?)).await?))
}

/// Creates a token. Its secret is in this response only; the database keeps a hash.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", operation_id = "create_token", request_body = TokenBody,
    responses(
        (status = 201, description = "`{token, info}`: the secret, shown once", body = shapes::TokenCreated,
            links(("revoke" = (operation_id = "revoke_token", parameters(("id" = "$response.body#/info/id")))))),
        (status = 400, description = "A body not of the documented shape (bad JSON, a missing, mistyped or unknown field, a bad role)", body = ErrorBody),
        (status = 403, description = "Needs the admin role", body = ErrorBody),
        (status = 413, description = "A body over 2 MB", body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    _admin: Admin,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, ApiJson<Value>), ApiError> {
    check_enum("role", &body.role, contract::ROLES)?;
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
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", operation_id = "revoke_token",
    params(("id" = i64, Path, description = "The token's id (from the list)")),
    responses(
        (status = 200, description = "`{id, revoked: true}`", body = shapes::Revoked),
        (status = 400, description = "An id that is not a 64-bit integer", body = ErrorBody),
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
