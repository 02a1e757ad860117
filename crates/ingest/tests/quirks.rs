//! Data a tracker allows but an importer must assume something about (an empty summary,
//! no created date, a status of no known kind, a key twice in one file) is kept, and the
//! import says which items and what it assumed; malformed data still stops the file.

mod common;

use common::{first_error, temp_file};
use throughline_ingest::{
    Format, ImportOptions, Location, Mapping, Quirk, QuirkKind, read_items, summarise,
};
use throughline_model::{StatusCategory, WorkItem};

/// Every item of a file and what the importer noted about them.
fn read_noting(path: &std::path::Path, format: Format) -> (Vec<WorkItem>, Vec<Quirk>) {
    read_noting_with(path, format, ImportOptions::default())
}

fn read_noting_with(
    path: &std::path::Path,
    format: Format,
    opts: ImportOptions,
) -> (Vec<WorkItem>, Vec<Quirk>) {
    let items = read_items(path, format, &opts)
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    (items, opts.warnings.take())
}

fn keyed(quirks: &[Quirk], kind: &QuirkKind) -> Vec<String> {
    quirks
        .iter()
        .filter(|q| &q.kind == kind)
        .filter_map(|q| q.at.key.clone())
        .collect()
}

#[test]
fn jira_json_keeps_what_jira_allowed_and_names_it() {
    let (_dir, path) = temp_file(
        "quirky.json",
        r#"{"issues": [
          {"key": "OLD-1", "fields": {"summary": "", "description": "Crash on start\nmore",
            "created": "2009-01-02T03:04:05.000+0000", "status": {"name": "Open"}}},
          {"key": "OLD-2", "fields": {"summary": "No date", "status": {"name": "Closed"}}},
          {"key": "OLD-3", "fields": {"summary": "Custom", "created": "2009-01-02T03:04:05.000+0000",
            "status": {"name": "Awaiting Legal", "statusCategory": {"key": "undefined"}}}},
          {"key": "OLD-4", "fields": {"summary": "Gone workflow", "created": "2009-01-02T03:04:05.000+0000",
            "resolutiondate": "2009-02-02T03:04:05.000+0000", "status": {"name": "Awaiting Legal"}}},
          {"key": "OLD-5", "fields": {"summary": "No status", "created": "2009-01-02T03:04:05.000+0000"}},
          {"key": "OLD-6", "fields": {"summary": "Agile epic", "created": "2009-01-02T03:04:05.000+0000",
            "status": {"name": "In QE Test", "statusCategory": {"key": "indeterminate"}},
            "epic": {"id": 1, "key": "OLD-100", "name": "Camera", "done": false},
            "parent": {"key": "OLD-7", "fields": {"issuetype": {"name": "Story"}}}}}
        ]}"#,
    );
    let (items, quirks) = read_noting(&path, Format::JiraJson);
    assert_eq!(items.len(), 6, "every issue is kept");
    assert_eq!(items[0].title, "Crash on start");
    assert_eq!(keyed(&quirks, &QuirkKind::EmptyTitle), ["OLD-1"]);
    assert_eq!(items[1].created, None);
    assert_eq!(keyed(&quirks, &QuirkKind::NoCreatedDate), ["OLD-2"]);
    assert_eq!(items[2].status_category, StatusCategory::Todo);
    assert_eq!(
        keyed(
            &quirks,
            &QuirkKind::UnknownStatus(Some("Awaiting Legal".into()))
        ),
        ["OLD-3"],
        "a resolved item of an unknown status is done, nothing assumed: {quirks:?}"
    );
    assert_eq!(items[3].status_category, StatusCategory::Done);
    assert_eq!(keyed(&quirks, &QuirkKind::UnknownStatus(None)), ["OLD-5"]);
    // The Agile REST API's epic object, beside a sub-task's parent.
    assert_eq!(items[5].epic_key.as_deref(), Some("OLD-100"));
    assert_eq!(items[5].parent_key.as_deref(), Some("OLD-7"));
    assert_eq!(items[5].status_category, StatusCategory::InProgress);
    assert_eq!(quirks.len(), 4, "{quirks:#?}");
    assert_eq!(
        quirks[0].at,
        Location::record(0).with_key("OLD-1"),
        "the record is named as well as the key"
    );

    let lines = summarise(&quirks);
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(lines.iter().any(|l| l.contains("empty title")
        && l.contains("first line of the description")
        && l.ends_with("OLD-1 (record 1)")));
    assert!(
        lines
            .iter()
            .any(|l| l.contains("unknown status \"Awaiting Legal\", counted as to do: OLD-3"))
    );
}

