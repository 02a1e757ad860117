//! GitLab: REST issues pages (group and project), group epics with an epic under an
//! epic, `glab issue list --output json`, and GraphQL work items (epic under epic, issue
//! under epic, task under issue) read as the same items REST gives; bad records name the
//! file, record and field.

mod common;

use common::{first_error, fixture, read_all, temp_file, ts};
use throughline_ingest::{Format, ImportOptions, detect_format, read_items};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

fn read(name: &str) -> Vec<WorkItem> {
    let path = fixture(name);
    assert_eq!(detect_format(&path).unwrap(), Format::GitlabJson, "{name}");
    read_all(&path, Format::GitlabJson, &ImportOptions::default())
}

#[test]
fn rest_issue_pages_keep_keys_types_epics_and_weights() {
    let items = read("gitlab_rest_issues_pages.json");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["my-group/my-project#6", "my-group/other#14"]);

    let expected = WorkItem {
        area_path: None,
        source: "gitlab".into(),
        key: "my-group/my-project#6".into(),
        url: Some("https://gitlab.example.com/my-group/my-project/-/issues/6".into()),
        title: "Consequatur vero maxime deserunt laboriosam est voluptas dolorem.".into(),
        description: "Ratione dolores corrupti mollitia soluta quia.".into(),
        // The `type::` scoped label says more than GitLab's own "issue".
        item_type: Some("feature".into()),
        status: Some("opened".into()),
        status_category: StatusCategory::Todo,
        // Scoped labels are kept whole, as a strategy selects them.
        labels: vec![
            "checkout".into(),
            "type::feature".into(),
            "team::payments".into(),
        ],
        components: vec![],
        parent_key: None,
        epic_key: Some("my-group&5".into()),
        project: Some("my-group/my-project".into()),
        team: None,
        assignee: Some("root".into()),
        estimate: Some(3.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2016-01-04T15:31:39.996Z")),
        started: None,
        resolved: None,
        sprint: Some("v4.0".into()),
    };
    assert_eq!(items[0], expected);

    let incident = &items[1];
    assert_eq!(incident.item_type.as_deref(), Some("incident"));
    assert_eq!(incident.status_category, StatusCategory::Done);
    assert_eq!(incident.resolved, Some(ts("2016-01-05T09:12:00.000Z")));
    assert_eq!(incident.estimate, None);
    assert_eq!(incident.epic_key, None);
    // No milestone: the iteration plays the sprint.
    assert_eq!(incident.sprint.as_deref(), Some("Sprint 12"));
}

#[test]
fn group_epics_are_items_of_type_epic_under_their_parent_epic() {
    let items = read("gitlab_rest_epics.json");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["my-group&4", "my-group&5"]);
    assert!(items.iter().all(|i| i.item_type.as_deref() == Some("Epic")));
    assert!(items.iter().all(WorkItem::is_epic));
    assert_eq!(items[0].epic_key, None);
    assert_eq!(items[1].epic_key.as_deref(), Some("my-group&4"));
    assert_eq!(items[1].description, "Checkout that converts.");
    assert_eq!(items[0].project.as_deref(), Some("my-group"));
    assert_eq!(items[0].created, Some(ts("2018-01-21T06:21:13.165Z")));

    // An issue's epic is spelled as the epic's own key, so the two meet in the store.
    let issues = read("gitlab_rest_issues_pages.json");
    assert_eq!(issues[0].epic_key.as_deref(), Some(items[1].key.as_str()));
}

#[test]
fn glab_issue_list_output_reads_like_the_api() {
    let items = read("glab_issue_list.json");
    assert_eq!(items.len(), 1);
    let it = &items[0];
    assert_eq!(it.key, "acme/api#21");
    assert_eq!(it.project.as_deref(), Some("acme/api"));
    assert_eq!(it.item_type.as_deref(), Some("issue"));
    assert_eq!(it.estimate, Some(0.0));
    assert_eq!(it.labels, ["maintenance"]);
    assert_eq!(
        it.url.as_deref(),
        Some("https://gitlab.com/acme/api/-/issues/21")
    );
}

#[test]
fn pages_written_back_to_back_read_as_one_export() {
    // `glab api --paginate` writes each page's array after the last one.
    let one = std::fs::read_to_string(fixture("gitlab_rest_epics.json")).unwrap();
    let two = std::fs::read_to_string(fixture("glab_issue_list.json")).unwrap();
    let (_dir, path) = temp_file("paged.json", &format!("{one}\n{two}"));
    assert_eq!(detect_format(&path).unwrap(), Format::GitlabJson);
    let keys: Vec<String> = read_all(&path, Format::GitlabJson, &ImportOptions::default())
        .into_iter()
        .map(|i| i.key)
        .collect();
    assert_eq!(keys, ["my-group&4", "my-group&5", "acme/api#21"]);

    // A broken page still stops the file, at its line.
    let (_dir, path) = temp_file("paged.json", &format!("{one}\n[{{\"iid\": 1,]"));
    let err = first_error(&path, Format::GitlabJson, &ImportOptions::default()).to_string();
    assert!(err.contains("paged.json") && err.contains("line"), "{err}");
}

