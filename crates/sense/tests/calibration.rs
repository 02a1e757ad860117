//! Calibration sanity: on noisy data, confidence tracks accuracy.
mod common;

use throughline_model::LinkTarget;
use throughline_sense::eval::{EvalConfig, evaluate};

#[test]
fn confidence_matches_accuracy_on_noisy_data() {
    let strategy = common::strategy();
    let mut rng = common::Rng::new(99);
    let (mut items, mut truth) = (Vec::new(), Vec::new());
    for i in 0..1500 {
        let t = i % 3;
        // Some items carry one topic word, some two, a few none: accuracy varies.
        let k = [0, 1, 1, 2, 3][rng.below(5)];
        items.push(common::item(
            &mut rng,
            &format!("N-{i}"),
            t,
            k,
            i as i64 / 10,
        ));
        // 15% label noise: the best possible accuracy is well below 1.
        let label = if rng.below(100) < 15 {
            (t + 1 + rng.below(2)) % 3
        } else {
            t
        };
        truth.push(LinkTarget::Initiative(common::TOPICS[label].0.into()));
    }
    let cfg = EvalConfig {
        dataset: "synthetic-noisy".into(),
        baselines: false,
        ..Default::default()
    };
    let r = evaluate(&strategy, &items, &truth, &[], &cfg, None).unwrap();
    let e = r.system("engine").unwrap();
    eprintln!("{r}");
    assert!(e.top1 > 0.5 && e.top1 < 0.9, "{r}");
    assert!(e.ece <= 0.08, "ECE {} too high\n{r}", e.ece);
    assert!(
        e.covered_ece <= 0.1,
        "covered ECE {} too high\n{r}",
        e.covered_ece
    );
    // Answered items are right more often than all items.
    assert!(e.covered_accuracy >= e.top1, "{r}");
}
