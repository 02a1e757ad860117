//! Same config, same bytes; another seed, other bytes.

use chrono::NaiveDate;
use throughline_demo::{DemoConfig, generate};

fn small(seed: u64) -> DemoConfig {
    DemoConfig {
        seed,
        items: 700,
        ..DemoConfig::default()
    }
}

#[test]
fn same_config_gives_identical_bytes() {
    let a = generate(&DemoConfig::default());
    let b = generate(&DemoConfig::default());
    assert_eq!(a.strategy_toml, b.strategy_toml);
    assert_eq!(a.jira_json, b.jira_json);
    assert_eq!(a.linear_csv, b.linear_csv);
    assert_eq!(a.notes_csv, b.notes_csv);
    assert_eq!(a.metrics_csv, b.metrics_csv);
    assert_eq!(a.stats, b.stats);
    assert_eq!(a.truth, b.truth);
}

#[test]
fn another_seed_gives_other_data() {
    let a = generate(&small(1));
    let b = generate(&small(2));
    assert_ne!(a.jira_json, b.jira_json);
    assert_ne!(a.linear_csv, b.linear_csv);
    assert_ne!(a.notes_csv, b.notes_csv);
    assert_ne!(a.metrics_csv, b.metrics_csv);
}

#[test]
fn item_count_is_honoured() {
    for items in [150, 700, 1234] {
        let d = generate(&DemoConfig { items, ..small(9) });
        assert_eq!(d.stats.items, items);
        assert_eq!(d.truth.len(), items);
        assert_eq!(d.stats.jira_items + d.stats.linear_items, items);
    }
}

#[test]
fn other_periods_work() {
    let d = generate(&DemoConfig {
        seed: 5,
        items: 500,
        start: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
        end: NaiveDate::from_ymd_opt(2027, 4, 30).unwrap(),
    });
    assert_eq!(d.stats.items, 500);
    assert!(d.jira_json.contains("2027-0"));
    assert!(!d.metrics_csv.lines().skip(1).any(|l| l.contains(",2026-")));
}

#[test]
fn writes_the_five_files() {
    let dir = tempfile::tempdir().unwrap();
    let demo = generate(&small(3));
    let files = demo.write_to_dir(&dir.path().join("demo")).unwrap();
    assert_eq!(
        std::fs::read_to_string(&files.strategy).unwrap(),
        demo.strategy_toml
    );
    assert_eq!(
        std::fs::read_to_string(&files.jira).unwrap(),
        demo.jira_json
    );
    assert_eq!(
        std::fs::read_to_string(&files.linear).unwrap(),
        demo.linear_csv
    );
    assert_eq!(
        std::fs::read_to_string(&files.notes).unwrap(),
        demo.notes_csv
    );
    assert_eq!(
        std::fs::read_to_string(&files.metrics).unwrap(),
        demo.metrics_csv
    );
    assert!(files.jira.ends_with("demo/jira.json"));
}
