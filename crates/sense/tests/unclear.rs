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

#[test]
fn two_initiatives_at_once_is_unclear() {
    let m = model();
    let mixes = [
        ("U-4", "checkout search", "payment ranking"),
        ("U-5", "cart query", "payment index"),
        ("U-6", "android order", "push cart"),
    ];
    let mut unclear = 0;
    for (k, t, d) in mixes {
        let inf = m.infer(&common::plain(k, t, d), &[]);
        // Never a confident answer when two initiatives pull equally.
        assert!(inf.confidence < 0.8, "{t}: {inf:?}");
        if inf.target == LinkTarget::Unclear {
            unclear += 1;
            assert!(inf.reason.starts_with("unclear"), "{}", inf.reason);
        }
    }
    assert!(
        unclear >= 2,
        "only {unclear} of 3 conflicting items were unclear"
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
