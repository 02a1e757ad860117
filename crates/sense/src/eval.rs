//! Evaluation harness: a time split like real use (train on the oldest share, predict
//! the newest), with the field the ground truth came from hidden, the engine and two
//! baselines side by side, and a serialisable report.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use throughline_model::{ContextNote, LinkOrigin, LinkTarget, OffPlanReason, Strategy, WorkItem};

use crate::calibration::{expected_calibration_error, softmax};
use crate::features::{self, Doc, ExtractOptions};
use crate::tfidf::{BlockWeights, SparseVec, Vocabulary};
use crate::{Embedder, EngineConfig, Inference, Mode, Model, SenseError, TrainingSet, infer_all};

/// The tracker field the ground truth was read from. It is blanked on every item (never
/// a feature), so that the evaluation measures inference and not look-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroundTruthField {
    /// Labels.
    Labels,
    /// Components.
    Components,
    /// Tracker project.
    Project,
    /// Epic and parent keys.
    Epic,
    /// The truth came from outside the items (nothing to hide).
    None,
}

impl GroundTruthField {
    /// What the engine did not see, in words.
    pub fn describe(self) -> &'static str {
        match self {
            GroundTruthField::Labels => "labels hidden",
            GroundTruthField::Components => "components hidden",
            GroundTruthField::Project => "project hidden",
            GroundTruthField::Epic => "epic and parent hidden",
            GroundTruthField::None => "truth from links",
        }
    }

    fn blank(self, it: &mut WorkItem) {
        match self {
            GroundTruthField::Labels => it.labels.clear(),
            GroundTruthField::Components => it.components.clear(),
            GroundTruthField::Project => it.project = None,
            GroundTruthField::Epic => {
                it.epic_key = None;
                it.parent_key = None;
            }
            GroundTruthField::None => {}
        }
    }
}

/// How to run an evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalConfig {
    /// Name of the data set, for the report.
    pub dataset: String,
    /// Share of items (the newest) held out for testing.
    pub test_share: f32,
    /// The field the truth came from, hidden on every item.
    pub hidden: GroundTruthField,
    /// Engine settings.
    pub engine: EngineConfig,
    /// Also run the baselines.
    pub baselines: bool,
}

impl Default for EvalConfig {
    fn default() -> Self {
        EvalConfig {
            dataset: "data".into(),
            test_share: 0.2,
            hidden: GroundTruthField::None,
            engine: EngineConfig::default(),
            baselines: true,
        }
    }
}

/// Scores of one system on the held-out items.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SystemReport {
    /// System name.
    pub name: String,
    /// Mode (lexical / semantic).
    pub mode: Mode,
    /// Share of items whose best candidate is right (full coverage).
    pub top1: f32,
    /// Share of items whose truth is among the best three candidates.
    pub top3: f32,
    /// Expected calibration error (10 bins) of the best candidate's probability.
    pub ece: f32,
    /// Share of items answered (not `Unclear`).
    pub coverage: f32,
    /// Accuracy on the answered items.
    pub covered_accuracy: f32,
    /// ECE (10 bins) on the answered items only.
    pub covered_ece: f32,
    /// Macro-F1 over off-plan reasons, when the truth has off-plan items.
    pub offplan_macro_f1: Option<f32>,
    /// Inference throughput, items per second (training excluded).
    pub items_per_sec: f32,
    /// Training time in seconds.
    pub train_seconds: f32,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EvalReport {
    /// Data set name.
    pub dataset: String,
    /// Items trained on.
    pub n_train: usize,
    /// Items tested on.
    pub n_test: usize,
    /// Distinct targets in the truth.
    pub n_targets: usize,
    /// The field hidden.
    pub hidden: GroundTruthField,
    /// Share of the most common test target (majority-class accuracy).
    pub majority: f32,
    /// Whether the engine's rule-based off-plan answers were on (off when the truth has
    /// no off-plan items).
    pub offplan_rules: bool,
    /// What the engine fitted ([`Model::summary`]).
    pub engine_summary: String,
    /// The engine first, then baselines.
    pub systems: Vec<SystemReport>,
    /// The engine's scores per target of the truth, most held-out items first.
    #[serde(default)]
    pub by_target: Vec<TargetScore>,
    /// The held-out items whose target the engine's best candidate missed: the items
    /// behind the top-1 figure (oldest first).
    #[serde(default)]
    pub misses: Vec<Miss>,
    /// Targets that no training item has (new in the held-out period, as new epics
    /// usually are), and the engine's scores on the other held-out items; `None` when
    /// every target was seen in training.
    #[serde(default)]
    pub new_targets: Option<NewTargets>,
}

