//! The page templates, embedded at compile time so the binary needs no files at run time.
//!
//! Templates are HTML with minijinja's auto-escaping on: every value is escaped unless a
//! template marks it `|safe`, which only chart SVG and the brief body (both built and
//! escaped in Rust) are.

use std::sync::OnceLock;

use minijinja::Environment;
use minijinja::value::{Serde, Value};

/// Every template, by name.
const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("macros.html", include_str!("../../templates/macros.html")),
    (
        "overview.html",
        include_str!("../../templates/overview.html"),
    ),
    ("goal.html", include_str!("../../templates/goal.html")),
    (
        "off_plan.html",
        include_str!("../../templates/off_plan.html"),
    ),
    ("item.html", include_str!("../../templates/item.html")),
    ("items.html", include_str!("../../templates/items.html")),
    ("brief.html", include_str!("../../templates/brief.html")),
    ("ask.html", include_str!("../../templates/ask.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("sign_in.html", include_str!("../../templates/sign_in.html")),
    ("who.html", include_str!("../../templates/who.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and covered by tests; a broken one is
            // a build mistake, reported when the page renders.
            if let Err(e) = env.add_template(name, source) {
                eprintln!("template {name}: {e:#}");
            }
        }
        env.add_filter("pct", pct);
        env.add_filter("num", num);
        env.add_filter("items", items);
        env
    })
}

/// Renders template `name` with a serializable context.
pub(crate) fn render(name: &str, ctx: impl serde::Serialize) -> Result<String, minijinja::Error> {
    env().get_template(name)?.render(Value::from(Serde(ctx)))
}

/// A share 0..=1 as a whole percentage, e.g. "42%" ("<1%" for a sliver).
fn pct(v: f64) -> String {
    throughline_report::percent(v)
}

/// A count of items, singular for one: "1 item", "12,345 items".
fn items(v: i64) -> String {
    let n = super::util::thousands(v);
    if v == 1 {
        format!("{n} item")
    } else {
        format!("{n} items")
    }
}

/// A count with thousands separators, e.g. "12,345".
fn num(v: i64) -> String {
    super::util::thousands(v)
}
