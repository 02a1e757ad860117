//! Loaders for the real public data in `/work/shared/data` (read-only, never copied into
//! the repository), shared by `examples/eval_shared.rs` and `tests/real_data.rs`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use throughline_model::{Initiative, LinkTarget, Strategy, WorkItem};

/// `<workspace>/../shared/data`, if present.
pub fn data_dir() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    p.is_dir().then_some(p)
}

/// A labelled data set ready for `eval::evaluate`.
pub struct Dataset {
    pub name: String,
    pub strategy: Strategy,
    pub items: Vec<WorkItem>,
    pub truth: Vec<LinkTarget>,
}

fn strategy_of(names: &[String]) -> Strategy {
    Strategy {
        initiatives: names
            .iter()
            .map(|n| Initiative {
                id: n.clone(),
                goals: vec!["g".into()],
                title: n.clone(),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    }
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Iceberg merged changes: each first component with >= 30 items is an initiative; the
/// text is the title and the first 2,000 characters of the body.
pub fn iceberg(dir: &Path) -> Dataset {
    let text = std::fs::read_to_string(dir.join("iceberg/commits.jsonl")).expect("read iceberg");
    let rows: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let first = |r: &serde_json::Value| -> Option<String> {
        r["components"]
            .as_array()?
            .first()?
            .as_str()
            .map(str::to_string)
    };
    let mut counts: HashMap<String, usize> = HashMap::new();
    for r in &rows {
        if let Some(c) = first(r) {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut names: Vec<String> = counts
        .iter()
        .filter(|(_, n)| **n >= 30)
        .map(|(c, _)| c.clone())
        .collect();
    names.sort();
    let (mut items, mut truth) = (Vec::new(), Vec::new());
    for r in &rows {
        let Some(c) = first(r).filter(|c| names.contains(c)) else {
            continue;
        };
        let created = r["created"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|d| d.with_timezone(&Utc));
        items.push(WorkItem {
            source: "iceberg".into(),
            key: r["key"].as_str().unwrap_or_default().to_string(),
            title: r["title"].as_str().unwrap_or_default().to_string(),
            description: truncate(r["body"].as_str().unwrap_or_default(), 2000),
            components: r["components"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            created,
            ..Default::default()
        });
        truth.push(LinkTarget::Initiative(c));
    }
    Dataset {
        name: "iceberg".into(),
        strategy: strategy_of(&names),
        items,
        truth,
    }
}

/// Story-point projects: each project is an initiative. Rows are in creation order and
/// have no dates, so each row gets a synthetic date at its relative position in its
/// file: a global time split is then the same as splitting each file at the same share.
pub fn storypoints(dir: &Path) -> Dataset {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("storypoints"))
        .expect("read storypoints")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    let base = Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0).unwrap();
    let (mut items, mut truth, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for f in files {
        let project = f.file_stem().unwrap().to_string_lossy().to_string();
        let mut rdr = csv::Reader::from_path(&f).expect("open csv");
        let rows: Vec<csv::StringRecord> = rdr.records().filter_map(|r| r.ok()).collect();
        let n = rows.len().max(1);
        for (k, r) in rows.iter().enumerate() {
            let secs = (k as f64 / n as f64 * 1000.0 * 86_400.0) as i64;
            items.push(WorkItem {
                source: "jira".into(),
                key: r.get(0).unwrap_or_default().to_string(),
                title: r.get(1).unwrap_or_default().to_string(),
                description: truncate(r.get(2).unwrap_or_default(), 2000),
                project: Some(project.clone()),
                created: Some(base + chrono::Duration::seconds(secs)),
                ..Default::default()
            });
            truth.push(LinkTarget::Initiative(project.clone()));
        }
        names.push(project);
    }
    Dataset {
        name: "storypoints".into(),
        strategy: strategy_of(&names),
        items,
        truth,
    }
}
