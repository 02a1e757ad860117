//! GitLab work items from its GraphQL API: newer GitLab serves epics (and issues, tasks,
//! objectives, key results, incidents) as work items, whose parent is in a hierarchy
//! widget. Read from a saved response of `group(fullPath:) { workItems { nodes { ... } } }`
//! (or `project`, or `namespace`), an array of such pages, pages back to back, or an array
//! of nodes. Fields are GitLab's `WorkItem` type: `id` (`gid://gitlab/WorkItem/123`),
//! `iid`, `title`, `state` (`OPEN`, `CLOSED`), `createdAt`, `closedAt`, `webUrl`,
//! `reference` (best asked as `reference(full: true)`), `workItemType { name }` and
//! `widgets`, each with its `type`: `HIERARCHY` (`parent`), `LABELS`, `DESCRIPTION`,
//! `ASSIGNEES`, `WEIGHT`, `MILESTONE`, `ITERATION`.
//!
//! An item is exactly what the REST importer makes of the same issue or epic: the same
//! key (`group/project#12`, epics `group&5`), status (`opened`, `closed`), type (the
//! `type::` label, else the work item type as REST's `issue_type` spells it: `issue`,
//! `task`, `key_result`; epics `Epic`), estimate (weight) and sprint (the milestone, else
//! the iteration), so an export by either API updates the same items. The hierarchy's
//! parent becomes the epic when it is an epic (issue → epic, epic → epic), as REST's
//! `epic` does, and the parent otherwise (task → issue, key result → objective): REST
//! gives no task its parent, so this is the shape that rolls tasks up. An epic's
//! timeframe is its life (created to closed), as for REST epics; the planned start and
//! due dates (`START_AND_DUE_DATE`) have no place in a work item and are not read.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use throughline_model::{EstimateUnit, WorkItem};

use crate::error::{IngestError, Location};
use crate::gitlab_json::{number_of, path_from_url, scoped, status_category, weight};
use crate::json_doc::{RecordCtx, at, names, str_at};

/// Whether a record of a GitLab document is a GraphQL work item rather than a REST issue
/// or epic: only work items have a type object, widgets, or a `WorkItem` global id.
pub(crate) fn is_work_item(o: &serde_json::Map<String, Value>) -> bool {
    o.contains_key("workItemType")
        || o.contains_key("widgets")
        || o.get("id")
            .and_then(Value::as_str)
            .is_some_and(|id| id.starts_with("gid://gitlab/WorkItem/"))
}

/// Where GraphQL puts the work items of a page, below `data` or saved without it.
const CONTAINERS: [&str; 3] = ["group", "project", "namespace"];

/// `doc` with every GraphQL page replaced by its work item nodes, so the REST walk
/// (arrays, pages, records) reads them as records. A page that holds GraphQL `errors` is
/// refused with GitLab's words: a partial answer would drop work unnoticed.
pub(crate) fn unwrap_pages(
    doc: Value,
    path: &Path,
    index: Option<usize>,
) -> Result<Value, IngestError> {
    match doc {
        Value::Array(list) => list
            .into_iter()
            .enumerate()
            .map(|(i, v)| unwrap_pages(v, path, Some(index.unwrap_or(i))))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(obj) if !obj.contains_key("iid") => {
            if let Some(errors) = obj.get("errors").and_then(Value::as_array) {
                let said: Vec<&str> = errors
                    .iter()
                    .filter_map(|e| e.get("message").and_then(Value::as_str))
                    .collect();
                return Err(IngestError::Shape {
                    path: path.to_path_buf(),
                    at: Location {
                        record: index,
                        ..Location::default()
                    },
                    message: format!("the GraphQL response holds errors: {}", said.join("; ")),
                });
            }
            let mut page = Value::Object(obj);
            // Saved whole (`data.group`) or from `data` down (`group`).
            for root in ["/data", ""] {
                for container in CONTAINERS {
                    let at_container = format!("{root}/{container}");
                    if page.pointer(&at_container).is_some_and(Value::is_null) {
                        return Err(IngestError::Shape {
                            path: path.to_path_buf(),
                            at: Location {
                                record: index,
                                ..Location::default()
                            },
                            message: format!(
                                "the GraphQL response's {container} is null: GitLab found no \
                                 {container} at that path, or the token may not see it"
                            ),
                        });
                    }
                    if let Some(nodes) = page
                        .pointer_mut(&format!("{at_container}/workItems/nodes"))
                        .filter(|n| n.is_array())
                    {
                        return Ok(nodes.take());
                    }
                }
            }
            // `{"workItems": {"nodes": [...]}}`, or not a page: the latter is left for
            // the REST walk, which says what it expected.
            Ok(
                match page
                    .pointer_mut("/workItems/nodes")
                    .filter(|n| n.is_array())
                {
                    Some(nodes) => nodes.take(),
                    None => page,
                },
            )
        }
        other => Ok(other),
    }
}

