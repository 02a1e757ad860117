//! Semantic re-linking against a real SQLite file: vectors are stored, and the next run
//! embeds only texts it has not seen.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use throughline_report::relink::{Work, explicit_links, infer_links_with};
use throughline_report::stored_embeddings::StoredEmbeddings;
use throughline_sense::Embedder;
use throughline_store::Store;

/// A stand-in model: a vector from the text's letters, counting every text it embeds.
struct Counting(AtomicUsize);

impl Embedder for Counting {
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        self.0.fetch_add(texts.len(), Ordering::Relaxed);
        texts
            .iter()
            .map(|t| {
                let mut v = [0.1f32; 8];
                for b in t.bytes() {
                    v[usize::from(b) % 8] += 1.0;
                }
                let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                v.iter().map(|x| x / n).collect()
            })
            .collect()
    }
    fn name(&self) -> &str {
        "counting"
    }
}

fn store_with_work(path: &std::path::Path) -> Store {
    let strategy = common::two_labelled_initiatives();
    let mut store = Store::open(path).unwrap();
    store.apply_strategy(&strategy, "test", None).unwrap();
    let mut items = Vec::new();
    for i in 0..40 {
        items.push(common::labelled(
            &format!("P-{i}"),
            &format!("payment cart fix {i}"),
            &["pay"],
        ));
        items.push(common::labelled(
            &format!("F-{i}"),
            &format!("search ranking query {i}"),
            &["find"],
        ));
    }
    items.push(common::labelled("U-1", "cart payment is slow", &[]));
    items.push(common::labelled("U-2", "query ranking is off", &[]));
    common::import(&mut store, items);
    explicit_links(&mut store, &Work::new()).unwrap();
    store
}

#[test]
fn a_second_semantic_run_embeds_nothing_new_and_answers_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let counting = Arc::new(Counting(AtomicUsize::new(0)));
    let run = |store: &mut Store| {
        let e = Arc::new(StoredEmbeddings::load(store, counting.clone()).unwrap());
        let r = infer_links_with(store, &Work::new(), true, Some(e), &|_, _| {})
            .unwrap()
            .unwrap();
        let links: Vec<_> = store
            .links()
            .unwrap()
            .into_iter()
            .map(|l| (l.item_id, l.target.to_string(), l.origin))
            .collect();
        (r, links)
    };
    let mut store = store_with_work(&path);
    let (first, links1) = run(&mut store);
    assert_eq!(first.mode, "semantic");
    assert_eq!(first.inferred, 2);
    // 80 linked items, 2 unlinked ones and 2 strategy texts, each embedded once.
    assert_eq!(first.embedded, 84);
    assert_eq!(counting.0.load(Ordering::Relaxed), 84);
    drop(store);

    let mut store = Store::open(&path).unwrap();
    let (second, links2) = run(&mut store);
    assert_eq!(second.embedded, 0);
    assert_eq!(
        counting.0.load(Ordering::Relaxed),
        84,
        "nothing re-embedded"
    );
    assert_eq!(links1, links2);
}
