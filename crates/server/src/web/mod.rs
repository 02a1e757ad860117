//! The web dashboard: server-rendered pages over the same data as the API.
//!
//! Pages are minijinja templates embedded in the binary (`templates.rs`), charts are
//! inline SVG drawn in Rust (`charts.rs`), and every form posts to a route here and
//! redirects back (post/redirect/get), so the dashboard works without JavaScript.
//! Report figures come from the server's current view of the database (`view.rs`,
//! refreshed in the background when the data changes), where each page's context is
//! computed once; that keeps pages well under 200 ms on 100,000 items.

mod access;
mod charts;
mod pages;
mod sign_in_oidc;
mod templates;
mod util;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use tower_service::Service;

use crate::AppState;
use crate::auth::{Caller, WarmUp};

/// Routes of the dashboard.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::overview::page))
        .route("/shifts/{n}/{side}", get(pages::overview::shift_items))
        .route("/goals/{id}", get(pages::goal::page))
        .route("/off-plan", get(pages::off_plan::page))
        .route("/items", get(pages::items::page))
        .route(
            "/items/review",
            post(pages::review::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::api::links::REVIEW_LIMIT,
            )),
        )
        .route("/items/{source}/{key}", get(pages::item::page))
        .route("/items/{source}/{key}/link", post(pages::item::link))
        .route("/items/{source}/{key}/confirm", post(pages::item::confirm))
        .route("/items/{source}/{key}/unlink", post(pages::item::unlink))
        .route("/items/{source}/{key}/notes", post(pages::item::add_note))
        .route("/brief", get(pages::brief::page))
        .route("/brief/evidence/{id}", get(pages::brief::evidence))
        .route("/ask", get(pages::brief::ask))
        .route_layer(middleware::from_fn(access::require_role))
        // Open to anyone: the stylesheet, and the page that asks for a token.
        .route("/static/app.css", get(stylesheet))
        .route("/sign-in", get(access::sign_in_page).post(access::sign_in))
        .route("/auth/login", get(sign_in_oidc::login))
        .route("/auth/callback", get(sign_in_oidc::callback))
        .route(
            "/auth/logout",
            get(sign_in_oidc::logout).post(sign_in_oidc::logout),
        )
        .route(crate::oidc::SIGNED_OUT_PATH, get(sign_in_oidc::signed_out))
        .fallback(not_found)
        .layer(middleware::from_fn(same_origin_posts))
        .layer(middleware::from_fn(signed_in_as))
}

/// Where `base.html` has the signed-in person's name and the sign-out link. Report pages
/// are rendered once and shared by everyone who opens them, so the name cannot be in
/// their context: it is put in here, per request, on the way out.
const WHO_MARKER: &str = "<!--throughline:who-->";

/// For a person signed in with the identity provider: "Signed in as NAME (role)" and a
/// sign-out link in the page's header. Other callers (tokens, the local user) have no
/// session to end, and their pages pass through untouched.
async fn signed_in_as(req: Request, next: Next) -> Response {
    let session = match req.extensions().get::<Caller>() {
        // The sign-out pages are for a person no longer signed in.
        Some(Caller::Session(s)) if !req.uri().path().starts_with("/auth/") => s.clone(),
        _ => return next.run(req).await,
    };
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let who = match templates::render(
        "who.html",
        serde_json::json!({ "name": session.name, "role": session.role.to_string() }),
    ) {
        Ok(who) => who,
        Err(e) => return WebError::from(e).into_response(),
    };
    let (mut parts, body) = res.into_parts();
    // Pages are built in this process and bounded; a body that fails to read is the
    // server's own fault.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return WebError::Internal(format!("reading a page: {e}")).into_response(),
    };
    let page = match std::str::from_utf8(&bytes) {
        Ok(text) => text.replacen(WHO_MARKER, who.trim_end(), 1),
        // Templates render UTF-8; anything else is passed on as it is.
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    // The page names one person now: no shared cache may keep it for the next.
    parts.headers.insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Response::from_parts(parts, Body::from(page))
}

