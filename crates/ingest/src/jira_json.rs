//! Jira REST search results: `/rest/api/2/search`, `/rest/api/3/search` and
//! `/rest/api/3/search/jql` (which pages with `nextPageToken` instead of `startAt`; the
//! page body is the same). Accepted shapes: one page (`{"issues": [...]}`), an array of
//! pages, an array of issues, or a single issue.
//!
//! Custom fields (story points, epic link, team, sprint) have site-specific ids. They are
//! found through the `names` map a search returns with `expand=names`, then through the
//! ids Jira Cloud assigns by default, unless [`JiraFields`] names them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::error::{EXPECTED_NUMBER, IngestError, Location};
use crate::json_doc::{self, RecordCtx, at, names, str_at};
use crate::warnings::{QuirkKind, Warnings};
use crate::{ImportOptions, ItemStream, JiraFields, adf, fuse_on_error, key_prefix};

/// Candidate field ids per concept, best first.
#[derive(Debug, Default)]
struct FieldIds {
    story_points: Vec<String>,
    epic_link: Vec<String>,
    team: Vec<String>,
    sprint: Vec<String>,
}

/// Jira field names (as shown in the UI and in `names`) mapped to their ids.
type NameIndex = HashMap<String, Vec<String>>;

fn candidates(
    explicit: Option<&str>,
    by_name: &NameIndex,
    default_names: &[&str],
    default_ids: &[&str],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |id: &str| {
        if !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    };
    if let Some(wanted) = explicit.map(str::trim).filter(|s| !s.is_empty()) {
        // An explicit choice replaces detection: a wrong guess would be worse than none.
        for id in by_name.get(&wanted.to_lowercase()).into_iter().flatten() {
            push(id);
        }
        push(wanted);
        return out;
    }
    for name in default_names {
        for id in by_name.get(*name).into_iter().flatten() {
            push(id);
        }
    }
    for id in default_ids {
        push(id);
    }
    out
}

impl FieldIds {
    fn resolve(opts: &JiraFields, by_name: &NameIndex) -> Self {
        FieldIds {
            story_points: candidates(
                opts.story_points.as_deref(),
                by_name,
                &["story points", "story point estimate"],
                &["customfield_10016", "customfield_10026"],
            ),
            epic_link: candidates(
                opts.epic_link.as_deref(),
                by_name,
                &["epic link"],
                &["customfield_10014", "customfield_10008"],
            ),
            team: candidates(
                opts.team.as_deref(),
                by_name,
                &["team"],
                &["customfield_10001"],
            ),
            sprint: candidates(
                opts.sprint.as_deref(),
                by_name,
                &["sprint"],
                &["customfield_10020", "customfield_10010"],
            ),
        }
    }
}

/// Splits a search response into its issues and merges the `names` maps of its pages.
fn collect(doc: Value, path: &Path) -> Result<(Vec<Value>, NameIndex), IngestError> {
    let mut issues = Vec::new();
    let mut by_name: NameIndex = HashMap::new();
    let shape = |index: Option<usize>, message: &str| IngestError::Shape {
        path: path.to_path_buf(),
        at: Location {
            record: index,
            ..Location::default()
        },
        message: message.to_string(),
    };
    let mut take_page = |mut page: serde_json::Map<String, Value>,
                         issues: &mut Vec<Value>,
                         index: Option<usize>|
     -> Result<(), IngestError> {
        if let Some(Value::Object(names)) = page.remove("names") {
            for (id, name) in names {
                if let Some(name) = name.as_str() {
                    by_name
                        .entry(name.trim().to_lowercase())
                        .or_default()
                        .push(id);
                }
            }
        }
        match page.remove("issues") {
            Some(Value::Array(list)) => {
                issues.extend(list);
                Ok(())
            }
            _ => Err(shape(index, "\"issues\" is not an array of issues")),
        }
    };
    match doc {
        Value::Object(obj) if obj.contains_key("issues") => take_page(obj, &mut issues, None)?,
        Value::Object(obj) if obj.contains_key("fields") => issues.push(Value::Object(obj)),
        Value::Array(list) => {
            for (i, item) in list.into_iter().enumerate() {
                match item {
                    Value::Object(obj) if obj.contains_key("issues") => {
                        take_page(obj, &mut issues, Some(i))?;
                    }
                    Value::Object(obj) if obj.contains_key("fields") => {
                        issues.push(Value::Object(obj));
                    }
                    _ => {
                        return Err(shape(
                            Some(i),
                            "expected a Jira issue (an object with \"key\" and \"fields\") \
                             or a search page (an object with \"issues\")",
                        ));
                    }
                }
            }
        }
        _ => {
            return Err(shape(
                None,
                "expected a Jira search response: an object with \"issues\", \
                 an array of such pages, or an array of issues",
            ));
        }
    }
    Ok((issues, by_name))
}

