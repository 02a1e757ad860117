//! Generic CSV and JSON Lines: default column names, command-line and TOML mappings,
//! constants, list separators, nested JSON keys.

mod common;

use common::{first_error, fixture, read_all, temp_file, ts};
use throughline_ingest::{
    Field, Format, ImportOptions, IngestError, Mapping, detect_format, read_items,
};
use throughline_model::{EstimateUnit, StatusCategory, WorkItem};

fn with_mapping(mapping: Mapping) -> ImportOptions {
    ImportOptions {
        mapping: Some(mapping),
        ..ImportOptions::default()
    }
}

#[test]
fn default_names_read_a_storypoints_style_file() {
    let path = fixture("generic_storypoints.csv");
    assert_eq!(detect_format(&path).unwrap(), Format::Csv);
    let items = read_all(&path, Format::Csv, &ImportOptions::default());
    assert_eq!(items.len(), 3);
    let expected = WorkItem {
        source: "csv".into(),
        key: "MESOS-336".into(),
        title: "Mesos slave should cache executors".into(),
        description:
            "The slave should be smarter:\n{code}\nif (cached) { return \"path\"; }\n{code}".into(),
        // Not mapped: the key prefix.
        project: Some("MESOS".into()),
        estimate: Some(5.0),
        estimate_unit: EstimateUnit::Points,
        ..WorkItem::default()
    };
    assert_eq!(items[1], expected);
    assert_eq!(items[2].description, "");
    assert_eq!(items[2].estimate, Some(1.0));
}

#[test]
fn command_line_pairs_map_columns_and_leave_the_rest_to_defaults() {
    let path = fixture("generic_storypoints.csv");
    let mapping =
        Mapping::parse_pairs(&["key=issuekey", "title=title", "estimate=storypoint"]).unwrap();
    assert_eq!(
        mapping.columns.get(&Field::Estimate).map(String::as_str),
        Some("storypoint")
    );
    let opts = ImportOptions {
        source: Some("mesos".into()),
        ..with_mapping(mapping)
    };
    let items = read_all(&path, Format::Csv, &opts);
    assert_eq!(items[0].source, "mesos");
    assert_eq!(items[0].estimate, Some(2.0));
    // description was not mapped and is still found by name.
    assert!(items[0].description.starts_with("The Scheduler interface"));
}

#[test]
fn toml_mapping_with_constants_and_a_list_separator() {
    let text = std::fs::read_to_string(fixture("generic_mapping.toml")).unwrap();
    let mapping = Mapping::from_toml_str(&text).unwrap();
    let path = fixture("generic_tickets.csv");
    let items = read_all(&path, Format::Csv, &with_mapping(mapping));
    let expected = WorkItem {
        source: "csv".into(),
        key: "T-1".into(),
        title: "Onboarding checklist".into(),
        description: "First-run checklist for new workspaces".into(),
        item_type: Some("Story".into()),
        status: Some("Doing".into()),
        status_category: StatusCategory::InProgress,
        labels: vec!["onboarding".into(), "activation".into()],
        epic_key: Some("T-0".into()),
        project: Some("webapp".into()),
        team: Some("Growth".into()),
        estimate: Some(8.0),
        created: Some(ts("2026-04-01T00:00:00Z")),
        ..WorkItem::default()
    };
    assert_eq!(items[0], expected);
    let second = &items[1];
    assert_eq!(second.labels, vec!["bug".to_string(), "email".into()]);
    assert_eq!(second.status_category, StatusCategory::Done);
    assert_eq!(second.resolved, Some(ts("2026-04-03T09:30:00Z")));
    assert_eq!(second.epic_key, None);
}

#[test]
fn jsonl_arrays_fill_list_fields() {
    let path = fixture("generic_commits.jsonl");
    assert_eq!(detect_format(&path).unwrap(), Format::Jsonl);
    let items = read_all(&path, Format::Jsonl, &ImportOptions::default());
    assert_eq!(items.len(), 2, "the blank line is skipped");
    assert_eq!(items[0].source, "jsonl");
    assert_eq!(items[0].key, "a1d05326e3e9");
    assert_eq!(
        items[0].description,
        "This commit adds support for identity partitions."
    );
    assert_eq!(items[0].components, vec!["spark".to_string()]);
    assert_eq!(items[0].created, Some(ts("2018-01-12T21:25:58Z")));
    // A hex key has no project prefix.
    assert_eq!(items[0].project, None);
    assert_eq!(items[1].components, vec!["api".to_string(), "core".into()]);

    let mapping = Mapping::parse_pairs(&["labels=components", "url=pr"]).unwrap();
    let items = read_all(&path, Format::Jsonl, &with_mapping(mapping));
    assert_eq!(items[1].labels, vec!["api".to_string(), "core".into()]);
    // Claimed by "labels", so not also read as components.
    assert!(items[1].components.is_empty());
    assert_eq!(items[0].url, None);
    assert_eq!(items[1].url.as_deref(), Some("12"));
}

