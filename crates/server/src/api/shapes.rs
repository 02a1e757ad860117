//! The shapes of the API's answers, as the document shows them.
//!
//! Handlers build most answers with `json!` or serialize the report crate's types (which
//! know nothing of HTTP or OpenAPI), so these structs exist for the document only. They
//! name the fields a client can rely on and leave the rest open; `tests/schemathesis.rs`
//! checks every answer against them, so a field renamed in a handler fails there.
#![allow(dead_code)]

use utoipa::ToSchema;

/// A page of the item list.
#[derive(ToSchema)]
pub struct ItemList {
    /// Items matching the filters, on every page.
    pub total: u64,
    /// Rows skipped.
    pub offset: u64,
    /// This page's rows (never the assignee: lists are aggregates).
    pub items: Vec<ItemListRow>,
}

/// One row of the item list.
#[derive(ToSchema)]
pub struct ItemListRow {
    pub id: i64,
    /// With `key`, what names the item in `/api/items/{source}/{key}`.
    pub source: String,
    pub key: String,
    pub title: String,
    pub item_type: Option<String>,
    pub status: String,
    pub team: Option<String>,
    pub estimate: Option<f64>,
    /// Day of creation, YYYY-MM-DD.
    pub created: Option<String>,
    pub url: Option<String>,
    /// The effective link: where the item is placed, by whom, how sure.
    #[schema(value_type = Option<Object>)]
    pub link: Option<()>,
}

/// One item in full.
#[derive(ToSchema)]
pub struct ItemDetail {
    /// The stored item, with its assignee (a person asked for this one item).
    #[schema(value_type = Object)]
    pub item: (),
    /// The title and description as shown: markup rendered, people masked.
    pub text: ItemText,
    /// The link in force, or null; `also` lists the other initiatives the selectors place
    /// the item under (it counts for each in per-initiative figures).
    #[schema(value_type = Option<Object>)]
    pub effective: Option<()>,
    /// Every link it has, one per origin.
    #[schema(value_type = Vec<Object>)]
    pub links: Vec<()>,
    pub notes: Vec<Note>,
}

/// An item's text as people read it.
#[derive(ToSchema)]
pub struct ItemText {
    pub title: String,
    pub description: Option<String>,
    pub url: Option<String>,
}

/// A context note, with the author's team and never their name.
#[derive(ToSchema)]
pub struct Note {
    /// The item, initiative or goal the note is on.
    #[schema(value_type = Value)]
    pub target: (),
    pub kind: String,
    pub text: String,
    pub author_team: Option<String>,
    /// YYYY-MM-DD.
    #[schema(format = Date)]
    pub date: String,
}

/// A person's link, as stored.
#[derive(ToSchema)]
pub struct Linked {
    pub item: String,
    pub source: String,
    /// `initiative:ID`, `goal:ID` or `off_plan:REASON`.
    pub target: String,
    /// Always `corrected`: a person's word.
    pub origin: String,
    pub by_team: Option<String>,
}

/// A person's link removed.
#[derive(ToSchema)]
pub struct Unlinked {
    pub item: String,
    pub source: String,
    pub unlinked: bool,
}

/// The strategy in force.
#[derive(ToSchema)]
pub struct StrategyInForce {
    pub version: i64,
    /// Goals, metrics and initiatives.
    #[schema(value_type = Object)]
    pub strategy: (),
}

/// A new strategy version and what re-linking did.
#[derive(ToSchema)]
pub struct StrategyApplied {
    pub version: i64,
    /// Explicit links written.
    #[schema(value_type = Value)]
    pub links: (),
    /// Inference over the unlinked work.
    #[schema(value_type = Value)]
    pub inferred: (),
}

/// What a reviewed list did.
#[derive(ToSchema)]
pub struct Reviewed {
    /// Rows whose item's link is now a person's, as it was.
    pub confirmed: u64,
    /// Rows whose item is now linked where the row says.
    pub linked: u64,
    /// Rows without a decision, left as they were.
    pub undecided: u64,
}

/// One row of a reviewed list, as `GET /api/items?format=csv` writes it (other columns
/// are read past).
#[derive(ToSchema)]
pub struct ReviewRow {
    /// The item's key (or `SOURCE:KEY`).
    #[schema(schema_with = super::contract::review_key_schema)]
    pub key: String,
    /// The item's source, when several sources share a key.
    pub source: Option<String>,
    /// `confirm`, `initiative:ID`, `goal:ID` or `off_plan:REASON`; empty or null: not
    /// reviewed, left as it is.
    #[schema(schema_with = super::contract::decision_schema)]
    pub decision: Option<String>,
    /// The reviewer's words, kept with the link.
    pub why: Option<String>,
}

/// A reviewed list: at least one row. Written by hand: the derive cannot bound the
/// length of a list.
pub struct ReviewRows;

impl utoipa::PartialSchema for ReviewRows {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(utoipa::openapi::Ref::from_schema_name("ReviewRow"))
            .min_items(Some(1))
            .description(Some("A reviewed list: at least one row"))
            .into()
    }
}

impl ToSchema for ReviewRows {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        schemas.push((
            "ReviewRow".into(),
            <ReviewRow as utoipa::PartialSchema>::schema(),
        ));
    }
}

/// A token, without its secret.
#[derive(ToSchema)]
pub struct Token {
    /// What `DELETE /api/tokens/{id}` takes.
    pub id: i64,
    pub name: Option<String>,
    /// viewer, contributor or admin.
    pub role: String,
    pub team: Option<String>,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// A token just created.
#[derive(ToSchema)]
pub struct TokenCreated {
    /// The secret, shown this once; the database keeps a hash.
    pub token: String,
    pub info: Token,
}

/// A token revoked.
#[derive(ToSchema)]
pub struct Revoked {
    pub id: i64,
    pub revoked: bool,
}

/// An answer to a question, with the sources it cites.
#[derive(ToSchema)]
pub struct Answer {
    /// What kind of question it was taken for.
    #[schema(value_type = Value)]
    pub shape: (),
    pub text: String,
    #[schema(value_type = Vec<Object>)]
    pub cited: Vec<()>,
}
