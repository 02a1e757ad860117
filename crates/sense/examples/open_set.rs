//! How often the engine calls work aligned when the strategy does not cover it.
//!
//! `eval` measures a closed world: every held-out item serves one of the targets. A
//! real strategy covers part of the work, and the rest should come out off plan or
//! unclear, not on the nearest initiative. This puts every other Iceberg component (by
//! size) in the strategy, links the older 80% of their items as a tracker would, leaves
//! every other item unlinked, and asks `align`'s question of all unlinked items: which
//! initiative, if any?
//!
//! `cargo run --release -p throughline-sense --example open_set`

#[path = "support/shared_data.rs"]
mod shared_data;

use std::collections::{HashMap, HashSet};

use throughline_model::{LinkOrigin, LinkTarget, Strategy};
use throughline_sense::{EngineConfig, Model, TrainingSet, infer_all};

fn main() {
    let Some(dir) = shared_data::data_dir() else {
        eprintln!("no shared data directory; nothing to measure");
        return;
    };
    let ds = shared_data::iceberg(&dir);
    let mut sizes: HashMap<&LinkTarget, usize> = HashMap::new();
    for t in &ds.truth {
        *sizes.entry(t).or_default() += 1;
    }
    let mut by_size: Vec<(&LinkTarget, usize)> = sizes.into_iter().collect();
    by_size.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.to_string().cmp(&b.0.to_string())));
    let covered: HashSet<&LinkTarget> = by_size.iter().step_by(2).map(|(t, _)| *t).collect();
    let strategy = Strategy {
        initiatives: ds
            .strategy
            .initiatives
            .iter()
            .filter(|i| covered.contains(&LinkTarget::Initiative(i.id.clone())))
            .cloned()
            .collect(),
        ..ds.strategy.clone()
    };
    let n = ds.items.len();
    let cut = n - n / 5;
    // The tracker links the older covered work; everything else is unlinked. Components
    // are the truth, so no item shows them.
    let mut items = ds.items.clone();
    for it in &mut items {
        it.components.clear();
    }
    let labels: Vec<Option<(LinkTarget, LinkOrigin)>> = ds
        .truth
        .iter()
        .enumerate()
        .map(|(i, t)| (i < cut && covered.contains(t)).then(|| (t.clone(), LinkOrigin::Explicit)))
        .collect();
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).expect("training set");
    let model = Model::train(&ts, &EngineConfig::default(), None).expect("model");
    let unlinked: Vec<usize> = (0..n).filter(|&i| labels[i].is_none()).collect();
    let out = infer_all(&model, &items, &unlinked, &[], &|_| {});

    println!(
        "iceberg, {} of {} components in the strategy; {} unlinked items inferred",
        covered.len(),
        by_size.len(),
        unlinked.len()
    );
    for (name, part) in [
        ("older unlinked (back-fill)", 0..cut),
        ("newer (new work)", cut..n),
    ] {
        let mut c = Counts::default();
        for (&i, inf) in unlinked.iter().zip(&out) {
            if part.contains(&i) {
                c.add(
                    covered.contains(&ds.truth[i]),
                    &ds.truth[i],
                    &inf.target,
                    inf.confidence,
                );
            }
        }
        c.print(name);
    }
}

#[derive(Default)]
struct Counts {
    /// Covered work: right initiative, other initiative, off plan or unclear.
    covered: [usize; 4],
    /// Uncovered work: on an initiative, off plan, unclear.
    uncovered: [usize; 3],
    /// Answers on an initiative with confidence >= 0.8: (right, all).
    confident: (usize, usize),
}

impl Counts {
    fn add(&mut self, is_covered: bool, truth: &LinkTarget, answer: &LinkTarget, conf: f32) {
        let on_initiative = matches!(answer, LinkTarget::Initiative(_));
        if on_initiative && conf >= 0.8 {
            self.confident.1 += 1;
            self.confident.0 += usize::from(answer == truth);
        }
        let slot = match (is_covered, answer) {
            (true, a) if a == truth => 0,
            (true, LinkTarget::Initiative(_)) => 1,
            (true, LinkTarget::Unclear) => 3,
            (true, _) => 2,
            (false, LinkTarget::Initiative(_)) => 0,
            (false, LinkTarget::Unclear) => 2,
            (false, _) => 1,
        };
        if is_covered {
            self.covered[slot] += 1;
        } else {
            self.uncovered[slot] += 1;
        }
    }

    fn print(&self, name: &str) {
        let share = |a: usize, n: usize| a as f64 / n.max(1) as f64;
        let nc: usize = self.covered.iter().sum();
        let nu: usize = self.uncovered.iter().sum();
        let placed = self.covered[0] + self.covered[1] + self.uncovered[0];
        println!("  {name}: {nc} covered, {nu} not covered");
        println!(
            "    covered work: right initiative {:.3}, another {:.3}, off plan {:.3}, unclear {:.3}",
            share(self.covered[0], nc),
            share(self.covered[1], nc),
            share(self.covered[2], nc),
            share(self.covered[3], nc)
        );
        println!(
            "    work the strategy does not cover: on an initiative {:.3}, off plan {:.3}, unclear {:.3}",
            share(self.uncovered[0], nu),
            share(self.uncovered[1], nu),
            share(self.uncovered[2], nu)
        );
        println!(
            "    inferred alignment is right {:.3} of the time ({} of {placed}); at confidence >= 0.8, {:.3} ({} of {})",
            share(self.covered[0], placed),
            self.covered[0],
            share(self.confident.0, self.confident.1),
            self.confident.0,
            self.confident.1
        );
    }
}
