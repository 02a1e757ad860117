//! Errors a person can act on: each names the file, where in it, the field, and what was
//! expected; the stream ends at the first one.

mod common;

use common::{first_error, fixture, temp_file};
use throughline_ingest::{
    Format, ImportOptions, IngestError, Location, Mapping, detect_format, read_items,
};

fn opts() -> ImportOptions {
    ImportOptions::default()
}

#[test]
fn truncated_jira_json_reports_line_and_column() {
    let full = std::fs::read_to_string(fixture("jira_v2_search.json")).unwrap();
    // Cut inside the second issue: the file ends mid-document.
    let cut = full.find("\"PAY-102\"").unwrap() + 4;
    let (_dir, path) = temp_file("tickets.json", &full[..cut]);
    let err = first_error(&path, Format::JiraJson, &opts());
    let IngestError::Syntax { at, message, .. } = &err else {
        panic!("not a syntax error: {err}");
    };
    let line = full[..cut].lines().count() as u64;
    assert_eq!(at.line, Some(line), "{err}");
    assert!(at.column.is_some(), "{err}");
    assert!(message.contains("truncated"), "{err}");
    let text = err.to_string();
    assert!(text.contains("tickets.json line "), "{text}");
}

#[test]
fn truncated_github_json_is_a_syntax_error() {
    let (_dir, path) = temp_file(
        "issues.json",
        "[{\"number\": 1, \"title\": \"a\"}, {\"number\": 2,",
    );
    let err = first_error(&path, Format::GithubJson, &opts());
    assert!(
        matches!(
            &err,
            IngestError::Syntax {
                at: Location {
                    line: Some(1),
                    column: Some(_),
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn csv_with_a_broken_quote_names_the_line_it_starts_on() {
    let (_dir, path) = temp_file(
        "tickets.csv",
        "issuekey,title,description,storypoint\n\
         PAY-1,Fine,ok,1\n\
         PAY-2,\"Broken title,no closing quote,2\n\
         PAY-3,Next,ok,3\n\
         PAY-4,Last,ok,5\n",
    );
    let mut items = read_items(&path, Format::Csv, &opts()).unwrap();
    assert_eq!(items.next().unwrap().unwrap().key, "PAY-1");
    let err = items.next().unwrap().unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{} line 3:", path.display())),
        "{text}"
    );
    assert!(text.contains("quote"), "{text}");
    // The stream ends at the first error.
    assert!(items.next().is_none());
}

#[test]
fn bad_date_names_file_line_key_field_and_the_expected_shapes() {
    let (_dir, path) = temp_file(
        "tickets.csv",
        "Summary,Issue key,Issue id,Status,Created\n\
         Works,PAY-76,1,To Do,12/Jan/26 1:25 PM\n\
         \"Spans\ntwo lines\",PAY-75,2,To Do,2026-07-01\n\
         Broken,PAY-77,3,To Do,31/31/2026\n",
    );
    let err = first_error(&path, Format::JiraCsv, &opts());
    assert_eq!(
        err.to_string(),
        format!(
            "{} line 5 (PAY-77), field \"Created\": \"31/31/2026\" is not a date \
             (expected e.g. 2026-07-01, 2026-07-01T10:00:00Z or 12/Jan/26 1:25 PM)",
            path.display()
        )
    );
    let IngestError::BadValue {
        field, value, at, ..
    } = err
    else {
        panic!("not a bad value");
    };
    assert_eq!((field.as_str(), value.as_str()), ("Created", "31/31/2026"));
    assert_eq!(at.key.as_deref(), Some("PAY-77"));
}

#[test]
fn bad_dates_in_json_name_the_record_and_key() {
    let (_dir, path) = temp_file(
        "search.json",
        r#"{"issues": [
            {"key": "A-1", "fields": {"summary": "ok", "created": "2026-07-01T10:11:12.000+0000"}},
            {"key": "A-2", "fields": {"summary": "bad", "created": "last tuesday"}}
        ]}"#,
    );
    let err = first_error(&path, Format::JiraJson, &opts()).to_string();
    assert!(
        err.contains("record 2 (A-2), field \"fields.created\": \"last tuesday\" is not a date"),
        "{err}"
    );
}

#[test]
fn bad_estimate_is_not_a_number() {
    let (_dir, path) = temp_file("t.csv", "key,title,points\nX-1,One,three\n");
    let err = first_error(&path, Format::Csv, &opts()).to_string();
    assert!(
        err.ends_with(
            "line 2 (X-1), field \"points\": \"three\" is not a number (expected e.g. 3 or 0.5)"
        ),
        "{err}"
    );
}

#[test]
fn missing_required_columns_and_fields() {
    let (_dir, path) = temp_file("jira.csv", "Issue key,Status\nPAY-1,Done\n");
    let err = first_error(&path, Format::JiraCsv, &opts()).to_string();
    assert!(err.contains("no column \"Summary\""), "{err}");
    assert!(err.contains("\"Issue key\", \"Status\""), "{err}");

    let (_dir, path) = temp_file("linear.csv", "ID,Team,Status\nENG-1,Eng,Done\n");
    let err = first_error(&path, Format::LinearCsv, &opts()).to_string();
    assert!(err.contains("no column \"Title\""), "{err}");

    let (_dir, path) = temp_file("jira.csv", "Summary,Issue key\nFirst,PAY-1\nNo key here,\n");
    let err = first_error(&path, Format::JiraCsv, &opts());
    assert_eq!(
        err.to_string(),
        format!(
            "{} line 3: required field \"Issue key\" is missing or empty",
            path.display()
        )
    );

    let (_dir, path) = temp_file(
        "t.jsonl",
        "{\"key\": \"A-1\", \"title\": \"x\"}\n{\"key\": \"A-2\"}\n",
    );
    let err = first_error(&path, Format::Jsonl, &opts()).to_string();
    assert!(
        err.ends_with("line 2 (A-2): required field \"title\" is missing or empty"),
        "{err}"
    );

    let (_dir, path) = temp_file(
        "gh.json",
        r#"[{"number": 4, "url": "https://github.com/o/r/issues/4"}]"#,
    );
    let err = first_error(&path, Format::GithubJson, &opts()).to_string();
    assert!(
        err.ends_with("record 1 (o/r#4): required field \"title\" is missing or empty"),
        "{err}"
    );
}

#[test]
fn an_empty_title_is_kept_with_the_description_standing_in() {
    // Old Jira data has issues with an empty summary (Appcelerator's AC-2241): Jira allowed
    // it, so the row is data to keep, not a reason to refuse the whole file.
    let mapping = Mapping::parse_pairs(&["title=summary"]).unwrap();
    let (_dir, path) = temp_file(
        "t.csv",
        "key,summary,description\nA-1,,\"Crash on start\nmore\"\nA-2,,\n",
    );
    let opts = ImportOptions {
        mapping: Some(mapping),
        ..ImportOptions::default()
    };
    let items: Vec<_> = read_items(&path, Format::Csv, &opts)
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items[0].title, "Crash on start");
    assert_eq!(items[1].title, "(no title)");

    let (_dir, path) = temp_file(
        "s.json",
        r#"{"issues": [{"key": "A-3", "fields": {"summary": "", "description": "Only a body"}}]}"#,
    );
    let items: Vec<_> = read_items(&path, Format::JiraJson, &ImportOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(items[0].title, "Only a body");
}

#[test]
fn jsonl_syntax_errors_name_the_line() {
    let (_dir, path) = temp_file(
        "t.jsonl",
        "{\"key\": \"A-1\", \"title\": \"x\"}\n{\"key\": \"A-2\", \"title\": }\n",
    );
    let err = first_error(&path, Format::Jsonl, &opts());
    assert!(
        matches!(
            &err,
            IngestError::Syntax {
                at: Location {
                    line: Some(2),
                    column: Some(_),
                    ..
                },
                ..
            }
        ),
        "{err}"
    );
    let (_dir, path) = temp_file("t.jsonl", "[1, 2]\n");
    let err = first_error(&path, Format::Jsonl, &opts()).to_string();
    assert!(err.contains("line 1: expected a JSON object"), "{err}");
}

#[test]
fn wrong_json_shapes_are_explained() {
    let (_dir, path) = temp_file("x.json", r#"{"total": 0}"#);
    let err = first_error(&path, Format::JiraJson, &opts()).to_string();
    assert!(err.contains("expected a Jira search response"), "{err}");
    let err = first_error(&path, Format::GithubJson, &opts()).to_string();
    assert!(err.contains("expected GitHub issues"), "{err}");
}

#[test]
fn undetectable_and_unreadable_files() {
    let (_dir, path) = temp_file("x.json", r#"{"hello": "world"}"#);
    let err = detect_format(&path).unwrap_err().to_string();
    assert!(err.contains("cannot tell the format"), "{err}");
    let (_dir, path) = temp_file("empty.csv", "");
    assert!(matches!(
        detect_format(&path),
        Err(IngestError::UnknownFormat { .. })
    ));
    let missing = fixture("no_such_file.csv");
    assert!(matches!(
        detect_format(&missing),
        Err(IngestError::Io { .. })
    ));
    assert!(matches!(
        read_items(&missing, Format::Csv, &opts()),
        Err(IngestError::Io { .. })
    ));
}
