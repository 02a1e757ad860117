//! Azure DevOps Boards work items from the REST API: the responses of
//! `POST _apis/wit/workitemsbatch` and `GET _apis/wit/workitems?ids=...&$expand=relations`
//! (`{"count": N, "value": [{"id", "rev", "fields", "relations", "url", "_links"}]}`), one
//! response, an array of them, or responses written back to back.
//!
//! Keys are `PROJECT-ID`: the work item's id (unique in an organisation) after its team
//! project (`System.TeamProject`, else the first level of its area path), so
//! `Fabrikam-297`, as Boards shows an id beside its project. The parent is the target of
//! the `System.LinkTypes.Hierarchy-Reverse` relation (or the `System.Parent` field), keyed
//! by its own project when it is in the file, else the child's. Epics and Features are
//! containers (see [`WorkItem::is_epic`]); a story under one carries it as its epic too,
//! so `epics = ["Fabrikam-12"]` selects the Epic and everything beneath it through the
//! parent chain. The area path is kept whole (`area_paths` selects by it), the iteration
//! path is the sprint (none when it is the project's root: the item is in no sprint),
//! `System.Tags` (`; `-separated) are the labels, the first of story points, effort and
//! size the estimate, and the description's HTML is read as text.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::error::{EXPECTED_NUMBER, IngestError};
use crate::json_doc::{self, RecordCtx, at, str_at};
use crate::warnings::{QuirkKind, Warnings};
use crate::{ItemStream, split_list};

/// The link type of a work item's parent, as its child's relations name it.
const PARENT_LINK: &str = "System.LinkTypes.Hierarchy-Reverse";

/// The estimate fields of the Agile, Scrum and CMMI processes, in the order they are read.
const ESTIMATES: [&str; 3] = [
    "Microsoft.VSTS.Scheduling.StoryPoints",
    "Microsoft.VSTS.Scheduling.Effort",
    "Microsoft.VSTS.Scheduling.Size",
];

/// Reads an Azure DevOps work items file: one response, an array of responses, or
/// responses back to back.
pub(crate) fn read(
    path: &Path,
    source: String,
    warnings: Warnings,
) -> Result<ItemStream, IngestError> {
    read_doc(json_doc::load_concatenated(path)?, path, source, warnings)
}

/// Reads a parsed response; `path` names where it came from in errors.
pub(crate) fn read_doc(
    doc: Value,
    path: &Path,
    source: String,
    warnings: Warnings,
) -> Result<ItemStream, IngestError> {
    let items = json_doc::flatten(
        doc,
        path,
        &json_doc::Shape {
            is_record: |o| o.contains_key("fields"),
            page_key: Some("value"),
            expected: "expected Azure DevOps work items (objects with \"id\" and \"fields\"), \
                       a response of them ({\"count\": N, \"value\": [...]}), or an array of \
                       responses",
        },
    )?;
    // A parent is named by id only; its project (for its key) and its type (is it the
    // child's epic?) are known when the parent is in the file too.
    let parents: Parents = items
        .iter()
        .filter_map(|v| {
            let fields = v.get("fields")?;
            let id = v.get("id").and_then(number_of)?;
            let project = project_of(fields)?;
            let kind = str_at(fields, &["System.WorkItemType"]);
            Some((
                id,
                (
                    format!("{project}-{id}"),
                    kind.is_some_and(|k| is_container(&k)),
                ),
            ))
        })
        .collect();
    Ok(json_doc::records(items, path, move |item, ctx| {
        convert(item, ctx, &source, &parents, &warnings)
    }))
}

/// Work items of the file by id: their key, and whether they are an Epic or a Feature.
pub(crate) type Parents = HashMap<u64, (String, bool)>;

fn number_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The team project: `System.TeamProject`, else the root of the area or iteration path
/// (a path starts at its project).
fn project_of(fields: &Value) -> Option<String> {
    str_at(fields, &["System.TeamProject"]).or_else(|| {
        ["System.AreaPath", "System.IterationPath"]
            .iter()
            .find_map(|f| str_at(fields, &[f]).and_then(|p| path_root(&p)))
    })
}

/// The first level of a `\`-separated path.
pub(crate) fn path_root(path: &str) -> Option<String> {
    let root = path.split('\\').next()?.trim();
    (!root.is_empty()).then(|| root.to_string())
}

/// The Boards levels above the stories: planned, never worked on themselves.
pub(crate) fn is_container(kind: &str) -> bool {
    kind.eq_ignore_ascii_case("epic") || kind.eq_ignore_ascii_case("feature")
}

