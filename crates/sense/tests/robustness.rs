//! Odd input never panics: empty strategy, nothing linked, empty and non-ASCII text.
mod common;

use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason, Strategy, WorkItem};
use throughline_sense::eval::{EvalConfig, evaluate};
use throughline_sense::{EngineConfig, Model, SenseError, TrainingSet, infer_all};

#[test]
fn empty_strategy_learns_from_off_plan_corrections() {
    let s = Strategy::default();
    let items: Vec<WorkItem> = (0..20)
        .map(|i| {
            common::plain(
                &format!("E-{i}"),
                if i % 2 == 0 { "flaky test" } else { "" },
                "",
            )
        })
        .collect();
    let labels: Vec<_> = (0..20)
        .map(|i| {
            (i % 2 == 0).then_some((
                LinkTarget::OffPlan(OffPlanReason::Maintenance),
                LinkOrigin::Corrected,
            ))
        })
        .collect();
    let ts = TrainingSet::new(&s, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    let out = infer_all(&m, &items, &(0..25).collect::<Vec<_>>(), &[], &|_| {});
    assert_eq!(out.len(), 20, "out-of-range indices are skipped");
    assert!(out.iter().all(|i| (0.0..=1.0).contains(&i.confidence)));
}

#[test]
fn weird_text_is_fine() {
    let strategy = common::strategy();
    let (mut items, mut labels) = common::linked_items(90, 1);
    for (k, t) in [
        "",
        "   ",
        "🚀🚀🚀",
        "日本語のチケット：決済ページを改善",
        "Ünïcödé ça marche — naïve café",
        &"x".repeat(100_000),
        "{code}NullPointerException at com.foo.Bar.baz(Bar.java:42){code}",
    ]
    .iter()
    .enumerate()
    {
        items.push(common::plain(&format!("W-{k}"), t, t));
        labels.push(None);
    }
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let m = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    for it in &items[90..] {
        let inf = m.infer(it, &[]);
        assert!(inf.confidence.is_finite());
        assert!(!inf.reason.is_empty());
    }
}

#[test]
fn evaluation_rejects_too_little_data() {
    let s = common::strategy();
    let items = vec![common::plain("A", "a", "")];
    let truth = vec![LinkTarget::Initiative("search".into())];
    assert!(matches!(
        evaluate(&s, &items, &truth, &[], &EvalConfig::default(), None),
        Err(SenseError::Eval(_))
    ));
    assert!(matches!(
        evaluate(&s, &items, &[], &[], &EvalConfig::default(), None),
        Err(SenseError::LabelsMismatch { .. })
    ));
}
