//! Planted items with known answers: the right target, and a reason naming the words
//! that decided.
mod common;

use throughline_model::{LinkOrigin, LinkTarget};
use throughline_sense::{EngineConfig, Model, TrainingSet};

#[test]
fn planted_items_get_their_initiative_and_the_deciding_words() {
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(300, 7);
    // The organisation's own vocabulary: "snapshot manifest" work is linked to search
    // although the strategy text never says so.
    for i in 0..30 {
        items.push(common::plain(
            &format!("S-{i}"),
            &format!("snapshot manifest rework part {i}"),
            "rewrite the snapshot manifest writer",
        ));
        labels.push(Some((
            LinkTarget::Initiative("search".into()),
            LinkOrigin::Explicit,
        )));
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();

    let cases = [
        (
            "P-1",
            "Paypal payment fails on the cart page",
            "checkout",
            &["paypal", "payment", "cart"][..],
        ),
        (
            "P-2",
            "Autocomplete ranking ignores synonym list",
            "search",
            &["autocomplete", "ranking", "synonym"][..],
        ),
        (
            "P-3",
            "Push notification on Android offline",
            "mobile",
            &["push", "notification", "android", "offline"][..],
        ),
        (
            "P-4",
            "Snapshot manifest compaction",
            "search",
            &["snapshot", "manifest"][..],
        ),
    ];
    for (key, title, want, words) in cases {
        let inf = model.infer(&common::plain(key, title, ""), &[]);
        assert_eq!(
            inf.target,
            LinkTarget::Initiative(want.into()),
            "{title}: {inf:?}"
        );
        assert!(inf.confidence >= 0.5, "{title}: {inf:?}");
        assert!(
            words
                .iter()
                .any(|w| inf.reason.contains(&format!("\"{w}\""))),
            "{title}: reason should name a deciding word: {}",
            inf.reason
        );
        // Filler never decides.
        assert!(!inf.reason.contains("\"the\""), "{}", inf.reason);
        assert_eq!(inf.alternatives.len(), 3);
        assert!(inf.alternatives[0].1 >= inf.alternatives[1].1);
    }
    // The "similar linked items" part names items of the same initiative.
    let inf = model.infer(
        &common::plain("P-5", "Snapshot manifest compaction", ""),
        &[],
    );
    assert!(inf.reason.contains("(like S-"), "{}", inf.reason);
}
