//! Shared helpers for the demo tests (included with `mod common;`).

#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;
use throughline_demo::{Demo, DemoConfig, generate};

/// The default demo, generated once per test binary.
pub fn default_demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| generate(&DemoConfig::default()))
}

/// All Jira issues across the pages.
pub fn jira_issues(demo: &Demo) -> Vec<Value> {
    let pages: Value = serde_json::from_str(&demo.jira_json).expect("jira.json is JSON");
    pages
        .as_array()
        .expect("an array of pages")
        .iter()
        .flat_map(|p| p["issues"].as_array().expect("issues").clone())
        .collect()
}

/// The strategy file parsed as plain TOML.
pub fn strategy(demo: &Demo) -> toml::Table {
    demo.strategy_toml.parse().expect("strategy.toml is TOML")
}

/// Strings of a TOML array field, or nothing.
pub fn strs(v: &toml::Value, field: &str) -> Vec<String> {
    v.get(field)
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().expect("string").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Ids of the tables in a `[[kind]]` array.
pub fn ids(t: &toml::Table, kind: &str) -> HashSet<String> {
    t.get(kind)
        .and_then(|a| a.as_array())
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().expect("id").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Linear CSV rows as header -> value maps.
pub fn linear_rows(demo: &Demo) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(demo.linear_csv.as_bytes());
    let headers: Vec<String> = r
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    r.records()
        .map(|rec| {
            let rec = rec.expect("valid CSV row");
            headers
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect()
        })
        .collect()
}