#[test]
fn bad_records_name_the_file_record_key_and_field() {
    let bad_weight = temp_file(
        "gl.json",
        r#"[{"iid": 1, "project_id": 2, "title": "ok", "references": {"full": "g/p#1"}},
            {"iid": 2, "project_id": 2, "title": "heavy", "weight": "lots",
             "references": {"full": "g/p#2"}}]"#,
    );
    let err = first_error(&bad_weight.1, Format::GitlabJson, &ImportOptions::default()).to_string();
    for part in ["gl.json", "g/p#2", "weight", "lots"] {
        assert!(err.contains(part), "{part} missing from: {err}");
    }

    let no_title = temp_file(
        "gl.json",
        r#"[{"iid": 3, "project_id": 2, "references": {"full": "g/p#3"}}]"#,
    );
    let err = first_error(&no_title.1, Format::GitlabJson, &ImportOptions::default()).to_string();
    assert!(err.contains("title") && err.contains("g/p#3"), "{err}");

    let not_gitlab = temp_file("gl.json", r#"{"count": 1, "value": []}"#);
    let err = read_items(&not_gitlab.1, Format::GitlabJson, &ImportOptions::default())
        .err()
        .expect("a document of no issues is an error")
        .to_string();
    assert!(err.contains("iid"), "{err}");
}

/// `b` is `a` but for the creation time, which GraphQL gives to the second and REST to
/// the millisecond.
fn same_but_created_precision(graphql: &WorkItem, rest: &WorkItem) {
    let (g, r) = (
        graphql.created.expect("created"),
        rest.created.expect("created"),
    );
    assert!((g - r).num_milliseconds().abs() < 1000, "{g} vs {r}");
    let rest = WorkItem {
        created: graphql.created,
        ..rest.clone()
    };
    assert_eq!(graphql, &rest);
}

#[test]
fn graphql_work_items_are_the_items_rest_gives_with_the_hierarchy_kept() {
    let items = read("gitlab_work_items_pages.json");
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "my-group&4",
            "my-group&5",
            "my-group/my-project#6",
            "my-group/my-project#7",
            "my-group/other#14"
        ]
    );
    let by_key = |k: &str| items.iter().find(|i| i.key == k).expect(k);

    // The epics, the issue and the incident are what REST makes of the same work, so an
    // export by either API updates the same items.
    let rest_epics = read("gitlab_rest_epics.json");
    same_but_created_precision(by_key("my-group&4"), &rest_epics[0]);
    same_but_created_precision(by_key("my-group&5"), &rest_epics[1]);
    let rest_issues = read("gitlab_rest_issues_pages.json");
    same_but_created_precision(by_key("my-group/my-project#6"), &rest_issues[0]);
    same_but_created_precision(by_key("my-group/other#14"), &rest_issues[1]);

    // Epic under epic, issue under epic: the epic key, as REST's `parent_id` and `epic`.
    assert_eq!(by_key("my-group&4").epic_key, None);
    assert_eq!(by_key("my-group&5").epic_key.as_deref(), Some("my-group&4"));
    let issue = by_key("my-group/my-project#6");
    assert_eq!(issue.epic_key.as_deref(), Some("my-group&5"));
    assert_eq!(issue.parent_key, None);
    // Both epics are containers, with their life as timeframe (the planned dates of
    // START_AND_DUE_DATE are not a work item's).
    assert!(by_key("my-group&4").is_epic() && by_key("my-group&5").is_epic());
    assert_eq!(
        by_key("my-group&4").created,
        Some(ts("2018-01-21T06:21:13Z"))
    );

    // The task under the issue: what REST never says.
    let task = by_key("my-group/my-project#7");
    let expected = WorkItem {
        area_path: None,
        source: "gitlab".into(),
        key: "my-group/my-project#7".into(),
        url: Some("https://gitlab.example.com/my-group/my-project/-/work_items/7".into()),
        title: "Migrate the stored cards table".into(),
        description: "Add the column, backfill, then switch reads.".into(),
        item_type: Some("task".into()),
        status: Some("opened".into()),
        status_category: StatusCategory::Todo,
        labels: vec![],
        components: vec![],
        parent_key: Some("my-group/my-project#6".into()),
        epic_key: None,
        project: Some("my-group/my-project".into()),
        team: None,
        assignee: Some("eileen.lowe".into()),
        estimate: Some(1.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2016-01-06T10:00:00Z")),
        started: None,
        resolved: None,
        sprint: None,
    };
    assert_eq!(task, &expected);
}

