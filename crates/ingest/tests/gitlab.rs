//! GitLab: REST issues pages (group and project), group epics with an epic under an
//! epic, and `glab issue list --output json`; bad records name the file, record and field.

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
