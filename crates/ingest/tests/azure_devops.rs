//! Azure DevOps Boards: REST work items (a `workitemsbatch` response with `_links`, and
//! `workitems?ids=...&$expand=relations` responses back to back holding an Epic → Feature
//! → User Story → Task chain), and the CSV a Boards query exports, flat and as a tree;
//! bad records name the file, record (or line), key, field and what was expected.

mod common;

use common::{first_error, fixture, read_all, temp_file, ts};
use throughline_ingest::{
    Format, ImportOptions, IngestError, Location, QuirkKind, detect_format, read_items,
};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

fn read(name: &str, format: Format) -> Vec<WorkItem> {
    let path = fixture(name);
    assert_eq!(detect_format(&path).unwrap(), format, "{name}");
    read_all(&path, format, &ImportOptions::default())
}

fn keys(items: &[WorkItem]) -> Vec<&str> {
    items.iter().map(|i| i.key.as_str()).collect()
}

#[test]
fn a_workitemsbatch_response_keeps_every_field_boards_documents() {
    let items = read("azure_workitemsbatch.json", Format::AzureJson);
    assert_eq!(
        keys(&items),
        ["Fabrikam-Fiber-Git-297", "Fabrikam-Fiber-Git-299"]
    );
    let expected = WorkItem {
        source: "azure-devops".into(),
        key: "Fabrikam-Fiber-Git-297".into(),
        url: Some(
            "https://dev.azure.com/fabrikam/web/wi.aspx?pcguid=d81542e4-cdfa-4333-b082-1ae2d6c3ad16&id=297"
                .into(),
        ),
        title: "Customer can sign in using their Microsoft Account".into(),
        // The HTML read as text: the link's words, the empty line, the entity.
        description: "Our authorization logic needs to allow for users with Microsoft accounts \
                      (formerly Live Ids) - http://msdn.microsoft.com/en-us/library/live/hh826547.aspx\n\n\
                      Sign in & sign up share one page."
            .into(),
        item_type: Some("Product Backlog Item".into()),
        status: Some("Committed".into()),
        status_category: StatusCategory::InProgress,
        labels: vec!["sign-in".into(), "Website".into()],
        components: vec![],
        // The parent is not in the file: it is keyed in the child's project.
        parent_key: Some("Fabrikam-Fiber-Git-296".into()),
        epic_key: None,
        project: Some("Fabrikam-Fiber-Git".into()),
        team: None,
        assignee: Some("Jamal Hartnett".into()),
        estimate: Some(8.0),
        estimate_unit: EstimateUnit::Points,
        created: Some(ts("2017-09-04T20:25:27.96Z")),
        started: None,
        resolved: None,
        sprint: Some("Fabrikam-Fiber-Git\\Release 1\\Sprint 2".into()),
        area_path: Some("Fabrikam-Fiber-Git\\Website".into()),
    };
    assert_eq!(items[0], expected);

    let bug = &items[1];
    assert_eq!(bug.item_type.as_deref(), Some("Bug"));
    assert_eq!(bug.status_category, StatusCategory::Done);
    assert_eq!(bug.resolved, Some(ts("2017-09-12T11:40:11.103Z")));
    // A bug's words are its repro steps; `System.Parent` names its parent.
    assert_eq!(
        bug.description,
        "- Sign in\n- Wait an hour\n- Reload the page"
    );
    assert_eq!(bug.parent_key.as_deref(), Some("Fabrikam-Fiber-Git-296"));
    // The project's root iteration is the backlog, not a sprint.
    assert_eq!(bug.sprint, None);
    assert_eq!(bug.area_path.as_deref(), Some("Fabrikam-Fiber-Git"));
    assert_eq!(bug.assignee, None);
}

