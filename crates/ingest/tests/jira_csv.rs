//! Jira issue navigator CSV exports: repeated columns, locale dates, custom fields, and
//! parents given by key or by numeric issue id.

mod common;

use common::{fixture, read_all, temp_file, ts};
use throughline_ingest::{Format, ImportOptions, IngestError, JiraFields, detect_format};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

#[test]
fn server_export_with_repeated_columns_and_locale_dates() {
    let path = fixture("jira_server_export.csv");
    assert_eq!(detect_format(&path).unwrap(), Format::JiraCsv);
    let opts = ImportOptions {
        base_url: Some("https://jira.acme.example/".into()),
        ..ImportOptions::default()
    };
    let items = read_all(&path, Format::JiraCsv, &opts);
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["PAY-100", "PAY-101", "PAY-102", "PAY-103"]);

    let expected = WorkItem {
        area_path: None,
        source: "jira".into(),
        key: "PAY-101".into(),
        url: Some("https://jira.acme.example/browse/PAY-101".into()),
        title: "Let returning customers pay with a saved card".into(),
        description: "h2. Context\nReturning customers re-enter their card, every time.\n\
                      * store the \"token\", not the PAN"
            .into(),
        item_type: Some("Story".into()),
        status: Some("In Progress".into()),
        status_category: StatusCategory::InProgress,
        labels: vec!["checkout".into(), "mobile".into()],
        components: vec!["Payments API".into(), "Web".into()],
        parent_key: None,
        epic_key: Some("PAY-100".into()),
        project: Some("PAY".into()),
        team: Some("Payments".into()),
        assignee: Some("Ana Souza".into()),
        estimate: Some(5.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2026-05-20T09:30:00Z")),
        // No "Status Category Changed" column in this shape.
        started: None,
        resolved: None,
        // The later of the two Sprint columns.
        sprint: Some("Sprint 12".into()),
    };
    assert_eq!(items[1], expected);

    // The BOM does not hide the first header ("Summary").
    assert_eq!(items[0].title, "Saved payment methods");
    assert!(items[0].is_epic());
    assert_eq!(items[0].labels, vec!["h2-2026".to_string()]);

    let subtask = &items[2];
    // "Parent id" 10101 resolved to the key of the row whose "Issue id" is 10101.
    assert_eq!(subtask.parent_key.as_deref(), Some("PAY-101"));
    assert_eq!(subtask.status_category, StatusCategory::Done);
    assert_eq!(subtask.resolved, Some(ts("2026-05-29T17:20:00Z")));
    assert_eq!(subtask.estimate, Some(4.0));
    assert_eq!(subtask.estimate_unit, EstimateUnit::Hours);
    assert_eq!(subtask.sprint.as_deref(), Some("Sprint 11"));
    assert!(subtask.labels.is_empty());

    let refund = &items[3];
    // Only the third "Labels" column is filled.
    assert_eq!(refund.labels, vec!["refunds".to_string()]);
    assert_eq!(refund.estimate, Some(2.5));
    assert_eq!(refund.created, Some(ts("2026-01-12T13:25:00Z")));
    assert_eq!(refund.status_category, StatusCategory::Todo);
    assert_eq!(refund.epic_key.as_deref(), Some("PAY-100"));
    assert_eq!(refund.team, None);
    assert_eq!(refund.assignee, None);
}

#[test]
fn cloud_export_with_numeric_parent_and_status_category() {
    let path = fixture("jira_cloud_export.csv");
    assert_eq!(detect_format(&path).unwrap(), Format::JiraCsv);
    let items = read_all(&path, Format::JiraCsv, &ImportOptions::default());
    assert_eq!(items.len(), 3);

    let story = &items[1];
    assert_eq!(story.key, "GROW-11");
    // "Parent" holds the numeric id 20001, the "Issue id" of GROW-1.
    assert_eq!(story.parent_key.as_deref(), Some("GROW-1"));
    assert_eq!(story.status.as_deref(), Some("In Review"));
    assert_eq!(story.status_category, StatusCategory::InProgress);
    assert_eq!(story.started, Some(ts("2026-06-10T09:15:00Z")));
    assert_eq!(story.created, Some(ts("2026-06-03T12:00:00Z")));
    assert_eq!(story.estimate, Some(3.0));
    assert_eq!(story.sprint.as_deref(), Some("GROW Sprint 5"));
    assert_eq!(story.team.as_deref(), Some("Growth Squad"));
    assert_eq!(story.labels, vec!["pricing".to_string()]);
    assert_eq!(story.url, None);

    let bug = &items[2];
    // "Won't Do" is not a name the model knows, but the Status Category column is.
    assert_eq!(bug.status_category, StatusCategory::Done);
    assert_eq!(bug.resolved, Some(ts("2026-06-05T15:00:00Z")));
    // Parent id 19999 is not in the file: no key can be given for it.
    assert_eq!(bug.parent_key, None);
    assert_eq!(bug.estimate, None);
}

#[test]
fn parent_key_column_wins_and_parent_may_hold_a_key() {
    let (_dir, path) = temp_file(
        "jira.csv",
        "Summary,Issue key,Issue id,Parent,Parent key,Custom field (Story Points),Custom field (Squad)\n\
         Child A,ENG-2,2,1,ENG-1,1,Core\n\
         Child B,ENG-3,3,ENG-1,,,Core\n",
    );
    let opts = ImportOptions {
        jira: JiraFields {
            team: Some("Squad".into()),
            ..JiraFields::default()
        },
        ..ImportOptions::default()
    };
    let items = read_all(&path, Format::JiraCsv, &opts);
    assert_eq!(items[0].parent_key.as_deref(), Some("ENG-1"));
    assert_eq!(items[1].parent_key.as_deref(), Some("ENG-1"));
    assert_eq!(items[0].team.as_deref(), Some("Core"));
    assert_eq!(items[0].project.as_deref(), Some("ENG"));
}

#[test]
fn an_option_naming_a_missing_column_is_an_error() {
    let path = fixture("jira_cloud_export.csv");
    let opts = ImportOptions {
        jira: JiraFields {
            story_points: Some("Custom field (Effort)".into()),
            ..JiraFields::default()
        },
        ..ImportOptions::default()
    };
    let Err(err) = throughline_ingest::read_items(&path, Format::JiraCsv, &opts) else {
        panic!("expected an error");
    };
    assert!(
        matches!(&err, IngestError::MissingColumn { column, .. } if column == "Custom field (Effort)"),
        "{err}"
    );
    assert!(err.to_string().contains("\"Issue key\""), "{err}");
}