/// The sprint of an iteration path: none for the project's root iteration, where Boards
/// keeps work not planned into any sprint.
pub(crate) fn sprint_of(iteration: Option<String>, project: &str) -> Option<String> {
    iteration.filter(|i| !i.trim().eq_ignore_ascii_case(project))
}

/// The state's category: the states of Boards' Basic, Agile, Scrum and CMMI processes by
/// name, other names as [`StatusCategory::from_status_name`] reads them, and a custom
/// state that says nothing counted as to do (or done, with a closed date), which the
/// importer notes.
pub(crate) fn state_category(
    state: Option<&str>,
    closed: bool,
    warn: impl FnOnce(),
) -> StatusCategory {
    let lower = state.map(|s| s.trim().to_ascii_lowercase());
    match lower.as_deref() {
        Some("new" | "proposed" | "to do" | "approved" | "design") => StatusCategory::Todo,
        Some("active" | "committed" | "in progress" | "resolved" | "doing") => {
            StatusCategory::InProgress
        }
        Some("closed" | "done" | "removed" | "completed") => StatusCategory::Done,
        _ => match state.filter(|s| crate::status_is_known(s)) {
            Some(known) => StatusCategory::from_status_name(known),
            None if closed => StatusCategory::Done,
            None => {
                warn();
                StatusCategory::Todo
            }
        },
    }
}