/// The held-out items whose target had no linked item to learn from, apart: a new
/// target can only be found through its own words, its family's and its timeframe, so
/// a low score there asks for better strategy text, not for more links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewTargets {
    /// Targets of the held-out items with no training item.
    pub targets: Vec<String>,
    /// Held-out items whose truth is one of them.
    pub items: usize,
    /// The engine's top-1 on the other held-out items.
    pub top1_seen: f32,
    /// The engine's top-3 on the other held-out items.
    pub top3_seen: f32,
}

impl NewTargets {
    /// From the engine's per-target scores; `None` when every target was trained on.
    pub fn from_targets(by_target: &[TargetScore]) -> Option<Self> {
        let (new, seen): (Vec<&TargetScore>, Vec<&TargetScore>) =
            by_target.iter().partition(|t| t.trained_on == 0);
        if new.is_empty() {
            return None;
        }
        let n_seen: usize = seen.iter().map(|t| t.n).sum();
        // Per-target shares back to counts (they were counts over `n`).
        let share = |f: fn(&TargetScore) -> f32| {
            let hits: f32 = seen.iter().map(|t| f(t) * t.n as f32).sum();
            if n_seen == 0 {
                0.0
            } else {
                hits / n_seen as f32
            }
        };
        Some(NewTargets {
            targets: new.iter().map(|t| t.target.clone()).collect(),
            items: new.iter().map(|t| t.n).sum(),
            top1_seen: share(|t| t.top1),
            top3_seen: share(|t| t.top3),
        })
    }
}

/// The engine's scores on the held-out items of one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetScore {
    /// The target (`initiative:ID`, ...).
    pub target: String,
    /// Held-out items whose truth it is.
    pub n: usize,
    /// Training items whose truth it is (0: a target new in the held-out period, placed
    /// from the strategy's words and its family alone).
    #[serde(default)]
    pub trained_on: usize,
    /// Share of them the engine's best candidate placed right.
    pub top1: f32,
    /// Share of them with the target among the best three candidates.
    pub top3: f32,
    /// The wrong best candidate given most often for them, and how often.
    pub mistaken_for: Option<(String, usize)>,
}

/// A held-out item the engine's best candidate missed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Miss {
    /// Source of the item.
    pub source: String,
    /// Key of the item.
    pub key: String,
    /// Title of the item.
    pub title: String,
    /// The truth.
    pub truth: String,
    /// The engine's best candidate.
    pub best: String,
    /// Whether the truth was second or third.
    pub in_top3: bool,
    /// The engine's answer (`unclear` when it did not commit) and its confidence.
    pub answer: String,
    /// Calibrated confidence of the answer.
    pub confidence: f32,
    /// The engine's reason.
    pub reason: String,
}

impl EvalReport {
    /// The report of a system by name.
    pub fn system(&self, name: &str) -> Option<&SystemReport> {
        self.systems.iter().find(|s| s.name == name)
    }
}

