//! The demo organisation's planted truth: off-plan work must be recognised as off plan
//! (with the right reason most of the time), unlinked-but-aligned work must go to the
//! right initiative, and aligned work must rarely be called off plan.

use std::collections::HashMap;

use throughline_demo::{DemoConfig, Intent};
use throughline_ingest::{Format, ImportOptions, read_items};
use throughline_model::{LinkOrigin, LinkTarget, NoteTarget, WorkItem};
use throughline_sense::{EngineConfig, Model, TrainingSet, explicit, infer_all};

// Thresholds, with margin below what the engine reaches on the default demo (seed 2026,
// 3000 items; lexical mode, off-plan self-training on): off plan answered as off plan
// 0.742, right reason 0.960 of those, unlinked aligned work on the right initiative 0.978,
// aligned work called off plan 0.000. Off-plan recall was 0.914 while the engine learned
// the selectors' own facts (every linked demo item has its epic or label, no unlinked one
// does, so "has no epic" read as "off plan"): on real data that same lesson put 55% of
// Iceberg's covered new work in "unclear" and 10% off plan (issue 23). What the demo's
// off-plan work now loses is the work no rule, label or note marks, which the demo files
// under the same teams and projects as its initiatives.
/// Share of planted off-plan items answered `OffPlan(_)`.
const OFF_PLAN_RECALL: f64 = 0.70;
/// Share of those answered with the planted reason.
const REASON_ACCURACY: f64 = 0.85;
/// Share of unlinked aligned items answered with their initiative.
const ALIGNED_ACCURACY: f64 = 0.90;
/// Share of unlinked aligned items answered `OffPlan(_)` (must stay below).
const ALIGNED_OFF_PLAN: f64 = 0.05;