#[test]
fn jira_csv_keeps_an_empty_summary_and_names_what_it_assumed() {
    let (_dir, path) = temp_file(
        "jira.csv",
        "Summary,Issue key,Status,Created,Description\n\
         ,PAY-1,Open,2020-01-02 10:00,\"Only a body\"\n\
         Dated,PAY-2,Limbo,,\n\
         Fine,PAY-3,Done,2020-01-02 10:00,\n",
    );
    let (items, quirks) = read_noting(&path, Format::JiraCsv);
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].title, "Only a body");
    assert_eq!(keyed(&quirks, &QuirkKind::EmptyTitle), ["PAY-1"]);
    assert_eq!(keyed(&quirks, &QuirkKind::NoCreatedDate), ["PAY-2"]);
    assert_eq!(
        keyed(&quirks, &QuirkKind::UnknownStatus(Some("Limbo".into()))),
        ["PAY-2"]
    );
    assert_eq!(quirks.len(), 3, "{quirks:#?}");
    assert_eq!(quirks[0].at.line, Some(2));
}

#[test]
fn a_key_twice_in_a_generic_csv_is_said_with_both_lines() {
    let (_dir, path) = temp_file(
        "t.csv",
        "key,title\nA-1,first\nA-2,other\nA-1,second\nA-1,third\n",
    );
    let (items, quirks) = read_noting(&path, Format::Csv);
    // Every record still comes out; the store keeps the last of a key, as a re-import.
    assert_eq!(items.len(), 4);
    let dups: Vec<(Option<String>, Option<u64>, &QuirkKind)> = quirks
        .iter()
        .map(|q| (q.at.key.clone(), q.at.line, &q.kind))
        .collect();
    assert_eq!(
        dups,
        [
            (
                Some("A-1".into()),
                Some(4),
                &QuirkKind::DuplicateKey { first_line: 2 }
            ),
            (
                Some("A-1".into()),
                Some(5),
                &QuirkKind::DuplicateKey { first_line: 2 }
            ),
        ]
    );
    let lines = summarise(&quirks);
    assert_eq!(
        lines,
        [
            "2 items repeat a key already read in this file; the later record replaces the \
          earlier one: A-1 (line 4, first on line 2), A-1 (line 5, first on line 2)"
        ]
    );
}

#[test]
fn a_key_twice_in_json_lines_is_said_too() {
    let (_dir, path) = temp_file(
        "t.jsonl",
        "{\"id\": \"x\", \"name\": \"a\"}\n\n{\"id\": \"x\", \"name\": \"b\"}\n",
    );
    let opts = ImportOptions {
        mapping: Some(Mapping::parse_pairs(&["key=id", "title=name"]).unwrap()),
        ..ImportOptions::default()
    };
    let (items, quirks) = read_noting_with(&path, Format::Jsonl, opts);
    assert_eq!(items.len(), 2);
    assert_eq!(quirks.len(), 1);
    assert_eq!(quirks[0].at.line, Some(3));
    assert_eq!(quirks[0].kind, QuirkKind::DuplicateKey { first_line: 1 });
}

#[test]
fn malformed_data_still_stops_the_file_with_its_place_and_field() {
    let (_dir, path) = temp_file(
        "bad.json",
        r#"{"issues": [
          {"key": "OLD-1", "fields": {"summary": "", "created": "2009-01-02T03:04:05.000+0000"}},
          {"key": "OLD-2", "fields": {"summary": "x", "created": "the day before"}}
        ]}"#,
    );
    let err = first_error(&path, Format::JiraJson, &ImportOptions::default()).to_string();
    assert!(
        err.contains("record 2 (OLD-2)") && err.contains("fields.created"),
        "{err}"
    );

    let (_dir, path) = temp_file(
        "bad.csv",
        "Summary,Issue key,Created\n,PAY-1,2020-01-02\nx,PAY-2,someday\n",
    );
    let err = first_error(&path, Format::JiraCsv, &ImportOptions::default()).to_string();
    assert!(
        err.contains("line 3 (PAY-2)") && err.contains("\"Created\""),
        "{err}"
    );
}
