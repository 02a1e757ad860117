//! GitLab issues and epics, from the REST API (`GET /api/v4/projects/:id/issues`,
//! `/groups/:id/issues`, `/groups/:id/epics`), one page or an array of pages as saved by
//! `curl` or `glab api`, and from `glab issue list --output json`.
//!
//! Keys are GitLab's own full references: `group/project#123` for an issue,
//! `group&7` for an epic. An issue's epic (`epic.url`, `epic.iid`, or the older `epic_iid`)
//! becomes its epic key in the same spelling, so `epics = ["group&7"]` in a strategy
//! selects the epic and every issue beneath it; an epic's `parent_id` names the epic it
//! sits under (resolved by id within the file), so epics under epics roll up too.
//! `type::` scoped labels name the type where present (GitLab's own `issue_type` says
//! only issue, incident, task or test case); every label is kept whole (`team::payments`),
//! as a strategy selects it. `weight` is the estimate, the milestone the sprint (the
//! iteration when there is no milestone).
//!
//! A task has no parent here, because REST gives none: the issues API lists tasks among
//! the issues (`issue_type` `task`, type `TASK`; documented by gitlab-org/gitlab!139694),
//! but GitLab's issue entity (`lib/api/entities/issue_basic.rb` and `issue.rb`) exposes
//! no parent, and the only hierarchy it carries is an issue's `epic` / `epic_iid`
//! (Premium). Its `has_tasks` and `task_completion_status` count Markdown checklist items,
//! not task work items. A task's parent is in GraphQL's hierarchy widget, which
//! `gitlab_work_items` reads; one document may hold both shapes.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::error::IngestError;
use crate::json_doc::{self, RecordCtx, at, names, str_at};
use crate::{ItemStream, gitlab_work_items};

/// Reads a GitLab JSON export: one response, an array of pages, or pages written back to
/// back (`glab api --paginate`).
pub(crate) fn read(path: &Path, source: String) -> Result<ItemStream, IngestError> {
    read_doc(json_doc::load_concatenated(path)?, path, source)
}

/// Reads a parsed GitLab response; `path` names where it came from in errors. REST
/// records and GraphQL work items may share a document: each is read by its own kind.
pub(crate) fn read_doc(doc: Value, path: &Path, source: String) -> Result<ItemStream, IngestError> {
    let doc = gitlab_work_items::unwrap_pages(doc, path, None)?;
    let items = json_doc::flatten(
        doc,
        path,
        &json_doc::Shape {
            is_record: |o| o.contains_key("iid"),
            page_key: None,
            expected: "expected GitLab issues or epics (objects with \"iid\"), GraphQL work \
                       items (data.group.workItems.nodes), or an array of them (pages too)",
        },
    )?;
    // Epics name their parent epic by its global id; the parent's reference is in the
    // same file when the user saved the group's epics.
    let epic_refs: HashMap<u64, String> = items
        .iter()
        .filter(|v| !v.as_object().is_some_and(gitlab_work_items::is_work_item))
        .filter(|v| is_epic(v))
        .filter_map(|v| Some((v.get("id")?.as_u64()?, epic_reference(v)?)))
        .collect();
    // Work items may name their parent by its global id alone.
    let work_items = gitlab_work_items::index(&items);
    Ok(json_doc::records(items, path, move |item, ctx| {
        if item
            .as_object()
            .is_some_and(gitlab_work_items::is_work_item)
        {
            gitlab_work_items::convert(item, ctx, &source, &work_items)
        } else {
            convert(item, ctx, &source, &epic_refs)
        }
    }))
}

/// An epic from `/groups/:id/epics`: a group's, not a project's, and no `issue_type`.
fn is_epic(v: &Value) -> bool {
    (v.get("group_id").is_some() && v.get("project_id").is_none() && v.get("issue_type").is_none())
        || str_at(v, &["references", "full"]).is_some_and(|r| r.contains('&'))
        || str_at(v, &["web_url"]).is_some_and(|u| u.contains("/-/epics/"))
}