/// The display name of an identity: Boards writes `Name <address>` in exports and older
/// APIs, an object with `displayName` in the current one.
pub(crate) fn display_name(text: &str) -> Option<String> {
    let name = match text.split_once(" <") {
        Some((name, _)) if text.trim_end().ends_with('>') => name,
        _ => text,
    };
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// The id at the end of a work item's API address (`.../_apis/wit/workItems/297`).
fn id_from_url(url: &str) -> Option<u64> {
    url.trim_end_matches('/').rsplit('/').next()?.parse().ok()
}

/// The page a person opens: `_links.html.href`, else the `_workitems/edit` page beside
/// the API address (`https://dev.azure.com/org/_apis/wit/workItems/297` →
/// `https://dev.azure.com/org/Project/_workitems/edit/297`).
fn web_url(item: &Value, project: &str, id: u64) -> Option<String> {
    if let Some(href) = str_at(item, &["_links", "html", "href"]) {
        return Some(href);
    }
    let api = str_at(item, &["url"])?;
    let (org, _) = api.split_once("/_apis/")?;
    // The project may sit between the organisation and `_apis` already.
    let org = org
        .strip_suffix(&format!("/{project}"))
        .or_else(|| org.strip_suffix(&format!("/{}", project.replace(' ', "%20"))))
        .unwrap_or(org);
    Some(format!(
        "{org}/{}/_workitems/edit/{id}",
        project.replace(' ', "%20")
    ))
}

fn convert(
    item: &Value,
    mut ctx: RecordCtx<'_>,
    source: &str,
    parents: &Parents,
    warnings: &Warnings,
) -> Result<WorkItem, IngestError> {
    let fields = match item.get("fields") {
        Some(f @ Value::Object(_)) => f,
        Some(other) => return Err(ctx.bad("fields", other, "an object of work item fields")),
        None => return Err(ctx.missing("fields")),
    };
    let id = match at(item, &["id"]).or_else(|| at(fields, &["System.Id"])) {
        Some(v) => number_of(v).ok_or_else(|| ctx.bad("id", v, "a work item id (a number)"))?,
        None => return Err(ctx.missing("id")),
    };
    ctx.key = id.to_string();
    let project = project_of(fields).ok_or_else(|| ctx.missing("fields.System.TeamProject"))?;
    let key = format!("{project}-{id}");
    ctx.key.clone_from(&key);

    // Bugs of the Agile and CMMI processes keep their words in the repro steps.
    let description = ["System.Description", "Microsoft.VSTS.TCM.ReproSteps"]
        .iter()
        .find_map(|f| str_at(fields, &[f]))
        .map(|html| crate::html_to_text(&html))
        .unwrap_or_default();
    let title = match str_at(fields, &["System.Title"]) {
        Some(title) => title,
        None => {
            warnings.push(ctx.at(), QuirkKind::EmptyTitle);
            crate::untitled(&description)
        }
    };
    let created = ctx.date(fields, &["System.CreatedDate"], "fields.System.CreatedDate")?;
    if created.is_none() {
        warnings.push(ctx.at(), QuirkKind::NoCreatedDate);
    }
    let resolved = ctx.date(
        fields,
        &["Microsoft.VSTS.Common.ClosedDate"],
        "fields.Microsoft.VSTS.Common.ClosedDate",
    )?;
    let started = ctx.date(
        fields,
        &["Microsoft.VSTS.Common.ActivatedDate"],
        "fields.Microsoft.VSTS.Common.ActivatedDate",
    )?;
    let status = str_at(fields, &["System.State"]);
    let status_category = state_category(status.as_deref(), resolved.is_some(), || {
        warnings.push(ctx.at(), QuirkKind::UnknownStatus(status.clone()));
    });

    let mut estimate = None;
    for field in ESTIMATES {
        if let Some(v) = at(fields, &[field]) {
            let n = v
                .as_f64()
                .or_else(|| v.as_str().and_then(crate::parse_number))
                .filter(|n| n.is_finite() && *n >= 0.0)
                .ok_or_else(|| ctx.bad(&format!("fields.{field}"), v, EXPECTED_NUMBER))?;
            estimate = Some(n);
            break;
        }
    }

    let parent_id = match parent_from_relations(item) {
        Some(id) => Some(id),
        None => match at(fields, &["System.Parent"]) {
            Some(v) => Some(
                number_of(v).ok_or_else(|| ctx.bad("fields.System.Parent", v, "a work item id"))?,
            ),
            None => None,
        },
    };
    let (parent_key, parent_is_container) = match parent_id {
        None => (None, false),
        Some(pid) => match parents.get(&pid) {
            Some((k, container)) => (Some(k.clone()), *container),
            None => (Some(format!("{project}-{pid}")), false),
        },
    };
    let mut labels = Vec::new();
    if let Some(tags) = str_at(fields, &["System.Tags"]) {
        split_list(&tags, ";", &mut labels);
    }
    let assignee = match at(fields, &["System.AssignedTo"]) {
        Some(Value::String(s)) => display_name(s),
        Some(identity) => {
            str_at(identity, &["displayName"]).or_else(|| str_at(identity, &["uniqueName"]))
        }
        None => None,
    };

    Ok(WorkItem {
        source: source.to_string(),
        url: web_url(item, &project, id),
        title,
        description,
        item_type: str_at(fields, &["System.WorkItemType"]),
        status,
        status_category,
        labels,
        components: Vec::new(),
        epic_key: parent_key.clone().filter(|_| parent_is_container),
        parent_key,
        team: None,
        assignee,
        estimate,
        estimate_unit: EstimateUnit::Points,
        created,
        started,
        resolved,
        sprint: sprint_of(str_at(fields, &["System.IterationPath"]), &project),
        area_path: str_at(fields, &["System.AreaPath"]),
        project: Some(project),
        key,
    })
}

/// The parent's id, from the hierarchy relation `$expand=relations` returns.
fn parent_from_relations(item: &Value) -> Option<u64> {
    at(item, &["relations"])?
        .as_array()?
        .iter()
        .filter(|r| str_at(r, &["rel"]).is_some_and(|rel| rel == PARENT_LINK))
        .find_map(|r| str_at(r, &["url"]).and_then(|u| id_from_url(&u)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_urls_sit_beside_the_api_address() {
        let item =
            serde_json::json!({"url": "https://dev.azure.com/fabrikam/_apis/wit/workItems/297"});
        assert_eq!(
            web_url(&item, "Fabrikam Fiber", 297).as_deref(),
            Some("https://dev.azure.com/fabrikam/Fabrikam%20Fiber/_workitems/edit/297")
        );
        let item =
            serde_json::json!({"url": "https://dev.azure.com/fabrikam/Shop/_apis/wit/workItems/5"});
        assert_eq!(
            web_url(&item, "Shop", 5).as_deref(),
            Some("https://dev.azure.com/fabrikam/Shop/_workitems/edit/5")
        );
        assert_eq!(web_url(&serde_json::json!({}), "Shop", 5), None);
    }

    #[test]
    fn identities_are_read_by_their_display_name() {
        assert_eq!(
            display_name("Jamal Hartnett <fabrikamfiber4@hotmail.com>").as_deref(),
            Some("Jamal Hartnett")
        );
        assert_eq!(display_name("Jamal").as_deref(), Some("Jamal"));
        assert_eq!(display_name("  "), None);
    }

    #[test]
    fn states_of_every_process_have_their_category() {
        let mut warned = 0;
        let mut cat = |s: &str, closed: bool| state_category(Some(s), closed, || warned += 1);
        assert_eq!(cat("Proposed", false), StatusCategory::Todo);
        assert_eq!(cat("Committed", false), StatusCategory::InProgress);
        assert_eq!(cat("Resolved", false), StatusCategory::InProgress);
        assert_eq!(cat("Removed", false), StatusCategory::Done);
        assert_eq!(cat("In Review", false), StatusCategory::InProgress);
        assert_eq!(cat("Parked", true), StatusCategory::Done);
        assert_eq!(cat("Parked", false), StatusCategory::Todo);
        assert_eq!(warned, 1);
    }
}
