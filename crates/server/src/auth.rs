//! Who is calling, and what they may do.
//!
//! A token (`Authorization: Bearer <token>`, or the `throughline_token` cookie for the
//! dashboard) carries a [`Role`] and optionally a team. The [`authenticate`] middleware,
//! installed on the whole app, resolves it once per request into a [`Caller`] in the
//! request's extensions; routes then demand a role either with the [`RequireRole`] layer
//! (a whole router) or with the [`Contributor`] / [`Admin`] extractors (one handler).
//!
//! Without `--auth` on a loopback address nobody needs a token: the caller is
//! [`Caller::Local`], the person at the machine, who may do everything the CLI can.
//! A token that is presented is still checked, so a bad one is refused even then.
//!
//! With an identity provider (`serve --oidc-issuer`, see [`crate::oidc`]) a browser
//! signs in there instead and carries a signed session cookie, read here as
//! [`Caller::Session`] with the role and team its claims gave; tokens keep working for
//! scripts, and win when a request has both.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use throughline_store::{Role, TokenInfo};

use crate::{ApiError, AppState};

/// Name of the cookie the dashboard may keep the token in.
pub const TOKEN_COOKIE: &str = "throughline_token";

/// Who made a request.
#[derive(Debug, Clone)]
pub enum Caller {
    /// Tokens are not required (loopback without `--auth`) and none was given.
    Local,
    /// A valid, unrevoked token.
    Token(TokenInfo),
    /// A person signed in through the identity provider, with a valid session cookie.
    Session(crate::oidc::Session),
    /// No valid token; says why, for the 401 message.
    Anonymous(&'static str),
    /// The server itself computing the first pages ahead of people (see
    /// `web::warm_up`): it may read, never write. Only a request built inside the
    /// process carries the [`WarmUp`] marker, so no client can claim to be this.
    WarmUp,
}

/// Marks a request to a server whose people sign in with an identity provider, so the
/// dashboard sends a browser that is not signed in to `/auth/login` rather than to the
/// token form.
#[derive(Debug, Clone, Copy)]
pub struct SignInWithProvider;

/// Marks a request the server makes to itself to compute pages ahead of people.
#[derive(Debug, Clone, Copy)]
pub struct WarmUp;

impl Caller {
    /// The role this caller acts with, if any.
    pub fn role(&self) -> Option<Role> {
        match self {
            Caller::Local => Some(Role::Admin),
            Caller::Token(t) => Some(t.role),
            Caller::Session(s) => Some(s.role),
            Caller::WarmUp => Some(Role::Viewer),
            Caller::Anonymous(_) => None,
        }
    }

    /// The team recorded with this caller's notes and corrections: the token's team, or
    /// the one the session's claims gave. Local callers have none (handlers may take one
    /// from the request instead).
    pub fn team(&self) -> Option<&str> {
        match self {
            Caller::Token(t) => t.team.as_deref(),
            Caller::Session(s) => s.team.as_deref(),
            _ => None,
        }
    }

    /// Ok if this caller may act as `role`: 401 without a valid token, 403 with too
    /// low a role.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        match self.role() {
            None => Err(ApiError::Unauthorized(match self {
                Caller::Anonymous(why) => (*why).to_string(),
                _ => "a token is required".to_string(),
            })),
            Some(have) if have < role => Err(ApiError::Forbidden(format!(
                "this needs the {role} role; the {} has {have}",
                if matches!(self, Caller::Session(_)) {
                    "signed-in person"
                } else {
                    "token"
                }
            ))),
            Some(_) => Ok(()),
        }
    }
}

/// The token of a request: `Authorization: Bearer <token>` first, else the
/// `throughline_token` cookie. Whitespace around it is ignored.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get(header::AUTHORIZATION)
        && let Ok(v) = v.to_str()
        && let Some((scheme, token)) = v.trim().split_once(' ')
        && scheme.eq_ignore_ascii_case("bearer")
        && !token.trim().is_empty()
    {
        return Some(token.trim().to_string());
    }
    crate::oidc::cookie(headers, TOKEN_COOKIE).map(str::to_string)
}

/// The token in an `/mcp` address's `access_token` query parameter (RFC 6750 section
/// 2.3), for MCP clients that cannot add a header: the reference MCP Inspector's CLI
/// (0.15, the last on Node 20) sends none. Only on `/mcp`: everywhere else a token in an
/// address would end up in browser histories and the `?next=` of the sign-in page.
/// Nothing here logs request addresses, so the token stays out of the logs.
pub fn token_from_mcp_query(uri: &axum::http::Uri) -> Option<String> {
    if uri.path() != "/mcp" {
        return None;
    }
    form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(name, value)| name == "access_token" && !value.trim().is_empty())
        .map(|(_, value)| value.trim().to_string())
}

