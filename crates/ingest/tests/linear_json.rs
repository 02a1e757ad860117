//! Linear issues from its GraphQL API (what `throughline sync linear` fetches).

mod common;

use common::{first_error, fixture, read_all, temp_file, ts};
use throughline_ingest::{Format, ImportOptions, IngestError, detect_format};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

#[test]
fn graphql_issues_map_like_the_csv_export() {
    let path = fixture("linear_graphql.json");
    assert_eq!(detect_format(&path).unwrap(), Format::LinearJson);
    let items = read_all(&path, Format::LinearJson, &ImportOptions::default());
    assert_eq!(items.len(), 2);
    let expected = WorkItem {
        area_path: None,
        source: "linear".into(),
        key: "ENG-101".into(),
        url: Some("https://linear.app/acme/issue/ENG-101/saved-cards-on-mobile-checkout".into()),
        title: "Saved cards on mobile checkout".into(),
        description: "Let returning customers pay with a **saved card**.".into(),
        item_type: None,
        status: Some("In Review".into()),
        // "In Review" names no category; the state's type does.
        status_category: StatusCategory::InProgress,
        labels: vec!["checkout".into(), "mobile".into()],
        components: vec![],
        parent_key: None,
        epic_key: None,
        project: Some("Checkout redesign".into()),
        team: Some("Payments".into()),
        assignee: Some("Ana Souza".into()),
        estimate: Some(3.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2026-05-20T07:30:00Z")),
        started: Some(ts("2026-06-02T09:00:00Z")),
        resolved: None,
        sprint: Some("Cycle 14".into()),
    };
    assert_eq!(items[0], expected);

    let canceled = &items[1];
    assert_eq!(canceled.status_category, StatusCategory::Done);
    assert_eq!(canceled.resolved, Some(ts("2026-05-29T17:20:05Z")));
    assert_eq!(canceled.parent_key.as_deref(), Some("ENG-101"));
    assert_eq!(canceled.sprint.as_deref(), Some("Sprint 7"));
    assert_eq!(canceled.description, "");
    assert_eq!(canceled.estimate, None);
}

#[test]
fn pages_and_bare_node_arrays_read_the_same() {
    let page = std::fs::read_to_string(fixture("linear_graphql.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&page).unwrap();
    let nodes = doc["data"]["issues"]["nodes"].clone();
    for text in [format!("[{page}, {page}]"), nodes.to_string()] {
        let (_dir, path) = temp_file("x.json", &text);
        assert_eq!(detect_format(&path).unwrap(), Format::LinearJson);
        let items = read_all(&path, Format::LinearJson, &ImportOptions::default());
        assert!(items.iter().all(|i| i.key.starts_with("ENG-")));
        assert!(items.len() == 2 || items.len() == 4);
    }
}

#[test]
fn graphql_errors_and_bad_fields_are_named() {
    let (_d, path) = temp_file(
        "e.json",
        r#"{"errors": [{"message": "Authentication required, not authenticated"}]}"#,
    );
    let e = first_error(&path, Format::LinearJson, &ImportOptions::default());
    assert!(matches!(e, IngestError::Shape { .. }), "{e:?}");
    assert!(e.to_string().contains("Authentication required"), "{e}");

    let (_d, path) = temp_file(
        "b.json",
        r#"[{"identifier": "ENG-7", "title": "x", "estimate": "large"}]"#,
    );
    let text = first_error(&path, Format::LinearJson, &ImportOptions::default()).to_string();
    assert!(
        text.contains("ENG-7") && text.contains("estimate"),
        "{text}"
    );
}
