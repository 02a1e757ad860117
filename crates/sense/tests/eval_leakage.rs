//! The evaluation hides the field the truth came from: when that field is the only
//! signal, the engine must score at chance, and it must not when the field is visible.
mod common;

use throughline_model::LinkTarget;
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate, time_order};

fn data() -> (
    throughline_model::Strategy,
    Vec<throughline_model::WorkItem>,
    Vec<LinkTarget>,
) {
    let strategy = common::strategy();
    let mut rng = common::Rng::new(5);
    let (mut items, mut truth) = (Vec::new(), Vec::new());
    for i in 0..900 {
        let t = rng.below(3);
        // Text is pure filler, unrelated to the answer; only the label tells.
        let mut it = common::item(&mut rng, &format!("K-{i}"), 0, 0, i as i64);
        it.labels = vec![format!("team-{}", common::TOPICS[t].0)];
        items.push(it);
        truth.push(LinkTarget::Initiative(common::TOPICS[t].0.into()));
    }
    (strategy, items, truth)
}

#[test]
fn hidden_field_leaves_only_chance() {
    let (strategy, items, truth) = data();
    let cfg = EvalConfig {
        hidden: GroundTruthField::Labels,
        baselines: false,
        ..Default::default()
    };
    let r = evaluate(&strategy, &items, &truth, &[], &cfg, None).unwrap();
    let e = r.system("engine").unwrap();
    // Three balanced targets: chance is 1/3; allow sampling noise on 180 test items.
    assert!(
        e.top1 < 0.45,
        "leak: top-1 {} with the truth's field hidden\n{r}",
        e.top1
    );
}

#[test]
fn visible_field_is_learned_so_the_leak_test_has_teeth() {
    let (strategy, items, truth) = data();
    let cfg = EvalConfig {
        hidden: GroundTruthField::None,
        baselines: false,
        ..Default::default()
    };
    let r = evaluate(&strategy, &items, &truth, &[], &cfg, None).unwrap();
    assert!(r.system("engine").unwrap().top1 > 0.95, "{r}");
}

#[test]
fn split_is_by_time_and_test_is_newest() {
    let (_, mut items, _) = data();
    items.reverse();
    let order = time_order(&items);
    let created: Vec<_> = order.iter().map(|&i| items[i].created).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]));
}
