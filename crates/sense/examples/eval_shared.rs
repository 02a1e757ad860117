//! Runs the evaluation harness on the real data in `/work/shared/data`.
//!
//! `cargo run --release -p throughline-sense --example eval_shared [-- --json]`

#[path = "support/shared_data.rs"]
mod shared_data;

use throughline_sense::EngineConfig;
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate};

/// Loads one data set from the data directory.
type Loader = fn(&std::path::Path) -> shared_data::Dataset;

fn main() {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("no shared data directory; nothing to evaluate");
        return;
    };
    let json = std::env::args().any(|a| a == "--json");
    let only = std::env::args().nth(1).filter(|a| !a.starts_with("--"));
    let sets: [(Loader, GroundTruthField); 2] = [
        (shared_data::iceberg, GroundTruthField::Components),
        (shared_data::storypoints, GroundTruthField::Project),
    ];
    for (load, hidden) in sets {
        let ds = load(&dir);
        if only.as_ref().is_some_and(|o| *o != ds.name) {
            continue;
        }
        let cfg = EvalConfig {
            dataset: ds.name.clone(),
            hidden,
            engine: engine_from_env(),
            ..Default::default()
        };
        let report = evaluate(&ds.strategy, &ds.items, &ds.truth, &[], &cfg, None).expect("eval");
        if json {
            println!("{}", serde_json::to_string_pretty(&report).unwrap());
        } else {
            println!("{report}");
        }
    }
}

/// Experiment knobs: `SENSE_C`, `SENSE_BLOCKS=w,c,m`, `SENSE_RECENCY=share,floor`,
/// `SENSE_BODY_CHARS=0|1`, `SENSE_MAX_EXAMPLES=N`.
fn engine_from_env() -> EngineConfig {
    let mut e = EngineConfig::default();
    let var = |k: &str| std::env::var(k).ok();
    if let Some(c) = var("SENSE_C").and_then(|v| v.parse().ok()) {
        e.c = c;
    }
    if let Some(b) = var("SENSE_BLOCKS") {
        let v: Vec<f32> = b.split(',').filter_map(|x| x.parse().ok()).collect();
        if v.len() == 3 {
            e.block_weights = [v[0], v[1], v[2]];
        }
    }
    if let Some(b) = var("SENSE_RECENCY") {
        let v: Vec<f32> = b.split(',').filter_map(|x| x.parse().ok()).collect();
        if v.len() == 2 {
            e.recency_share = v[0];
            e.recency_floor = v[1];
        }
    }
    if let Some(c) = var("SENSE_STRAT_EX").and_then(|v| v.parse().ok()) {
        e.strategy_example_weight = c;
    }
    if let Some(c) = var("SENSE_BALANCE").and_then(|v| v.parse().ok()) {
        e.class_balance = c;
    }
    if let Some(m) = var("SENSE_MAX_EXAMPLES").and_then(|v| v.parse().ok()) {
        e.max_examples = m;
    }
    if let Some(b) = var("SENSE_BODY_CHARS") {
        e.body_char_ngrams = b == "1";
    }
    e
}
