//! The JSON API under `/api`.
//!
//! Every route is registered through `utoipa_axum::routes!`, which takes the path and
//! method from the handler's `#[utoipa::path]` attribute: the router and the OpenAPI
//! document are built from the same declarations, so they cannot disagree. (Plain
//! `.route(...)` calls are not used here; `tests/api_openapi.rs` checks that.)

pub(crate) mod contract;
pub(crate) mod items;
pub(crate) mod links;
pub(crate) mod notes;
pub(crate) mod reports;
mod shapes;
pub(crate) mod strategy;
mod tokens;

use axum::extract::FromRequestParts;
use axum::response::IntoResponse;
use axum::routing::any;
use axum::{Json, Router};
use serde::Deserialize;
use throughline_model::Period;
use throughline_report::{PeriodBy, Scope};
use utoipa::{IntoParams, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{RequireRole, Role};
use crate::{ApiError, AppState, openapi};

/// Routes of the JSON API, with a JSON 404 for any other path under `/api`.
pub fn router() -> Router<AppState> {
    parts()
        .0
        .route("/api/{*rest}", any(unknown_route))
        .route("/api", any(unknown_route))
}

/// The API's router and its OpenAPI document, built from the same route list.
pub fn parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    // Open to anyone: load balancers probe health, and the document describes the API.
    let open = OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(ready))
        .routes(routes!(openapi::document));
    // Everything else needs at least a viewer; writes ask for more in their handlers.
    let protected = OpenApiRouter::new()
        .routes(routes!(strategy::get_strategy, strategy::put_strategy))
        .routes(routes!(strategy::history))
        .routes(routes!(items::list))
        .routes(routes!(items::one))
        .routes(routes!(links::link, links::unlink))
        .routes(routes!(links::confirm))
        .routes(routes!(links::review))
        .routes(routes!(notes::list, notes::add))
        .routes(routes!(reports::status))
        .routes(routes!(reports::allocation))
        .routes(routes!(reports::drift))
        .routes(routes!(reports::themes))
        .routes(routes!(reports::metrics))
        .routes(routes!(reports::brief))
        .routes(routes!(reports::ask))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .route_layer(RequireRole(Role::Viewer));
    let (router, mut doc) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(open)
        .merge(protected)
        .split_for_parts();
    utoipa::Modify::modify(&openapi::TokenRefusals, &mut doc);
    contract::apply(&mut doc);
    (router, doc)
}

/// Liveness: answers `ok` without touching the database.
#[utoipa::path(get, path = "/api/health", tag = "meta", operation_id = "health", security(()),
    responses((status = 200, description = "The server is up", body = String)))]
pub async fn health() -> &'static str {
    "ok"
}

/// How long the readiness probe waits for the database: below the probe timeouts load
/// balancers use by default (2 to 5 s), so a slow database is reported, not timed out.
const READY_WITHIN: std::time::Duration = std::time::Duration::from_millis(1500);

/// The readiness probe's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Readiness {
    /// Whether this replica should be sent requests.
    pub ready: bool,
    /// What is missing, when not ready.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Readiness, for load balancers: 200 once the first pages are computed and while the
/// database answers; 503 otherwise (still warming up, or the database is unreachable),
/// so the balancer sends people to another replica. Unlike `/api/health` it touches the
/// database, so probe it no more than every few seconds.
#[utoipa::path(get, path = "/api/ready", tag = "meta", operation_id = "ready", security(()),
    responses(
        (status = 200, description = "Ready: warmed up and the database answers", body = Readiness),
        (status = 503, description = "Not ready, with why", body = Readiness)))]
pub async fn ready(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> (axum::http::StatusCode, Json<Readiness>) {
    match state.readiness(READY_WITHIN).await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            Json(Readiness {
                ready: true,
                why: None,
            }),
        ),
        Err(why) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                ready: false,
                why: Some(why),
            }),
        ),
    }
}

async fn unknown_route(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no API route {}; see /api/openapi.json for the routes",
        uri.path()
    ))
}

// The extractors below wrap axum's through `#[from_request(via(..), rejection(ApiError))]`
// rather than axum-extra's `WithRejection`: the same effect (every rejection goes through
// `From<...Rejection> for ApiError`, so it is JSON and 400) without another dependency,
// and handlers keep destructuring one plain wrapper (`ApiJson(body)`).