#[test]
fn demo_off_plan_and_aligned_work_is_recognised() {
    let demo = throughline_demo::generate(&DemoConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let files = demo.write_to_dir(dir.path()).unwrap();
    let strategy = throughline_strategy::parse(&demo.strategy_toml).unwrap();
    let mut items: Vec<WorkItem> = Vec::new();
    for (path, format) in [
        (&files.jira, Format::JiraJson),
        (&files.linear, Format::LinearCsv),
    ] {
        for it in read_items(path, format, &ImportOptions::default()).unwrap() {
            items.push(it.unwrap());
        }
    }
    let notes = throughline_ingest::read_notes(&files.notes).unwrap();
    assert!(
        notes
            .iter()
            .any(|n| matches!(n.target, NoteTarget::Item { .. }))
    );
    let explicit = explicit::resolve(&strategy, &items);
    let labels: Vec<Option<(LinkTarget, LinkOrigin)>> = explicit
        .iter()
        .map(|l| {
            l.as_ref().map(|l| {
                (
                    LinkTarget::Initiative(l.initiative.clone()),
                    LinkOrigin::Explicit,
                )
            })
        })
        .collect();
    let ts = TrainingSet::new(&strategy, &items, &labels, &notes).unwrap();
    let mut cfg = EngineConfig {
        threads: 2,
        ..EngineConfig::default()
    };
    // For tuning runs: `DEMO_SELF_TRAINING=0 cargo test ...`.
    if let Some(w) = std::env::var("DEMO_SELF_TRAINING")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        cfg.offplan_self_training = w;
    }
    let model = Model::train(&ts, &cfg, None).unwrap();
    let which: Vec<usize> = (0..items.len())
        .filter(|&i| labels[i].is_none() && !items[i].is_epic())
        .collect();
    let out = infer_all(&model, &items, &which, &notes, &|_| {});

    let truth: HashMap<(&str, &str), Intent> = demo
        .truth
        .iter()
        .map(|p| ((p.source, p.key.as_str()), p.intent))
        .collect();
    // Counts: off-plan items answered off plan / with the right reason / unclear /
    // on an initiative; aligned items right / wrong initiative / unclear / off plan.
    let (mut off_n, mut off_off, mut off_reason, mut off_unclear) = (0, 0, 0, 0);
    let (mut al_n, mut al_right, mut al_unclear, mut al_off) = (0, 0, 0, 0);
    let mut linked_unlinked = 0;
    // Off-plan items no rule flags: only the learned off-plan vocabulary can find them.
    let (mut silent_n, mut silent_off) = (0, 0);
    let mut reason_confusion: HashMap<(String, String), usize> = HashMap::new();
    for (&i, inf) in which.iter().zip(&out) {
        let it = &items[i];
        let Some(t) = truth.get(&(it.source.as_str(), it.key.as_str())) else {
            continue;
        };
        match t {
            Intent::OffPlan(r) => {
                off_n += 1;
                let item_notes: Vec<_> = notes
                    .iter()
                    .filter(|n| {
                        matches!(&n.target, NoteTarget::Item { source, key }
                            if *source == it.source && *key == it.key)
                    })
                    .collect();
                if throughline_sense::offplan::weak_label(it, &item_notes).is_none() {
                    silent_n += 1;
                    silent_off += usize::from(matches!(inf.target, LinkTarget::OffPlan(_)));
                }
                let got = match &inf.target {
                    LinkTarget::OffPlan(g) => {
                        off_off += 1;
                        if g == r {
                            off_reason += 1;
                        }
                        g.as_str().to_string()
                    }
                    LinkTarget::Unclear => {
                        off_unclear += 1;
                        "unclear".into()
                    }
                    _ => "initiative".into(),
                };
                *reason_confusion
                    .entry((r.as_str().to_string(), got))
                    .or_default() += 1;
            }
            Intent::Aligned(id) => {
                al_n += 1;
                match &inf.target {
                    LinkTarget::Initiative(g) if g == id => al_right += 1,
                    LinkTarget::OffPlan(_) => al_off += 1,
                    LinkTarget::Unclear => al_unclear += 1,
                    _ => {}
                }
            }
            Intent::Linked(_) => linked_unlinked += 1,
            _ => {}
        }
    }
    let pct = |a: usize, b: usize| a as f64 / b.max(1) as f64;
    println!("{}", model.summary());
    println!(
        "planted off plan: {off_n}; answered off plan {:.3}, right reason {:.3} of those, unclear {:.3}",
        pct(off_off, off_n),
        pct(off_reason, off_off),
        pct(off_unclear, off_n)
    );
    println!(
        "  of which no off-plan rule fires: {silent_n}; answered off plan {:.3}",
        pct(silent_off, silent_n)
    );
    println!(
        "planted aligned (unlinked): {al_n}; right initiative {:.3}, unclear {:.3}, off plan {:.3}",
        pct(al_right, al_n),
        pct(al_unclear, al_n),
        pct(al_off, al_n)
    );
    println!("planted linked but not resolved explicitly: {linked_unlinked}");
    let mut conf: Vec<_> = reason_confusion.into_iter().collect();
    conf.sort();
    for ((t, g), n) in conf {
        println!("  {t:<20} -> {g:<20} {n}");
    }
    assert!(off_n > 100 && al_n > 100, "the demo plants enough of both");
    assert!(
        pct(off_off, off_n) >= OFF_PLAN_RECALL,
        "off-plan recall {:.3}",
        pct(off_off, off_n)
    );
    assert!(
        pct(off_reason, off_off) >= REASON_ACCURACY,
        "reason accuracy {:.3}",
        pct(off_reason, off_off)
    );
    assert!(
        pct(al_right, al_n) >= ALIGNED_ACCURACY,
        "aligned accuracy {:.3}",
        pct(al_right, al_n)
    );
    assert!(
        pct(al_off, al_n) < ALIGNED_OFF_PLAN,
        "aligned called off plan {:.3}",
        pct(al_off, al_n)
    );
}
