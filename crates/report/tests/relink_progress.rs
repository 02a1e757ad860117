//! `align`'s progress reports, against a real SQLite file: inference runs on several
//! threads in chunks, and what reaches the progress bar must still count up to the
//! total, never past it and never back.

mod common;

use std::sync::Mutex;

use throughline_report::relink::{Work, explicit_links, infer_links};
use throughline_store::Store;

#[test]
fn progress_counts_up_to_the_total_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let strategy = common::two_labelled_initiatives();
    store.apply_strategy(&strategy, "test", None).unwrap();
    let mut items = Vec::new();
    for i in 0..40 {
        let (p, f) = (format!("P-{i}"), format!("F-{i}"));
        items.push(common::labelled(&p, &format!("payment cart {i}"), &["pay"]));
        items.push(common::labelled(
            &f,
            &format!("search query {i}"),
            &["find"],
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
        items.push(common::labelled(
            &format!("U-{i}"),
            &format!("{title} {i}"),
            &[],
        ));
    }
    common::import(&mut store, items);
    // One load of the items serves both passes.
    let work = Work::new();
    explicit_links(&mut store, &work).unwrap();

    let seen = Mutex::new(Vec::new());
    let r = infer_links(&mut store, &work, true, &|done, total| {
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