/// A work item's key and whether it is an epic, as REST spells them.
#[derive(Debug, Clone)]
pub(crate) struct Ref {
    key: String,
    epic: bool,
}

/// The keys of the file's work items by global id, so a parent named only by its id (a
/// query that asked the parent for no more) resolves to the key its own node has.
pub(crate) fn index(records: &[Value]) -> HashMap<String, Ref> {
    records
        .iter()
        .filter(|v| v.as_object().is_some_and(is_work_item))
        .filter_map(|v| Some((str_at(v, &["id"])?, own_ref(v, None)?)))
        .collect()
}

/// The work item type's name (`Epic`, `Issue`, `Task`, `Key Result`).
fn type_name(v: &Value) -> Option<String> {
    str_at(v, &["workItemType", "name"])
}

fn is_epic(v: &Value) -> bool {
    match type_name(v) {
        Some(name) => name.eq_ignore_ascii_case("epic"),
        // A parent asked for less: its reference or address says.
        None => {
            str_at(v, &["reference"]).is_some_and(|r| r.contains('&'))
                || str_at(v, &["webUrl"]).is_some_and(|u| u.contains("/-/epics/"))
        }
    }
}

/// `group/project#12` or `group&5`: the reference when it is the full one, else the path
/// of the web address (or the namespace's, or else `fallback_path`: the child's
/// project, for a parent named by its iid alone) with the iid. `None` without an iid.
fn own_ref(v: &Value, fallback_path: Option<&str>) -> Option<Ref> {
    let epic = is_epic(v);
    let sign = if epic { '&' } else { '#' };
    if let Some(r) = str_at(v, &["reference"]).filter(|r| {
        r.split_once(sign)
            .is_some_and(|(p, n)| !p.is_empty() && !n.is_empty())
    }) {
        return Some(Ref { key: r, epic });
    }
    let iid = v
        .get("iid")
        .and_then(number_of)
        // A short reference (`#12`, `&5`, the default) still carries the iid.
        .or_else(|| {
            str_at(v, &["reference"])
                .and_then(|r| r.rsplit_once(sign).and_then(|(_, n)| n.parse().ok()))
        })?;
    let path = str_at(v, &["webUrl"])
        .and_then(|u| path_from_url(&u))
        .or_else(|| str_at(v, &["namespace", "fullPath"]))
        .or_else(|| str_at(v, &["project", "fullPath"]))
        // An epic's group is never the child's project: `&5`, as REST's bare `epic_iid`.
        .or_else(|| fallback_path.filter(|_| !epic).map(str::to_string));
    Some(Ref {
        key: match path {
            Some(p) => format!("{p}{sign}{iid}"),
            None => format!("{sign}{iid}"),
        },
        epic,
    })
}

/// The widget of `kind` (`HIERARCHY`): by its `type`, or its GraphQL `__typename`, or,
/// when the query asked for neither, by the field only that widget has.
fn widget<'a>(widgets: &'a [Value], kind: &str, typename: &str, field: &str) -> Option<&'a Value> {
    widgets.iter().find(|w| {
        match (
            w.get("type").and_then(Value::as_str),
            w.get("__typename").and_then(Value::as_str),
        ) {
            (Some(t), _) => t.eq_ignore_ascii_case(kind),
            (None, Some(t)) => t == typename,
            (None, None) => w.get(field).is_some(),
        }
    })
}