/// Reads a Jira REST JSON export.
pub(crate) fn read(
    path: &Path,
    source: String,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    read_doc(json_doc::load(path)?, path, source, opts)
}

/// Reads a parsed Jira REST response; `path` names where it came from in errors.
pub(crate) fn read_doc(
    doc: Value,
    path: &Path,
    source: String,
    opts: &ImportOptions,
) -> Result<ItemStream, IngestError> {
    let (issues, by_name) = collect(doc, path)?;
    let ids = FieldIds::resolve(&opts.jira, &by_name);
    let path: PathBuf = path.to_path_buf();
    let base_url = opts.base_url.clone();
    let warnings = opts.warnings.clone();
    let items = issues.into_iter().enumerate().map(move |(index, issue)| {
        convert(
            &issue,
            &RecordCtx {
                path: &path,
                index,
                key: str_at(&issue, &["key"]).unwrap_or_default(),
            },
            &ids,
            &by_name,
            &source,
            base_url.as_deref(),
            &warnings,
        )
    });
    Ok(fuse_on_error(items))
}

/// The first candidate field that holds a value.
fn first_field<'a>(fields: &'a Value, ids: &'a [String]) -> Option<(&'a str, &'a Value)> {
    ids.iter().find_map(|id| {
        at(fields, &[id])
            .filter(|v| !v.as_array().is_some_and(Vec::is_empty))
            .map(|v| (id.as_str(), v))
    })
}

/// An epic as Jira writes it: its key, or an object with its key.
fn epic_ref(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()),
        other => other.get("key").and_then(Value::as_str).map(str::to_string),
    }
    .filter(|s| !s.is_empty())
}

/// `customfield_10016 ("Story Points")`, so the error names the field both ways.
fn field_label(id: &str, by_name: &NameIndex) -> String {
    by_name
        .iter()
        .find(|(_, ids)| ids.iter().any(|i| i == id))
        .map_or_else(|| id.to_string(), |(name, _)| format!("{id} ({name})"))
}

/// A team value: a plain string, an Atlassian Team object, a select option, or a list.
fn team_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => ["name", "title", "value"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .map(str::to_string),
        Value::Array(items) => items.iter().find_map(team_name),
        _ => None,
    }
}

/// The sprint an issue is in now: the active one, else the latest listed.
///
/// Cloud returns objects (`{"name": ..., "state": "active"}`); Server and old Cloud return
/// `com.atlassian.greenhopper.service.sprint.Sprint@1a2b[id=1,state=ACTIVE,name=Sprint 1,...]`.
fn sprint_name(v: &Value) -> Option<String> {
    let entries: Vec<(String, bool)> = match v {
        Value::Array(items) => items.iter().filter_map(sprint_entry).collect(),
        other => sprint_entry(other).into_iter().collect(),
    };
    entries
        .iter()
        .find(|(_, active)| *active)
        .or(entries.last())
        .map(|(name, _)| name.clone())
}

fn sprint_entry(v: &Value) -> Option<(String, bool)> {
    match v {
        Value::Object(o) => {
            let name = o.get("name")?.as_str()?.trim().to_string();
            let active = o
                .get("state")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case("active"));
            Some((name, active))
        }
        Value::String(s) => legacy_sprint(s),
        _ => None,
    }
}

