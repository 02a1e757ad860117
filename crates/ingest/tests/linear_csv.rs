//! Linear's CSV export.

mod common;

use common::{fixture, read_all, ts};
use throughline_ingest::{Format, ImportOptions, detect_format};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

#[test]
fn linear_export_maps_team_project_cycle_parent_and_state() {
    let path = fixture("linear_export.csv");
    assert_eq!(detect_format(&path).unwrap(), Format::LinearCsv);
    let items = read_all(&path, Format::LinearCsv, &ImportOptions::default());
    let keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys, ["ENG-12", "ENG-13", "ENG-14", "DES-3"]);

    let expected = WorkItem {
        area_path: None,
        source: "linear".into(),
        key: "ENG-12".into(),
        url: None,
        title: "Passkey sign-in".into(),
        description:
            "Let users sign in with a passkey.\n\n- WebAuthn\n- fallback to \"magic link\"".into(),
        item_type: None,
        status: Some("In Progress".into()),
        status_category: StatusCategory::InProgress,
        labels: vec!["Feature".into(), "Security".into()],
        components: vec![],
        parent_key: Some("ENG-10".into()),
        epic_key: None,
        project: Some("Auth revamp".into()),
        team: Some("Engineering".into()),
        assignee: Some("maya@acme.example".into()),
        estimate: Some(3.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2026-05-02T09:00:00Z")),
        started: Some(ts("2026-05-05T10:00:00Z")),
        resolved: None,
        // Unnamed cycle: its number.
        sprint: Some("Cycle 14".into()),
    };
    assert_eq!(items[0], expected);

    let done = &items[1];
    assert_eq!(done.status_category, StatusCategory::Done);
    assert_eq!(done.resolved, Some(ts("2026-05-04T16:30:00Z")));
    assert_eq!(done.sprint.as_deref(), Some("Cycle of Calm"));
    assert_eq!(done.estimate, None);
    assert_eq!(done.labels, vec!["Bug".to_string()]);

    let canceled = &items[2];
    assert_eq!(canceled.status_category, StatusCategory::Done);
    assert_eq!(canceled.resolved, Some(ts("2026-05-10T08:00:00Z")));
    assert_eq!(canceled.estimate, Some(0.5));
    assert_eq!(canceled.project, None);
    assert_eq!(canceled.sprint, None);

    let design = &items[3];
    assert_eq!(design.team.as_deref(), Some("Design"));
    assert_eq!(design.status_category, StatusCategory::Todo);
    assert_eq!(design.parent_key.as_deref(), Some("ENG-12"));
    assert!(design.labels.is_empty());
}
