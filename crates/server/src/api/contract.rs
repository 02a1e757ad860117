//! What the OpenAPI document promises about parameters, stated once and checked by the
//! code: each grammar below is both the `pattern` or `enum` the document shows and the
//! check a handler runs before parsing, so a value the document forbids is refused (400)
//! and a value it allows gets past the syntax check.
//!
//! What a grammar cannot say is a matter of data, not syntax, and answers 404: a week 53
//! in a year of 52 weeks, a range ending before it starts, a goal the strategy does not
//! have. `tests/schemathesis.rs` holds the two to each other.

use std::sync::LazyLock;

use regex::Regex;
use utoipa::openapi::schema::{AnyOfBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{KnownFormat, OpenApi, RefOr, SchemaFormat};

use crate::ApiError;

const YEAR: &str = "(?:19[7-9][0-9]|[2-9][0-9]{3})";

/// What Rust's `trim` removes (Unicode `White_Space`), spelled out: `\\s` and `\\S`
/// differ between the regex dialects of this server, the document (ECMA-262) and test
/// tools (Python's counts `\\x1C` as a space, Rust's does not).
const WS_CHARS: &str =
    "\\t\\n\\x0B\\x0C\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

/// One space, as `trim` sees it. The item list's filters treat a value of only these as
/// left out (`api::lenient`).
static WS: LazyLock<String> = LazyLock::new(|| format!("[{WS_CHARS}]"));

/// Text that is not only spaces, as `trim` sees them (unanchored).
pub static NOT_BLANK: LazyLock<String> = LazyLock::new(|| format!("[^{WS_CHARS}]"));

/// A pattern admitting `values`, or a value of only spaces (left out).
fn lenient_values(values: &[&str]) -> String {
    format!("^(?:{}*|{})$", *WS, values.join("|"))
}

/// A period as `Period` parses it, without the spaces it would trim: a year, `YEAR-Qn`,
/// `YEAR-Hn`, `YEAR-Wnn`, `YEAR-MM`, or `DATE..DATE` (unanchored).
fn period_forms() -> String {
    let date = format!("{YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])");
    format!(
        "{YEAR}(?:-(?:[Qq][1-4]|[Hh][12]|[Ww](?:0[1-9]|[1-4][0-9]|5[0-3])|0[1-9]|1[0-2]))?\
         |{date}\\.\\.{date}"
    )
}

/// A report's period: a period, or empty or `all` for all time.
pub static PERIOD: LazyLock<String> =
    LazyLock::new(|| format!("^(?:|[Aa][Ll][Ll]|{})$", period_forms()));

/// The item list's period: as [`PERIOD`], or only spaces (left out).
pub static LIST_PERIOD: LazyLock<String> =
    LazyLock::new(|| format!("^(?:{}*|[Aa][Ll][Ll]|{})$", *WS, period_forms()));

/// A `created` filter: a period, or `none` for work without a creation date.
pub static CREATED: LazyLock<String> =
    LazyLock::new(|| format!("^(?:{}*|[Nn][Oo][Nn][Ee]|{})$", *WS, period_forms()));

/// The off-plan reasons as a target names them.
const REASONS: &str = "(?:tech_debt|bug_incident|customer_escalation|sales_commitment\
    |maintenance|exploration|other|not_covered)";

/// A person's link target: `initiative:ID`, `goal:ID` or `off_plan:REASON`.
pub static TARGET: LazyLock<String> = LazyLock::new(|| {
    format!(
        "^(?:(?:initiative|goal):.*{}.*|off_plan:{REASONS})$",
        *NOT_BLANK
    )
});

/// A reviewed row's decision: `confirm` (or `confirmed`, `ok`, `yes`) or a target; empty
/// or null is "not reviewed". Only the document states it: the list is read by the same
/// reader as `link --file`, which also takes other spellings (`Confirm`, `i:ID`).
pub static DECISION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "^(?:{}*|confirm|confirmed|ok|yes|(?:initiative|goal):.*{}.*|off_plan:{REASONS})$",
        *WS, *NOT_BLANK
    )
});

/// A note's subject: `item:SOURCE:KEY`, `item:KEY`, `initiative:ID` or `goal:ID`.
pub static NOTE_TARGET: LazyLock<String> =
    LazyLock::new(|| format!("^(?:item|initiative|goal):.*{}.*$", *NOT_BLANK));

/// `off_plan` of the item list: a reason, or `any`.
pub static OFF_PLAN_FILTER: LazyLock<String> = LazyLock::new(|| {
    lenient_values(&[
        "any",
        "tech_debt",
        "bug_incident",
        "customer_escalation",
        "sales_commitment",
        "maintenance",
        "exploration",
        "other",
        "not_covered",
    ])
});

/// Link origins, one or several with commas.
pub static ORIGINS: LazyLock<String> = LazyLock::new(|| {
    let one = "(?:explicit|inferred|corrected)";
    lenient_values(&[&format!("{one}(?:,{one})*")])
});

