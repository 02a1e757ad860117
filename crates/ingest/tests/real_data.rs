//! The real public data in /work/shared/data (see its README): 16 Jira story-point CSVs
//! through the generic CSV path, Apache Iceberg's history as JSON Lines, and Appcelerator's
//! five Jira REST JSON files through the Jira importer. Skipped, with a message, on
//! machines without the data.

use std::path::PathBuf;

use throughline_ingest::{Format, ImportOptions, QuirkKind, detect_format, read_items};

fn data_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

/// Per file: rows, sum of story points, first key, last key. Counted independently with
/// Python's csv module.
const STORYPOINTS: [(&str, usize, f64, &str, &str); 16] = [
    (
        "appceleratorstudio",
        2919,
        16450.0,
        "TISTUD-6",
        "TISTUD-8542",
    ),
    ("aptanastudio", 829, 6645.0, "APSTUD-3707", "APSTUD-8476"),
    ("bamboo", 521, 1260.0, "BAM-65", "BAM-14118"),
    ("clover", 384, 1764.0, "CLOV-1086", "CLOV-1960"),
    ("datamanagement", 4667, 44640.0, "DM-4", "DM-7108"),
    ("duracloud", 666, 1417.0, "DURACLOUD-4", "DURACLOUD-1053"),
    ("jirasoftware", 352, 1560.0, "GHS-1271", "JSW-14361"),
    ("mesos", 1680, 5184.0, "MESOS-313", "MESOS-5959"),
    ("moodle", 1166, 18118.0, "MDL-1626", "MDL-55173"),
    ("mule", 889, 4517.0, "MULE-6432", "MULE-9290"),
    ("mulestudio", 732, 4682.0, "STUDIO-95", "STUDIO-7487"),
    ("springxd", 3526, 13046.0, "XD-1", "XD-3759"),
    ("talenddataquality", 1381, 8180.0, "TDQ-249", "TDQ-12398"),
    ("talendesb", 868, 1876.0, "TESB-1", "TESB-17237"),
    ("titanium", 2251, 14217.0, "TIMOB-8075", "TIMOB-23709"),
    ("usergrid", 482, 1375.0, "USERGRID-16", "USERGRID-1275"),
];

#[test]
fn all_storypoints_csvs_parse_with_the_default_mapping() {
    let Some(dir) = data_dir() else { return };
    let mut total = 0;
    for (name, rows, points, first, last) in STORYPOINTS {
        let path = dir.join("storypoints").join(format!("{name}.csv"));
        assert_eq!(detect_format(&path).unwrap(), Format::Csv, "{name}");
        let items: Vec<_> = read_items(&path, Format::Csv, &ImportOptions::default())
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(items.len(), rows, "{name}");
        let sum: f64 = items.iter().filter_map(|i| i.estimate).sum();
        assert_eq!(sum, points, "{name}");
        assert!(items.iter().all(|i| i.estimate.is_some()), "{name}");
        assert_eq!(items[0].key, first, "{name}");
        assert_eq!(items[rows - 1].key, last, "{name}");
        for item in &items {
            assert!(!item.title.is_empty(), "{name} {}", item.key);
            let prefix = item.key.rsplit_once('-').unwrap().0;
            assert_eq!(item.project.as_deref(), Some(prefix), "{name}");
        }
        total += items.len();
    }
    assert_eq!(total, 23_313);
}

