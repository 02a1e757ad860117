//! GitHub issues and pull requests, from the REST API (`GET /repos/{o}/{r}/issues`,
//! `/pulls`, `/search/issues`) or from `gh issue list --json ...` / `gh pr list --json ...`.
//!
//! The REST API names fields in snake_case (`created_at`, `html_url`) and the `gh` CLI in
//! camelCase (`createdAt`, `url`); both are read. Keys are `owner/repo#N` when the
//! repository can be told from a URL, else `#N`.

use std::path::Path;

use serde_json::Value;
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

use crate::ItemStream;
use crate::error::IngestError;
use crate::json_doc::{self, RecordCtx, at, names, str_at};

/// Reads a GitHub JSON export.
pub(crate) fn read(path: &Path, source: String) -> Result<ItemStream, IngestError> {
    read_doc(json_doc::load(path)?, path, source)
}

/// Reads a parsed GitHub response; `path` names where it came from in errors.
pub(crate) fn read_doc(doc: Value, path: &Path, source: String) -> Result<ItemStream, IngestError> {
    let items = json_doc::flatten(
        doc,
        path,
        &json_doc::Shape {
            is_record: |o| o.contains_key("number"),
            page_key: Some("items"),
            expected: "expected GitHub issues or pull requests (objects with \"number\"), \
                       an array of them, or a search result with \"items\"",
        },
    )?;
    Ok(json_doc::records(items, path, move |item, ctx| {
        convert(item, ctx, &source)
    }))
}

/// `owner/repo` from an API URL (`https://api.github.com/repos/o/r/...`) or a web URL
/// (`https://github.com/o/r/issues/1`, also on GitHub Enterprise hosts).
fn repo_from_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let segments: Vec<&str> = rest.split('/').skip(1).filter(|s| !s.is_empty()).collect();
    let start = segments
        .iter()
        .position(|s| *s == "repos")
        .map_or(0, |i| i + 1);
    let owner = segments.get(start)?;
    let repo = segments.get(start + 1)?;
    Some(format!("{owner}/{repo}"))
}

fn repo_of(item: &Value) -> Option<String> {
    str_at(item, &["repository_url"])
        .and_then(|u| repo_from_url(&u))
        .or_else(|| str_at(item, &["repository", "nameWithOwner"]))
        .or_else(|| str_at(item, &["repository", "full_name"]))
        .or_else(|| str_at(item, &["base", "repo", "full_name"]))
        .or_else(|| str_at(item, &["html_url"]).and_then(|u| repo_from_url(&u)))
        .or_else(|| web_url(item).and_then(|u| repo_from_url(&u)))
}

/// The browser URL: `html_url` (REST) or `url` (gh); the REST `url` is an API address.
fn web_url(item: &Value) -> Option<String> {
    str_at(item, &["html_url"]).or_else(|| {
        str_at(item, &["url"]).filter(|u| !u.contains("://api.") && !u.contains("/api/v3/"))
    })
}

fn is_pull_request(item: &Value) -> bool {
    at(item, &["pull_request"]).is_some()
        || [
            "merged_at",
            "mergedAt",
            "head",
            "isDraft",
            "headRefName",
            "draft",
        ]
        .iter()
        .any(|k| item.get(*k).is_some())
        || web_url(item).is_some_and(|u| u.contains("/pull/"))
}

fn number_of(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn key_for(repo: Option<&str>, number: u64) -> String {
    match repo {
        Some(r) => format!("{r}#{number}"),
        None => format!("#{number}"),
    }
}

/// The parent of a sub-issue: `parent_issue_url` (REST) or a `parent` object / number.
fn parent_of(item: &Value, repo: Option<&str>) -> Option<String> {
    if let Some(url) = str_at(item, &["parent_issue_url"]) {
        let number = url.rsplit('/').next().and_then(|n| n.parse::<u64>().ok())?;
        return Some(key_for(repo_from_url(&url).as_deref().or(repo), number));
    }
    let parent = at(item, &["parent"])?;
    if let Some(n) = number_of(parent) {
        return Some(key_for(repo, n));
    }
    let number = parent.get("number").and_then(number_of)?;
    let parent_repo = str_at(parent, &["repository", "nameWithOwner"])
        .or_else(|| str_at(parent, &["html_url"]).and_then(|u| repo_from_url(&u)))
        .or_else(|| str_at(parent, &["url"]).and_then(|u| repo_from_url(&u)));
    Some(key_for(parent_repo.as_deref().or(repo), number))
}

fn convert(item: &Value, mut ctx: RecordCtx<'_>, source: &str) -> Result<WorkItem, IngestError> {
    let number = item
        .get("number")
        .and_then(number_of)
        .ok_or_else(|| ctx.missing("number"))?;
    let repo = repo_of(item);
    let key = key_for(repo.as_deref(), number);
    ctx.key.clone_from(&key);
    let title = str_at(item, &["title"]).ok_or_else(|| ctx.missing("title"))?;
    let pull = is_pull_request(item);

    let merged_at = ctx
        .date(item, &["merged_at"], "merged_at")?
        .or(ctx.date(item, &["mergedAt"], "mergedAt")?)
        .or(ctx.date(
            item,
            &["pull_request", "merged_at"],
            "pull_request.merged_at",
        )?);
    let closed_at = ctx.date(item, &["closed_at"], "closed_at")?.or(ctx.date(
        item,
        &["closedAt"],
        "closedAt",
    )?);
    let created = ctx.date(item, &["created_at"], "created_at")?.or(ctx.date(
        item,
        &["createdAt"],
        "createdAt",
    )?);

    let state = str_at(item, &["state"]).map(|s| s.to_ascii_lowercase());
    let status = match state.as_deref() {
        Some("closed") if merged_at.is_some() => Some("merged".to_string()),
        _ => state,
    };
    let status_category = match status.as_deref() {
        Some("open") if pull => StatusCategory::InProgress,
        Some("open") | None => StatusCategory::Todo,
        Some(other) => StatusCategory::from_status_name(other),
    };

    let assignee = str_at(item, &["assignee", "login"]).or_else(|| {
        at(item, &["assignees"])
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|a| str_at(a, &["login"]))
    });

    Ok(WorkItem {
        area_path: None,
        source: source.to_string(),
        url: web_url(item),
        title,
        description: str_at(item, &["body"]).unwrap_or_default(),
        item_type: Some(if pull { "pull_request" } else { "issue" }.to_string()),
        status,
        status_category,
        labels: names(at(item, &["labels"]), "name"),
        components: Vec::new(),
        parent_key: parent_of(item, repo.as_deref()),
        epic_key: None,
        project: repo,
        team: None,
        assignee,
        estimate: None,
        estimate_unit: EstimateUnit::Points,
        created,
        started: None,
        resolved: merged_at.or(closed_at),
        sprint: str_at(item, &["milestone", "title"]),
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_come_from_api_and_web_urls() {
        for (url, want) in [
            (
                "https://api.github.com/repos/octo/hello/issues/3",
                "octo/hello",
            ),
            ("https://api.github.com/repos/octo/hello", "octo/hello"),
            ("https://github.com/octo/hello/pull/7", "octo/hello"),
            ("https://ghe.example.com/api/v3/repos/team/app", "team/app"),
            ("https://ghe.example.com/team/app/issues/1", "team/app"),
        ] {
            assert_eq!(repo_from_url(url).as_deref(), Some(want), "{url}");
        }
        assert_eq!(repo_from_url("https://github.com/octo"), None);
    }
}