/// The fixture's pages, each as one compact JSON document.
fn work_item_pages() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(fixture("gitlab_work_items_pages.json")).unwrap();
    match serde_json::from_str(&text).unwrap() {
        serde_json::Value::Array(pages) => pages,
        other => panic!("not pages: {other}"),
    }
}

fn keys_of(path: &std::path::Path) -> Vec<String> {
    assert_eq!(detect_format(path).unwrap(), Format::GitlabJson);
    read_all(path, Format::GitlabJson, &ImportOptions::default())
        .into_iter()
        .map(|i| i.key)
        .collect()
}

#[test]
fn work_item_pages_back_to_back_of_a_project_or_as_bare_nodes_read_alike() {
    let pages = work_item_pages();
    let all = [
        "my-group&4",
        "my-group&5",
        "my-group/my-project#6",
        "my-group/my-project#7",
        "my-group/other#14",
    ];
    // `glab api graphql --paginate` writes one page after another: not JSON Lines.
    let back_to_back: Vec<String> = pages.iter().map(|p| p.to_string()).collect();
    let (_dir, path) = temp_file("wi.json", &back_to_back.join("\n"));
    assert_eq!(keys_of(&path), all);

    // A project's work items, and the `data` left out.
    let project = serde_json::json!({"data": {"project": pages[1]["data"]["group"].clone()}});
    let (_dir, path) = temp_file("wi.json", &project.to_string());
    assert_eq!(keys_of(&path), &all[2..]);
    let bare = pages[1]["data"]["group"].clone();
    let (_dir, path) = temp_file("wi.json", &serde_json::json!({"group": bare}).to_string());
    assert_eq!(keys_of(&path), &all[2..]);

    // Nodes saved without their page (`jq '.data.group.workItems.nodes'`).
    let nodes = pages[1]["data"]["group"]["workItems"]["nodes"].clone();
    let (_dir, path) = temp_file("wi.json", &nodes.to_string());
    assert_eq!(keys_of(&path), &all[2..]);
}

#[test]
fn a_parent_named_by_id_or_by_a_short_reference_resolves_to_its_key() {
    // A query that asked the parent only for its id, and references in their default
    // short form (`#7`, `&5`): the id resolves through the file, the rest through the
    // web address, as REST's keys are made.
    let (_dir, path) = temp_file(
        "wi.json",
        r##"{"data": {"project": {"workItems": {"nodes": [
          {"id": "gid://gitlab/WorkItem/76", "iid": "6", "title": "Saved cards",
           "state": "OPEN", "reference": "#6",
           "webUrl": "https://gitlab.example.com/g/shop/-/issues/6",
           "workItemType": {"name": "Issue"},
           "widgets": [{"type": "HIERARCHY", "parent": {"iid": "5", "reference": "&5",
                        "webUrl": "https://gitlab.example.com/groups/g/-/epics/5"}}]},
          {"id": "gid://gitlab/WorkItem/91", "iid": "7", "title": "Migrate",
           "state": "CLOSED", "closedAt": "2026-07-02T10:00:00Z", "reference": "#7",
           "webUrl": "https://gitlab.example.com/g/shop/-/work_items/7",
           "workItemType": {"name": "Task"},
           "widgets": [{"__typename": "WorkItemWidgetHierarchy",
                        "parent": {"id": "gid://gitlab/WorkItem/76"}}]},
          {"id": "gid://gitlab/WorkItem/95", "iid": "9", "title": "Faster checkout",
           "state": "OPEN", "reference": "#9",
           "webUrl": "https://gitlab.example.com/g/shop/-/work_items/9",
           "workItemType": {"name": "Key Result"},
           "widgets": [{"parent": {"iid": "8", "reference": "#8",
                                   "workItemType": {"name": "Objective"}}}]}
        ]}}}}"##,
    );
    let items = read_all(&path, Format::GitlabJson, &ImportOptions::default());
    assert_eq!(items[0].key, "g/shop#6");
    assert_eq!(items[0].epic_key.as_deref(), Some("g&5"));
    assert_eq!(items[1].key, "g/shop#7");
    assert_eq!(items[1].parent_key.as_deref(), Some("g/shop#6"));
    assert_eq!(items[1].status_category, StatusCategory::Done);
    assert_eq!(items[1].resolved, Some(ts("2026-07-02T10:00:00Z")));
    // A parent known by its short reference alone is taken to share the child's project.
    assert_eq!(items[2].item_type.as_deref(), Some("key_result"));
    assert_eq!(items[2].parent_key.as_deref(), Some("g/shop#8"));
}

