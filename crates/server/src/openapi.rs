//! The OpenAPI document at `/api/openapi.json`.
//!
//! Paths come from the handlers' `#[utoipa::path]` attributes as they are registered in
//! [`crate::api::parts`]; this module adds the title, the tags and the bearer-token
//! security scheme, and serves the result.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::Modify;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

/// Title, description, tags and security of the document; paths are added by the router.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Throughline API",
        description = "How tracker work lines up with strategy (goals, key results, \
            initiatives), with the items behind every figure. Send \
            `Authorization: Bearer <token>` when the server requires tokens; roles are \
            viewer (read), contributor (notes, corrections) and admin (strategy, tokens). \
            Errors are `{\"error\": \"...\"}` with a 4xx status."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "meta", description = "Health and this document"),
        (name = "strategy", description = "The versioned strategy: goals, metrics, initiatives"),
        (name = "items", description = "Work items and the links that place them"),
        (name = "notes", description = "Context notes on items, initiatives and goals"),
        (name = "reports", description = "Status, allocation, drift, themes, metrics, brief, ask"),
        (name = "tokens", description = "API tokens (admin)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON, built once.
pub fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        crate::api::parts()
            .1
            .to_pretty_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"cannot render the document: {e}\"}}"))
    })
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], json())
}
