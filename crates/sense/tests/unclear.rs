//! "Unclear" appears when nothing fits or signals conflict, never a guess dressed as a fact.
mod common;

use throughline_model::{LinkTarget, OffPlanReason};
use throughline_sense::{EngineConfig, Model, TrainingSet};

fn model() -> Model {
    let strategy = common::strategy();
    let (items, labels) = common::linked_items(300, 11);
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    Model::train(&ts, &EngineConfig::default(), None).unwrap()
}

#[test]
fn nothing_fits_is_unclear() {
    let m = model();
    for (k, title) in [
        ("U-1", "Quarterly offsite logistics"),
        ("U-2", ""),
        ("U-3", "Überprüfung der Gehaltsabrechnung 2026 ✓"),
    ] {
        let inf = m.infer(&common::plain(k, title, ""), &[]);
        assert_eq!(inf.target, LinkTarget::Unclear, "{title}: {inf:?}");
        assert!(inf.confidence < EngineConfig::default().unclear_below);
        assert!(inf.reason.starts_with("unclear"), "{}", inf.reason);
        // The best guesses are still offered, for a person to pick from.
        assert_eq!(inf.alternatives.len(), 3);
    }
}

/// Linked work as it is in a real tracker: most items speak for one initiative, and a
/// quarter speak for two equally and were filed under one of them. Items whose words
/// speak for two initiatives equally must never get a confident answer, must offer both
/// as the best guesses, and are unclear when the two are close; items like the linked
/// ones must still be answered.
///
/// (An earlier version trained on cleanly separable items and passed only because its
/// mixes lacked the linked items' type. With no tie in the held-out fold the calibration
/// cannot know ties are uncertain: a 2-against-2 mix got 0.84 there. A rule making such
/// mixes unclear anyway was measured on the demo, whose fold is also separable: it took
/// its unlinked aligned work from 0.974 to 0.909 right, so it was not kept.)
#[test]
fn two_initiatives_at_once_is_unclear() {
    let strategy = common::strategy();
    let (mut items, labels) = common::linked_items(300, 11);
    let mut rng = common::Rng::new(5);
    for (i, it) in items.iter_mut().enumerate().filter(|(i, _)| i % 4 == 0) {
        let other = (i % common::TOPICS.len() + 1 + rng.below(2)) % common::TOPICS.len();
        for _ in 0..2 {
            let word = rng.pick(common::TOPICS[other].3);
            it.title.push_str(&format!(" {word}"));
            it.description.push_str(&format!(" {word}"));
        }
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    for (k, t, want) in [
        ("C-1", "paypal payment cart", "checkout"),
        ("C-2", "autocomplete ranking synonym", "search"),
        ("C-3", "android push offline", "mobile"),
    ] {
        let inf = m.infer(&common::plain(k, t, ""), &[]);
        assert_eq!(
            inf.target,
            LinkTarget::Initiative(want.into()),
            "{t}: {inf:?}"
        );
        assert!(inf.confidence >= 0.8, "{t}: {inf:?}");
    }
    let mixes = [
        (
            "U-4",
            "checkout search",
            "payment ranking",
            ["checkout", "search"],
        ),
        ("U-5", "cart query", "payment index", ["checkout", "search"]),
        ("U-6", "android order", "push cart", ["mobile", "checkout"]),
    ];
    let mut unclear = 0;
    for (k, t, d, pulled) in mixes {
        let inf = m.infer(&common::plain(k, t, d), &[]);
        // Never a confident initiative when two pull equally. Both serve the one goal
        // of this strategy, so the item may be answered with that goal: aligned, which
        // of its initiatives left open.
        if let LinkTarget::Goal(g) = &inf.target {
            assert_eq!(g, "grow", "{t}: {inf:?}");
            assert!(inf.reason.starts_with("torn between"), "{}", inf.reason);
            unclear += 1;
        } else {
            assert!(inf.confidence < 0.8, "{t}: {inf:?}");
        }
        let two: Vec<&LinkTarget> = inf.alternatives.iter().take(2).map(|a| &a.0).collect();
        for p in pulled {
            assert!(
                two.contains(&&LinkTarget::Initiative(p.into())),
                "{t}: {inf:?}"
            );
        }
        if inf.target == LinkTarget::Unclear {
            unclear += 1;
            assert!(
                inf.reason.starts_with("unclear: torn between"),
                "{}",
                inf.reason
            );
        }
    }
    assert!(
        unclear >= 1,
        "no conflicting item was unclear or left on its goal"
    );
}

#[test]
fn a_note_contradicting_strong_words_is_a_conflict() {
    let m = model();
    let it = common::plain(
        "U-5",
        "Paypal payment checkout cart coupon order",
        "checkout payment cart order invoice",
    );
    let note = common::note_on(&it, "pulled in for the ACME renewal");
    let inf = m.infer(&it, &[&note]);
    assert_eq!(inf.target, LinkTarget::Unclear, "{inf:?}");
    assert!(inf.reason.contains("conflict"), "{}", inf.reason);
    assert!(inf.reason.contains("ACME renewal"), "{}", inf.reason);
    // Without the note the same item is plainly aligned.
    let plain = m.infer(&it, &[]);
    assert_eq!(plain.target, LinkTarget::Initiative("checkout".into()));
    assert_ne!(
        plain.target,
        LinkTarget::OffPlan(OffPlanReason::SalesCommitment)
    );
}