/// The path of a group or project from a web URL: the segments before `/-/`
/// (`https://gitlab.com/gitlab-org/gitlab/-/issues/1` → `gitlab-org/gitlab`). Group URLs
/// may start with `/groups/`.
pub(crate) fn path_from_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    // Without a scheme a URL is a path already (`/groups/g/-/epics/1`); with one, the
    // host comes first.
    let rest = if url.contains("://") {
        rest.split_once('/').map(|(_, p)| p)?
    } else {
        rest.trim_start_matches('/')
    };
    let (before, _) = rest.split_once("/-/")?;
    let before = before.strip_prefix("groups/").unwrap_or(before);
    (!before.is_empty()).then(|| before.to_string())
}

/// `group&7` for an epic: its full reference, else its web URL's group and iid.
fn epic_reference(v: &Value) -> Option<String> {
    if let Some(r) = str_at(v, &["references", "full"]) {
        return Some(r);
    }
    let iid = v.get("iid").and_then(number_of)?;
    let group = str_at(v, &["web_url"]).and_then(|u| path_from_url(&u))?;
    Some(format!("{group}&{iid}"))
}

/// The epic an issue belongs to, spelled as [`epic_reference`] spells epics.
fn epic_of(issue: &Value) -> Option<String> {
    if let Some(epic) = at(issue, &["epic"]) {
        let iid = epic.get("iid").and_then(number_of)?;
        let group = str_at(epic, &["url"])
            .or_else(|| str_at(epic, &["web_url"]))
            .and_then(|u| path_from_url(&u));
        if let Some(r) =
            str_at(epic, &["reference"]).filter(|r| r.contains('&') && !r.starts_with('&'))
        {
            return Some(r);
        }
        return Some(match group {
            Some(g) => format!("{g}&{iid}"),
            None => format!("&{iid}"),
        });
    }
    // Older GitLab: only the epic's iid, in the issue's own top group (unknown here).
    issue
        .get("epic_iid")
        .and_then(number_of)
        .map(|iid| format!("&{iid}"))
}

pub(crate) fn number_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// `group/project#123`: the full reference, else the web URL's project and the iid.
fn issue_reference(v: &Value, iid: u64) -> (String, Option<String>) {
    let project = str_at(v, &["web_url"]).and_then(|u| path_from_url(&u));
    if let Some(r) = str_at(v, &["references", "full"]) {
        let project = r.split_once('#').map(|(p, _)| p.to_string()).or(project);
        return (r, project);
    }
    match project {
        Some(p) => (format!("{p}#{iid}"), Some(p)),
        None => match v.get("project_id").and_then(number_of) {
            Some(id) => (format!("{id}#{iid}"), Some(id.to_string())),
            None => (format!("#{iid}"), None),
        },
    }
}

/// The value of the first `scope::value` label of `scope`, any case.
/// The status category of a GitLab state (REST's words: `opened`, `closed`; anything
/// else as its name says), for REST issues and epics and GraphQL work items alike.
pub(crate) fn status_category(state: Option<&str>) -> StatusCategory {
    match state {
        Some("opened") | Some("open") | None => StatusCategory::Todo,
        Some("closed") => StatusCategory::Done,
        Some(other) => StatusCategory::from_status_name(other),
    }
}

/// A weight (the estimate), if given: a number of zero or more, else an error naming
/// `field`.
pub(crate) fn weight(
    value: Option<&Value>,
    ctx: &RecordCtx<'_>,
    field: &str,
) -> Result<Option<f64>, IngestError> {
    value
        .map(|w| {
            w.as_f64()
                .filter(|w| w.is_finite() && *w >= 0.0)
                .ok_or_else(|| ctx.bad(field, w, "a number of zero or more"))
        })
        .transpose()
}