#[test]
fn relations_pages_back_to_back_make_an_epic_feature_story_task_chain() {
    let items = read("azure_workitems_relations.json", Format::AzureJson);
    assert_eq!(
        keys(&items),
        ["Shop-1", "Shop-2", "Shop-3", "Shop-4", "Shop-5", "Shop-6"]
    );
    let parent = |i: usize| items[i].parent_key.as_deref();
    let epic = |i: usize| items[i].epic_key.as_deref();
    assert_eq!(
        (0..6).map(parent).collect::<Vec<_>>(),
        [
            None,
            Some("Shop-1"),
            Some("Shop-2"),
            Some("Shop-3"),
            None,
            None
        ]
    );
    // A story's Feature and a Feature's Epic are their epics; a task's story is not.
    assert_eq!(
        (0..6).map(epic).collect::<Vec<_>>(),
        [None, Some("Shop-1"), Some("Shop-2"), None, None, None]
    );
    // Epics and Features are containers, stories and tasks work.
    assert_eq!(
        items.iter().map(WorkItem::is_epic).collect::<Vec<_>>(),
        [true, true, false, false, false, false]
    );

    let story = &items[2];
    assert_eq!(story.item_type.as_deref(), Some("User Story"));
    assert_eq!(
        story.description,
        "As a returning customer I want to pay with a card I saved so that checkout takes \
         one click.\n\nCards are stored as tokens only."
    );
    assert_eq!(story.labels, ["payments", "web"]);
    assert_eq!(story.estimate, Some(5.0));
    assert_eq!(story.sprint.as_deref(), Some("Shop\\2026\\Sprint 12"));
    assert_eq!(story.area_path.as_deref(), Some("Shop\\Checkout"));
    assert_eq!(story.assignee.as_deref(), Some("Aiko Tanaka"));
    assert_eq!(story.started, Some(ts("2026-07-01T10:15:00Z")));
    // `$expand=relations` returns no `_links`: the page is the one beside the API's.
    assert_eq!(
        story.url.as_deref(),
        Some("https://dev.azure.com/contoso/Shop/_workitems/edit/3")
    );

    let task = &items[3];
    assert_eq!(task.status_category, StatusCategory::Done);
    assert_eq!(task.resolved, Some(ts("2026-07-03T15:30:12.4Z")));
    // Hours of work are no story points.
    assert_eq!(task.estimate, None);
    assert_eq!(items[4].status_category, StatusCategory::Todo);
    assert_eq!(items[0].sprint, None, "the root iteration is no sprint");
}

#[test]
fn a_custom_state_is_kept_and_noted() {
    let opts = ImportOptions::default();
    let path = fixture("azure_workitems_relations.json");
    let items = read_all(&path, Format::AzureJson, &opts);
    assert_eq!(items[5].status.as_deref(), Some("Parked"));
    assert_eq!(items[5].status_category, StatusCategory::Todo);
    let quirks = opts.warnings.take();
    assert_eq!(quirks.len(), 1, "{quirks:#?}");
    assert_eq!(
        quirks[0].kind,
        QuirkKind::UnknownStatus(Some("Parked".into()))
    );
    assert_eq!(quirks[0].at, Location::record(5).with_key("Shop-6"));
}

#[test]
fn a_boards_query_csv_reads_as_the_rest_items_do() {
    let csv = read("azure_boards_query.csv", Format::AzureCsv);
    let rest = read("azure_workitems_relations.json", Format::AzureJson);
    assert_eq!(keys(&csv), keys(&rest));
    for (c, r) in csv.iter().zip(&rest) {
        assert_eq!(c.title, r.title, "{}", c.key);
        assert_eq!(
            c.description,
            r.description.replace("saved so", "saved, so")
        );
        assert_eq!(c.item_type, r.item_type, "{}", c.key);
        assert_eq!(c.status_category, r.status_category, "{}", c.key);
        assert_eq!(c.parent_key, r.parent_key, "{}", c.key);
        assert_eq!(
            c.epic_key, None,
            "a flat query does not say its parent's type"
        );
        assert_eq!(c.labels, r.labels, "{}", c.key);
        assert_eq!(c.area_path, r.area_path, "{}", c.key);
        assert_eq!(c.sprint, r.sprint, "{}", c.key);
        assert_eq!(c.project.as_deref(), Some("Shop"));
        assert_eq!(c.assignee, r.assignee, "{}", c.key);
        assert_eq!(c.estimate, r.estimate, "{}", c.key);
        assert_eq!(c.is_epic(), r.is_epic(), "{}", c.key);
        // US dates to the second; the API adds the fraction.
        assert_eq!(
            c.created.map(|t| t.timestamp()),
            r.created.map(|t| t.timestamp()),
            "{}",
            c.key
        );
        assert_eq!(c.url, None);
    }
    assert_eq!(csv[3].resolved, Some(ts("2026-07-03T15:30:12Z")));
}

