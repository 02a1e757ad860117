//! Errors as HTTP responses: a status and a JSON body `{ "error": "..." }` (plus
//! `problems` for a rejected strategy file).
//!
//! Every way a request can be wrong (bad JSON, a missing field, a bad query parameter, an
//! unknown item, a missing token) maps to a 4xx here with a sentence a person can act
//! on; 500 is only for the database failing underneath us.
//!
//! The statuses are few and each means one thing, so the OpenAPI document can say which
//! one an operation returns: 400 the request itself is wrong (a parameter, a body of the
//! wrong shape or type, a strategy file with problems), 401/403 the token, 404 something
//! named does not exist (an item, a goal, a metric), 409 the request is fine but the data
//! is not in a state for it (nothing to confirm), 413 a body too large. No 422: a client
//! should not have to tell "malformed" from "unprocessable" to mend its request.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem of a rejected strategy file, with its 1-based line.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in a sentence.
    pub error: String,
    /// For strategy files: every problem found, each with its line.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// An error a handler returns; never a panic, never a 500 for bad input.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed (a bad parameter, unparseable JSON).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no valid token where one is required.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: a valid token whose role is too low.
    #[error("{0}")]
    Forbidden(String),
    /// 404: the thing named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// 400 with every problem of a file, each with its line (a strategy file).
    #[error("{message}")]
    Problems {
        message: String,
        problems: Vec<Problem>,
    },
    /// 409: the request is well formed and names things that exist, but the data is not
    /// in a state for it (confirming an item with nothing to confirm).
    #[error("{0}")]
    Conflict(String),
    /// Another status chosen by axum's extractors (e.g. 415 for a missing content type).
    #[error("{1}")]
    Status(StatusCode, String),
    /// 500: the database failed; the request itself may be fine.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Problems { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Status(s, _) => *s,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<throughline_store::StoreError> for ApiError {
    fn from(e: throughline_store::StoreError) -> Self {
        match e {
            throughline_store::StoreError::NotFound(m) => ApiError::NotFound(m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<throughline_strategy::StrategyError> for ApiError {
    fn from(e: throughline_strategy::StrategyError) -> Self {
        ApiError::Problems {
            message: format!("{} problem(s) in the strategy file", e.problems.len()),
            problems: e
                .problems
                .into_iter()
                .map(|p| Problem {
                    line: p.line,
                    message: p.message,
                })
                .collect(),
        }
    }
}

impl From<throughline_report::ReviewError> for ApiError {
    fn from(e: throughline_report::ReviewError) -> Self {
        use throughline_report::ReviewError;
        match e {
            ReviewError::Store(e) => e.into(),
            // Rows the reviewer can mend, with their line: one naming no item, and one
            // whose decision the data does not allow (a target the strategy in force does
            // not have, or nothing to confirm).
            e @ ReviewError::Item { .. } => ApiError::NotFound(e.to_string()),
            e @ ReviewError::Decision { .. } => ApiError::Conflict(e.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(format!("background task failed: {e}"))
    }
}

// axum's own rejections answer in plain text, with 422 for a JSON body of the wrong
// shape and 415 for a missing content type. The API's extractors (`api::ApiJson`,
// `ApiQuery`, `ApiPath`) reject through these instead: the same message, which names the
// field, as JSON and with 400, the status the document gives every malformed request.
// Only a body over the size limit keeps its own status (413), and anything axum counts
// as its own failure (a 5xx) stays one.
impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r.status() {
            s if s == StatusCode::PAYLOAD_TOO_LARGE || s.is_server_error() => {
                ApiError::Status(s, r.body_text())
            }
            _ => ApiError::BadRequest(r.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        match r.status() {
            s if s.is_server_error() => ApiError::Status(s, r.body_text()),
            _ => ApiError::BadRequest(r.body_text()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match self {
            ApiError::Problems { message, problems } => ErrorBody {
                error: message,
                problems,
            },
            other => ErrorBody {
                error: other.to_string(),
                problems: Vec::new(),
            },
        };
        (status, Json(body)).into_response()
    }
}
