//! Jira REST search JSON: v2 with wiki markup and a `names` map, v3 / search/jql pages
//! with ADF, plain issue arrays, and custom-field overrides.

mod common;

use common::{fixture, read_all, ts};
use throughline_ingest::{Format, ImportOptions, JiraFields, detect_format};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

#[test]
fn v2_page_with_names_map_maps_every_field() {
    let path = fixture("jira_v2_search.json");
    assert_eq!(detect_format(&path).unwrap(), Format::JiraJson);
    let items = read_all(&path, Format::JiraJson, &ImportOptions::default());
    assert_eq!(items.len(), 3);

    let story = &items[0];
    let expected = WorkItem {
        area_path: None,
        source: "jira".into(),
        key: "PAY-101".into(),
        url: Some("https://jira.acme.example/browse/PAY-101".into()),
        title: "Let returning customers pay with a saved card".into(),
        description: "h2. Context\r\nReturning customers re-enter their card every time.\r\n\
                      * store the token, not the PAN\r\n* {{PCI}} scope must not grow"
            .into(),
        item_type: Some("Story".into()),
        status: Some("In Progress".into()),
        status_category: StatusCategory::InProgress,
        labels: vec!["checkout".into(), "mobile".into()],
        components: vec!["Payments API".into()],
        parent_key: None,
        // customfield_10005 is "Epic Link" only through the names map.
        epic_key: Some("PAY-100".into()),
        project: Some("PAY".into()),
        // customfield_10800 is "Team" only through the names map; a select option.
        team: Some("Payments".into()),
        assignee: Some("Ana Souza".into()),
        // customfield_10002 is "Story Points" only through the names map.
        estimate: Some(5.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2026-05-20T07:30:00Z")),
        started: Some(ts("2026-06-02T09:00:00Z")),
        resolved: None,
        // The active one of two legacy sprint strings.
        sprint: Some("Sprint 12".into()),
    };
    assert_eq!(story, &expected);

    let subtask = &items[1];
    assert_eq!(subtask.key, "PAY-102");
    assert_eq!(subtask.item_type.as_deref(), Some("Sub-task"));
    assert_eq!(subtask.parent_key.as_deref(), Some("PAY-101"));
    // The parent is a story, not an epic.
    assert_eq!(subtask.epic_key, None);
    assert_eq!(subtask.status_category, StatusCategory::Done);
    assert_eq!(subtask.status.as_deref(), Some("Closed"));
    assert_eq!(subtask.description, "");
    assert_eq!(subtask.estimate, Some(4.0));
    assert_eq!(subtask.estimate_unit, EstimateUnit::Hours);
    assert_eq!(subtask.resolved, Some(ts("2026-05-29T17:20:05Z")));
    assert_eq!(subtask.started, None);
    assert_eq!(subtask.assignee, None);
    assert_eq!(subtask.sprint, None);

    let epic = &items[2];
    assert!(epic.is_epic());
    assert_eq!(epic.status_category, StatusCategory::Todo);
    assert_eq!(epic.labels, vec!["h2-2026".to_string()]);
    assert_eq!(epic.estimate, None);
}

#[test]
fn v3_search_jql_pages_flatten_adf_and_use_cloud_default_fields() {
    let path = fixture("jira_v3_search_jql_pages.json");
    assert_eq!(detect_format(&path).unwrap(), Format::JiraJson);
    let items = read_all(&path, Format::JiraJson, &ImportOptions::default());
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["GROW-11", "GROW-12"]);

    let story = &items[0];
    assert_eq!(
        story.description,
        "Why\nTrial users cannot see what they gain. Ask @Priya 🚀\n\
         - monthly vs yearly\n- see https://acme.atlassian.net/wiki/x/AbCd\n\
         {\"plan\": \"pro\"}\nline one\nline two"
    );
    assert_eq!(
        story.url.as_deref(),
        Some("https://acme.atlassian.net/browse/GROW-11")
    );
    // No names map: customfield_10016 / 10020 / 10001 are Jira Cloud's defaults.
    assert_eq!(story.estimate, Some(3.0));
    assert_eq!(story.estimate_unit, EstimateUnit::Points);
    // Neither sprint is active: the last listed.
    assert_eq!(story.sprint.as_deref(), Some("GROW Sprint 5"));
    assert_eq!(story.team.as_deref(), Some("Growth Squad"));
    // Team-managed style: the epic is the parent, and is recorded as the epic too.
    assert_eq!(story.parent_key.as_deref(), Some("GROW-1"));
    assert_eq!(story.epic_key.as_deref(), Some("GROW-1"));
    assert_eq!(story.status_category, StatusCategory::InProgress);
    assert_eq!(story.status.as_deref(), Some("In Review"));
    assert_eq!(story.assignee.as_deref(), Some("Priya Raman"));
    assert_eq!(story.started, Some(ts("2026-06-10T09:15:00Z")));

    let bug = &items[1];
    assert_eq!(
        bug.components,
        vec!["Billing".to_string(), "Web".to_string()]
    );
    assert_eq!(bug.parent_key, None);
    assert_eq!(bug.epic_key, None);
    assert_eq!(bug.estimate, Some(2.0));
    assert_eq!(bug.estimate_unit, EstimateUnit::Hours);
    assert_eq!(bug.status_category, StatusCategory::Done);
    assert_eq!(bug.resolved, Some(ts("2026-06-05T15:00:00Z")));
    assert_eq!(bug.created, Some(ts("2026-06-04T07:30:00Z")));
}