#[test]
fn jsonl_nested_keys_and_epoch_dates() {
    let (_dir, path) = temp_file(
        "nested.json",
        "{\"id\": 7, \"fields\": {\"summary\": \"Nested\", \"points\": \"3\"}, \"opened\": 1767225600}\n\
         {\"id\": 8, \"fields\": {\"summary\": \"Second\", \"points\": null}, \"opened\": 1767225600000}\n",
    );
    // One object per line in a .json file is still JSON Lines.
    assert_eq!(detect_format(&path).unwrap(), Format::Jsonl);
    let mapping = Mapping::parse_pairs(&[
        "title=fields.summary",
        "estimate=fields.points",
        "created=opened",
    ])
    .unwrap();
    let items = read_all(&path, Format::Jsonl, &with_mapping(mapping));
    assert_eq!(items[0].key, "7");
    assert_eq!(items[0].title, "Nested");
    assert_eq!(items[0].estimate, Some(3.0));
    assert_eq!(items[0].created, Some(ts("2026-01-01T00:00:00Z")));
    assert_eq!(items[1].created, Some(ts("2026-01-01T00:00:00Z")));
    assert_eq!(items[1].estimate, None);
}

#[test]
fn unknown_mapped_column_names_it_and_lists_the_headers() {
    let path = fixture("generic_storypoints.csv");
    let mapping = Mapping::parse_pairs(&["estimate=story_pts"]).unwrap();
    let Err(err) = read_items(&path, Format::Csv, &with_mapping(mapping)) else {
        panic!("expected an error");
    };
    let text = err.to_string();
    assert!(matches!(err, IngestError::MissingColumn { .. }), "{text}");
    assert!(text.contains("\"story_pts\""), "{text}");
    assert!(text.contains("mapped to \"estimate\""), "{text}");
    assert!(
        text.contains("\"issuekey\", \"title\", \"description\", \"storypoint\""),
        "{text}"
    );

    let mapping = Mapping::parse_pairs(&["labels=tags"]).unwrap();
    let err = first_error(
        &fixture("generic_commits.jsonl"),
        Format::Jsonl,
        &with_mapping(mapping),
    );
    let text = err.to_string();
    assert!(
        text.contains("\"tags\"") && text.contains("\"components\""),
        "{text}"
    );
}

#[test]
fn a_file_without_a_key_column_says_how_to_map_one() {
    let (_dir, path) = temp_file("x.csv", "name,points\nSomething,3\n");
    let Err(err) = read_items(&path, Format::Csv, &ImportOptions::default()) else {
        panic!("expected an error");
    };
    let text = err.to_string();
    assert!(text.contains("key=COLUMN"), "{text}");
    assert!(text.contains("\"name\", \"points\""), "{text}");
}

#[test]
fn bad_mappings_are_refused() {
    for (pairs, needle) in [
        (vec!["title"], "field=column"),
        (vec!["colour=Color"], "unknown field \"colour\""),
        (vec!["title="], "names no column"),
        (vec!["estimate_unit=days"], "neither"),
    ] {
        let err = Mapping::parse_pairs(&pairs).unwrap_err().to_string();
        assert!(err.contains(needle), "{pairs:?}: {err}");
    }
    let err = Mapping::from_toml_str("[columns]\ntitle = 3\n").unwrap_err();
    assert!(matches!(err, IngestError::Mapping(_)), "{err}");
    let err = Mapping::from_toml_str("[colums]\ntitle = \"x\"\n").unwrap_err();
    assert!(err.to_string().contains("colums"), "{err}");
    let ok = Mapping::parse_pairs(&["Summary=headline", "estimate_unit=hours"]).unwrap();
    assert_eq!(
        ok.columns.get(&Field::Title).map(String::as_str),
        Some("headline")
    );
    assert_eq!(ok.estimate_unit, Some(EstimateUnit::Hours));
}
