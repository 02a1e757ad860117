//! Context notes and metric values from files people write by hand or export from a
//! spreadsheet: CSV with a header row, or JSON (an array, or one object per line).

use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use throughline_model::{ContextNote, MetricValue, NoteKind, NoteTarget};

use crate::error::{IngestError, Location};

/// One note as written in a file: `target,kind,text,author_team,author_name,date`.
#[derive(Debug, Deserialize)]
struct NoteRecord {
    target: String,
    kind: String,
    text: String,
    #[serde(default)]
    author_team: Option<String>,
    #[serde(default)]
    author_name: Option<String>,
    date: String,
}

/// One metric observation: `metric,date,value`.
#[derive(Debug, Deserialize)]
struct ValueRecord {
    metric: String,
    date: String,
    value: String,
}

/// Parses a note target: `item:SOURCE:KEY`, `item:KEY` (source left empty, to be resolved
/// by the caller), `initiative:ID` or `goal:ID`.
pub fn parse_note_target(s: &str) -> Option<NoteTarget> {
    let (kind, rest) = s.trim().split_once(':')?;
    let rest = rest.trim();
    if rest.is_empty() {
        return None;
    }
    match kind.trim().to_ascii_lowercase().as_str() {
        "item" => Some(match rest.split_once(':') {
            Some((source, key)) if !key.is_empty() => NoteTarget::Item {
                source: source.to_string(),
                key: key.to_string(),
            },
            _ => NoteTarget::Item {
                source: String::new(),
                key: rest.to_string(),
            },
        }),
        "initiative" => Some(NoteTarget::Initiative {
            id: rest.to_string(),
        }),
        "goal" => Some(NoteTarget::Goal {
            id: rest.to_string(),
        }),
        _ => None,
    }
}

/// Reads context notes from a CSV (`target,kind,text,author_team,author_name,date`), a JSON
/// array or JSON Lines file of objects with the same fields. All or nothing: the first bad
/// record is an error naming its line and field.
pub fn read_notes(path: &Path) -> Result<Vec<ContextNote>, IngestError> {
    records::<NoteRecord>(path)?
        .into_iter()
        .map(|(at, r)| note(path, at, r))
        .collect()
}

/// Reads metric values from a CSV with columns `metric,date,value`.
pub fn read_metric_values(path: &Path) -> Result<Vec<(String, MetricValue)>, IngestError> {
    records::<ValueRecord>(path)?
        .into_iter()
        .map(|(at, r)| {
            let date = date(path, &at, "date", &r.date)?;
            let value = crate::parse_number(&r.value).ok_or_else(|| IngestError::BadValue {
                path: path.to_path_buf(),
                at: at.clone(),
                field: "value".into(),
                value: r.value.clone(),
                expected: "a number (e.g. 3.4)".into(),
            })?;
            if r.metric.trim().is_empty() {
                return Err(IngestError::MissingField {
                    path: path.to_path_buf(),
                    at,
                    field: "metric".into(),
                });
            }
            Ok((r.metric.trim().to_string(), MetricValue { date, value }))
        })
        .collect()
}

fn note(path: &Path, at: Location, r: NoteRecord) -> Result<ContextNote, IngestError> {
    let bad = |field: &str, value: &str, expected: &str| IngestError::BadValue {
        path: path.to_path_buf(),
        at: at.clone(),
        field: field.into(),
        value: value.into(),
        expected: expected.into(),
    };
    let target = parse_note_target(&r.target).ok_or_else(|| {
        bad(
            "target",
            &r.target,
            "a target (item:SOURCE:KEY, item:KEY, initiative:ID or goal:ID)",
        )
    })?;
    let kind = NoteKind::parse(&r.kind).ok_or_else(|| {
        bad(
            "kind",
            &r.kind,
            "a note kind (why, trade_off, learning, risk or customer_signal)",
        )
    })?;
    if r.text.trim().is_empty() {
        return Err(IngestError::MissingField {
            path: path.to_path_buf(),
            at,
            field: "text".into(),
        });
    }
    let date = date(path, &at, "date", &r.date)?;
    let blank_none = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    Ok(ContextNote {
        target,
        kind,
        text: r.text.trim().to_string(),
        author_team: blank_none(r.author_team),
        author_name: blank_none(r.author_name),
        date,
    })
}

fn date(path: &Path, at: &Location, field: &str, s: &str) -> Result<NaiveDate, IngestError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .ok()
        .or_else(|| crate::parse_timestamp(s).map(|t| t.date_naive()))
        .ok_or_else(|| IngestError::BadValue {
            path: path.to_path_buf(),
            at: at.clone(),
            field: field.into(),
            value: s.into(),
            expected: "a date (e.g. 2026-07-01)".into(),
        })
}

/// Reads every record of a small CSV / JSON / JSON Lines file with its location.
pub(crate) fn records<T: for<'de> Deserialize<'de>>(
    path: &Path,
) -> Result<Vec<(Location, T)>, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let text = std::fs::read_to_string(path).map_err(io)?;
    records_in(path, &text)
}

/// [`records`] of a file's text already in memory (an upload): `path` names the file in
/// errors, and its extension says the format (CSV unless `.json`, `.jsonl` or `.ndjson`).
pub(crate) fn records_in<T: for<'de> Deserialize<'de>>(
    path: &Path,
    text: &str,
) -> Result<Vec<(Location, T)>, IngestError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let syntax = |at: Location, message: String| IngestError::Syntax {
        path: path.to_path_buf(),
        at,
        message,
    };
    match ext.as_str() {
        "json" => {
            let values: Vec<T> = serde_json::from_str(text).map_err(|e| {
                syntax(
                    Location {
                        line: Some(e.line() as u64),
                        column: Some(e.column() as u64),
                        ..Location::default()
                    },
                    e.to_string(),
                )
            })?;
            Ok(values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Location::record(i), v))
                .collect())
        }
        "jsonl" | "ndjson" => text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                let at = Location::line(i as u64 + 1);
                serde_json::from_str(l)
                    .map(|v| (at.clone(), v))
                    .map_err(|e| syntax(at, e.to_string()))
            })
            .collect(),
        _ => {
            let mut reader = csv::ReaderBuilder::new()
                .trim(csv::Trim::Headers)
                .from_reader(text.as_bytes());
            let headers = reader
                .headers()
                .map_err(|e| syntax(Location::line(1), e.to_string()))?
                .clone();
            let mut out = Vec::new();
            for rec in reader.records() {
                let rec = rec.map_err(|e| {
                    let line = e.position().map_or(0, |p| p.line());
                    syntax(Location::line(line), e.to_string())
                })?;
                let at = Location::line(rec.position().map_or(0, |p| p.line()));
                let v: T = rec
                    .deserialize(Some(&headers))
                    .map_err(|e| syntax(at.clone(), e.to_string()))?;
                out.push((at, v));
            }
            Ok(out)
        }
    }
}
