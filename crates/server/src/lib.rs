//! The HTTP face of Throughline: a thin layer of routes over the store and the report
//! and sense crates. The JSON API lives under `/api` (see `api/`), the web dashboard
//! under `/` (see `web/`); both share one [`AppState`].

pub mod api;
mod error;
mod state;
pub mod web;

use std::net::SocketAddr;

use axum::Router;

pub use error::ApiError;
pub use state::AppState;

/// The whole application: API and dashboard on one router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .merge(web::router())
        .with_state(state)
}

/// Serves `app` on `addr` until Ctrl-C.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