/// Converts one work item node.
pub(crate) fn convert(
    node: &Value,
    mut ctx: RecordCtx<'_>,
    source: &str,
    known: &HashMap<String, Ref>,
) -> Result<WorkItem, IngestError> {
    if node.get("iid").and_then(number_of).is_none() {
        return Err(ctx.bad(
            "iid",
            node.get("iid").unwrap_or(&Value::Null),
            "a number (GitLab gives it as a string, e.g. \"12\")",
        ));
    }
    let Some(Ref { key, epic }) = own_ref(node, None) else {
        return Err(ctx.missing("iid"));
    };
    ctx.key.clone_from(&key);
    let project = key
        .rsplit_once(if epic { '&' } else { '#' })
        .map(|(p, _)| p.to_string())
        .filter(|p| !p.is_empty());
    let widgets: &[Value] = match at(node, &["widgets"]) {
        None => &[],
        Some(Value::Array(list)) => list,
        Some(other) => {
            return Err(ctx.bad(
                "widgets",
                other,
                "a list of widgets (objects with a \"type\", e.g. HIERARCHY or LABELS)",
            ));
        }
    };
    let title = str_at(node, &["title"]).ok_or_else(|| ctx.missing("title"))?;
    let created = ctx.date(node, &["createdAt"], "createdAt")?;
    let closed = ctx.date(node, &["closedAt"], "closedAt")?;
    let labels = names(
        widget(widgets, "LABELS", "WorkItemWidgetLabels", "labels")
            .and_then(|w| at(w, &["labels", "nodes"])),
        "title",
    );

    // REST's words for the same states, so either API gives the item the same status.
    let state = str_at(node, &["state"]).map(|s| match s.to_ascii_uppercase().as_str() {
        "OPEN" | "OPENED" => "opened".to_string(),
        "CLOSED" => "closed".to_string(),
        _ => s.to_ascii_lowercase(),
    });
    let status_category = status_category(state.as_deref());
    let item_type = if epic {
        Some("Epic".to_string())
    } else {
        // `Key Result` is REST's `key_result`.
        scoped(&labels, "type")
            .or_else(|| type_name(node).map(|t| t.trim().to_ascii_lowercase().replace(' ', "_")))
    };

    let (mut parent_key, mut epic_key) = (None, None);
    if let Some(parent) = widget(widgets, "HIERARCHY", "WorkItemWidgetHierarchy", "parent")
        .and_then(|w| at(w, &["parent"]))
    {
        let found = str_at(parent, &["id"])
            .and_then(|id| known.get(&id).cloned())
            .or_else(|| own_ref(parent, project.as_deref()))
            .ok_or_else(|| {
                ctx.bad(
                    "widgets.HIERARCHY.parent",
                    parent,
                    "a work item with a reference, webUrl or iid (or an id of a work item \
                     in the file)",
                )
            })?;
        if found.epic {
            epic_key = Some(found.key);
        } else {
            parent_key = Some(found.key);
        }
    }

    let estimate = weight(
        widget(widgets, "WEIGHT", "WorkItemWidgetWeight", "weight")
            .and_then(|w| at(w, &["weight"])),
        &ctx,
        "widgets.WEIGHT.weight",
    )?;
    let assignee = widget(widgets, "ASSIGNEES", "WorkItemWidgetAssignees", "assignees")
        .and_then(|w| at(w, &["assignees", "nodes"]))
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| str_at(a, &["username"]));
    let description = widget(
        widgets,
        "DESCRIPTION",
        "WorkItemWidgetDescription",
        "description",
    )
    .and_then(|w| str_at(w, &["description"]))
    // Older GitLab had the description on the work item itself.
    .or_else(|| str_at(node, &["description"]))
    .unwrap_or_default();
    let sprint = widget(widgets, "MILESTONE", "WorkItemWidgetMilestone", "milestone")
        .and_then(|w| str_at(w, &["milestone", "title"]))
        .or_else(|| {
            widget(widgets, "ITERATION", "WorkItemWidgetIteration", "iteration")
                .and_then(|w| str_at(w, &["iteration", "title"]))
        });

    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: str_at(node, &["webUrl"]),
        title,
        description,
        item_type,
        status: state,
        status_category,
        labels,
        components: Vec::new(),
        parent_key,
        epic_key,
        project,
        team: None,
        assignee,
        estimate,
        estimate_unit: EstimateUnit::Points,
        created,
        started: None,
        resolved: closed,
        sprint,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_come_from_the_full_reference_else_the_address() {
        let full = json!({"iid": "12", "reference": "g/p#12", "workItemType": {"name": "Task"}});
        assert_eq!(own_ref(&full, None).unwrap().key, "g/p#12");
        let short = json!({"iid": "12", "reference": "#12",
                           "webUrl": "https://gitlab.example.com/g/sub/p/-/work_items/12"});
        assert_eq!(own_ref(&short, None).unwrap().key, "g/sub/p#12");
        let epic = json!({"iid": "5", "reference": "&5", "workItemType": {"name": "Epic"},
                          "webUrl": "https://gitlab.example.com/groups/g/-/epics/5"});
        let r = own_ref(&epic, None).unwrap();
        assert!(r.epic);
        assert_eq!(r.key, "g&5");
        // A parent named by its short reference alone: the child's project for an issue,
        // no group for an epic (as REST's bare `epic_iid`).
        let parent = json!({"reference": "#6"});
        assert_eq!(own_ref(&parent, Some("g/p")).unwrap().key, "g/p#6");
        let parent_epic = json!({"reference": "&5"});
        assert_eq!(own_ref(&parent_epic, Some("g/p")).unwrap().key, "&5");
        assert!(own_ref(&json!({"title": "no iid"}), None).is_none());
    }

    #[test]
    fn widgets_are_found_by_type_typename_or_field() {
        let widgets = vec![
            json!({"type": "LABELS", "labels": {"nodes": []}}),
            json!({"__typename": "WorkItemWidgetWeight", "weight": 2}),
            json!({"parent": null}),
        ];
        assert!(widget(&widgets, "LABELS", "WorkItemWidgetLabels", "labels").is_some());
        assert!(widget(&widgets, "WEIGHT", "WorkItemWidgetWeight", "weight").is_some());
        assert!(widget(&widgets, "HIERARCHY", "WorkItemWidgetHierarchy", "parent").is_some());
        assert!(
            widget(
                &widgets,
                "MILESTONE",
                "WorkItemWidgetMilestone",
                "milestone"
            )
            .is_none()
        );
    }
}
