//! The JSON API under `/api`.

use axum::Router;
use axum::routing::get;

use crate::AppState;

/// Routes of the JSON API.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/health", get(|| async { "ok" }))
}