#[test]
fn a_tree_query_csv_gives_each_row_the_row_one_level_up_as_parent() {
    let items = read("azure_boards_tree.csv", Format::AzureCsv);
    let got: Vec<(&str, &str, Option<&str>, Option<&str>)> = items
        .iter()
        .map(|i| {
            (
                i.key.as_str(),
                i.title.as_str(),
                i.parent_key.as_deref(),
                i.epic_key.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Shop-1", "Self-serve checkout", None, None),
            ("Shop-2", "Saved cards", Some("Shop-1"), Some("Shop-1")),
            (
                "Shop-3",
                "Pay with a saved card",
                Some("Shop-2"),
                Some("Shop-2")
            ),
            ("Shop-4", "Store card tokens", Some("Shop-3"), None),
            (
                "Shop-7",
                "Save a card at checkout",
                Some("Shop-2"),
                Some("Shop-2")
            ),
            ("Shop-8", "Gift cards", Some("Shop-1"), Some("Shop-1")),
            ("Shop-5", "Refund to a saved card", None, None),
        ]
    );
}

#[test]
fn the_base_url_makes_links_for_a_csv_export() {
    let opts = ImportOptions {
        base_url: Some("https://dev.azure.com/contoso/".into()),
        source: Some("ado-contoso".into()),
        ..ImportOptions::default()
    };
    let items = read_all(&fixture("azure_boards_query.csv"), Format::AzureCsv, &opts);
    assert_eq!(
        items[2].url.as_deref(),
        Some("https://dev.azure.com/contoso/Shop/_workitems/edit/3")
    );
    assert_eq!(items[2].source, "ado-contoso");
}

#[test]
fn names_on_the_command_line_and_in_the_sniffer() {
    assert_eq!("azure-devops".parse::<Format>(), Ok(Format::AzureJson));
    assert_eq!("azure-csv".parse::<Format>(), Ok(Format::AzureCsv));
    assert_eq!(Format::AzureCsv.default_source(), "azure-devops");
    // One work item per line is the API's too, not JSON Lines.
    let one = r#"{"id": 1, "fields": {"System.Title": "a", "System.TeamProject": "P"}}"#;
    let (_dir, path) = temp_file("items.json", &format!("{one}\n{one}\n"));
    assert_eq!(detect_format(&path).unwrap(), Format::AzureJson);
}

fn bad_json(fields: &str) -> IngestError {
    let text = format!(
        r#"{{"count": 2, "value": [
  {{"id": 1, "fields": {{"System.TeamProject": "Shop", "System.Title": "Fine"}}}},
  {{"id": 2, "fields": {{"System.TeamProject": "Shop", "System.Title": "Bad"{fields}}}}}
]}}"#
    );
    let (_dir, path) = temp_file("items.json", &text);
    first_error(&path, Format::AzureJson, &ImportOptions::default())
}