fn legacy_sprint(s: &str) -> Option<(String, bool)> {
    let Some(open) = s.find('[') else {
        // A bare sprint name (some exports flatten the field).
        let name = s.trim();
        return (!name.is_empty()).then(|| (name.to_string(), false));
    };
    let body = s[open + 1..].trim_end().trim_end_matches(']');
    // Values may contain commas, so a part only starts a new attribute when it reads
    // `word=`.
    let mut attrs: Vec<(String, String)> = Vec::new();
    for part in body.split(',') {
        let is_attr = part
            .split_once('=')
            .is_some_and(|(k, _)| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()));
        match (is_attr, attrs.last_mut()) {
            (false, Some((_, value))) => {
                value.push(',');
                value.push_str(part);
            }
            _ => {
                let (k, v) = part.split_once('=').unwrap_or((part, ""));
                attrs.push((k.to_string(), v.to_string()));
            }
        }
    }
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let name = get("name")?.trim();
    let active = get("state").is_some_and(|s| s.eq_ignore_ascii_case("active"));
    (!name.is_empty() && name != "<null>").then(|| (name.to_string(), active))
}

/// `https://acme.atlassian.net/rest/api/3/issue/10001` -> `https://acme.atlassian.net`.
/// Server sites may live under a context path (`/jira/rest/...`), which is kept.
fn site_of(self_url: &str) -> Option<&str> {
    self_url.find("/rest/").map(|i| &self_url[..i])
}