impl fmt::Display for EvalReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: train {} / test {} items, {} targets ({}), majority {:.3}",
            self.dataset,
            self.n_train,
            self.n_test,
            self.n_targets,
            self.hidden.describe(),
            self.majority
        )?;
        writeln!(
            f,
            "  engine: {}; off-plan rules {}",
            self.engine_summary,
            if self.offplan_rules { "on" } else { "off" }
        )?;
        let names: Vec<String> = self
            .systems
            .iter()
            .map(|s| format!("{} ({})", s.name, s.mode.as_str()))
            .collect();
        // The first column fits the longest name, so the figures stay in their columns.
        let w = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max(26);
        writeln!(
            f,
            "  {:<w$} {:>6} {:>6} {:>6} {:>6} {:>7} {:>7} {:>8} {:>10} {:>7}",
            "system",
            "top1",
            "top3",
            "ECE",
            "cover",
            "cov.acc",
            "cov.ECE",
            "offplanF1",
            "items/s",
            "train s"
        )?;
        for (s, name) in self.systems.iter().zip(&names) {
            writeln!(
                f,
                "  {:<w$} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>7.3} {:>7.3} {:>8} {:>10.0} {:>7.1}",
                name,
                s.top1,
                s.top3,
                s.ece,
                s.coverage,
                s.covered_accuracy,
                s.covered_ece,
                s.offplan_macro_f1
                    .map_or("-".to_string(), |v| format!("{v:.3}")),
                s.items_per_sec,
                s.train_seconds
            )?;
        }
        if !self.by_target.is_empty() {
            let shown = &self.by_target[..self.by_target.len().min(SHOWN_TARGETS)];
            let w = shown
                .iter()
                .map(|t| t.target.chars().count())
                .max()
                .unwrap_or(0)
                .max(30);
            writeln!(
                f,
                "  {:<w$} {:>6} {:>6} {:>6} {:>6}  most often taken for",
                "engine by target", "train", "test", "top1", "top3"
            )?;
            for t in shown {
                writeln!(
                    f,
                    "  {:<w$} {:>6} {:>6} {:>6.3} {:>6.3}  {}",
                    t.target,
                    t.trained_on,
                    t.n,
                    t.top1,
                    t.top3,
                    t.mistaken_for
                        .as_ref()
                        .map_or("-".to_string(), |(w, n)| format!("{w} ({n})"))
                )?;
            }
            if self.by_target.len() > SHOWN_TARGETS {
                writeln!(
                    f,
                    "  ... {} smaller targets (--json lists every one)",
                    self.by_target.len() - SHOWN_TARGETS
                )?;
            }
        }
        if let Some(nt) = &self.new_targets {
            let shown: Vec<&str> = nt.targets.iter().take(3).map(String::as_str).collect();
            let more = nt.targets.len().saturating_sub(shown.len());
            writeln!(
                f,
                "  {} held-out items belong to {} target{} no training item has ({}{}),\n    \
                 placed with no linked item of their own; on the other {} items the \
                 engine's top-1 is {:.3}, top-3 {:.3}",
                nt.items,
                nt.targets.len(),
                if nt.targets.len() == 1 { "" } else { "s" },
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                },
                self.n_test - nt.items,
                nt.top1_seen,
                nt.top3_seen
            )?;
        }
        let near = self.misses.iter().filter(|m| m.in_top3).count();
        writeln!(
            f,
            "  {} held-out items missed at top-1, {} of them with the answer 2nd or 3rd",
            self.misses.len(),
            near
        )
    }
}

/// Targets listed in the text report (the largest first).
const SHOWN_TARGETS: usize = 15;

/// Indices of items oldest first (by `created`, then by position: rows without dates
/// keep their order, which is creation order in most exports).
pub fn time_order(items: &[WorkItem]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    if items.iter().all(|i| i.created.is_some()) {
        order.sort_by_key(|&i| (items[i].created, i));
    }
    order
}