pub(crate) fn scoped(labels: &[String], scope: &str) -> Option<String> {
    labels.iter().find_map(|l| {
        let (s, v) = l.rsplit_once("::")?;
        (s.trim().eq_ignore_ascii_case(scope) && !v.trim().is_empty()).then(|| v.trim().to_string())
    })
}

fn convert(
    item: &Value,
    mut ctx: RecordCtx<'_>,
    source: &str,
    epic_refs: &HashMap<u64, String>,
) -> Result<WorkItem, IngestError> {
    let iid = item
        .get("iid")
        .and_then(number_of)
        .ok_or_else(|| ctx.bad("iid", item.get("iid").unwrap_or(&Value::Null), "a number"))?;
    let epic = is_epic(item);
    let (key, project) = if epic {
        let key = epic_reference(item).unwrap_or_else(|| {
            let group = item.get("group_id").and_then(number_of);
            group.map_or_else(|| format!("&{iid}"), |g| format!("{g}&{iid}"))
        });
        let group = key
            .split_once('&')
            .map(|(g, _)| g.to_string())
            .filter(|g| !g.is_empty());
        (key, group)
    } else {
        issue_reference(item, iid)
    };
    ctx.key.clone_from(&key);
    let title = str_at(item, &["title"]).ok_or_else(|| ctx.missing("title"))?;
    let created = ctx.date(item, &["created_at"], "created_at")?;
    let closed = ctx.date(item, &["closed_at"], "closed_at")?;
    let labels = names(at(item, &["labels"]), "name");

    let state = str_at(item, &["state"]).map(|s| s.to_ascii_lowercase());
    let status_category = status_category(state.as_deref());
    let item_type = if epic {
        Some("Epic".to_string())
    } else {
        scoped(&labels, "type").or_else(|| {
            str_at(item, &["issue_type"])
                .or_else(|| str_at(item, &["type"]))
                .map(|t| t.to_ascii_lowercase())
        })
    };
    let epic_key = if epic {
        item.get("parent_id")
            .and_then(Value::as_u64)
            .and_then(|id| epic_refs.get(&id).cloned())
    } else {
        epic_of(item)
    };
    let estimate = weight(at(item, &["weight"]), &ctx, "weight")?;
    let assignee = at(item, &["assignees"])
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .and_then(|a| str_at(a, &["username"]))
        .or_else(|| str_at(item, &["assignee", "username"]));

    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: str_at(item, &["web_url"]),
        title,
        description: str_at(item, &["description"]).unwrap_or_default(),
        item_type,
        status: state,
        status_category,
        labels,
        components: Vec::new(),
        parent_key: None,
        epic_key,
        project,
        team: None,
        assignee,
        estimate,
        estimate_unit: EstimateUnit::Points,
        created,
        started: None,
        resolved: closed,
        sprint: str_at(item, &["milestone", "title"])
            .or_else(|| str_at(item, &["iteration", "title"])),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_come_from_issue_epic_and_group_urls() {
        for (url, want) in [
            (
                "https://gitlab.com/gitlab-org/gitlab/-/issues/1",
                "gitlab-org/gitlab",
            ),
            ("https://gitlab.example.com/a/b/c/-/issues/9", "a/b/c"),
            (
                "https://gitlab.com/groups/gitlab-org/-/epics/7",
                "gitlab-org",
            ),
            ("/groups/gitlab-org/sub/-/epics/7", "gitlab-org/sub"),
        ] {
            assert_eq!(path_from_url(url).as_deref(), Some(want), "{url}");
        }
        assert_eq!(path_from_url("https://gitlab.com/gitlab-org"), None);
    }

    #[test]
    fn scoped_labels_are_read_by_scope() {
        let labels = vec!["team::payments".to_string(), "type::feature".into()];
        assert_eq!(scoped(&labels, "type").as_deref(), Some("feature"));
        assert_eq!(scoped(&labels, "Team").as_deref(), Some("payments"));
        assert_eq!(scoped(&labels, "priority"), None);
    }
}