/// Works out who is calling from the request's headers.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    resolve_token(state, token_from_headers(headers), headers).await
}

/// Works out who is calling from the token the request presented, if any, else from its
/// session cookie when people sign in with an identity provider.
async fn resolve_token(
    state: &AppState,
    token: Option<String>,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    match token {
        Some(token) => Ok(match state.verify_token(&token).await? {
            Some(info) => Caller::Token(info),
            None => Caller::Anonymous("the token is not valid (unknown or revoked)"),
        }),
        None if state.oidc().is_some() => Ok(match state.oidc().and_then(|o| o.session(headers)) {
            Some(Ok(session)) => Caller::Session(session),
            Some(Err(why)) => Caller::Anonymous(why),
            None => Caller::Anonymous(
                "sign in at /auth/login, or send `Authorization: Bearer <token>` \
                     (create one with `throughline token create`)",
            ),
        }),
        None if state.auth_required() => Ok(Caller::Anonymous(
            "a token is required: send `Authorization: Bearer <token>` \
             (create one with `throughline token create`)",
        )),
        None => Ok(Caller::Local),
    }
}

/// Middleware: resolves the [`Caller`] once and puts it in the request's extensions.
/// It never refuses a request itself; [`RequireRole`] and the extractors do.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if req.extensions().get::<WarmUp>().is_some() {
        req.extensions_mut().insert(Caller::WarmUp);
        return next.run(req).await;
    }
    if state.oidc().is_some() {
        req.extensions_mut().insert(SignInWithProvider);
    }
    let token = token_from_headers(req.headers()).or_else(|| token_from_mcp_query(req.uri()));
    match resolve_token(&state, token, req.headers()).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match parts.extensions.get::<Caller>() {
            Some(c) => Ok(c.clone()),
            // Without the middleware (a router used on its own), resolve here.
            None => resolve(state, &parts.headers).await,
        }
    }
}

/// Extractor: the caller, who must have at least the contributor role. Runs before the
/// body is read, so a missing role is reported before a malformed body.
#[derive(Debug, Clone)]
pub struct Contributor(pub Caller);

impl FromRequestParts<AppState> for Contributor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let c = Caller::from_request_parts(parts, state).await?;
        c.require(Role::Contributor)?;
        Ok(Contributor(c))
    }
}

/// Extractor: the caller, who must have the admin role.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let c = Caller::from_request_parts(parts, state).await?;
        c.require(Role::Admin)?;
        Ok(Admin(c))
    }
}

/// Layer: refuses requests whose [`Caller`] lacks this role (401 or 403, JSON body).
/// Needs [`authenticate`] in front of it (as [`crate::app`] installs); without it every
/// request is refused, so a wiring mistake fails closed.
///
/// ```ignore
/// Router::new().route("/x", get(x)).route_layer(RequireRole(Role::Viewer))
/// ```
#[derive(Debug, Clone, Copy)]
pub struct RequireRole(pub Role);

impl<S> tower_layer::Layer<S> for RequireRole {
    type Service = RequireRoleService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireRoleService {
            inner,
            role: self.0,
        }
    }
}

/// The service [`RequireRole`] wraps around routes.
#[derive(Debug, Clone)]
pub struct RequireRoleService<S> {
    inner: S,
    role: Role,
}

impl<S> tower_service::Service<Request> for RequireRoleService<S>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let verdict = match req.extensions().get::<Caller>() {
            Some(c) => c.require(self.role),
            None => Err(ApiError::Unauthorized(
                "no caller resolved (the authentication middleware is not installed)".into(),
            )),
        };
        match verdict {
            Ok(()) => {
                // The clone that was polled ready is the one to call (tower's contract).
                let clone = self.inner.clone();
                let mut inner = std::mem::replace(&mut self.inner, clone);
                Box::pin(async move { inner.call(req).await })
            }
            Err(e) => Box::pin(async move { Ok(e.into_response()) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::token_from_mcp_query;

    fn token(uri: &str) -> Option<String> {
        token_from_mcp_query(&uri.parse().expect("a URI"))
    }

    #[test]
    fn an_access_token_in_the_address_counts_on_mcp_only() {
        assert_eq!(token("/mcp?access_token=tl_abc"), Some("tl_abc".into()));
        assert_eq!(
            token("/mcp?x=1&access_token=tl%2Bab%20"),
            Some("tl+ab".into())
        );
        assert_eq!(token("/mcp?access_token="), None);
        assert_eq!(token("/mcp"), None);
        assert_eq!(token("/api/status?access_token=tl_abc"), None);
        assert_eq!(token("/mcp/other?access_token=tl_abc"), None);
    }
}
