//! `eval --product-path` and `align` share one way of learning and answering: the label
//! slots built from the selectors' answer are the ones align reads back from the store,
//! and [`train_and_infer`] on them answers what align stored. Then the product path's
//! own figures, on a real SQLite file.

mod common;

use std::collections::HashMap;

use throughline_model::{LinkOrigin, LinkTarget, Selectors, WorkItem};
use throughline_report::product_path::{Options, measure};
use throughline_report::relink::{Work, explicit_links, infer_links, label_slots, train_and_infer};
use throughline_sense::{explicit, labels_by_index};
use throughline_store::{LinkWrite, Store};

fn item(key: &str, title: &str, labels: &[&str], day: u32) -> WorkItem {
    WorkItem {
        created: Some(
            chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2025, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::days(i64::from(day)),
        ),
        ..common::labelled(key, title, labels)
    }
}

/// 60 items of each of two labelled initiatives, then 20 unlinked ones.
fn work() -> Vec<WorkItem> {
    let pay = ["payment", "cart", "invoice", "refund", "card"];
    let find = ["search", "query", "ranking", "index", "synonym"];
    let mut items = Vec::new();
    for i in 0..60u32 {
        let w = |v: &[&'static str; 5], k: u32| v[(i + k) as usize % 5];
        items.push(item(
            &format!("P-{i}"),
            &format!("{} {} {}", w(&pay, 0), w(&pay, 2), w(&pay, 3)),
            &["pay"],
            2 * i,
        ));
        items.push(item(
            &format!("F-{i}"),
            &format!("{} {} {}", w(&find, 0), w(&find, 2), w(&find, 3)),
            &["find"],
            2 * i + 1,
        ));
    }
    for i in 0..20u32 {
        let title = if i % 2 == 0 {
            "refund for a card payment"
        } else {
            "ranking of a search query"
        };
        items.push(item(&format!("U-{i}"), title, &[], 200 + i));
    }
    items
}

#[test]
fn align_and_the_product_path_learn_and_answer_alike() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("t.db")).unwrap();
    let strategy = common::two_labelled_initiatives();
    store.apply_strategy(&strategy, "test", None).unwrap();
    common::import(&mut store, work());
    // A person's word on one unlinked item and on one the selectors link elsewhere.
    let id = |store: &Store, key: &str| store.item_id("jira", key).unwrap().unwrap();
    let corrections = [("U-0", "search"), ("P-3", "search")];
    let writes: Vec<LinkWrite> = corrections
        .iter()
        .map(|(k, t)| LinkWrite {
            item_id: id(&store, k),
            target: LinkTarget::Initiative(t.to_string()),
            confidence: 1.0,
            reason: "a person said so".into(),
            input_hash: None,
            candidates: Vec::new(),
            aligned_p: None,
        })
        .collect();
    store.upsert_links(LinkOrigin::Corrected, &writes).unwrap();
    let work = Work::new();
    explicit_links(&mut store, &work).unwrap();
    infer_links(&mut store, &work, true, &|_, _| {})
        .unwrap()
        .unwrap();

    let (stored, _) = store.items_in_time_order().unwrap();
    let index: HashMap<i64, usize> = stored.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let items: Vec<WorkItem> = stored.into_iter().map(|s| s.item).collect();
    let rows = store.link_targets().unwrap();
    let corrected: Vec<(usize, LinkTarget)> = rows
        .iter()
        .filter(|r| r.origin == LinkOrigin::Corrected)
        .map(|r| (index[&r.item_id], r.target.clone()))
        .collect();
    assert_eq!(corrected.len(), 2);

    let labels = label_slots(&explicit::resolve(&strategy, &items), &corrected);
    let from_store = labels_by_index(
        items.len(),
        rows.iter()
            .map(|r| (index[&r.item_id], &r.target, r.origin)),
    );
    assert_eq!(labels, from_store);
    let p3 = items.iter().position(|i| i.key == "P-3").unwrap();
    assert_eq!(
        labels[p3],
        Some((
            LinkTarget::Initiative("search".into()),
            LinkOrigin::Corrected
        )),
        "a correction wins over the selectors"
    );

    let which: Vec<usize> = (0..items.len()).filter(|&i| labels[i].is_none()).collect();
    assert_eq!(which.len(), 19);
    let out = train_and_infer(&strategy, &items, &labels, &[], &which, None, &|_, _| {}).unwrap();
    let inferred: HashMap<usize, &LinkTarget> = rows
        .iter()
        .filter(|r| r.origin == LinkOrigin::Inferred)
        .map(|r| (index[&r.item_id], &r.target))
        .collect();
    assert_eq!(inferred.len(), which.len());
    for (k, &i) in which.iter().enumerate() {
        assert_eq!(
            Some(&&out.answers[k].target),
            inferred.get(&i),
            "{}",
            items[i].key
        );
    }
    assert_eq!(out.trained_on, 121);

    // The product path on the same file: the newest 20% of the 120 labelled items.
    let notes = store.notes().unwrap();
    let r = measure(
        &strategy,
        &items,
        &corrected,
        &notes,
        Options {
            test_share: 0.2,
            open: false,
        },
        None,
        &|_, _| {},
    )
    .unwrap();
    assert_eq!((r.candidates, r.held_out, r.test_items), (120, 24, 24));
    let c = r.counts;
    assert_eq!(c.placed_right + c.placed_wrong + c.off_plan + c.unclear, 24);
    // Words of their own: right or unclear (five words an area, so a few are torn).
    assert!(
        c.placed_right >= 18 && c.placed_wrong + c.off_plan <= 1,
        "{c:?}"
    );
    // The held-out items are the newest: P-48..P-59 and F-48..F-59.
    let numbers: Vec<u32> = r
        .items
        .iter()
        .map(|h| h.key[2..].parse().unwrap())
        .collect();
    assert!(numbers.iter().all(|&n| n >= 48), "{numbers:?}");
    // They lost their labels and were inferred; the older ones and U-0's correction
    // were learned from.
    assert_eq!(r.trained_on, 120 - 24 + 1);
    assert_eq!(r.inferred, 24 + 19);
}

#[test]
fn too_few_held_out_items_is_an_error() {
    let strategy = common::two_labelled_initiatives();
    let items = work();
    let e = measure(
        &strategy,
        &items,
        &[],
        &[],
        Options {
            test_share: 0.1,
            open: false,
        },
        None,
        &|_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("only 12 held-out items"), "{e}");

    let mut nowhere = strategy.clone();
    for i in &mut nowhere.initiatives {
        i.selectors = Selectors {
            labels: vec!["nowhere".into()],
            ..Default::default()
        };
    }
    let e = measure(
        &nowhere,
        &items,
        &[],
        &[],
        Options {
            test_share: 0.2,
            open: false,
        },
        None,
        &|_, _| {},
    )
    .unwrap_err();
    assert!(e.to_string().contains("no work item is linked"), "{e}");
}
