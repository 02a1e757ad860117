//! Training time, inference speed and peak memory with hundreds of targets, as a Jira
//! project with many epics gives (`eval --truth epic`).
//!
//! The texts are the real storypoints issues (23,313 items, a realistic vocabulary of
//! ~700k features); each run of `SIZE` consecutive issues of one project stands in for an
//! epic, named after its first issue. The accuracy printed is not a benchmark (consecutive
//! issues share little beyond their project); time and memory are.
//!
//! `cargo run --release -p throughline-sense --example many_targets [-- SIZE] [--versioned]
//! [--timeframes]` (default 40: about 580 targets). `--versioned` names the epics
//! `<project> epic <n>` instead, so each project's epics form one versioned family
//! (`family.rs`). `--timeframes` gives each epic the span of its issues' dates as its
//! timeframe (`timeframe.rs`): the cost of that signal with hundreds of targets. (Its
//! accuracy gain here is by construction, since an epic is a run of consecutive issues.)

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::HashMap;
use std::time::Instant;

use throughline_model::{Initiative, LinkTarget, Strategy};
use throughline_sense::EngineConfig;
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate};

fn main() {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("no shared data directory; nothing to measure");
        return;
    };
    let size: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(40)
        .max(1);
    let versioned = std::env::args().any(|a| a == "--versioned");
    let timeframes = std::env::args().any(|a| a == "--timeframes");
    let ds = shared_data::storypoints(&dir);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut initiatives: Vec<Initiative> = Vec::new();
    let truth: Vec<LinkTarget> = ds
        .items
        .iter()
        .zip(&ds.truth)
        .map(|(it, t)| {
            let LinkTarget::Initiative(project) = t else {
                unreachable!("storypoints truth is a project")
            };
            let k = seen.entry(project.clone()).or_default();
            let id = format!("{project}-{}", *k / size);
            let day = it.created.map(|t| t.date_naive());
            if timeframes && let Some(last) = initiatives.last_mut().filter(|i| i.id == id) {
                last.ends = day;
            }
            if (*k).is_multiple_of(size) {
                initiatives.push(Initiative {
                    id: id.clone(),
                    goals: vec!["g".into()],
                    title: if versioned {
                        format!("{project} epic {}", *k / size)
                    } else {
                        it.title.clone()
                    },
                    starts: day.filter(|_| timeframes),
                    ends: day.filter(|_| timeframes),
                    ..Default::default()
                });
            }
            *k += 1;
            LinkTarget::Initiative(id)
        })
        .collect();
    let strategy = Strategy {
        initiatives,
        ..Default::default()
    };
    let cfg = EvalConfig {
        dataset: format!("storypoints, epics of {size}"),
        hidden: GroundTruthField::Project,
        engine: EngineConfig::default(),
        baselines: false,
        ..Default::default()
    };
    let t0 = Instant::now();
    let report = evaluate(&strategy, &ds.items, &truth, &[], &cfg, None).expect("eval");
    let engine = &report.systems[0];
    println!(
        "{} targets, {} train / {} test items: train {:.1} s, inference {:.0} items/s, \
         top-1 {:.3}, top-3 {:.3}; whole run {:.1} s, peak memory {}",
        strategy.initiatives.len(),
        report.n_train,
        report.n_test,
        engine.train_seconds,
        engine.items_per_sec,
        engine.top1,
        engine.top3,
        t0.elapsed().as_secs_f32(),
        peak_memory()
    );
    println!("  {}", report.engine_summary);
}

/// Peak resident memory of this process (Linux), for the record.
fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}
