//! The browser's side of signing in with an identity provider: `/auth/login`,
//! `/auth/callback` and `/auth/logout` (the protocol itself is in [`crate::oidc`]).
//!
//! These routes are for browsers only and are left out of the OpenAPI document: they
//! answer with redirects, cookies and HTML pages, not JSON. Without `--oidc-issuer` they
//! are 404s.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::WebError;
use super::access::safe_next;
use super::pages::html;
use crate::AppState;
use crate::oidc::{Oidc, OidcError};

fn provider(state: &AppState) -> Result<&std::sync::Arc<Oidc>, WebError> {
    state.oidc().ok_or_else(|| {
        WebError::NotFound("This server does not sign people in with an identity provider.".into())
    })
}

impl From<OidcError> for WebError {
    fn from(e: OidcError) -> Self {
        match e {
            OidcError::BadCallback(m) => WebError::BadRequest(m),
            OidcError::Refused(m) => WebError::Unauthorized(m),
            e @ (OidcError::Provider { .. } | OidcError::Discovery(_)) => {
                WebError::Unauthorized(format!("Signing in did not work: {e}"))
            }
            e @ OidcError::Random => WebError::Internal(e.to_string()),
        }
    }
}

/// `?next=`: the page to return to after signing in.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LoginQuery {
    next: Option<String>,
}

/// `GET /auth/login`: sends the browser to the provider.
pub(crate) async fn login(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> Result<Response, WebError> {
    let (location, cookie) = provider(&state)?.login(&safe_next(q.next.as_deref()))?;
    Ok((
        AppendHeaders([(header::SET_COOKIE, cookie)]),
        Redirect::to(&location),
    )
        .into_response())
}

/// What the provider sends back (RFC 6749 4.1.2 and 4.1.2.1).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// `GET /auth/callback`: finishes the sign-in and keeps the session in a cookie.
pub(crate) async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    let oidc = provider(&state)?;
    if let Some(error) = q.error {
        return Err(WebError::Unauthorized(format!(
            "The identity provider did not sign you in ({error}{}). Try again at /auth/login.",
            q.error_description
                .map(|d| format!(": {d}"))
                .unwrap_or_default()
        )));
    }
    let [_, clear_flow] = oidc.clearing_cookies();
    let (session, next) = match oidc
        .callback(&headers, q.code.as_deref(), q.state.as_deref())
        .await
    {
        Ok(done) => done,
        // A sign-in's state and nonce are good for one callback, whatever its outcome.
        Err(e) => {
            return Ok((
                AppendHeaders([(header::SET_COOKIE, clear_flow)]),
                WebError::from(e),
            )
                .into_response());
        }
    };
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, oidc.session_cookie(&session)),
            (header::SET_COOKIE, clear_flow),
        ]),
        Redirect::to(&next),
    )
        .into_response())
}

/// `GET` or `POST /auth/logout`: ends the session in this browser, and at the provider
/// too when it publishes an end-session endpoint (the browser is sent there, and comes
/// back to `/auth/signed-out`), so "sign in again" asks who you are. Without one the
/// provider's own session is left alone.
pub(crate) async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let oidc = provider(&state)?;
    let [clear_session, clear_flow] = oidc.clearing_cookies();
    let cookies = AppendHeaders([
        (header::SET_COOKIE, clear_session),
        (header::SET_COOKIE, clear_flow),
    ]);
    match oidc.end_session_url(&headers) {
        Some(at_provider) => Ok((
            cookies,
            [(header::CACHE_CONTROL, "no-store")],
            Redirect::to(&at_provider),
        )
            .into_response()),
        None => Ok((cookies, signed_out_page()?).into_response()),
    }
}

/// `GET /auth/signed-out`: where the provider sends the browser back after ending its
/// session (the post-logout redirect URI). Clears the cookies again: harmless, and a
/// session set in another tab meanwhile ends too, as the person asked.
pub(crate) async fn signed_out(State(state): State<AppState>) -> Result<Response, WebError> {
    let [clear_session, clear_flow] = provider(&state)?.clearing_cookies();
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, clear_session),
            (header::SET_COOKIE, clear_flow),
        ]),
        signed_out_page()?,
    )
        .into_response())
}

fn signed_out_page() -> Result<Response, WebError> {
    let page = html(
        "error.html",
        &json!({
            "title": "Signed out",
            "detail": "You are signed out of Throughline in this browser.",
            "back": "/auth/login",
            "back_label": "Sign in again",
        }),
    )?;
    // A signed-out page must not be served from a cache to the next person.
    Ok(([(header::CACHE_CONTROL, "no-store")], page).into_response())
}
