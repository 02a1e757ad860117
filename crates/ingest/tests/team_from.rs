//! `--team-from`: every importer takes a team from the item's project, a component, a
//! label prefix or (where the format has fields) a field, for items the export gives no
//! team; a team the export gives is kept, except that a named field replaces detection.

mod common;

use common::{first_error, fixture, read_all};
use throughline_ingest::{Field, Format, ImportOptions, Mapping, TeamFrom};

fn opts(from: &str) -> ImportOptions {
    ImportOptions {
        team_from: Some(from.parse::<TeamFrom>().unwrap()),
        ..ImportOptions::default()
    }
}

fn teams(file: &str, format: Format, from: &str) -> Vec<(String, Option<String>)> {
    read_all(&fixture(file), format, &opts(from))
        .into_iter()
        .map(|i| (i.key, i.team))
        .collect()
}

fn pair(key: &str, team: Option<&str>) -> (String, Option<String>) {
    (key.to_string(), team.map(str::to_string))
}

#[test]
fn jira_json_takes_teams_from_project_component_label_or_field() {
    // PAY-101's Team field says Payments: kept; the others take their project.
    assert_eq!(
        teams("jira_v2_search.json", Format::JiraJson, "project"),
        vec![
            pair("PAY-101", Some("Payments")),
            pair("PAY-102", Some("PAY")),
            pair("PAY-100", Some("PAY")),
        ]
    );
    // v3 pages: the Atlassian Team of GROW-11 is kept, GROW-12 takes its first component.
    assert_eq!(
        teams(
            "jira_v3_search_jql_pages.json",
            Format::JiraJson,
            "component"
        ),
        vec![
            pair("GROW-11", Some("Growth Squad")),
            pair("GROW-12", Some("Billing"))
        ]
    );
    assert_eq!(
        teams("jira_v2_search.json", Format::JiraJson, "label:H2-"),
        vec![
            pair("PAY-101", Some("Payments")),
            pair("PAY-102", None),
            pair("PAY-100", Some("2026")),
        ]
    );
    // A field by its name (through the `names` map) replaces the detected team field.
    assert_eq!(
        teams("jira_v2_search.json", Format::JiraJson, "field:Epic Link"),
        vec![
            pair("PAY-101", Some("PAY-100")),
            pair("PAY-102", None),
            pair("PAY-100", None),
        ]
    );
    // By its id, where the site has one.
    assert_eq!(
        teams(
            "jira_v3_search_jql_pages.json",
            Format::JiraJson,
            "field:customfield_10001"
        ),
        vec![pair("GROW-11", Some("Growth Squad")), pair("GROW-12", None)]
    );
}

#[test]
fn a_jira_page_fetched_by_sync_takes_the_same_teams() {
    let text = std::fs::read_to_string(fixture("jira_v2_search.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let items: Vec<_> = throughline_ingest::read_document(
        doc,
        std::path::Path::new("https://jira.acme.example/rest/api/2/search"),
        Format::JiraJson,
        &opts("project"),
    )
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap();
    assert_eq!(items[1].team.as_deref(), Some("PAY"));
}

#[test]
fn csv_exports_take_a_column_or_the_items_facts() {
    // Jira CSV: a column header as the field.
    let got = teams(
        "jira_server_export.csv",
        Format::JiraCsv,
        "field:Custom field (Epic Link)",
    );
    assert!(got.iter().any(|(_, t)| t.is_some()), "{got:?}");
    let plain = read_all(
        &fixture("jira_server_export.csv"),
        Format::JiraCsv,
        &ImportOptions::default(),
    );
    let by_field = read_all(
        &fixture("jira_server_export.csv"),
        Format::JiraCsv,
        &opts("field:Custom field (Epic Link)"),
    );
    for (p, f) in plain.iter().zip(&by_field) {
        assert_eq!(f.team, p.epic_key, "{}", p.key);
    }
    // Generic CSV, mapped without its team: the `Squad` column is not matched by
    // name; named as the field, it is the team.
    let text = std::fs::read_to_string(fixture("generic_mapping.toml")).unwrap();
    let mut mapping = Mapping::from_toml_str(&text).unwrap();
    mapping.columns.remove(&Field::Team);
    let generic = |from: &str| {
        let o = ImportOptions {
            mapping: Some(mapping.clone()),
            ..opts(from)
        };
        (fixture("generic_tickets.csv"), o)
    };
    let (path, o) = generic("field:Squad");
    assert_eq!(
        read_all(&path, Format::Csv, &o)[0].team.as_deref(),
        Some("Growth")
    );
    let (path, o) = generic("label:onboard");
    assert_eq!(
        read_all(&path, Format::Csv, &o)[0].team.as_deref(),
        Some("ing")
    );
    let (path, o) = generic("project");
    assert_eq!(
        read_all(&path, Format::Csv, &o)[0].team.as_deref(),
        Some("webapp")
    );
    // A field that is not in the file is named as missing.
    let (path, o) = generic("field:Tribe");
    let e = first_error(&path, Format::Csv, &o);
    assert!(e.to_string().contains("Tribe"), "{e}");
}

#[test]
fn github_and_linear_take_facts_but_have_no_fields() {
    let got = teams("gh_issue_list.json", Format::GithubJson, "label:bill");
    assert!(
        got.iter().any(|(_, t)| t.as_deref() == Some("ing")),
        "{got:?}"
    );
    let got = teams("linear_export.csv", Format::LinearCsv, "project");
    assert!(got.iter().all(|(_, t)| t.is_some()), "{got:?}");
    let e = first_error(
        &fixture("gh_issue_list.json"),
        Format::GithubJson,
        &opts("field:customfield_10001"),
    )
    .to_string();
    assert!(e.contains("github-json has none"), "{e}");
}
