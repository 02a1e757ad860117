//! People's corrections override inference forever and retrain the model.
mod common;

use throughline_model::{Link, LinkOrigin, LinkTarget, OffPlanReason};
use throughline_sense::{EngineConfig, Model, TrainingSet, labels_by_index, labels_from_links};

#[test]
fn a_corrected_item_keeps_its_correction() {
    let strategy = common::strategy();
    let (items, mut labels) = common::linked_items(120, 3);
    // Person says: this checkout-looking item is really mobile work.
    labels[0] = Some((
        LinkTarget::Initiative("mobile".into()),
        LinkOrigin::Corrected,
    ));
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let inf = model.infer(&items[0], &[]);
    assert_eq!(inf.target, LinkTarget::Initiative("mobile".into()));
    assert_eq!(inf.confidence, 1.0);
    assert!(inf.reason.contains("corrected"));
}

#[test]
fn corrections_change_later_inferences_of_similar_items() {
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(150, 5);
    let probe = common::plain(
        "NEW-1",
        "Loyalty points ledger sync",
        "loyalty points ledger",
    );
    // Before: nothing teaches "loyalty points"; the engine must not claim tech debt.
    let before = {
        let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
        Model::train(&ts, &EngineConfig::default(), None)
            .unwrap()
            .infer(&probe, &[])
    };
    assert_ne!(before.target, LinkTarget::OffPlan(OffPlanReason::TechDebt));
    // People correct a handful of loyalty items to "off plan: tech debt".
    let mut links = Vec::new();
    for i in 0..6 {
        let it = common::plain(
            &format!("LOY-{i}"),
            &format!("Loyalty points ledger cleanup {i}"),
            "loyalty points ledger",
        );
        links.push(Link {
            source: it.source.clone(),
            key: it.key.clone(),
            target: LinkTarget::OffPlan(OffPlanReason::TechDebt),
            origin: LinkOrigin::Corrected,
            confidence: 1.0,
            reason: "by hand".into(),
            by_team: None,
            at: None,
        });
        items.push(it);
        labels.push(None);
    }
    let from_links = labels_from_links(&items, &links);
    for (l, c) in labels.iter_mut().zip(from_links) {
        if c.is_some() {
            *l = c;
        }
    }
    // Only the learned model, not the rules, may produce this answer.
    let cfg = EngineConfig {
        offplan_rules: false,
        ..Default::default()
    };
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &cfg, None).unwrap();
    let after = model.infer(&probe, &[]);
    assert_eq!(
        after.target,
        LinkTarget::OffPlan(OffPlanReason::TechDebt),
        "{after:?}"
    );
    assert!(
        after.reason.contains("loyalty") || after.reason.contains("ledger"),
        "{}",
        after.reason
    );
}

#[test]
fn corrected_links_win_over_explicit_ones_and_inferred_are_ignored() {
    let items = vec![common::plain("A-1", "x", ""), common::plain("A-2", "y", "")];
    let mk = |key: &str, t: LinkTarget, o: LinkOrigin| Link {
        source: "jira".into(),
        key: key.into(),
        target: t,
        origin: o,
        confidence: 1.0,
        reason: String::new(),
        by_team: None,
        at: None,
    };
    let links = vec![
        mk(
            "A-1",
            LinkTarget::Initiative("checkout".into()),
            LinkOrigin::Corrected,
        ),
        mk(
            "A-1",
            LinkTarget::Initiative("search".into()),
            LinkOrigin::Explicit,
        ),
        mk(
            "A-2",
            LinkTarget::Initiative("search".into()),
            LinkOrigin::Inferred,
        ),
    ];
    let l = labels_from_links(&items, &links);
    assert_eq!(
        l[0],
        Some((
            LinkTarget::Initiative("checkout".into()),
            LinkOrigin::Corrected
        ))
    );
    assert_eq!(l[1], None);
    // By item index (as the store's rows come), in either order, the same labels; an
    // unclear target teaches nothing either.
    let by_index = |links: &[Link]| {
        labels_by_index(
            items.len(),
            links.iter().map(|l| {
                let i = if l.key == "A-1" { 0 } else { 1 };
                (i, &l.target, l.origin)
            }),
        )
    };
    assert_eq!(by_index(&links), l);
    let mut reversed = links.clone();
    reversed.reverse();
    assert_eq!(by_index(&reversed), l);
    let unclear = [mk("A-2", LinkTarget::Unclear, LinkOrigin::Explicit)];
    assert_eq!(by_index(&unclear), vec![None, None]);
}