/// `axum::Json`, answering malformed or mistyped bodies with a JSON error naming the
/// problem (axum's own rejection is plain text, and 422 or 415).
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> axum::response::Response {
        Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with JSON errors.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `axum::extract::Path` with JSON errors.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The slice of work a report covers.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// 2026-Q3, 2026-H2, 2026-07, 2026-W32, 2026 or 2026-07-01..2026-09-30; empty or
    /// `all`: all time. A period the calendar lacks (2025-W53, a range ending before it
    /// starts) is a 404.
    #[param(example = "2026-Q3")]
    pub period: Option<String>,
    /// Only this team's work.
    pub team: Option<String>,
    /// Which date puts an item in the period: `active` (worked on in it, the default),
    /// `created` or `resolved`.
    pub period_by: Option<String>,
}

impl ScopeQuery {
    /// The scope, with teams smaller than `min_group_size` people folded into "other".
    pub fn scope(&self, min_group_size: usize) -> Result<Scope, ApiError> {
        if let Some(p) = &self.period {
            contract::check_pattern("period", p, &contract::PERIOD)?;
        }
        if let Some(p) = &self.period_by {
            contract::check_pattern("period_by", p, &contract::PERIOD_BY)?;
        }
        Ok(Scope {
            period: parse_period(self.period.as_deref())?,
            period_by: parse_period_by(self.period_by.as_deref())?,
            team: self.team.clone().filter(|t| !t.trim().is_empty()),
            min_group_size,
        })
    }

    /// A cache key naming this scope.
    pub fn key(&self) -> String {
        format!(
            "period={:?}&period_by={:?}&team={:?}",
            self.period.as_deref().map(str::trim),
            parse_period_by(self.period_by.as_deref()).unwrap_or_default(),
            self.team.as_deref().map(str::to_lowercase)
        )
    }
}

/// Parses an optional period parameter. Empty and `all` mean all time. Callers check
/// its form first ([`contract::PERIOD`]), so what fails here is well formed and names no
/// span of the calendar: a 404, like a goal the strategy does not have.
pub fn parse_period(p: Option<&str>) -> Result<Option<Period>, ApiError> {
    p.map(str::trim)
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("all"))
        .map(|p| {
            p.parse::<Period>()
                .map_err(|e| ApiError::NotFound(format!("no such `period`: {e}")))
        })
        .transpose()
}

/// Parses an optional `period_by` parameter; empty is the default (active).
pub fn parse_period_by(p: Option<&str>) -> Result<PeriodBy, ApiError> {
    match p.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(PeriodBy::default()),
        Some(p) => p
            .parse()
            .map_err(|e| ApiError::BadRequest(format!("bad `period_by`: {e}"))),
    }
}

/// Query parameters as people write addresses: an empty value (`?below=&unclear=`, as a
/// form or a template leaves it) is the parameter left out, never a 400.
pub(crate) mod lenient {
    use std::fmt::Display;
    use std::str::FromStr;

    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer};

    /// An optional value; empty is absent, anything else must parse.
    pub fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: Display,
    {
        match Option::<String>::deserialize(d)?.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|e| D::Error::custom(format!("`{v}`: {e}"))),
        }
    }

    /// A number with a default when absent or empty.
    pub fn num<'de, D, T>(d: D) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr + Default,
        T::Err: Display,
    {
        opt(d).map(Option::unwrap_or_default)
    }

    /// A yes/no flag: `true` or `false`; empty is false.
    pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        match Option::<String>::deserialize(d)?.as_deref().map(str::trim) {
            None | Some("") | Some("false") => Ok(false),
            Some("true") => Ok(true),
            Some(v) => Err(D::Error::custom(format!("`{v}`: use true or false"))),
        }
    }

    /// Text; empty is absent.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()))
    }
}

/// CSV's media type; the name a browser saves it under comes from the link.
pub(crate) const CSV: &str = "text/csv; charset=utf-8";

/// Whether a `format` parameter asks for CSV rather than JSON (the default); anything
/// else is a 400 naming the two. Callers have checked its form against the document.
pub(crate) fn wants_csv(format: Option<&str>) -> Result<bool, ApiError> {
    match format.map(str::trim) {
        None | Some("json") => Ok(false),
        Some("csv") => Ok(true),
        Some(o) => Err(ApiError::BadRequest(format!(
            "bad `format` `{o}`: use json or csv"
        ))),
    }
}

/// A CSV writer's failure (only ever a bug: it writes to memory) as a 500.
pub(crate) fn csv_failed(e: csv::Error) -> ApiError {
    ApiError::Internal(format!("writing CSV: {e}"))
}
