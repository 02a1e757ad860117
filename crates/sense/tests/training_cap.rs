//! With more linked items than `max_examples`, the engine learns from the newest, but
//! a person's correction and a target whose work lies in the past still teach.
mod common;

use chrono::{TimeZone, Utc};
use throughline_model::{Initiative, LinkOrigin, LinkTarget};
use throughline_sense::{EngineConfig, Model, TrainingSet};

#[test]
fn old_targets_and_corrections_survive_the_cut_to_the_newest() {
    let mut strategy = common::strategy();
    strategy.initiatives.push(Initiative {
        id: "legacy".into(),
        goals: vec!["grow".into()],
        title: "Old platform".into(),
        ..Default::default()
    });
    // The oldest work: 30 items of an initiative nobody has worked on since, and one
    // item a person corrected to mobile, in words no other item uses.
    let day = |d: i64| {
        Some(Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::days(d))
    };
    let (mut items, mut labels) = (Vec::new(), Vec::new());
    for i in 0..30 {
        let mut it = common::plain(&format!("OLD-{i}"), "mainframe tape exporter batch", "");
        it.created = day(i);
        items.push(it);
        labels.push(Some((
            LinkTarget::Initiative("legacy".into()),
            LinkOrigin::Explicit,
        )));
    }
    let mut odd = common::plain("ODD-1", "zebra quokka wombat", "");
    odd.created = day(40);
    items.push(odd);
    labels.push(Some((
        LinkTarget::Initiative("mobile".into()),
        LinkOrigin::Corrected,
    )));
    // Then 1,500 newer linked items of the three other initiatives (2026 on).
    let (newer, newer_labels) = common::linked_items(1500, 3);
    items.extend(newer);
    labels.extend(newer_labels);

    let train = |max_examples: usize| {
        let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
        let cfg = EngineConfig {
            max_examples,
            ..Default::default()
        };
        Model::train(&ts, &cfg, None).unwrap()
    };
    let all = train(100_000);
    let cut = train(300);
    for model in [&all, &cut] {
        let old = model.infer(
            &common::plain("Q-1", "tape exporter for the mainframe", ""),
            &[],
        );
        assert_eq!(
            old.target,
            LinkTarget::Initiative("legacy".into()),
            "{old:?}"
        );
        let odd = model.infer(&common::plain("Q-2", "quokka wombat zebra", ""), &[]);
        assert_eq!(
            odd.alternatives[0].0,
            LinkTarget::Initiative("mobile".into()),
            "{odd:?}"
        );
    }

    assert!(
        all.summary().contains(" 1531 linked items"),
        "{}",
        all.summary()
    );
    // The newest 300 (100 per initiative), then back in time up to the floor of 200
    // per target: 3 x 200, the 30 legacy items and the correction.
    assert!(
        cut.summary()
            .contains("learned from the newest 631 of 1531 linked items"),
        "{}",
        cut.summary()
    );
    assert_eq!(cut.linked_count(), 631);
}