#[test]
fn plain_issue_array_with_server_context_path() {
    let path = fixture("jira_issue_array.json");
    let items = read_all(&path, Format::JiraJson, &ImportOptions::default());
    assert_eq!(items.len(), 2);
    assert_eq!(
        items[0].url.as_deref(),
        Some("https://jira.example.org/jira/browse/OPS-7")
    );
    // No project object: the key prefix.
    assert_eq!(items[0].project.as_deref(), Some("OPS"));
    // Status without a category falls back to the status name.
    assert_eq!(items[0].status_category, StatusCategory::InProgress);
    assert_eq!(items[0].estimate, Some(2.0));
    assert_eq!(items[1].status_category, StatusCategory::Todo);
    assert_eq!(items[1].url, None);
}

#[test]
fn explicit_fields_override_detection() {
    let path = fixture("jira_v2_search.json");
    let opts = ImportOptions {
        source: Some("jira-acme".into()),
        jira: JiraFields {
            // By name, through the names map.
            story_points: Some("Original Estimate".into()),
            // By id.
            team: Some("customfield_10999".into()),
            ..JiraFields::default()
        },
        ..ImportOptions::default()
    };
    let items = read_all(&path, Format::JiraJson, &opts);
    assert!(items.iter().all(|i| i.source == "jira-acme"));
    // PAY-101 has a null original estimate and nothing falls back to customfield_10002.
    assert_eq!(items[0].estimate, None);
    assert_eq!(items[0].team, None);
    // PAY-102's timeoriginalestimate is now read as points.
    assert_eq!(items[1].estimate, Some(14400.0));
    assert_eq!(items[1].estimate_unit, EstimateUnit::Points);
}

#[test]
fn adf_helper_flattens_tables_and_panels() {
    let doc = serde_json::json!({
        "type": "doc", "version": 1, "content": [
            {"type": "panel", "attrs": {"panelType": "info"}, "content": [
                {"type": "paragraph", "content": [{"type": "text", "text": "Heads up"}]}
            ]},
            {"type": "table", "content": [
                {"type": "tableRow", "content": [
                    {"type": "tableHeader", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Plan"}]}]},
                    {"type": "tableHeader", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Price"}]}]}
                ]},
                {"type": "tableRow", "content": [
                    {"type": "tableCell", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "Pro"}]}]},
                    {"type": "tableCell", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "12"}]}]}
                ]}
            ]},
            {"type": "rule"},
            {"type": "paragraph", "content": [{"type": "status", "attrs": {"text": "BLOCKED", "color": "red"}}]}
        ]
    });
    assert_eq!(
        throughline_ingest::adf_to_text(&doc),
        "Heads up\nPlan | Price\nPro | 12\nBLOCKED"
    );
}

/// Each item links to its tracker: by the issue's `self`, else a field's `self` (an
/// export trimmed of the issue's), else the base URL given; else it has no link.
#[test]
fn every_item_links_to_its_tracker_when_anything_says_where() {
    let doc = serde_json::json!({"issues": [
        {"key": "TIMOB-1", "self": "https://jira.appcelerator.org/rest/api/2/issue/1",
         "fields": {"summary": "a"}},
        {"key": "TIMOB-2", "fields": {"summary": "b",
         "project": {"key": "TIMOB", "self": "https://jira.appcelerator.org/rest/api/2/project/10153"}}},
        {"key": "TIMOB-3", "fields": {"summary": "c", "project": {"key": "TIMOB"}}},
    ]});
    let read = |opts: &ImportOptions| -> Vec<Option<String>> {
        throughline_ingest::read_document(
            doc.clone(),
            std::path::Path::new("TIMOB.json"),
            Format::JiraJson,
            opts,
        )
        .unwrap()
        .map(|i| i.unwrap().url)
        .collect()
    };
    let site = "https://jira.appcelerator.org/browse";
    assert_eq!(
        read(&ImportOptions::default()),
        vec![
            Some(format!("{site}/TIMOB-1")),
            Some(format!("{site}/TIMOB-2")),
            None
        ]
    );
    let with_base = ImportOptions {
        base_url: Some("https://jira.appcelerator.org/".into()),
        ..ImportOptions::default()
    };
    assert_eq!(read(&with_base)[2], Some(format!("{site}/TIMOB-3")));
}
