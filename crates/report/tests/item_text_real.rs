//! Item text on the real Appcelerator Jira (../shared/data/appcelerator): every
//! description renders without markup marks or mentions left, and cut at a word.
//! Skipped, saying so, where the data is absent.

use std::path::Path;

use throughline_ingest::{Format, ImportOptions, read_items};
use throughline_report::item_text::item_description;

#[test]
fn every_appcelerator_description_reads_as_text() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/appcelerator");
    if !dir.is_dir() {
        eprintln!("skipping: ../shared/data not found");
        return;
    }
    let mut seen = 0;
    for project in ["ALOY", "DAEMON", "MOD"] {
        let items = read_items(
            &dir.join(format!("{project}.json")),
            Format::JiraJson,
            &ImportOptions::default(),
        )
        .unwrap();
        for item in items {
            let item = item.unwrap();
            let shown = item_description(&item, 600);
            let full = item_description(&item, usize::MAX);
            seen += 1;
            for mark in ["{code", "{noformat", "{html}", "{quote}"] {
                assert!(!full.contains(mark), "{}: {mark} left in\n{full}", item.key);
            }
            assert!(!full.contains("[~"), "{}: a mention left\n{full}", item.key);
            assert!(
                !full.lines().any(|l| {
                    let b = l.as_bytes();
                    b.len() > 3
                        && b[0] == b'h'
                        && b[1].is_ascii_digit()
                        && b[2] == b'.'
                        && b[3] == b' '
                }),
                "{}: a heading mark left\n{full}",
                item.key
            );
            if shown != full {
                assert!(shown.ends_with('…'), "{}: {shown}", item.key);
                assert!(shown.chars().count() <= 600);
                // Cut at a word: what is kept is a prefix of the full text's words.
                let kept = shown.trim_end_matches('…');
                assert!(full.starts_with(kept), "{}", item.key);
                let last = kept.chars().last();
                let next = full[kept.len()..].chars().next();
                assert!(
                    !(last.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric)),
                    "{}: cut inside a word: {kept:?}",
                    item.key
                );
            }
            if item.key == "ALOY-479" {
                assert!(full.starts_with("from @someone:"), "{full}");
                assert!(!full.contains("Hatfield"));
            }
        }
    }
    assert!(seen > 2000, "{seen}");
}
