//! Who may see and change what in the dashboard, and how a browser signs in.
//!
//! The app's `auth::authenticate` middleware has already put the [`Caller`] in the
//! request. Pages need the viewer role, forms the contributor role. Without `--auth` on
//! loopback everyone is the local user and none of this shows. With it, a browser signs
//! in once by pasting a token at `/sign-in`, which keeps it in the `throughline_token`
//! cookie (HttpOnly, SameSite=Strict) that the auth middleware already reads.

use axum::Form;
use axum::extract::{Query, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::WebError;
use super::pages::html;
use crate::AppState;
use crate::auth::{Caller, Role, SignInWithProvider, TOKEN_COOKIE};

/// Route layer: GET needs a viewer, POST a contributor. Fails closed when the auth
/// middleware is missing.
pub(crate) async fn require_role(req: Request, next: Next) -> Response {
    let need = if req.method() == Method::POST {
        Role::Contributor
    } else {
        Role::Viewer
    };
    let next_path = req
        .uri()
        .path_and_query()
        .map_or("/".to_string(), |p| p.as_str().to_string());
    let caller = req.extensions().get::<Caller>().cloned();
    let sign_in = if req.extensions().get::<SignInWithProvider>().is_some() {
        "/auth/login"
    } else {
        "/sign-in"
    };
    match caller.as_ref().map(|c| c.require(need)) {
        Some(Ok(())) => next.run(req).await,
        Some(Err(e)) if e.status() == axum::http::StatusCode::UNAUTHORIZED => {
            if req.method() == Method::GET {
                Redirect::to(&format!("{sign_in}?next={}", super::util::seg(&next_path)))
                    .into_response()
            } else {
                WebError::Unauthorized(format!("{e}. Sign in at {sign_in} first.")).into_response()
            }
        }
        Some(Err(e)) => WebError::from(e).into_response(),
        None => WebError::Unauthorized("Sign in first.".into()).into_response(),
    }
}

/// `?next=` after signing in.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
    problem: Option<String>,
}

/// Only paths on this site, so the sign-in page cannot be used to send people elsewhere.
pub(crate) fn safe_next(n: Option<&str>) -> String {
    match n {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.into(),
        _ => "/".into(),
    }
}

/// `GET /sign-in`.
pub(crate) async fn sign_in_page(Query(q): Query<NextQuery>) -> Result<Html<String>, WebError> {
    html(
        "sign_in.html",
        &json!({
            "title": "Sign in",
            "next": safe_next(q.next.as_deref()),
            "problem": q.problem.is_some(),
        }),
    )
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    token: String,
    #[serde(default)]
    next: String,
}

/// `POST /sign-in`: checks the token and keeps it in a cookie.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    Form(f): Form<SignInForm>,
) -> Result<Response, WebError> {
    let next = safe_next(Some(&f.next));
    let token = f.token.trim();
    let valid = !token.is_empty()
        && token.bytes().all(|b| b.is_ascii_graphic() && b != b';')
        && state.verify_token(token).await?.is_some();
    if !valid {
        return Ok(Redirect::to(&format!(
            "/sign-in?problem=1&next={}",
            super::util::seg(&next)
        ))
        .into_response());
    }
    let cookie = format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
}
