//! Calibration sanity: on noisy data, confidence tracks accuracy.
mod common;

use throughline_model::LinkTarget;
use throughline_sense::eval::{EvalConfig, evaluate};

/// Items with one, two or no topic words, and 15% label noise.
fn noisy() -> (
    throughline_model::Strategy,
    Vec<throughline_model::WorkItem>,
    Vec<LinkTarget>,
) {
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
    (strategy, items, truth)
}

#[test]
fn confidence_matches_accuracy_on_noisy_data() {
    let (strategy, items, truth) = noisy();
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

#[test]
fn the_report_lists_the_items_behind_its_accuracy() {
    let (strategy, items, truth) = noisy();
    let cfg = EvalConfig {
        baselines: false,
        ..Default::default()
    };
    let r = evaluate(&strategy, &items, &truth, &[], &cfg, None).unwrap();
    let e = r.system("engine").unwrap();
    // The misses are exactly the held-out items top-1 counts as wrong.
    let wrong = ((1.0 - e.top1) * r.n_test as f32).round() as usize;
    assert!(wrong > 0, "{r}");
    assert_eq!(r.misses.len(), wrong, "{r}");
    for m in &r.misses {
        assert_ne!(m.truth, m.best);
        let i = items.iter().position(|it| it.key == m.key).unwrap();
        assert_eq!(truth[i].to_string(), m.truth);
    }
    let near = r.misses.iter().filter(|m| m.in_top3).count();
    let top3_wrong = ((1.0 - e.top3) * r.n_test as f32).round() as usize;
    assert_eq!(wrong - near, top3_wrong, "{r}");
    // Per target: the held-out items add up, and the shares agree with the whole.
    assert_eq!(r.by_target.len(), 3);
    assert_eq!(r.by_target.iter().map(|t| t.n).sum::<usize>(), r.n_test);
    assert_eq!(
        r.by_target.iter().map(|t| t.trained_on).sum::<usize>(),
        r.n_train
    );
    let right: f32 = r.by_target.iter().map(|t| t.top1 * t.n as f32).sum();
    assert!((right / r.n_test as f32 - e.top1).abs() < 1e-4, "{r}");
    assert!(r.by_target.iter().all(|t| t.mistaken_for.is_some()));
    assert!(r.to_string().contains("held-out items missed at top-1"));
}

#[test]
fn targets_new_in_the_held_out_period_are_reported_apart() {
    let (mut strategy, items, mut truth) = noisy();
    let r = evaluate(&strategy, &items, &truth, &[], &EvalConfig::default(), None).unwrap();
    assert_eq!(r.new_targets, None, "every target was trained on\n{r}");
    // A new initiative takes over the newest tenth of one topic's work, as a new epic
    // would: no training item has it.
    let mut fresh = strategy.initiatives[0].clone();
    fresh.id = "fresh".into();
    fresh.title = "A newly opened area".into();
    strategy.initiatives.push(fresh);
    let first = truth[0].clone();
    let moved: Vec<usize> = (1350..1500).filter(|&i| truth[i] == first).collect();
    for &i in &moved {
        truth[i] = LinkTarget::Initiative("fresh".into());
    }
    let r = evaluate(&strategy, &items, &truth, &[], &EvalConfig::default(), None).unwrap();
    let nt = r.new_targets.clone().expect("a new target");
    assert_eq!(nt.targets, ["initiative:fresh"]);
    assert_eq!(nt.items, moved.len());
    // The other figures are the per-target scores of the seen targets, pooled.
    let seen: Vec<_> = r.by_target.iter().filter(|t| t.trained_on > 0).collect();
    let n_seen: usize = seen.iter().map(|t| t.n).sum();
    assert_eq!(n_seen + nt.items, r.n_test);
    let top3: f32 = seen.iter().map(|t| t.top3 * t.n as f32).sum::<f32>() / n_seen as f32;
    assert!((nt.top3_seen - top3).abs() < 1e-4, "{r}");
    // Nothing in the new target's words matches its items, so they are placed worse
    // than the rest, and the seen-only figure is above the whole.
    assert!(nt.top1_seen > r.system("engine").unwrap().top1, "{r}");
    assert!(
        r.to_string().contains(&format!(
            "{} held-out items belong to 1 target",
            moved.len()
        )),
        "{r}"
    );
}
