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
            Errors are `{\"error\": \"...\"}` with a 4xx status: 400 for a request not of \
            the form this document gives (a parameter, a body of the wrong shape or type), \
            401 without a valid token, 403 with too low a role, 404 for something named that \
            does not exist, 409 when the data is not in a state for the request, 413 for a \
            body too large, 405 for a method a path does not have."
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "meta", description = "Health, readiness and this document"),
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

/// Adds the 401 every operation that needs a token can answer, so no operation can
/// forget it: the `authenticate` middleware and `RequireRole` refuse before any handler.
/// Applied by [`crate::api::parts`] once the router has added the paths.
pub struct TokenRefusals;

impl Modify for TokenRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                // `security(())` (one empty requirement) marks the open operations.
                let open = op.security.as_ref().is_some_and(|s| {
                    s.iter()
                        .all(|r| serde_json::to_value(r).is_ok_and(|v| v == serde_json::json!({})))
                });
                if !open {
                    op.responses
                        .responses
                        .entry("401".into())
                        .or_insert_with(|| {
                            utoipa::openapi::ResponseBuilder::new()
                                .description("No valid token (missing, unknown or revoked)")
                                .content(
                                    "application/json",
                                    utoipa::openapi::ContentBuilder::new()
                                        .schema(Some(utoipa::openapi::Ref::from_schema_name(
                                            "ErrorBody",
                                        )))
                                        .build(),
                                )
                                .build()
                                .into()
                        });
                }
            }
        }
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
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta", operation_id = "openapi", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = Object)))]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], json())
}