#[test]
fn descriptions_keep_quotes_and_wiki_markup() {
    let Some(dir) = data_dir() else { return };
    let path = dir.join("storypoints/mesos.csv");
    let items: Vec<_> = read_items(&path, Format::Csv, &ImportOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // Counted with Python's csv module.
    let quoted = items.iter().filter(|i| i.description.contains('"')).count();
    let code = items
        .iter()
        .filter(|i| i.description.contains("{code}"))
        .count();
    let empty = items.iter().filter(|i| i.description.is_empty()).count();
    assert_eq!((quoted, code, empty), (286, 229, 0));
}

#[test]
fn iceberg_commits_parse_as_jsonl_with_components() {
    let Some(dir) = data_dir() else { return };
    let path = dir.join("iceberg/commits.jsonl");
    assert_eq!(detect_format(&path).unwrap(), Format::Jsonl);
    let items: Vec<_> = read_items(&path, Format::Jsonl, &ImportOptions::default())
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    // Counted with Python's json module: 7,881 lines, 8,384 component tags, every line
    // has at least one, 5,329 empty bodies.
    assert_eq!(items.len(), 7_881);
    assert_eq!(
        items.iter().map(|i| i.components.len()).sum::<usize>(),
        8_384
    );
    assert!(items.iter().all(|i| !i.components.is_empty()));
    assert_eq!(
        items.iter().filter(|i| i.description.is_empty()).count(),
        5_329
    );
    assert!(items.iter().all(|i| i.created.is_some()));
    assert_eq!(items[0].key, "a1d05326e3e9");
    assert_eq!(items[0].components, vec!["spark".to_string()]);
    assert_eq!(
        items[0].created.unwrap().to_rfc3339(),
        "2018-01-12T21:25:58+00:00"
    );
    let last = &items[7_880];
    assert_eq!(last.key, "7f879b11366e");
    assert_eq!(last.components, vec!["core".to_string()]);
}

/// What one Appcelerator file holds, counted independently with Python's json module.
struct JiraFile {
    name: &'static str,
    issues: usize,
    /// Issues with an epic: the Agile `epic` field, or a parent that is an epic.
    epics: usize,
    parents: usize,
    /// Descriptions in `{html}` markup.
    html: usize,
    /// The keys of the issues with an empty summary.
    untitled: &'static [&'static str],
}

const APPCELERATOR: [JiraFile; 5] = [
    JiraFile {
        name: "AC",
        issues: 4503,
        epics: 0,
        parents: 1,
        html: 2,
        untitled: &["AC-523", "AC-2241"],
    },
    JiraFile {
        name: "ALOY",
        issues: 1499,
        epics: 23,
        parents: 71,
        html: 0,
        untitled: &[],
    },
    JiraFile {
        name: "DAEMON",
        issues: 317,
        epics: 65,
        parents: 0,
        html: 0,
        untitled: &[],
    },
    JiraFile {
        name: "MOD",
        issues: 367,
        epics: 31,
        parents: 27,
        html: 0,
        untitled: &[],
    },
    JiraFile {
        name: "TIMOB",
        issues: 22371,
        epics: 849,
        parents: 1276,
        html: 3371,
        untitled: &[],
    },
];

#[test]
fn every_appcelerator_jira_file_imports_and_names_its_empty_summaries() {
    let Some(dir) = data_dir() else { return };
    let mut total = 0;
    for JiraFile {
        name,
        issues,
        epics,
        parents,
        html,
        untitled,
    } in APPCELERATOR
    {
        let path = dir.join(format!("appcelerator/{name}.json"));
        assert_eq!(detect_format(&path).unwrap(), Format::JiraJson, "{name}");
        let opts = ImportOptions::default();
        let items: Vec<_> = read_items(&path, Format::JiraJson, &opts)
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        let count = |f: &dyn Fn(&throughline_ingest::WorkItem) -> bool| {
            items.iter().filter(|i| f(i)).count()
        };
        assert_eq!(items.len(), issues, "{name}");
        assert_eq!(count(&|i| i.epic_key.is_some()), epics, "{name} epics");
        assert_eq!(
            count(&|i| i.parent_key.is_some()),
            parents,
            "{name} parents"
        );
        assert_eq!(
            count(&|i| i.description.contains("{html}")),
            html,
            "{name} {{html}} descriptions are kept as written"
        );
        assert!(items.iter().all(|i| i.created.is_some()), "{name}");
        assert!(items.iter().all(|i| !i.title.is_empty()), "{name}");
        let quirks = opts.warnings.take();
        let named: Vec<&str> = quirks
            .iter()
            .map(|q| {
                assert_eq!(q.kind, QuirkKind::EmptyTitle, "{name}: {q:?}");
                q.at.key.as_deref().unwrap_or_default()
            })
            .collect();
        assert_eq!(named, untitled, "{name}");
        total += items.len();
    }
    assert_eq!(total, 29_057);
}
