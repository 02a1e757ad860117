//! The web dashboard: server-rendered pages.

use axum::Router;

use crate::AppState;

/// Routes of the dashboard.
pub fn router() -> Router<AppState> {
    Router::new()
}
