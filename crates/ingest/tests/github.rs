//! GitHub issues and pull requests: REST issues pages (with PRs mixed in), REST pulls,
//! and `gh issue list` / `gh pr list` JSON.

mod common;

use common::{fixture, read_all, temp_file, ts};
use throughline_ingest::{Format, ImportOptions, detect_format};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

fn read(name: &str) -> Vec<WorkItem> {
    let path = fixture(name);
    assert_eq!(detect_format(&path).unwrap(), Format::GithubJson, "{name}");
    read_all(&path, Format::GithubJson, &ImportOptions::default())
}

#[test]
fn rest_issue_pages_with_a_pull_request_and_a_sub_issue() {
    let items = read("github_rest_issues.json");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["acme/shop#1347", "acme/shop#1350", "acme/shop#1290"]);

    let expected = WorkItem {
        area_path: None,
        source: "github".into(),
        key: "acme/shop#1347".into(),
        url: Some("https://github.com/acme/shop/issues/1347".into()),
        title: "Checkout button does nothing on Safari 17".into(),
        description: "Steps:\r\n1. add to cart\r\n2. click **Pay**\r\n\r\nNothing happens.".into(),
        item_type: Some("issue".into()),
        status: Some("open".into()),
        status_category: StatusCategory::Todo,
        labels: vec!["bug".into(), "checkout".into()],
        components: vec![],
        parent_key: Some("acme/shop#1200".into()),
        epic_key: None,
        project: Some("acme/shop".into()),
        team: None,
        assignee: Some("hubot".into()),
        estimate: None,
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2026-03-14T22:08:11Z")),
        started: None,
        resolved: None,
        sprint: Some("v2.4".into()),
    };
    assert_eq!(items[0], expected);

    let pr = &items[1];
    assert_eq!(pr.item_type.as_deref(), Some("pull_request"));
    assert_eq!(pr.status.as_deref(), Some("merged"));
    assert_eq!(pr.status_category, StatusCategory::Done);
    assert_eq!(pr.resolved, Some(ts("2026-03-16T12:00:00Z")));
    assert_eq!(
        pr.url.as_deref(),
        Some("https://github.com/acme/shop/pull/1350")
    );
    assert_eq!(pr.description, "");
    assert_eq!(pr.parent_key, None);

    let chore = &items[2];
    assert_eq!(chore.status.as_deref(), Some("closed"));
    assert_eq!(chore.status_category, StatusCategory::Done);
    assert_eq!(chore.resolved, Some(ts("2026-02-20T16:30:00Z")));
    assert_eq!(chore.labels, vec!["chore".to_string()]);
}

#[test]
fn rest_pulls() {
    let items = read("github_rest_pulls.json");
    assert_eq!(items.len(), 2);
    let open = &items[0];
    assert_eq!(open.key, "acme/shop#1351");
    assert_eq!(open.item_type.as_deref(), Some("pull_request"));
    // An open pull request is work in flight.
    assert_eq!(open.status_category, StatusCategory::InProgress);
    assert_eq!(open.assignee.as_deref(), Some("octocat"));
    assert_eq!(open.sprint.as_deref(), Some("v2.5"));
    assert_eq!(open.project.as_deref(), Some("acme/shop"));

    let abandoned = &items[1];
    assert_eq!(abandoned.status.as_deref(), Some("closed"));
    assert_eq!(abandoned.status_category, StatusCategory::Done);
    assert_eq!(abandoned.resolved, Some(ts("2026-03-12T09:00:00Z")));
}

#[test]
fn gh_issue_list_json() {
    let items = read("gh_issue_list.json");
    let first = &items[0];
    assert_eq!(first.key, "acme/billing#88");
    assert_eq!(first.item_type.as_deref(), Some("issue"));
    assert_eq!(first.status.as_deref(), Some("open"));
    assert_eq!(first.status_category, StatusCategory::Todo);
    assert_eq!(
        first.labels,
        vec!["enhancement".to_string(), "billing".into()]
    );
    assert_eq!(first.sprint.as_deref(), Some("Q2 2026"));
    assert_eq!(first.assignee.as_deref(), Some("octocat"));
    assert_eq!(first.created, Some(ts("2026-04-01T08:15:00Z")));
    assert_eq!(
        first.url.as_deref(),
        Some("https://github.com/acme/billing/issues/88")
    );
    assert_eq!(items[1].status_category, StatusCategory::Done);
    assert_eq!(items[1].resolved, Some(ts("2026-04-03T10:00:00Z")));
}

#[test]
fn gh_pr_list_json() {
    let items = read("gh_pr_list.json");
    let merged = &items[0];
    assert_eq!(merged.key, "acme/billing#90");
    assert_eq!(merged.item_type.as_deref(), Some("pull_request"));
    assert_eq!(merged.status.as_deref(), Some("merged"));
    assert_eq!(merged.status_category, StatusCategory::Done);
    assert_eq!(merged.resolved, Some(ts("2026-04-10T11:00:00Z")));
    // No url field: the repository is unknown.
    let draft = &items[1];
    assert_eq!(draft.key, "#91");
    assert_eq!(draft.project, None);
    assert_eq!(draft.item_type.as_deref(), Some("pull_request"));
    assert_eq!(draft.status_category, StatusCategory::InProgress);
}

#[test]
fn search_results_and_parent_objects() {
    let (_dir, path) = temp_file(
        "search.json",
        r#"{"total_count": 1, "incomplete_results": false, "items": [
            {"number": 5, "title": "Sub task", "state": "open",
             "html_url": "https://github.com/o/r/issues/5",
             "parent": {"number": 2, "url": "https://github.com/o/r/issues/2"}}
        ]}"#,
    );
    let items = read_all(&path, Format::GithubJson, &ImportOptions::default());
    assert_eq!(items[0].key, "o/r#5");
    assert_eq!(items[0].parent_key.as_deref(), Some("o/r#2"));
}
