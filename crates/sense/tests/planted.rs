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

/// A field every item shares (one project, one type, as in a single-project export)
/// says nothing about where work belongs: it must neither change the answers nor be
/// named as a reason. On Iceberg imported from GitHub, where every item is a pull
/// request of `apache/iceberg`, it did both (top-3 0.843 -> 0.822 at equal settings).
#[test]
fn fields_every_item_shares_do_not_decide() {
    let strategy = common::strategy();
    let (items, labels) = common::linked_items(300, 7);
    let shared = |mut it: throughline_model::WorkItem| {
        it.project = Some("ACME".into());
        it.item_type = Some("Story".into());
        it
    };
    let with_shared: Vec<_> = items.iter().cloned().map(shared).collect();
    let train = |items: &[throughline_model::WorkItem]| {
        let ts = TrainingSet::new(&strategy, items, &labels, &[]).unwrap();
        Model::train(&ts, &EngineConfig::default(), None).unwrap()
    };
    let (plain_model, shared_model) = (train(&items), train(&with_shared));
    for (key, title) in [
        ("Q-1", "Paypal payment fails on the cart page"),
        ("Q-2", "Autocomplete ranking ignores synonym list"),
        ("Q-3", "Improve the service config"),
    ] {
        let item = common::plain(key, title, "");
        let a = plain_model.infer(&item, &[]);
        let b = shared_model.infer(&shared(item), &[]);
        assert_eq!(a.target, b.target, "{title}");
        assert!(
            (a.confidence - b.confidence).abs() < 1e-4,
            "{title}: {} vs {}",
            a.confidence,
            b.confidence
        );
        let reason = b.reason.to_lowercase();
        assert!(
            !reason.contains("acme") && !reason.contains("story"),
            "{title}: {}",
            b.reason
        );
    }
}

/// The reason names what set the answer apart from the runner-up. A team that works on
/// two initiatives raises both, so however much it adds to the score it decides nothing
/// between them; the item's own words do. (On the demo, "team Payments" led the reason
/// of most Payments work before, whichever of the team's three initiatives it served.)
#[test]
fn a_team_on_two_initiatives_is_not_named_as_what_decided() {
    let strategy = common::strategy();
    let (mut items, labels) = common::linked_items(300, 7);
    for it in &mut items {
        let mobile = it
            .title
            .split(' ')
            .any(|w| common::TOPICS[2].3.contains(&w));
        it.team = Some(if mobile { "Apps" } else { "Web" }.into());
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    for (key, title, want, words) in [
        ("T-1", "Paypal fails", "checkout", &["paypal"][..]),
        ("T-2", "Synonym list", "search", &["synonym", "list"][..]),
    ] {
        let mut item = common::plain(key, title, "");
        item.team = Some("Web".into());
        let inf = model.infer(&item, &[]);
        assert_eq!(inf.target, LinkTarget::Initiative(want.into()), "{inf:?}");
        let named: Vec<&str> = inf.reason.split('"').skip(1).step_by(2).collect();
        assert!(
            !named.iter().any(|w| w.contains("Web")),
            "{title}: the shared team is not what decided: {}",
            inf.reason
        );
        assert!(
            words.iter().any(|w| named.contains(w)),
            "{title}: {}",
            inf.reason
        );
    }
}

/// An item the off-plan rules flagged is one of the model's weak examples; it is never
/// given as an example of itself ("like PLAT-253" on PLAT-253).
#[test]
fn an_item_is_not_its_own_similar_item() {
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(300, 7);
    for i in 0..12 {
        let mut it = common::plain(
            &format!("D-{i}"),
            &format!("Refactor legacy retry helper {i}"),
            "pay down tech debt in the retry helper",
        );
        it.labels = vec!["tech-debt".into()];
        items.push(it);
        labels.push(None);
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let mut seen_like = false;
    for it in items.iter().filter(|it| it.key.starts_with("D-")) {
        let inf = model.infer(it, &[]);
        assert!(
            !inf.reason.contains(&format!("{},", it.key))
                && !inf.reason.contains(&format!("{})", it.key)),
            "{}: {}",
            it.key,
            inf.reason
        );
        seen_like |= inf.reason.contains("(like D-");
    }
    assert!(seen_like, "the weak examples are named for each other");
}