/// Computes the pages most people open first (overview, off plan, brief, each goal, the
/// overview of the last four quarters, the status, themes, drift and allocation APIs)
/// before anyone asks, by requesting them from `app` itself: exactly what a
/// browser would get is computed and kept, and kept warm across later refreshes. The
/// requests carry the in-process [`WarmUp`] marker, which reads as a viewer.
pub async fn warm_up(state: AppState, app: Router) {
    // A database that cannot be loaded is reported to the first real request. The first
    // view will do, stale or not: waiting for a settled one could wait for as long as
    // another process keeps writing.
    let Ok(seen) = state.view().await else {
        return;
    };
    let view = seen.view;
    let mut paths: Vec<String> = [
        "/",
        "/off-plan",
        "/brief",
        "/api/status",
        "/api/themes",
        "/api/drift",
        "/api/allocation",
    ]
    .map(String::from)
    .to_vec();
    paths.extend(
        view.snap
            .strategy
            .goals
            .iter()
            .map(|g| format!("/goals/{}", util::seg(&g.id))),
    );
    // The overview of the last few quarters: the period picker's first choices.
    paths.extend(
        util::periods(&view.snap)
            .iter()
            .filter(|(q, _)| q.contains("-Q"))
            .take(4)
            .map(|(q, _)| format!("/?period={}", util::seg(q))),
    );
    for path in paths {
        let Ok(mut req) = Request::get(&path).body(Body::empty()) else {
            continue;
        };
        req.extensions_mut().insert(WarmUp);
        let mut app = app.clone();
        // The router is always ready; the answer itself is not needed, only its cache.
        if std::future::poll_fn(|cx| Service::<Request>::poll_ready(&mut app, cx))
            .await
            .is_ok()
        {
            let _ = app.call(req).await;
        }
    }
}

/// The stylesheet, embedded; cached for a day (it changes only with the binary).
async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../../templates/app.css"),
    )
}

async fn not_found() -> WebError {
    WebError::NotFound("There is no page at this address.".into())
}

/// Forms post with the browser's cookies, so a post from another site must not be able
/// to act for the user (CSRF): a cross-site `Origin` or `Sec-Fetch-Site` is refused.
async fn same_origin_posts(req: Request, next: Next) -> Response {
    if req.method() == Method::POST && !same_origin(req.headers()) {
        return WebError::Forbidden("Forms can only be sent from this dashboard.".into())
            .into_response();
    }
    next.run(req).await
}

fn same_origin(h: &HeaderMap) -> bool {
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match (
        h.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        h.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host),
        // No Origin header: not a browser's cross-site form post (tests, curl).
        (None, _) => true,
        (Some(_), None) => false,
    }
}

/// What a page handler can fail with, rendered as a calm HTML page with the right status.
#[derive(Debug)]
pub(crate) enum WebError {
    BadRequest(String),
    Unauthorized(String),
    NotFound(String),
    Forbidden(String),
    Internal(String),
}

impl From<crate::ApiError> for WebError {
    fn from(e: crate::ApiError) -> Self {
        let m = e.to_string();
        match e.status() {
            StatusCode::UNAUTHORIZED => WebError::Unauthorized(m),
            StatusCode::FORBIDDEN => WebError::Forbidden(m),
            StatusCode::NOT_FOUND => WebError::NotFound(m),
            s if s.is_client_error() => WebError::BadRequest(m),
            _ => WebError::Internal(m),
        }
    }
}

impl From<throughline_store::StoreError> for WebError {
    fn from(e: throughline_store::StoreError) -> Self {
        match e {
            throughline_store::StoreError::NotFound(m) => WebError::NotFound(m),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<minijinja::Error> for WebError {
    fn from(e: minijinja::Error) -> Self {
        WebError::Internal(format!("template: {e:#}"))
    }
}

impl From<tokio::task::JoinError> for WebError {
    fn from(e: tokio::task::JoinError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, title, detail) = match self {
            WebError::BadRequest(m) => (StatusCode::BAD_REQUEST, "That request did not work", m),
            WebError::Unauthorized(m) => (StatusCode::UNAUTHORIZED, "Sign in to continue", m),
            WebError::NotFound(m) => (StatusCode::NOT_FOUND, "Not found", m),
            WebError::Forbidden(m) => (StatusCode::FORBIDDEN, "Not allowed", m),
            WebError::Internal(m) => {
                eprintln!("dashboard error: {m}");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The server could not build this page; the details are in its log.".into(),
                )
            }
        };
        let body = templates::render(
            "error.html",
            serde_json::json!({ "title": title, "detail": detail, "status": status.as_u16() }),
        )
        .unwrap_or_else(|_| format!("<!DOCTYPE html><title>{title}</title><h1>{title}</h1>"));
        (status, Html(body)).into_response()
    }
}
