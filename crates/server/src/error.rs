//! Errors as HTTP responses: a status and a JSON body `{ "error": "..." }` (plus
//! `problems` for a rejected strategy file).
//!
//! Every way a request can be wrong (bad JSON, a missing field, a bad query parameter, an
//! unknown item, a missing token) maps to a 4xx here with a sentence a person can act
//! on; 500 is only for the database failing underneath us.

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
    /// 422: well-formed but not acceptable (a strategy file with problems, a link to a
    /// target the strategy does not have).
    #[error("{message}")]
    Unprocessable {
        message: String,
        problems: Vec<Problem>,
    },
    /// Another status chosen by axum's extractors (e.g. 415 for a missing content type).
    #[error("{1}")]
    Status(StatusCode, String),
    /// 500: the database failed; the request itself may be fine.
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    /// A 422 with a plain message.
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::Unprocessable {
            message: message.into(),
            problems: Vec::new(),
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
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
        ApiError::Unprocessable {
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
            // A row the reviewer can mend: which line, and why.
            e @ (ReviewError::Item { .. } | ReviewError::Decision { .. }) => {
                ApiError::unprocessable(e.to_string())
            }
        }
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(e: tokio::task::JoinError) -> Self {
        ApiError::Internal(format!("background task failed: {e}"))
    }
}

// axum's own rejections answer in plain text; these keep their status (400 for syntax,
// 422 for a wrong or missing field, 415 for a missing content type) and their message,
// which names the field, but answer in JSON like everything else.
impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        ApiError::Status(r.status(), r.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        // A query string that does not fit is the caller's mistake: always 400.
        ApiError::BadRequest(r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::Status(r.status(), r.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match self {
            ApiError::Unprocessable { message, problems } => ErrorBody {
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