/// Runs the evaluation: splits by time, hides `cfg.hidden`, trains on the older items'
/// truth (as explicit links), infers the newer items and scores the engine and the
/// baselines. `truth[i]` is the answer for `items[i]`.
pub fn evaluate(
    strategy: &Strategy,
    items: &[WorkItem],
    truth: &[LinkTarget],
    notes: &[ContextNote],
    cfg: &EvalConfig,
    embedder: Option<Arc<dyn Embedder>>,
) -> Result<EvalReport, SenseError> {
    if items.len() != truth.len() {
        return Err(SenseError::LabelsMismatch {
            items: items.len(),
            labels: truth.len(),
        });
    }
    if items.len() < 10 {
        return Err(SenseError::Eval(format!(
            "{} items are too few to split",
            items.len()
        )));
    }
    let order = time_order(items);
    let n_test = ((items.len() as f32 * cfg.test_share.clamp(0.01, 0.9)).round() as usize).max(1);
    let n_train = items.len() - n_test;
    let (train_idx, test_idx) = order.split_at(n_train);
    // Hide the truth's source everywhere: a feature that is blank in test but present in
    // training would only teach the model to rely on something that is not there.
    let hidden: Vec<WorkItem> = items
        .iter()
        .map(|it| {
            let mut it = it.clone();
            cfg.hidden.blank(&mut it);
            it
        })
        .collect();
    let mut labels: Vec<Option<(LinkTarget, LinkOrigin)>> = vec![None; items.len()];
    for &i in train_idx {
        labels[i] = Some((truth[i].clone(), LinkOrigin::Explicit));
    }
    let test_truth: Vec<&LinkTarget> = test_idx.iter().map(|&i| &truth[i]).collect();
    let majority = {
        let mut counts: std::collections::HashMap<&LinkTarget, usize> = Default::default();
        for t in &test_truth {
            *counts.entry(t).or_default() += 1;
        }
        counts.values().copied().max().unwrap_or(0) as f32 / n_test as f32
    };
    let n_targets = {
        let mut v: Vec<&LinkTarget> = truth.iter().collect();
        v.sort();
        v.dedup();
        v.len()
    };

    let mut systems = Vec::new();
    let ts = TrainingSet::new(strategy, &hidden, &labels, notes)?;
    let t0 = Instant::now();
    // Rule-based off-plan answers can never be right when the truth has no off-plan
    // items; they would only turn "unclear" into a wrong answer, so they are switched
    // off for such data (the report says so).
    let mut engine_cfg = cfg.engine.clone();
    let truth_has_offplan = truth.iter().any(|t| matches!(t, LinkTarget::OffPlan(_)));
    if !truth_has_offplan {
        engine_cfg.offplan_rules = false;
    }
    let model = {
        let _span = tracing::info_span!("train the engine", items = n_train).entered();
        Model::train(&ts, &engine_cfg, embedder.clone())?
    };
    let train_s = t0.elapsed().as_secs_f32();
    let t0 = Instant::now();
    let out = {
        let _span = tracing::info_span!("infer the held-out items", items = n_test).entered();
        infer_all(&model, &hidden, test_idx, notes, &|_| {})
    };
    let mut engine = score("engine", model.mode(), &out, &test_truth);
    engine.items_per_sec = (test_idx.len() as f64 / t0.elapsed().as_secs_f64().max(1e-9)) as f32;
    engine.train_seconds = train_s;
    systems.push(engine);
    let train_truth: Vec<&LinkTarget> = train_idx.iter().map(|&i| &truth[i]).collect();
    let by_target = by_target(&out, &test_truth, &train_truth);
    let misses = test_idx
        .iter()
        .zip(&out)
        .zip(&test_truth)
        .filter(|((_, inf), t)| inf.alternatives.first().is_none_or(|a| a.0 != ***t))
        .map(|((&i, inf), t)| Miss {
            source: items[i].source.clone(),
            key: items[i].key.clone(),
            title: items[i].title.clone(),
            truth: t.to_string(),
            best: inf
                .alternatives
                .first()
                .map_or("unclear".into(), |a| a.0.to_string()),
            in_top3: inf.alternatives.iter().take(3).any(|a| a.0 == **t),
            answer: inf.target.to_string(),
            confidence: inf.confidence,
            reason: inf.reason.clone(),
        })
        .collect();

    if cfg.baselines {
        let _span = tracing::info_span!("baselines").entered();
        systems.push(centroid_baseline(
            &hidden,
            train_idx,
            test_idx,
            truth,
            &test_truth,
        ));
        let no_labels = vec![None; items.len()];
        let ts0 = TrainingSet::new(strategy, &hidden, &no_labels, notes)?;
        let mut lex = cfg.engine.clone();
        lex.mode = Mode::Lexical;
        // Off-plan rules are part of the engine, not of a text-similarity baseline.
        lex.offplan_rules = false;
        let t0 = Instant::now();
        let m0 = Model::train(&ts0, &lex, None)?;
        let s = t0.elapsed().as_secs_f32();
        systems.push(score_engine(
            "strategy text only",
            &m0,
            &hidden,
            test_idx,
            &test_truth,
            notes,
            s,
        ));
        if let Some(e) = embedder {
            let mut sem = lex.clone();
            sem.mode = Mode::Semantic;
            let t0 = Instant::now();
            let m1 = Model::train(&ts0, &sem, Some(e))?;
            let s = t0.elapsed().as_secs_f32();
            systems.push(score_engine(
                "strategy text only",
                &m1,
                &hidden,
                test_idx,
                &test_truth,
                notes,
                s,
            ));
        }
    }
    Ok(EvalReport {
        dataset: cfg.dataset.clone(),
        n_train,
        n_test,
        n_targets,
        hidden: cfg.hidden,
        majority,
        offplan_rules: engine_cfg.offplan_rules,
        engine_summary: model.summary(),
        systems,
        new_targets: NewTargets::from_targets(&by_target),
        by_target,
        misses,
    })
}

