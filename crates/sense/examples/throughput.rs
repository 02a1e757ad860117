//! Throughput of `infer_all` on synthetic items (lexical mode).
//!
//! `cargo run --release -p throughline-sense --example throughput [-- N [TARGETS]]` (default
//! 1,000,000 items, 30 initiatives; e.g. `-- 1000000 500` for a tracker with many epics).

use std::time::Instant;

use chrono::{TimeZone, Utc};
use throughline_model::{Initiative, LinkOrigin, LinkTarget, Strategy, WorkItem};
use throughline_sense::{EngineConfig, Model, TrainingSet, infer_all};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The vocabulary grows with the targets, so each has a slice of its own words.
fn vocab_size(targets: usize) -> usize {
    5000.max(targets * 60)
}

fn word(i: usize) -> String {
    // Pronounceable pseudo-words: a realistic token length distribution.
    const SYL: &[&str] = &[
        "ka", "lo", "mi", "ster", "ban", "qu", "ri", "on", "tex", "ul", "ph", "ed",
    ];
    let mut w = String::new();
    let mut x = i + 7;
    for _ in 0..2 + i % 3 {
        w.push_str(SYL[x % SYL.len()]);
        x /= SYL.len();
        x += 3;
    }
    w
}

fn item(rng: &mut Rng, words: &[String], key: usize, topic: usize, targets: usize) -> WorkItem {
    let (vocab, slice) = (words.len(), words.len() / targets);
    let mut pick = |n: usize| -> String {
        (0..n)
            .map(|_| {
                // Half the words come from the topic's own slice of the vocabulary.
                if rng.below(2) == 0 {
                    words[topic * slice + rng.below(slice)].as_str()
                } else {
                    words[rng.below(vocab)].as_str()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let title = pick(7);
    let description = pick(40);
    WorkItem {
        source: "jira".into(),
        key: format!("T-{key}"),
        title,
        description,
        item_type: Some("Story".into()),
        created: Some(
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
                + chrono::Duration::minutes(key as i64),
        ),
        ..Default::default()
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let targets: usize = std::env::args()
        .nth(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(30)
        .max(1);
    let slice = vocab_size(targets) / targets;
    let words: Vec<String> = (0..vocab_size(targets)).map(word).collect();
    let strategy = Strategy {
        initiatives: (0..targets)
            .map(|i| Initiative {
                id: format!("i{i}"),
                goals: vec!["g".into()],
                title: format!("{} {}", words[i * slice], words[i * slice + 1]),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let n_linked = 20_000;
    let t0 = Instant::now();
    let items: Vec<WorkItem> = (0..n + n_linked)
        .map(|k| item(&mut rng, &words, k, k % targets, targets))
        .collect();
    let labels: Vec<Option<(LinkTarget, LinkOrigin)>> = (0..items.len())
        .map(|k| {
            (k < n_linked).then(|| {
                (
                    LinkTarget::Initiative(format!("i{}", k % targets)),
                    LinkOrigin::Explicit,
                )
            })
        })
        .collect();
    eprintln!(
        "generated {} items in {:.1}s",
        items.len(),
        t0.elapsed().as_secs_f32()
    );
    let t0 = Instant::now();
    let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
    let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
    eprintln!(
        "trained on {n_linked} linked items in {:.1}s: {}",
        t0.elapsed().as_secs_f32(),
        model.summary()
    );
    let which: Vec<usize> = (n_linked..items.len()).collect();
    let t0 = Instant::now();
    let out = infer_all(&model, &items, &which, &[], &|_| {});
    let secs = t0.elapsed().as_secs_f64();
    let right = out
        .iter()
        .zip(&which)
        .filter(|(o, k)| {
            o.alternatives[0].0 == LinkTarget::Initiative(format!("i{}", *k % targets))
        })
        .count();
    println!(
        "infer_all: {} items in {:.2}s = {:.0} items/s on {} threads ({} mode; top-1 {:.3})",
        out.len(),
        secs,
        out.len() as f64 / secs,
        EngineConfig::default().threads,
        model.mode().as_str(),
        right as f64 / out.len() as f64
    );
}