/// `class` of the item list.
pub static CLASSES: LazyLock<String> =
    LazyLock::new(|| lenient_values(&["aligned", "off_plan", "not_placed", "unclear", "unlinked"]));

/// `sort` of the item list.
pub static SORTS: LazyLock<String> = LazyLock::new(|| lenient_values(&["stored", "confidence"]));

/// `format` of the item list (empty is JSON).
pub static LIST_FORMATS: LazyLock<String> = LazyLock::new(|| lenient_values(&["json", "csv"]));

/// Which date puts work in a period (`report::PeriodBy`): empty is `active`.
pub static PERIOD_BY: LazyLock<String> =
    LazyLock::new(|| lenient_values(&["active", "created", "resolved"]));

/// A yes/no filter of the item list: `true`, `false`, or empty (false).
pub static FLAG: LazyLock<String> =
    LazyLock::new(|| format!("^{ws}*(?:true|false)?{ws}*$", ws = *WS));

/// `format` of the status and allocation reports.
pub const TABLE_FORMATS: &[&str] = &["json", "csv"];

/// `format` of the brief.
pub const BRIEF_FORMATS: &[&str] = &["json", "md", "markdown", "html"];

/// `by` of the allocation report.
pub const BUCKETS: &[&str] = &["auto", "week", "month", "quarter", "sprint"];

/// Note kinds.
pub const NOTE_KINDS: &[&str] = &["why", "trade_off", "learning", "risk", "customer_signal"];

/// Token roles.
pub const ROLES: &[&str] = &["viewer", "contributor", "admin"];

/// Refuses `value` of parameter `name` unless it matches `pattern` (compiled once per
/// pattern; every pattern here is a constant, so a bad one fails every test).
pub fn check_pattern(name: &str, value: &str, pattern: &str) -> Result<(), ApiError> {
    static CACHE: LazyLock<std::sync::Mutex<Vec<(String, Regex)>>> =
        LazyLock::new(Default::default);
    let matches = {
        let mut cache = CACHE
            .lock()
            .map_err(|_| ApiError::Internal("the pattern cache is poisoned".into()))?;
        match cache.iter().find(|(p, _)| p == pattern) {
            Some((_, re)) => re.is_match(value),
            None => {
                let re = Regex::new(pattern)
                    .map_err(|e| ApiError::Internal(format!("bad pattern for `{name}`: {e}")))?;
                let m = re.is_match(value);
                cache.push((pattern.to_string(), re));
                m
            }
        }
    };
    if matches {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "bad `{name}` `{value}`: see /api/openapi.json for its form"
        )))
    }
}

/// Refuses `value` of parameter `name` unless it is one of `allowed` (exactly: the
/// document lists them).
pub fn check_enum(name: &str, value: &str, allowed: &[&str]) -> Result<(), ApiError> {
    if allowed.contains(&value) {
        return Ok(());
    }
    let named: Vec<&str> = allowed.iter().copied().filter(|a| !a.is_empty()).collect();
    let said = match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => named.join(""),
    };
    Err(ApiError::BadRequest(format!(
        "bad `{name}` `{value}`: use {said}"
    )))
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))
}

fn pattern(p: &str) -> Schema {
    Schema::Object(string().pattern(Some(p)).build())
}

fn one_of(values: &[&str]) -> Schema {
    Schema::Object(string().enum_values(Some(values.iter().copied())).build())
}

/// An integer query parameter an empty value leaves out (`?limit=`, as a form sends it).
fn lenient_integer(min: i64, max: i64) -> Schema {
    let n = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Integer))
        .minimum(Some(min))
        .maximum(Some(max));
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(n.build())
            .item(pattern(&format!("^{}*$", *WS)))
            .build(),
    )
}

/// Gives the document's query parameters their grammar, by operation path and name,
/// once the router has built it from the parameter structs (whose doc comments stay the
/// descriptions; `#[param(schema_with)]` would drop them, and `required` with them).
pub fn apply(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.delete,
            &mut item.put,
        ]
        .into_iter()
        .flatten()
        {
            for p in op.parameters.iter_mut().flatten() {
                let RefOr::T(p) = p else { continue };
                if let Some(schema) = query_schema(path, &p.name) {
                    p.schema = Some(schema.into());
                }
            }
        }
    }
}