fn convert(
    issue: &Value,
    ctx: &RecordCtx<'_>,
    ids: &FieldIds,
    by_name: &NameIndex,
    source: &str,
    base_url: Option<&str>,
    warnings: &Warnings,
) -> Result<WorkItem, IngestError> {
    if ctx.key.is_empty() {
        return Err(ctx.missing("key"));
    }
    let key = ctx.key.clone();
    let fields = issue.get("fields").unwrap_or(&Value::Null);
    let description = match at(fields, &["description"]) {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(doc @ Value::Object(_)) => adf::adf_to_text(doc),
        _ => String::new(),
    };
    // Old Jira data has issues with an empty summary; Jira allowed it, so it is data to
    // keep, not a reason to refuse the file.
    let title = match str_at(fields, &["summary"]) {
        Some(title) => title,
        None => {
            warnings.push(ctx.at(), QuirkKind::EmptyTitle);
            crate::untitled(&description)
        }
    };
    let status = str_at(fields, &["status", "name"]);
    let created = ctx.date(fields, &["created"], "fields.created")?;
    let resolved = ctx.date(fields, &["resolutiondate"], "fields.resolutiondate")?;
    let status_category =
        match at(fields, &["status", "statusCategory", "key"]).and_then(Value::as_str) {
            Some("new") => StatusCategory::Todo,
            Some("indeterminate") => StatusCategory::InProgress,
            Some("done") => StatusCategory::Done,
            _ => match status.as_deref().filter(|s| crate::status_is_known(s)) {
                Some(known) => StatusCategory::from_status_name(known),
                // A resolution date says the work is done whatever its status reads.
                None if resolved.is_some() => StatusCategory::Done,
                None => {
                    warnings.push(ctx.at(), QuirkKind::UnknownStatus(status.clone()));
                    StatusCategory::Todo
                }
            },
        };
    if created.is_none() {
        warnings.push(ctx.at(), QuirkKind::NoCreatedDate);
    }
    // Without the changelog the start of work is unknown, except for work in flight:
    // then the last status-category change is when it started.
    let started = if status_category == StatusCategory::InProgress {
        ctx.date(
            fields,
            &["statuscategorychangedate"],
            "fields.statuscategorychangedate",
        )?
    } else {
        None
    };

    let (estimate, estimate_unit) = match first_field(fields, &ids.story_points) {
        Some((id, v)) => {
            let points = match v {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => crate::parse_number(s),
                _ => None,
            };
            let points =
                points.ok_or_else(|| ctx.bad(&field_label(id, by_name), v, EXPECTED_NUMBER))?;
            (Some(points), EstimateUnit::Points)
        }
        None => match at(fields, &["timeoriginalestimate"]).and_then(Value::as_f64) {
            Some(secs) => (Some(secs / 3600.0), EstimateUnit::Hours),
            None => (None, EstimateUnit::Points),
        },
    };

    let parent_key = str_at(fields, &["parent", "key"]);
    let parent_is_epic = at(fields, &["parent", "fields", "issuetype"]).is_some_and(|t| {
        t.get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.eq_ignore_ascii_case("epic"))
            || t.get("hierarchyLevel").and_then(Value::as_i64) == Some(1)
    });
    // Company-managed projects carry the epic in "Epic Link"; newer and team-managed ones
    // make the epic the parent. Either way the epic is recorded as the epic.
    // Jira Server's Agile REST API (`/rest/agile/1.0/...`) adds the epic as an object
    // under `epic`, beside or instead of the Epic Link custom field.
    let epic_key = first_field(fields, &ids.epic_link)
        .and_then(|(_, v)| epic_ref(v))
        .or_else(|| at(fields, &["epic"]).and_then(epic_ref))
        .or_else(|| parent_is_epic.then(|| parent_key.clone()).flatten());

    let sprint = first_field(fields, &ids.sprint)
        .and_then(|(_, v)| sprint_name(v))
        .or_else(|| {
            names(at(fields, &["fixVersions"]), "name")
                .into_iter()
                .next()
        });

    // The site: from the issue's own `self`, else from the `self` of a field Jira
    // returns with one (an export trimmed of the issue's), else the given base URL.
    let url = str_at(issue, &["self"])
        .or_else(|| {
            ["project", "issuetype", "status", "priority", "resolution"]
                .iter()
                .find_map(|f| str_at(fields, &[f, "self"]))
        })
        .as_deref()
        .and_then(site_of)
        .map(str::to_string)
        .or_else(|| base_url.map(|b| b.trim_end_matches('/').to_string()))
        .map(|site| format!("{site}/browse/{key}"));

    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url,
        title,
        description,
        item_type: str_at(fields, &["issuetype", "name"]),
        status,
        status_category,
        labels: names(at(fields, &["labels"]), "name"),
        components: names(at(fields, &["components"]), "name"),
        parent_key,
        epic_key,
        project: str_at(fields, &["project", "key"])
            .or_else(|| key_prefix(&key).map(str::to_string)),
        team: first_field(fields, &ids.team).and_then(|(_, v)| team_name(v)),
        assignee: str_at(fields, &["assignee", "displayName"])
            .or_else(|| str_at(fields, &["assignee", "name"])),
        estimate,
        estimate_unit,
        created,
        started,
        resolved,
        sprint,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_sprint_strings_give_their_name() {
        let s = "com.atlassian.greenhopper.service.sprint.Sprint@6d4b2[id=12,rapidViewId=3,\
                 state=CLOSED,name=Sprint 7, the big one,startDate=2016-01-04T10:00:00.000Z,\
                 endDate=<null>,completeDate=<null>,sequence=12]";
        assert_eq!(
            legacy_sprint(s),
            Some(("Sprint 7, the big one".to_string(), false))
        );
        let v = serde_json::json!([
            "com.atlassian.greenhopper.service.sprint.Sprint@1[id=1,state=CLOSED,name=S1,sequence=1]",
            "com.atlassian.greenhopper.service.sprint.Sprint@2[id=2,state=ACTIVE,name=S2,sequence=2]",
            "com.atlassian.greenhopper.service.sprint.Sprint@3[id=3,state=FUTURE,name=S3,sequence=3]"
        ]);
        assert_eq!(sprint_name(&v).as_deref(), Some("S2"));
    }

    #[test]
    fn site_keeps_context_path() {
        assert_eq!(
            site_of("https://jira.example.org/jira/rest/api/2/issue/1"),
            Some("https://jira.example.org/jira")
        );
    }
}
