//! `align`'s progress reports, against a real SQLite file: inference runs on several
//! threads in chunks, and what reaches the progress bar must still count up to the
//! total, never past it and never back.

use std::sync::Mutex;

use throughline_model::{Initiative, Selectors, Strategy, WorkItem};
use throughline_report::relink::{explicit_links, infer_links};
use throughline_store::{ImportMeta, Store};

fn item(key: &str, title: &str, label: Option<&str>) -> WorkItem {
    WorkItem {
        source: "jira".into(),
        key: key.into(),
        title: title.into(),
        labels: label.map(|l| vec![l.to_string()]).unwrap_or_default(),
        ..Default::default()
    }
}

#[test]
fn progress_counts_up_to_the_total_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let initiative = |id: &str, label: &str| Initiative {
        id: id.into(),
        title: id.into(),
        selectors: Selectors {
            labels: vec![label.into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let strategy = Strategy {
        initiatives: vec![initiative("checkout", "pay"), initiative("search", "find")],
        ..Default::default()
    };
    store.apply_strategy(&strategy, "test", None).unwrap();
    let mut items = Vec::new();
    for i in 0..40 {
        items.push(item(
            &format!("P-{i}"),
            &format!("payment cart {i}"),
            Some("pay"),
        ));
        items.push(item(
            &format!("F-{i}"),
            &format!("search query {i}"),
            Some("find"),
        ));
    }
    // Several chunks of work for the inference threads.
    let unlinked = 2_100;
    for i in 0..unlinked {
        let title = if i % 2 == 0 {
            "cart payment slow"
        } else {
            "query ranking off"
        };
        items.push(item(&format!("U-{i}"), &format!("{title} {i}"), None));
    }
    let meta = ImportMeta {
        format: "test".into(),
        path: "test".into(),
    };
    store
        .import_items(
            &meta,
            items.into_iter().map(Ok::<_, std::io::Error>),
            |_| {},
        )
        .unwrap();
    explicit_links(&mut store).unwrap();

    let seen = Mutex::new(Vec::new());
    let r = infer_links(&mut store, true, &|done, total| {
        seen.lock().unwrap().push((done, total));
    })
    .unwrap()
    .unwrap();
    assert_eq!(r.inferred, unlinked);
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(seen.iter().all(|&(_, t)| t == unlinked), "{seen:?}");
    assert_eq!(seen.first(), Some(&(0, unlinked)));
    assert_eq!(seen.last(), Some(&(unlinked, unlinked)));
    assert!(
        seen.windows(2).all(|w| w[0].0 < w[1].0),
        "counts go up: {seen:?}"
    );
}