#[test]
fn bad_work_items_name_the_file_record_key_and_field() {
    let page =
        |nodes: &str| format!(r#"{{"data": {{"group": {{"workItems": {{"nodes": {nodes}}}}}}}}}"#);
    let (_dir, path) = temp_file(
        "wi.json",
        &page(
            r#"[{"id": "gid://gitlab/WorkItem/1", "iid": "1", "title": "ok", "state": "OPEN",
                 "reference": "g/p#1", "workItemType": {"name": "Issue"}, "widgets": []},
                {"id": "gid://gitlab/WorkItem/2", "iid": "2", "title": "heavy", "state": "OPEN",
                 "reference": "g/p#2", "workItemType": {"name": "Issue"},
                 "widgets": [{"type": "WEIGHT", "weight": "lots"}]}]"#,
        ),
    );
    let err = first_error(&path, Format::GitlabJson, &ImportOptions::default()).to_string();
    for part in [
        "wi.json",
        "record 2",
        "g/p#2",
        "widgets.WEIGHT.weight",
        "lots",
    ] {
        assert!(err.contains(part), "{part} missing from: {err}");
    }

    let (_dir, path) = temp_file(
        "wi.json",
        &page(
            r#"[{"id": "gid://gitlab/WorkItem/3", "iid": "3", "reference": "g/p#3",
                 "workItemType": {"name": "Task"}, "createdAt": "yesterday"}]"#,
        ),
    );
    let err = first_error(&path, Format::GitlabJson, &ImportOptions::default()).to_string();
    assert!(err.contains("g/p#3") && err.contains("title"), "{err}");

    let (_dir, path) = temp_file(
        "wi.json",
        &page(
            r#"[{"id": "gid://gitlab/WorkItem/3", "iid": "3", "title": "t", "reference": "g/p#3",
                 "workItemType": {"name": "Task"}, "createdAt": "yesterday"}]"#,
        ),
    );
    let err = first_error(&path, Format::GitlabJson, &ImportOptions::default()).to_string();
    assert!(
        err.contains("createdAt") && err.contains("yesterday") && err.contains("g/p#3"),
        "{err}"
    );

    let (_dir, path) = temp_file(
        "wi.json",
        &page(
            r#"[{"id": "gid://gitlab/WorkItem/4", "iid": "4", "title": "t", "reference": "g/p#4",
                 "workItemType": {"name": "Task"},
                 "widgets": [{"type": "HIERARCHY", "parent": {"title": "who?"}}]}]"#,
        ),
    );
    let err = first_error(&path, Format::GitlabJson, &ImportOptions::default()).to_string();
    assert!(
        err.contains("g/p#4") && err.contains("widgets.HIERARCHY.parent"),
        "{err}"
    );

    // GitLab's own words when it refused the query, and a group it did not find.
    let (_dir, path) = temp_file(
        "wi.json",
        r#"{"errors": [{"message": "Field 'workItemz' doesn't exist on type 'Group'"}],
            "data": null}"#,
    );
    let e = read_items(&path, Format::GitlabJson, &ImportOptions::default())
        .err()
        .expect("errors refuse the page")
        .to_string();
    assert!(e.contains("wi.json") && e.contains("workItemz"), "{e}");
    let (_dir, path) = temp_file("wi.json", r#"{"data": {"group": null}}"#);
    let e = read_items(&path, Format::GitlabJson, &ImportOptions::default())
        .err()
        .expect("no group")
        .to_string();
    assert!(e.contains("group is null"), "{e}");
}

#[test]
fn a_rest_task_is_read_without_a_parent_rest_does_not_give() {
    // GitLab's REST issues API lists tasks among the issues (`issue_type: "task"`, type
    // `TASK`), but its issue entity has no parent field: only `epic` / `epic_iid`, for
    // an issue in an epic. A task's issue is in the GraphQL hierarchy widget alone.
    let (_dir, path) = temp_file(
        "gl.json",
        r##"[{"id": 91, "iid": 7, "project_id": 8, "title": "Migrate the stored cards table",
             "state": "opened", "created_at": "2016-01-06T10:00:00.000Z", "labels": [],
             "type": "TASK", "issue_type": "task", "epic": null, "epic_iid": null,
             "has_tasks": false, "task_completion_status": {"count": 0, "completed_count": 0},
             "web_url": "https://gitlab.example.com/my-group/my-project/-/work_items/7",
             "references": {"short": "#7", "relative": "#7", "full": "my-group/my-project#7"}}]"##,
    );
    let items = read_all(&path, Format::GitlabJson, &ImportOptions::default());
    assert_eq!(items[0].key, "my-group/my-project#7");
    assert_eq!(items[0].item_type.as_deref(), Some("task"));
    assert_eq!(
        (items[0].parent_key.as_deref(), items[0].epic_key.as_deref()),
        (None, None)
    );
}