fn query_schema(path: &str, name: &str) -> Option<Schema> {
    let items = path == "/api/items";
    Some(match name {
        "period" if items => pattern(&LIST_PERIOD),
        "period" => pattern(&PERIOD),
        "off_plan" if items => pattern(&OFF_PLAN_FILTER),
        "class" if items => pattern(&CLASSES),
        "unclear" | "unlinked" if items => pattern(&FLAG),
        "origin" if items => pattern(&ORIGINS),
        "created" if items => pattern(&CREATED),
        "sort" if items => pattern(&SORTS),
        "format" if items => pattern(&LIST_FORMATS),
        "limit" if items => lenient_integer(0, super::items::MAX_LIMIT as i64),
        "offset" if items => lenient_integer(0, super::items::MAX_OFFSET as i64),
        "below" if items => below(),
        "format" if path == "/api/brief" => one_of(BRIEF_FORMATS),
        "format" => one_of(TABLE_FORMATS),
        "by" => one_of(BUCKETS),
        "period_by" => pattern(&PERIOD_BY),
        "on" => pattern(&NOTE_TARGET),
        "q" => Schema::Object(
            string()
                .pattern(Some(NOT_BLANK.as_str()))
                .max_length(Some(500))
                .build(),
        ),
        _ => return None,
    })
}

/// A confidence in (0, 1], or empty.
fn below() -> Schema {
    let n = ObjectBuilder::new()
        .schema_type(SchemaType::Type(Type::Number))
        .exclusive_minimum(Some(0.0))
        .maximum(Some(1.0));
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(n.build())
            .item(pattern(&format!("^{}*$", *WS)))
            .build(),
    )
}

// The schemas of body fields, named with `#[schema(schema_with = ...)]`, which takes the
// field's description from here.

pub fn target_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        string()
            .pattern(Some(TARGET.as_str()))
            .description(Some(
                "`initiative:ID`, `goal:ID` or `off_plan:REASON` (tech_debt, bug_incident, \
                 customer_escalation, sales_commitment, maintenance, exploration, other, \
                 not_covered); 404 for a goal or initiative the strategy does not have",
            ))
            .build(),
    )
}
pub fn note_target_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        string()
            .pattern(Some(NOTE_TARGET.as_str()))
            .description(Some(
                "`item:SOURCE:KEY`, `item:KEY`, `initiative:ID` or `goal:ID`",
            ))
            .build(),
    )
}
pub fn note_text_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        string()
            .pattern(Some(NOT_BLANK.as_str()))
            .max_length(Some(4000))
            .description(Some(
                "The note itself: not only spaces, at most 4000 characters",
            ))
            .build(),
    )
}
pub fn review_key_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        string()
            .pattern(Some(NOT_BLANK.as_str()))
            .description(Some("The item's key (or `SOURCE:KEY`)"))
            .build(),
    )
}
pub fn decision_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .pattern(Some(DECISION.as_str()))
            .description(Some(
                "`confirm`, `initiative:ID`, `goal:ID` or `off_plan:REASON`; empty or null: \
                 not reviewed, left as it is",
            ))
            .build(),
    )
}
/// A date, YYYY-MM-DD, or null.
pub fn date_schema() -> impl Into<RefOr<Schema>> {
    Schema::Object(
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("Day of the note, YYYY-MM-DD (default today)"))
            .build(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything the grammar lets through is a period the model can name (or one the
    /// calendar lacks, which the handlers answer with 404), and the forms the README
    /// shows all pass.
    #[test]
    fn the_period_grammar_admits_the_documented_forms_only() {
        for ok in [
            "",
            "all",
            "ALL",
            "2026",
            "2026-Q3",
            "2026-q3",
            "2026-H2",
            "2026-07",
            "2026-W32",
            "2026-W53",
            "2026-07-01..2026-09-30",
        ] {
            check_pattern("period", ok, &PERIOD).unwrap();
        }
        for bad in [
            " 2026",
            "2026-Q5",
            "2026-13",
            "26-Q1",
            "Q3",
            "2026-W1",
            "1969",
            "+2026",
            "yesterday",
        ] {
            assert!(check_pattern("period", bad, &PERIOD).is_err(), "{bad}");
        }
        check_pattern("created", "none", &CREATED).unwrap();
        assert!(check_pattern("created", "all", &CREATED).is_err());
        // The item list leaves out a value of spaces, so its grammar admits one.
        check_pattern("period", " \u{3000}", &LIST_PERIOD).unwrap();
        assert!(check_pattern("period", " ", &PERIOD).is_err());
    }

    #[test]
    fn targets_and_origins_follow_their_grammar() {
        for ok in ["initiative:x", "goal:grow", "off_plan:tech_debt"] {
            check_pattern("target", ok, &TARGET).unwrap();
        }
        for bad in [
            "unclear",
            "initiative:",
            "initiative: ",
            "off_plan:laziness",
            "x",
        ] {
            assert!(check_pattern("target", bad, &TARGET).is_err(), "{bad}");
        }
        check_pattern("origin", "explicit,corrected", &ORIGINS).unwrap();
        assert!(check_pattern("origin", "explicit,", &ORIGINS).is_err());
        check_enum("by", "week", BUCKETS).unwrap();
        assert!(check_enum("by", "", BUCKETS).is_err());
    }
}