#[test]
fn bad_values_name_file_record_key_field_and_what_was_expected() {
    let err = bad_json(r#", "Microsoft.VSTS.Scheduling.StoryPoints": "lots""#);
    let IngestError::BadValue {
        at,
        field,
        value,
        expected,
        ..
    } = &err
    else {
        panic!("not a bad value: {err}");
    };
    assert_eq!(at, &Location::record(1).with_key("Shop-2"));
    assert_eq!(field, "fields.Microsoft.VSTS.Scheduling.StoryPoints");
    assert_eq!(value, "lots");
    assert!(expected.starts_with("a number"), "{err}");
    assert!(
        err.to_string().ends_with(
            "items.json record 2 (Shop-2), field \"fields.Microsoft.VSTS.Scheduling.StoryPoints\": \
             \"lots\" is not a number (expected e.g. 3 or 0.5)"
        ),
        "{err}"
    );

    let err = bad_json(r#", "System.CreatedDate": "yesterday""#);
    assert!(
        matches!(&err, IngestError::BadValue { field, .. } if field == "fields.System.CreatedDate"),
        "{err}"
    );
    assert!(err.to_string().contains("is not a date"), "{err}");

    let err = bad_json(r#", "System.Parent": "the epic""#);
    assert!(
        err.to_string()
            .ends_with("field \"fields.System.Parent\": \"the epic\" is not a work item id"),
        "{err}"
    );
}

#[test]
fn a_work_item_without_project_or_fields_is_refused_by_record() {
    let (_dir, path) = temp_file(
        "items.json",
        r#"{"count": 1, "value": [{"id": 7, "fields": {"System.Title": "Where?"}}]}"#,
    );
    let err = first_error(&path, Format::AzureJson, &ImportOptions::default());
    assert!(
        matches!(&err, IngestError::MissingField { at, field, .. }
            if field == "fields.System.TeamProject" && *at == Location::record(0).with_key("7")),
        "{err}"
    );

    let (_dir, path) = temp_file(
        "items.json",
        r#"{"count": 1, "value": [{"id": "seven", "fields": {}}]}"#,
    );
    let err = first_error(&path, Format::AzureJson, &ImportOptions::default());
    assert!(
        err.to_string()
            .ends_with("record 1, field \"id\": \"seven\" is not a work item id (a number)"),
        "{err}"
    );

    let (_dir, path) = temp_file("items.json", r#"{"count": 1, "items": []}"#);
    let err = first_error(&path, Format::AzureJson, &ImportOptions::default());
    assert!(
        matches!(&err, IngestError::Shape { message, .. } if message.contains("\"value\"")),
        "{err}"
    );
}

#[test]
fn bad_csv_cells_name_the_line_key_and_column() {
    let (_dir, path) = temp_file(
        "query.csv",
        "ID,Work Item Type,Title,State,Area Path,Story Points\n\
         1,User Story,Fine,New,Shop,3\n\
         2,User Story,Bad,New,Shop\\Checkout,three\n",
    );
    let err = first_error(&path, Format::AzureCsv, &ImportOptions::default());
    assert_eq!(
        err.to_string(),
        format!(
            "{} line 3 (Shop-2), field \"Story Points\": \"three\" is not a number (expected e.g. 3 or 0.5)",
            path.display()
        )
    );

    // Without a column to say the project, no key can be made: the header says so.
    let (_dir, path) = temp_file(
        "query.csv",
        "ID,Work Item Type,Title,Assigned To,State,Tags\n1,Task,A,,New,\n",
    );
    let err = first_error(&path, Format::AzureCsv, &ImportOptions::default());
    assert!(
        matches!(&err, IngestError::MissingColumn { column, purpose, .. }
            if column == "Area Path" && purpose.contains("Team Project")),
        "{err}"
    );

    let (_dir, path) = temp_file(
        "query.csv",
        "ID,Work Item Type,Title,Area Path,Closed Date\n12,Task,A,Shop,31/31/2026\n",
    );
    let err = first_error(&path, Format::AzureCsv, &ImportOptions::default());
    assert!(
        err.to_string()
            .contains("line 2 (Shop-12), field \"Closed Date\": \"31/31/2026\" is not a date"),
        "{err}"
    );
}

#[test]
fn every_item_of_a_stream_comes_before_the_first_error_and_none_after() {
    let (_dir, path) = temp_file(
        "query.csv",
        "ID,Work Item Type,Title,Area Path\n1,Task,A,Shop\nx,Task,B,Shop\n3,Task,C,Shop\n",
    );
    let results: Vec<_> = read_items(&path, Format::AzureCsv, &ImportOptions::default())
        .unwrap()
        .collect();
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(
        err.to_string()
            .ends_with("line 3, field \"ID\": \"x\" is not a work item id (a number)"),
        "{err}"
    );
}