fn score_engine(
    name: &str,
    model: &Model,
    items: &[WorkItem],
    test_idx: &[usize],
    truth: &[&LinkTarget],
    notes: &[ContextNote],
    train_seconds: f32,
) -> SystemReport {
    let t0 = Instant::now();
    let out = infer_all(model, items, test_idx, notes, &|_| {});
    let secs = t0.elapsed().as_secs_f64().max(1e-9);
    let mut r = score(name, model.mode(), &out, truth);
    r.items_per_sec = (test_idx.len() as f64 / secs) as f32;
    r.train_seconds = train_seconds;
    r
}

/// Per target of the truth: how many held-out items, how well placed, and the wrong
/// answer given most often; most items first.
fn by_target(
    out: &[Inference],
    truth: &[&LinkTarget],
    train_truth: &[&LinkTarget],
) -> Vec<TargetScore> {
    #[derive(Default)]
    struct Acc {
        n: usize,
        top1: usize,
        top3: usize,
        wrong: std::collections::HashMap<String, usize>,
    }
    let mut acc: std::collections::BTreeMap<String, Acc> = Default::default();
    for (inf, &t) in out.iter().zip(truth) {
        let a = acc.entry(t.to_string()).or_default();
        a.n += 1;
        match inf.alternatives.first() {
            Some((best, _)) if best == t => a.top1 += 1,
            Some((best, _)) => *a.wrong.entry(best.to_string()).or_default() += 1,
            None => {}
        }
        a.top3 += usize::from(inf.alternatives.iter().take(3).any(|x| &x.0 == t));
    }
    let mut trained: std::collections::HashMap<String, usize> = Default::default();
    for t in train_truth {
        *trained.entry(t.to_string()).or_default() += 1;
    }
    let mut v: Vec<TargetScore> = acc
        .into_iter()
        .map(|(target, a)| TargetScore {
            trained_on: trained.get(&target).copied().unwrap_or(0),
            target,
            n: a.n,
            top1: a.top1 as f32 / a.n as f32,
            top3: a.top3 as f32 / a.n as f32,
            mistaken_for: a
                .wrong
                .into_iter()
                .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0))),
        })
        .collect();
    v.sort_by(|a, b| b.n.cmp(&a.n).then(a.target.cmp(&b.target)));
    v
}

/// Scores inferences against the truth.
pub fn score(name: &str, mode: Mode, out: &[Inference], truth: &[&LinkTarget]) -> SystemReport {
    let n = out.len().max(1) as f32;
    let (mut top1, mut top3, mut covered, mut covered_ok) = (0usize, 0usize, 0usize, 0usize);
    let mut all_pts = Vec::with_capacity(out.len());
    let mut cov_pts = Vec::new();
    for (inf, &t) in out.iter().zip(truth) {
        let first = inf.alternatives.first();
        let ok1 = first.is_some_and(|a| &a.0 == t);
        top1 += usize::from(ok1);
        top3 += usize::from(inf.alternatives.iter().take(3).any(|a| &a.0 == t));
        all_pts.push((first.map_or(0.0, |a| a.1), ok1));
        // A goal answer (torn between two initiatives of one goal) names no target to
        // score against one: like an unclear one, it is not an answer here.
        let targeted = !matches!(
            (&inf.target, t),
            (LinkTarget::Unclear, _) | (LinkTarget::Goal(_), LinkTarget::Initiative(_))
        );
        if targeted {
            covered += 1;
            let ok = &inf.target == t;
            covered_ok += usize::from(ok);
            cov_pts.push((inf.confidence, ok));
        }
    }
    SystemReport {
        name: name.to_string(),
        mode,
        top1: top1 as f32 / n,
        top3: top3 as f32 / n,
        ece: expected_calibration_error(&all_pts, 10),
        coverage: covered as f32 / n,
        covered_accuracy: if covered > 0 {
            covered_ok as f32 / covered as f32
        } else {
            0.0
        },
        covered_ece: expected_calibration_error(&cov_pts, 10),
        offplan_macro_f1: offplan_macro_f1(out, truth),
        items_per_sec: 0.0,
        train_seconds: 0.0,
    }
}

