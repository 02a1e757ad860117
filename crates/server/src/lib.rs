//! The HTTP face of Throughline: a thin layer of routes over the store and the report
//! and sense crates. The JSON API lives under `/api` (see `api/`, documented at
//! `/api/openapi.json`), the web dashboard under `/` (see `web/`), and the Model Context
//! Protocol for AI assistants at `/mcp` (see [`mcp`]); all share one [`AppState`] and the
//! token checks of [`auth`].

pub mod api;
pub mod auth;
mod error;
pub mod mcp;
pub mod oidc;
pub mod openapi;
mod state;
mod view;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;

pub use error::{ApiError, ErrorBody, Problem};
pub use state::{AppState, DEFAULT_FRESH_WAIT, Seen};
pub use view::{KeyIndex, View};

/// Marks an answer computed from the previous view while a newer one is prepared.
pub const STALE_HEADER: &str = "x-throughline-stale";

/// The whole application: API, dashboard and MCP on one router, every request passing
/// through [`auth::authenticate`] first.
pub fn app(state: AppState) -> Router {
    let mcp_service = mcp::http_service(state.clone());
    Router::new()
        .merge(api::router())
        .merge(web::router())
        .route(
            "/mcp",
            axum::routing::any(move |request: axum::extract::Request| {
                mcp::endpoint(mcp_service.clone(), request)
            }),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate,
        ))
        .with_state(state)
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::Status(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{method} is not allowed on {}; see /api/openapi.json",
            uri.path()
        ),
    )
}

/// Whether a server on `addr` must require tokens: always off loopback (anyone on the
/// network could reach it), and on loopback when asked (`--auth`).
pub fn auth_required(addr: SocketAddr, asked: bool) -> bool {
    asked || !addr.ip().is_loopback()
}

/// Serves `app` on `addr` until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// Serves on a bound listener until `shutdown` completes (tests bind `127.0.0.1:0`).
/// Refuses to serve a non-loopback address without token checks.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    if auth_required(addr, false) && !state.auth_required() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{addr} is reachable from the network: tokens must be required"),
        ));
    }
    let app = app(state.clone());
    // The first pages are computed before the first connection is accepted, so no
    // person pays for them (connections made meanwhile wait in the listen queue).
    web::warm_up(state.clone(), app.clone()).await;
    state.mark_warmed();
    let watch = tokio::spawn(state.watch());
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    watch.abort();
    served
}
