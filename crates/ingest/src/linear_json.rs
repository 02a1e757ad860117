//! Linear issues from its GraphQL API: `{"data": {"issues": {"nodes": [...]}}}` pages (as
//! `throughline sync linear` fetches them, or as saved from the API), an array of such
//! pages, or an array of issue nodes. Fields are those of the CSV export, by their API
//! names: `identifier`, `title`, `description`, `state { name type }`, `labels { nodes
//! { name } }`, `team`, `project`, `parent { identifier }`, `cycle`, `estimate`,
//! `assignee`, `createdAt`, `startedAt`, `completedAt`, `canceledAt`, `url`.

use std::path::{Path, PathBuf};

use serde_json::Value;
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::error::{IngestError, Location};
use crate::json_doc::{self, RecordCtx, at, names, str_at};
use crate::{ItemStream, fuse_on_error};

/// Reads a Linear GraphQL JSON file.
pub(crate) fn read(path: &Path, source: String) -> Result<ItemStream, IngestError> {
    read_doc(json_doc::load(path)?, path, source)
}

/// Reads a parsed Linear response; `path` names where it came from in errors.
pub(crate) fn read_doc(doc: Value, path: &Path, source: String) -> Result<ItemStream, IngestError> {
    let mut nodes = Vec::new();
    collect(doc, &mut nodes, path, None)?;
    let path: PathBuf = path.to_path_buf();
    let items = nodes.into_iter().enumerate().map(move |(index, node)| {
        let ctx = RecordCtx {
            path: &path,
            index,
            key: str_at(&node, &["identifier"]).unwrap_or_default(),
        };
        convert(&node, &ctx, &source)
    });
    Ok(fuse_on_error(items))
}

/// Issue nodes from a page, an array of pages, or an array of nodes.
fn collect(
    doc: Value,
    into: &mut Vec<Value>,
    path: &Path,
    index: Option<usize>,
) -> Result<(), IngestError> {
    let shape = |message: &str| IngestError::Shape {
        path: path.to_path_buf(),
        at: Location {
            record: index,
            ..Location::default()
        },
        message: message.to_string(),
    };
    match doc {
        Value::Array(list) => {
            for (i, v) in list.into_iter().enumerate() {
                collect(v, into, path, Some(index.unwrap_or(i)))?;
            }
            Ok(())
        }
        Value::Object(obj) if obj.contains_key("identifier") => {
            into.push(Value::Object(obj));
            Ok(())
        }
        Value::Object(mut obj) => {
            if let Some(errors) = obj.get("errors").and_then(Value::as_array) {
                let said: Vec<&str> = errors
                    .iter()
                    .filter_map(|e| e["message"].as_str())
                    .collect();
                return Err(shape(&format!(
                    "the response holds errors: {}",
                    said.join("; ")
                )));
            }
            let issues = match obj.remove("data") {
                Some(mut data) => data.get_mut("issues").map(Value::take),
                None => obj.remove("issues"),
            };
            match issues.and_then(|mut i| i.get_mut("nodes").map(Value::take)) {
                Some(nodes @ Value::Array(_)) => collect(nodes, into, path, index),
                _ => Err(shape(
                    "expected Linear issues: {\"data\": {\"issues\": {\"nodes\": [...]}}}, \
                     or issue objects with \"identifier\"",
                )),
            }
        }
        _ => Err(shape(
            "expected Linear issues (objects with \"identifier\")",
        )),
    }
}

fn convert(node: &Value, ctx: &RecordCtx<'_>, source: &str) -> Result<WorkItem, IngestError> {
    let key = str_at(node, &["identifier"]).ok_or_else(|| ctx.missing("identifier"))?;
    let title = str_at(node, &["title"]).ok_or_else(|| ctx.missing("title"))?;
    let started = ctx.date(node, &["startedAt"], "startedAt")?;
    let resolved = ctx
        .date(node, &["completedAt"], "completedAt")?
        .or(ctx.date(node, &["canceledAt"], "canceledAt")?);
    let status = str_at(node, &["state", "name"]);
    // Linear's workflow state types say what its names only suggest.
    let status_category = match str_at(node, &["state", "type"]).as_deref() {
        Some("completed" | "canceled") => StatusCategory::Done,
        Some("started") => StatusCategory::InProgress,
        Some("triage" | "backlog" | "unstarted") => StatusCategory::Todo,
        _ if resolved.is_some() => StatusCategory::Done,
        _ if started.is_some() => StatusCategory::InProgress,
        _ => status
            .as_deref()
            .map(StatusCategory::from_status_name)
            .unwrap_or_default(),
    };
    let estimate = match at(node, &["estimate"]) {
        None => None,
        Some(v) => Some(
            v.as_f64()
                .ok_or_else(|| ctx.bad("estimate", v, "a number"))?,
        ),
    };
    let sprint = str_at(node, &["cycle", "name"]).or_else(|| {
        at(node, &["cycle", "number"])
            .and_then(Value::as_f64)
            .map(|n| format!("Cycle {n}"))
    });
    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: str_at(node, &["url"]),
        title,
        description: str_at(node, &["description"]).unwrap_or_default(),
        item_type: None,
        status,
        status_category,
        labels: names(at(node, &["labels", "nodes"]), "name"),
        components: Vec::new(),
        parent_key: str_at(node, &["parent", "identifier"]),
        epic_key: None,
        project: str_at(node, &["project", "name"]),
        team: str_at(node, &["team", "name"]),
        assignee: str_at(node, &["assignee", "name"]),
        estimate,
        estimate_unit: EstimateUnit::Points,
        created: ctx.date(node, &["createdAt"], "createdAt")?,
        started,
        resolved,
        sprint,
        key,
    })
}