/// Macro-F1 over the off-plan reasons present in the truth; `None` when there are none.
fn offplan_macro_f1(out: &[Inference], truth: &[&LinkTarget]) -> Option<f32> {
    let reasons: Vec<OffPlanReason> = OffPlanReason::ALL
        .into_iter()
        .filter(|r| truth.iter().any(|t| **t == LinkTarget::OffPlan(*r)))
        .collect();
    if reasons.is_empty() {
        return None;
    }
    let mut f1s = Vec::new();
    for r in reasons {
        let want = LinkTarget::OffPlan(r);
        let (mut tp, mut fp, mut fneg) = (0f32, 0f32, 0f32);
        for (inf, &t) in out.iter().zip(truth) {
            match (inf.target == want, *t == want) {
                (true, true) => tp += 1.0,
                (true, false) => fp += 1.0,
                (false, true) => fneg += 1.0,
                _ => {}
            }
        }
        let denom = 2.0 * tp + fp + fneg;
        f1s.push(if denom > 0.0 { 2.0 * tp / denom } else { 0.0 });
    }
    Some(f1s.iter().sum::<f32>() / f1s.len() as f32)
}

/// Baseline 1: TF-IDF (word uni- and bigrams, sublinear tf) cosine to the centroid of
/// each target's training items. Its confidence is an uncalibrated softmax of cosines.
fn centroid_baseline(
    items: &[WorkItem],
    train_idx: &[usize],
    test_idx: &[usize],
    truth: &[LinkTarget],
    test_truth: &[&LinkTarget],
) -> SystemReport {
    let t0 = Instant::now();
    let opts = ExtractOptions {
        body_char_ngrams: false,
    };
    let mut scratch = features::Scratch::default();
    let raw_of = |it: &WorkItem, scratch: &mut features::Scratch| {
        let doc = Doc {
            title: &it.title,
            description: &it.description,
            ..Default::default()
        };
        let mut raw = Vec::new();
        features::extract(&doc, opts, scratch, &mut raw, None);
        raw
    };
    let train_raw: Vec<_> = train_idx
        .iter()
        .map(|&i| raw_of(&items[i], &mut scratch))
        .collect();
    let vocab = Vocabulary::fit(
        train_raw.iter().map(|r| r.as_slice()),
        BlockWeights([1.0, 0.0, 0.0]),
    );
    let mut classes: Vec<&LinkTarget> = train_idx.iter().map(|&i| &truth[i]).collect();
    classes.sort();
    classes.dedup();
    let mut centroids: Vec<Vec<f32>> = vec![vec![0.0; vocab.len()]; classes.len()];
    let mut buf = Vec::new();
    let mut v = SparseVec::default();
    for (k, &i) in train_idx.iter().enumerate() {
        vocab.transform(&train_raw[k], &mut buf, &mut v);
        let c = classes.binary_search(&&truth[i]).unwrap_or(0);
        for (&f, &x) in v.idx.iter().zip(&v.val) {
            centroids[c][f as usize] += x;
        }
    }
    for c in centroids.iter_mut() {
        let n: f32 = c.iter().map(|x| x * x).sum::<f32>().sqrt();
        if n > 0.0 {
            c.iter_mut().for_each(|x| *x /= n);
        }
    }
    let train_s = t0.elapsed().as_secs_f32();
    let t1 = Instant::now();
    let out: Vec<Inference> = test_idx
        .iter()
        .map(|&i| {
            let raw = raw_of(&items[i], &mut scratch);
            vocab.transform(&raw, &mut buf, &mut v);
            let mut s: Vec<f32> = centroids
                .iter()
                .map(|c| {
                    v.idx
                        .iter()
                        .zip(&v.val)
                        .map(|(&f, &x)| c[f as usize] * x)
                        .sum()
                })
                .collect();
            softmax(&mut s, 0.05);
            let mut order: Vec<usize> = (0..s.len()).collect();
            order.sort_by(|&a, &b| s[b].total_cmp(&s[a]));
            let alternatives: Vec<(LinkTarget, f32)> = order
                .iter()
                .take(3)
                .map(|&c| (classes[c].clone(), s[c]))
                .collect();
            Inference {
                target: alternatives
                    .first()
                    .map_or(LinkTarget::Unclear, |a| a.0.clone()),
                confidence: alternatives.first().map_or(0.0, |a| a.1),
                reason: String::new(),
                alternatives,
                mode: Mode::Lexical,
                aligned: 1.0,
            }
        })
        .collect();
    let secs = t1.elapsed().as_secs_f64().max(1e-9);
    let mut r = score("tf-idf centroid", Mode::Lexical, &out, test_truth);
    r.items_per_sec = (test_idx.len() as f64 / secs) as f32;
    r.train_seconds = train_s;
    r
}
