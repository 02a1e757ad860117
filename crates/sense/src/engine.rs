//! The learned alignment model: training per database on linked items and the
//! strategy's own words, calibrated inference, explanations, and parallel batch inference.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use throughline_model::{
    ContextNote, Link, LinkOrigin, LinkTarget, NoteTarget, Strategy, Timestamp, WorkItem,
};

use crate::calibration::{Isotonic, softmax};
use crate::combine::{Combo, Fold, Shared, fit_combination};
use crate::explain;
use crate::family::Families;
use crate::features::{self, Doc, ExtractOptions, Raw};
use crate::linear::{Columns, LinearModel, SvmOptions};
use crate::offplan::{self, Strength};
use crate::prior::TimePrior;
use crate::tfidf::{BlockWeights, SparseVec, Vocabulary};
use crate::timeframe::Timeframes;
use crate::{Embedder, EngineConfig, Mode, SenseError};

/// What the engine learns from: the strategy, every work item of the database, the known
/// link of each item (explicit or corrected; `None` when unlinked) and the context notes.
#[derive(Debug, Clone, Copy)]
pub struct TrainingSet<'a> {
    strategy: &'a Strategy,
    items: &'a [WorkItem],
    labels: &'a [Option<(LinkTarget, LinkOrigin)>],
    notes: &'a [ContextNote],
}

impl<'a> TrainingSet<'a> {
    /// Checks that there is one label slot per item. Build `labels` with
    /// [`labels_from_links`] from explicit and corrected links.
    pub fn new(
        strategy: &'a Strategy,
        items: &'a [WorkItem],
        labels: &'a [Option<(LinkTarget, LinkOrigin)>],
        notes: &'a [ContextNote],
    ) -> Result<Self, SenseError> {
        if items.len() != labels.len() {
            return Err(SenseError::LabelsMismatch {
                items: items.len(),
                labels: labels.len(),
            });
        }
        Ok(TrainingSet {
            strategy,
            items,
            labels,
            notes,
        })
    }
}

/// One label slot per item from a database's links: a corrected link wins over an
/// explicit one, inferred links and `Unclear` targets are ignored (the engine never
/// learns from its own guesses). Links are matched to items by `(source, key)`.
pub fn labels_from_links(
    items: &[WorkItem],
    links: &[Link],
) -> Vec<Option<(LinkTarget, LinkOrigin)>> {
    let mut by_key: HashMap<(&str, &str), (LinkTarget, LinkOrigin)> = HashMap::new();
    for l in links {
        if l.origin == LinkOrigin::Inferred || l.target == LinkTarget::Unclear {
            continue;
        }
        let k = (l.source.as_str(), l.key.as_str());
        let replace = match by_key.get(&k) {
            None => true,
            Some((_, o)) => *o != LinkOrigin::Corrected || l.origin == LinkOrigin::Corrected,
        };
        if replace {
            by_key.insert(k, (l.target.clone(), l.origin));
        }
    }
    items
        .iter()
        .map(|i| by_key.get(&(i.source.as_str(), i.key.as_str())).cloned())
        .collect()
}

/// The engine's answer for one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inference {
    /// The answer; `Unclear` when the confidence is below the threshold.
    pub target: LinkTarget,
    /// Calibrated: among answers given with confidence 0.8, about 80% are right.
    pub confidence: f32,
    /// Short human-readable reason.
    pub reason: String,
    /// The best three candidates with their calibrated probabilities, best first,
    /// whatever the answer (also when it is `Unclear`).
    pub alternatives: Vec<(LinkTarget, f32)>,
    /// Which mode produced this.
    pub mode: Mode,
}

#[derive(Debug, Clone)]
struct ParentInfo {
    title: String,
    target: Option<String>,
}

/// Semantic part of the model (when an embedder was given).
struct Semantic {
    embedder: Arc<dyn Embedder>,
    /// Per class: normalised mean of strategy-text and linked-item embeddings.
    class_vecs: Vec<Vec<f32>>,
}

/// A model trained for one database. Cheap to share across threads.
pub struct Model {
    cfg: EngineConfig,
    classes: Vec<LinkTarget>,
    class_names: Vec<String>,
    vocab: Vocabulary,
    linear: LinearModel,
    prior: Option<TimePrior>,
    combo: Combo,
    iso: Isotonic,
    corrections: HashMap<(String, String), LinkTarget>,
    parents: HashMap<String, ParentInfo>,
    /// Compact feature -> linked items (most recent last) containing it, for "like ...".
    postings: HashMap<u32, Vec<u32>>,
    linked_keys: Vec<String>,
    linked_class: Vec<u32>,
    n_linked: usize,
    /// Per class: an off-plan reason learned only from the rules' own hits (weak
    /// labels), never from a person's link. Such a class is as sure as a word hint at
    /// most: it learned the rules' words, and the fold calibrates real links only.
    rule_taught: Vec<bool>,
    semantic: Option<Semantic>,
    families: Families,
    timeframes: Timeframes,
}

impl std::fmt::Debug for Model {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Model")
            .field("classes", &self.classes)
            .field("features", &self.vocab.len())
            .field("linked", &self.n_linked)
            .field("mode", &self.mode())
            .finish()
    }
}

/// Share of known word mass from which an item counts as fully evidenced.
const EVIDENCE_FULL: f32 = 0.5;
/// Postings kept per feature for the "like ..." explanation.
const MAX_POSTINGS: usize = 48;

fn days(t: Option<Timestamp>) -> Option<f64> {
    t.map(|t| t.timestamp() as f64 / 86_400.0)
}

/// Buffers reused across inferences on one thread.
#[derive(Default)]
pub(crate) struct Workspace {
    scratch: features::Scratch,
    raw: Vec<Raw>,
    buf: Vec<u32>,
    x: SparseVec,
    scores: Vec<f32>,
    evidence: Vec<f32>,
    before: Vec<f32>,
}

impl Model {
    /// Trains a model for one database. `embedder` enables semantic mode when
    /// `cfg.mode` is [`Mode::Semantic`].
    pub fn train(
        ts: &TrainingSet<'_>,
        cfg: &EngineConfig,
        embedder: Option<Arc<dyn Embedder>>,
    ) -> Result<Model, SenseError> {
        let opts = ExtractOptions {
            body_char_ngrams: cfg.body_char_ngrams,
        };
        // Classes: every initiative; goals when there are no initiatives; and any other
        // target people linked to (goals, off-plan reasons, unknown ids).
        let mut classes: Vec<LinkTarget> = ts
            .strategy
            .initiatives
            .iter()
            .map(|i| LinkTarget::Initiative(i.id.clone()))
            .collect();
        if classes.is_empty() {
            classes.extend(
                ts.strategy
                    .goals
                    .iter()
                    .map(|g| LinkTarget::Goal(g.id.clone())),
            );
        }
        for (t, _) in ts.labels.iter().flatten() {
            if *t != LinkTarget::Unclear && !classes.contains(t) {
                classes.push(t.clone());
            }
        }
        if classes.is_empty() {
            return Err(SenseError::NoTargets);
        }
        let mut class_names: Vec<String> = classes
            .iter()
            .map(|c| match c {
                LinkTarget::Initiative(id) => ts
                    .strategy
                    .initiative(id)
                    .map_or(id.clone(), |i| i.title.clone()),
                LinkTarget::Goal(id) => {
                    ts.strategy.goal(id).map_or(id.clone(), |g| g.title.clone())
                }
                LinkTarget::OffPlan(r) => r.label().to_string(),
                LinkTarget::Unclear => "unclear".into(),
            })
            .collect();

        // Notes by what they are attached to.
        let mut item_notes: HashMap<(&str, &str), Vec<&ContextNote>> = HashMap::new();
        let mut strat_notes: HashMap<String, Vec<&str>> = HashMap::new();
        for n in ts.notes {
            match &n.target {
                NoteTarget::Item { source, key } => item_notes
                    .entry((source.as_str(), key.as_str()))
                    .or_default()
                    .push(n),
                NoteTarget::Initiative { id } => strat_notes
                    .entry(LinkTarget::Initiative(id.clone()).to_string())
                    .or_default()
                    .push(&n.text),
                NoteTarget::Goal { id } => strat_notes
                    .entry(LinkTarget::Goal(id.clone()).to_string())
                    .or_default()
                    .push(&n.text),
            }
        }

        // Parents (only those some item points at), with their link if any.
        let referenced: std::collections::HashSet<&str> = ts
            .items
            .iter()
            .flat_map(|i| [i.parent_key.as_deref(), i.epic_key.as_deref()])
            .flatten()
            .collect();
        let mut parents = HashMap::new();
        for (i, it) in ts.items.iter().enumerate() {
            if referenced.contains(it.key.as_str()) {
                parents.insert(
                    it.key.clone(),
                    ParentInfo {
                        title: it.title.clone(),
                        target: ts.labels[i].as_ref().map(|(t, _)| t.to_string()),
                    },
                );
            }
        }

        let mut corrections = HashMap::new();
        let mut linked: Vec<usize> = Vec::new();
        for (i, l) in ts.labels.iter().enumerate() {
            if let Some((t, o)) = l {
                if *t == LinkTarget::Unclear {
                    continue;
                }
                if *o == LinkOrigin::Corrected {
                    let it = &ts.items[i];
                    corrections.insert((it.source.clone(), it.key.clone()), t.clone());
                }
                linked.push(i);
            }
        }
        // Self-training: unlinked items the off-plan rules flag become weak examples of
        // off-plan targets (only once there are linked items to contrast them with).
        let mut weak: HashMap<usize, (usize, f32)> = HashMap::new();
        if cfg.offplan_rules && cfg.offplan_self_training > 0.0 && linked.len() >= 20 {
            let mut found: Vec<(usize, LinkTarget, f32)> = Vec::new();
            for (i, it) in ts.items.iter().enumerate() {
                if ts.labels[i].is_some() || it.is_epic() {
                    continue;
                }
                let notes = item_notes
                    .get(&(it.source.as_str(), it.key.as_str()))
                    .cloned()
                    .unwrap_or_default();
                if let Some((r, trust)) = offplan::weak_label(it, &notes) {
                    found.push((i, LinkTarget::OffPlan(r), trust));
                }
            }
            // A reason needs a few examples before it is worth a target.
            let mut count: HashMap<&LinkTarget, usize> = HashMap::new();
            for (_, t, _) in &found {
                *count.entry(t).or_default() += 1;
            }
            let mut keep: Vec<LinkTarget> = count
                .iter()
                .filter(|(_, n)| **n >= 5)
                .map(|(t, _)| (*t).clone())
                .collect();
            keep.sort_by_key(|t| t.to_string());
            for t in keep {
                if !classes.contains(&t) {
                    classes.push(t.clone());
                    if let LinkTarget::OffPlan(r) = &t {
                        class_names.push(r.label().to_string());
                    }
                }
            }
            for (i, t, trust) in found {
                if let Some(c) = classes.iter().position(|c| *c == t) {
                    weak.insert(i, (c, trust * cfg.offplan_self_training));
                    linked.push(i);
                }
            }
        }
        // Oldest first: the calibration fold is the newest share, as in real use.
        linked.sort_by(|&a, &b| {
            let (ta, tb) = (days(ts.items[a].created), days(ts.items[b].created));
            match (ta, tb) {
                (Some(x), Some(y)) => x.total_cmp(&y).then(a.cmp(&b)),
                _ => a.cmp(&b),
            }
        });

        let mut ws = Workspace::default();
        let mut raws: Vec<Vec<Raw>> = Vec::with_capacity(linked.len());
        let mut unigram_buckets: Vec<Vec<u32>> = Vec::with_capacity(linked.len());
        for &i in &linked {
            let it = &ts.items[i];
            let notes = item_notes
                .get(&(it.source.as_str(), it.key.as_str()))
                .cloned()
                .unwrap_or_default();
            let doc = doc_of(it, &notes, &parents);
            let mut trace = Vec::new();
            features::extract(&doc, opts, &mut ws.scratch, &mut ws.raw, Some(&mut trace));
            raws.push(ws.raw.clone());
            let mut ub: Vec<u32> = trace.iter().map(|t| t.bucket).collect();
            ub.sort_unstable();
            ub.dedup();
            unigram_buckets.push(ub);
        }
        // The strategy's own words, one document per class.
        let strat_raws: Vec<Vec<Raw>> = classes
            .iter()
            .map(|c| {
                let text = strategy_text(ts.strategy, c, &strat_notes);
                let doc = Doc {
                    title: &text.0,
                    description: &text.1,
                    area: Some(&text.0),
                    ..Default::default()
                };
                features::extract(&doc, opts, &mut ws.scratch, &mut ws.raw, None);
                ws.raw.clone()
            })
            .collect();
        let vocab = Vocabulary::fit(
            raws.iter().chain(strat_raws.iter()).map(|r| r.as_slice()),
            BlockWeights(cfg.block_weights),
        );
        let to_vec = |r: &[Raw], ws: &mut Workspace| {
            let mut v = SparseVec::default();
            vocab.transform(r, &mut ws.buf, &mut v);
            v
        };
        let x: Vec<SparseVec> = raws.iter().map(|r| to_vec(r, &mut ws)).collect();
        let strat_x: Vec<SparseVec> = strat_raws.iter().map(|r| to_vec(r, &mut ws)).collect();
        let y: Vec<usize> = linked
            .iter()
            .map(|&i| match weak.get(&i) {
                Some(&(c, _)) => c,
                None => ts.labels[i]
                    .as_ref()
                    .and_then(|l| classes.iter().position(|c| *c == l.0))
                    .unwrap_or(0),
            })
            .collect();
        let sw: Vec<f32> = linked
            .iter()
            .map(|&i| match (ts.labels[i].as_ref(), weak.get(&i)) {
                (_, Some(&(_, w))) => w,
                (Some((_, LinkOrigin::Corrected)), _) => cfg.correction_weight.max(1.0),
                _ => 1.0,
            })
            .collect();
        let t: Vec<Option<f64>> = linked
            .iter()
            .map(|&i| {
                if cfg.use_time {
                    days(ts.items[i].created)
                } else {
                    None
                }
            })
            .collect();
        // Rare targets get a little more weight so the majority does not drown them.
        let mut sw = sw;
        if cfg.class_balance > 0.0 && !y.is_empty() {
            let mut counts = vec![0f32; classes.len()];
            for &c in &y {
                counts[c] += 1.0;
            }
            let present = counts.iter().filter(|&&c| c > 0.0).count().max(1) as f32;
            let mean = y.len() as f32 / present;
            for (w, &c) in sw.iter_mut().zip(&y) {
                *w *= (mean / counts[c]).powf(cfg.class_balance);
            }
        }
        // Recent work teaches today's vocabulary best (trackers drift).
        if cfg.recency_share > 0.0 {
            let (lo, hi) = t
                .iter()
                .flatten()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            if hi > lo {
                let scale = (hi - lo) * f64::from(cfg.recency_share);
                let floor = cfg.recency_floor.clamp(0.0, 1.0);
                for (w, ti) in sw.iter_mut().zip(&t) {
                    if let Some(ti) = ti {
                        *w *= floor + (1.0 - floor) * (-(hi - ti) / scale).exp() as f32;
                    }
                }
            }
        }
        let n_classes = classes.len();
        let svm_opts = SvmOptions {
            c: cfg.c,
            max_iter: 60,
            eps: 0.1,
        };

        // Semantic vectors, when asked for and available.
        let semantic = match (cfg.mode, embedder) {
            (Mode::Semantic, Some(e)) => {
                let strat_texts: Vec<String> = classes
                    .iter()
                    .map(|c| {
                        let (a, b) = strategy_text(ts.strategy, c, &strat_notes);
                        format!("{a}. {b}")
                    })
                    .collect();
                let refs: Vec<&str> = strat_texts.iter().map(|s| s.as_str()).collect();
                let sv = e.embed(&refs);
                let item_texts: Vec<String> =
                    linked.iter().map(|&i| embed_text(&ts.items[i])).collect();
                let refs: Vec<&str> = item_texts.iter().map(|s| s.as_str()).collect();
                let iv = e.embed(&refs);
                let class_vecs = class_vectors(&sv, &iv, &y, &sw, n_classes);
                Some((
                    Semantic {
                        embedder: e,
                        class_vecs,
                    },
                    sv,
                    iv,
                ))
            }
            _ => None,
        };
        let (semantic, sem_vectors) = match semantic {
            Some((s, sv, iv)) => (Some(s), Some((sv, iv))),
            None => (None, None),
        };

        let threads = cfg.threads.max(1);
        let have_time = t.iter().any(|t| t.is_some());
        // Areas of work (not off-plan reasons) may form versioned families.
        let area_names: Vec<Option<&str>> = classes
            .iter()
            .zip(&class_names)
            .map(|(c, n)| match c {
                LinkTarget::Initiative(_) | LinkTarget::Goal(_) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        let real_counts = |upto: usize| {
            let mut n = vec![0usize; classes.len()];
            for (k, &i) in linked.iter().enumerate().take(upto) {
                if !weak.contains_key(&i) {
                    n[y[k]] += 1;
                }
            }
            n
        };
        // Real (not rule-taught) linked items per target: all of them, and the fold's.
        let counts = real_counts(linked.len());
        let timeframes = Timeframes::new(ts.strategy, &classes, &counts, ts.items);
        let distinct = {
            let mut d = y.clone();
            d.sort_unstable();
            d.dedup();
            d.len()
        };
        let (combo, iso, tau) = if linked.is_empty() {
            // Cold start: only the strategy's words. Scores are cosines to each target's
            // text, and a "none of these" option keeps weak matches from looking
            // certain. Nothing linked means nothing to calibrate on, so these constants
            // were measured on the strategy-text-only runs of three data sets (the demo,
            // Iceberg, storypoints; lexical and semantic). They cut the calibration error
            // of five of the six (demo lexical 0.64 -> 0.14, semantic 0.60 -> 0.07; only
            // Iceberg semantic, whose "strategy" is bare component names, rose, 0.14 ->
            // 0.19), and with the demo's real strategy text they answer half the items,
            // 92% of them right, where before they answered none. Sentence similarities
            // spread wider than word cosines, hence their smaller weight.
            (
                Combo::unfitted(if semantic.is_some() { 0.25 } else { 0.0 }, 0.03, 0.03),
                Isotonic::default(),
                None,
            )
        } else if linked.len() >= 60 && distinct >= 2 {
            // The held-out fold must look like new work: its words may be unknown, so
            // the vocabulary for this stage is fitted without it.
            let n = x.len();
            let cut = n - (n / 5).max(20).min(n / 2);
            let vocab_sub = Vocabulary::fit(
                raws[..cut]
                    .iter()
                    .chain(strat_raws.iter())
                    .map(|r| r.as_slice()),
                BlockWeights(cfg.block_weights),
            );
            let mut v = SparseVec::default();
            let mut sub_vec = |r: &[Raw]| {
                vocab_sub.transform(r, &mut ws.buf, &mut v);
                v.clone()
            };
            // The fold replays the past: a target no item has served yet did not exist
            // then, so it borrows from its family only in the final model.
            let names: Vec<Option<&str>> = area_names
                .iter()
                .zip(&counts)
                .map(|(n, &k)| n.filter(|_| k > 0))
                .collect();
            let fold_counts = real_counts(cut);
            let fold = Fold {
                x: raws.iter().map(|r| sub_vec(r)).collect(),
                strat_x: strat_raws.iter().map(|r| sub_vec(r)).collect(),
                n_features: vocab_sub.len(),
                cut,
                families: Families::new(&names, &fold_counts),
                timeframes: timeframes.with_linked(&fold_counts),
            };
            let is_weak: Vec<bool> = linked.iter().map(|i| weak.contains_key(i)).collect();
            fit_combination(
                &fold,
                &Shared {
                    y: &y,
                    sw: &sw,
                    t: &t,
                    is_weak: &is_weak,
                    semantic: sem_vectors
                        .as_ref()
                        .map(|(a, b)| (a.as_slice(), b.as_slice())),
                    strat_example_weight: cfg.strategy_example_weight,
                    n_classes,
                    svm_opts,
                    threads,
                    have_time,
                },
            )
        } else {
            (
                Combo::unfitted(if semantic.is_some() { 1.0 } else { 0.0 }, 0.5, -0.5),
                Isotonic::default(),
                None,
            )
        };

        let strat_examples = strategy_examples(&strat_x);
        // With nothing linked, an SVM would learn from one document per target: its
        // biases push every score below zero and "none of these" would win everything.
        let mut linear = if linked.is_empty() {
            Columns::zeros(vocab.len(), n_classes)
        } else {
            train_svm(
                &x,
                &y,
                &sw,
                &strat_examples,
                cfg.strategy_example_weight,
                sem_vectors
                    .as_ref()
                    .map(|(s, i)| ((s.as_slice(), i.as_slice()), combo.dense_w)),
                vocab.len(),
                n_classes,
                svm_opts,
                threads,
            )
        };
        // Naive Bayes, the centroids and similarity to the strategy's text are linear in
        // the item vector: fold them into the weights so they cost nothing at inference.
        if combo.nb_w != 0.0 {
            linear.add_scaled(
                &LinearModel::naive_bayes(&x, &y, &sw, vocab.len(), n_classes),
                combo.nb_w,
            );
        }
        if combo.cent_w != 0.0 {
            linear.add_scaled(
                &LinearModel::centroids(&x, &y, vocab.len(), n_classes),
                combo.cent_w,
            );
        }
        if combo.strat_w != 0.0 {
            linear.add_scaled(&Columns::from_vectors(&strat_x, vocab.len()), combo.strat_w);
        }
        let linear = linear.freeze();
        let prior = tau.map(|tau| {
            let pts: Vec<(f64, usize, f32)> = t
                .iter()
                .zip(&y)
                .zip(&sw)
                .filter_map(|((t, &c), &w)| t.map(|t| (t, c, w)))
                .collect();
            TimePrior::fit(&pts, n_classes, tau)
        });

        let mut postings: HashMap<u32, Vec<u32>> = HashMap::new();
        for (k, ub) in unigram_buckets.iter().enumerate() {
            for &b in ub {
                if let Some(f) = vocab.index(b) {
                    let p = postings.entry(f).or_default();
                    if p.len() >= MAX_POSTINGS {
                        p.remove(0);
                    }
                    p.push(k as u32);
                }
            }
        }
        let families = Families::new(&area_names, &counts);
        // Self-training only adds off-plan classes, so a class with weak examples and
        // no real one is exactly a reason the rules taught.
        let (mut taught, mut real) = (vec![false; classes.len()], vec![false; classes.len()]);
        for (k, &i) in linked.iter().enumerate() {
            let seen = if weak.contains_key(&i) {
                &mut taught
            } else {
                &mut real
            };
            seen[y[k]] = true;
        }
        let rule_taught: Vec<bool> = taught.iter().zip(&real).map(|(t, r)| *t && !r).collect();
        Ok(Model {
            cfg: cfg.clone(),
            class_names,
            vocab,
            linear,
            prior,
            combo,
            iso,
            corrections,
            parents,
            postings,
            linked_keys: linked.iter().map(|&i| ts.items[i].key.clone()).collect(),
            linked_class: y.iter().map(|&c| c as u32).collect(),
            n_linked: linked.len() - weak.len(),
            rule_taught,
            semantic,
            families,
            timeframes,
            classes,
        })
    }

    /// The mode this model infers in.
    pub fn mode(&self) -> Mode {
        if self.semantic.is_some() {
            Mode::Semantic
        } else {
            Mode::Lexical
        }
    }

    /// The targets the model can answer with (besides `Unclear`).
    pub fn targets(&self) -> &[LinkTarget] {
        &self.classes
    }

    /// A one-line summary of what was fitted, for logs and reports.
    pub fn summary(&self) -> String {
        format!(
            "{} mode, {} targets, {} linked items, {} features; recency weight {:.2}, \
             strategy-text weight {:.2}, centroid weight {:.2}, naive Bayes weight {:.2}, semantic weight {:.2}, embedding features {:.2}, temperature {:.3}, none-of-these logit {:?}, family gap {:?}{}{}",
            self.mode().as_str(),
            self.classes.len(),
            self.n_linked,
            self.vocab.len(),
            if self.prior.is_some() {
                self.combo.prior_w
            } else {
                0.0
            },
            self.combo.strat_w,
            self.combo.cent_w,
            self.combo.nb_w,
            self.combo.sem_w,
            self.combo.dense_w,
            self.combo.temperature,
            self.combo.none_logit,
            self.combo.family_gap,
            if self.timeframes.is_empty() {
                String::new()
            } else {
                let w = self.combo.timeframe;
                format!(
                    ", timeframe inside {:.2} / outside -{:.2} / new and inside +{:.2}",
                    w.inside, w.outside, w.new_inside
                )
            },
            self.combo
                .fold_loss
                .map(|l| format!(", held-out log-loss {l:.4}"))
                .unwrap_or_default()
        )
    }

    /// Number of linked items (explicit + corrected) the model learned from.
    pub fn linked_count(&self) -> usize {
        self.n_linked
    }

    /// Infers the alignment of one item; `item_notes` are the notes attached to it.
    pub fn infer(&self, item: &WorkItem, item_notes: &[&ContextNote]) -> Inference {
        let mut ws = Workspace::default();
        let emb = self.embed_items(&[item]);
        self.infer_in(item, item_notes, emb.first().map(|v| v.as_slice()), &mut ws)
    }

    fn embed_items(&self, items: &[&WorkItem]) -> Vec<Vec<f32>> {
        match &self.semantic {
            Some(s) => {
                let texts: Vec<String> = items.iter().map(|i| embed_text(i)).collect();
                let refs: Vec<&str> = texts.iter().map(|s| s.as_str()).collect();
                s.embedder.embed(&refs)
            }
            None => Vec::new(),
        }
    }

    pub(crate) fn infer_in(
        &self,
        item: &WorkItem,
        notes: &[&ContextNote],
        emb: Option<&[f32]>,
        ws: &mut Workspace,
    ) -> Inference {
        let mode = self.mode();
        if let Some(t) = self
            .corrections
            .get(&(item.source.clone(), item.key.clone()))
        {
            return Inference {
                target: t.clone(),
                confidence: 1.0,
                reason: "corrected by a person".into(),
                alternatives: vec![(t.clone(), 1.0)],
                mode,
            };
        }
        let doc = doc_of(item, notes, &self.parents);
        let mut trace = Vec::with_capacity(ws.raw.capacity());
        features::extract(
            &doc,
            ExtractOptions {
                body_char_ngrams: self.cfg.body_char_ngrams,
            },
            &mut ws.scratch,
            &mut ws.raw,
            Some(&mut trace),
        );
        let evidence = self.vocab.transform(&ws.raw, &mut ws.buf, &mut ws.x);
        if self.combo.dense_w > 0.0
            && let Some(e) = emb
        {
            append_dense(&mut ws.x, e, self.vocab.len(), self.combo.dense_w);
        }
        let k = self.classes.len();
        ws.scores.resize(k, 0.0);
        self.linear.scores(&ws.x, &mut ws.scores);
        // What speaks for each target in this item alone (no bias, no prior).
        ws.evidence.clear();
        ws.evidence
            .extend(ws.scores.iter().zip(self.linear.bias()).map(|(s, b)| s - b));
        let t = if self.cfg.use_time {
            days(item.created)
        } else {
            None
        };
        let mut prior_delta = vec![0f32; 0];
        if let Some(p) = &self.prior {
            let before = ws.scores.clone();
            p.add_log_prior(t, self.combo.prior_w, &mut ws.scores);
            prior_delta = ws.scores.iter().zip(&before).map(|(a, b)| a - b).collect();
        }
        if let (Some(s), Some(e)) = (&self.semantic, emb) {
            for (c, v) in s.class_vecs.iter().enumerate() {
                let sim = self.combo.sem_w * dot(v, e);
                ws.scores[c] += sim;
                ws.evidence[c] += sim;
            }
        }
        if let Some(gap) = self.combo.family_gap {
            self.families
                .apply(gap, &mut ws.scores, &ws.evidence, &mut ws.before);
        }
        self.timeframes.add(t, self.combo.timeframe, &mut ws.scores);
        let mut probs = ws.scores.clone();
        if let Some(none) = self.combo.none_logit {
            probs.push(none);
        }
        softmax(&mut probs, self.combo.temperature);
        // Only the best three are ever shown: select them, then sort just those (with
        // hundreds of targets a full sort per item was a visible share of inference).
        let mut order: Vec<usize> = (0..k).collect();
        let by_prob = |a: &usize, b: &usize| probs[*b].total_cmp(&probs[*a]).then(a.cmp(b));
        if k > 3 {
            order.select_nth_unstable_by(2, by_prob);
            order.truncate(3);
        }
        order.sort_by(by_prob);
        let best = order[0];
        let raw_top = probs[best];
        // Calibration only ever saw items whose words were mostly known; an item made
        // of words no linked item used carries less evidence than its scores suggest.
        // (At cold start every item's words are mostly unknown: nothing to scale by.)
        let evidence_factor = if self.n_linked == 0 {
            1.0
        } else {
            (evidence / EVIDENCE_FULL).min(1.0)
        };
        let mut conf = (self.iso.apply(raw_top) * evidence_factor).clamp(0.0, 1.0);
        let rule_taught = self.rule_taught[best];
        if rule_taught {
            conf = conf.min(Strength::Text.confidence());
        }
        let scale = if raw_top > 0.0 { conf / raw_top } else { 0.0 };
        let alternatives: Vec<(LinkTarget, f32)> = order
            .iter()
            .take(3)
            .map(|&c| (self.classes[c].clone(), (probs[c] * scale).min(1.0)))
            .collect();

        // Why: the words that pushed the winning target up, and linked items sharing them.
        // (group, contribution, feature, trace index), merged per word.
        let mut contrib: Vec<(u32, f32, u32, usize)> = Vec::with_capacity(trace.len());
        for (ti, tr) in trace.iter().enumerate() {
            if let Some(f) = self.vocab.index(tr.bucket)
                && let Ok(pos) = ws.x.idx.binary_search(&f)
            {
                let w = self.linear.weight(f, best) * ws.x.val[pos];
                contrib.push((tr.group, w, f, ti));
            }
        }
        contrib.sort_unstable_by_key(|c| c.0);
        let mut words: Vec<(f32, u32, usize)> = Vec::new();
        let mut g = 0;
        while g < contrib.len() {
            let mut h = g;
            let mut total = 0.0;
            // A repeated word counts once per distinct feature (values are already
            // sublinear in its frequency).
            let mut seen: [u32; 4] = [u32::MAX; 4];
            while h < contrib.len() && contrib[h].0 == contrib[g].0 {
                if !seen.contains(&contrib[h].2) {
                    total += contrib[h].1;
                    if let Some(slot) = seen.iter_mut().find(|s| **s == u32::MAX) {
                        *slot = contrib[h].2;
                    }
                }
                h += 1;
            }
            // Either feature of the word serves to find linked items sharing it.
            let (_, _, f, ti) = contrib[h - 1];
            if total > 0.02 {
                words.push((total, f, ti));
            }
            g = h;
        }
        words.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
        let mut word_list: Vec<String> = Vec::with_capacity(3);
        let mut word_feats: Vec<u32> = Vec::with_capacity(3);
        for (_, f, ti) in &words {
            let w = trace[*ti].display();
            if explain::showable(&w) && !word_list.contains(&w) {
                word_list.push(w);
                word_feats.push(*f);
                if word_list.len() == 3 {
                    break;
                }
            }
        }
        let similar = self.similar(best, &word_feats);
        let recency = prior_delta.len() == k && {
            let mean = prior_delta.iter().sum::<f32>() / k as f32;
            prior_delta[best] - mean > 1.0
        };
        let target_text = explain::describe(&self.classes[best], &self.class_names[best]);
        let taught = if rule_taught {
            "; a reason learned from the off-plan rules' hits on other items, not from people's links"
        } else {
            ""
        };
        let cold = if self.n_linked == 0 {
            " (cold start: strategy text only)"
        } else {
            ""
        };

        // Off-plan rules, then the threshold.
        let aligned = matches!(
            self.classes[best],
            LinkTarget::Initiative(_) | LinkTarget::Goal(_)
        );
        // Text hints are only looked at when they could matter (they are the slow part).
        let signal = if self.cfg.offplan_rules {
            offplan::classify_strong(item, notes).or_else(|| {
                if conf < self.cfg.unclear_below || !aligned {
                    offplan::classify_text(item)
                } else {
                    None
                }
            })
        } else {
            None
        };
        // Two targets about as likely as each other: a conflict, not an answer.
        let torn = k > 1 && probs[order[1]] >= self.cfg.torn_ratio * probs[best];
        let mut link_reason =
            explain::link_reason(&word_list, &target_text, &similar, recency, conf);
        if self.combo.family_gap.is_some()
            && let Some(l) = self.families.lender(best, &ws.before)
        {
            link_reason.push_str(&format!(
                "; new, so scored like its sibling {}",
                explain::describe(&self.classes[l], &self.class_names[l])
            ));
        }
        if let Some(when) = self.timeframe_reason(best, t) {
            link_reason.push_str(&when);
        }
        // A label or note on the item outranks a reason only the rules' words taught.
        let overruled = |s: &offplan::OffPlanSignal| {
            rule_taught
                && s.strength >= Strength::Label
                && self.classes[best] != LinkTarget::OffPlan(s.reason)
        };
        let (target, confidence, reason) = match signal {
            Some(s) if !aligned && conf >= self.cfg.unclear_below && !overruled(&s) => {
                // The learned model (from corrections, or from the rules' own hits)
                // already says off plan. A label or note on the item itself can make a
                // rule-taught answer as sure as that rule is.
                let conf = match &self.classes[best] {
                    LinkTarget::OffPlan(r) if rule_taught && *r == s.reason => {
                        conf.max(s.strength.confidence())
                    }
                    _ => conf,
                };
                (
                    self.classes[best].clone(),
                    conf,
                    format!("{link_reason}; {}{taught}", s.evidence),
                )
            }
            Some(s) if s.strength >= Strength::Label => {
                if aligned && conf >= self.cfg.conflict_above {
                    (
                        LinkTarget::Unclear,
                        conf.min(s.strength.confidence()),
                        format!(
                            "signals conflict: {link_reason}, but {} → {}",
                            s.evidence,
                            s.reason.label()
                        ),
                    )
                } else {
                    let c = s.strength.confidence();
                    (
                        LinkTarget::OffPlan(s.reason),
                        c,
                        format!("{} → {}; confidence {c:.2}", s.evidence, s.reason.label()),
                    )
                }
            }
            Some(s) if conf < self.cfg.unclear_below => {
                let c = s.strength.confidence();
                let target = if c >= self.cfg.unclear_below {
                    LinkTarget::OffPlan(s.reason)
                } else {
                    LinkTarget::Unclear
                };
                let lead = if target == LinkTarget::Unclear {
                    "unclear: maybe off plan, "
                } else {
                    "no initiative fits well; "
                };
                (
                    target,
                    c,
                    format!(
                        "{lead}{} → {}; confidence {c:.2}",
                        s.evidence,
                        s.reason.label()
                    ),
                )
            }
            _ if torn => (
                LinkTarget::Unclear,
                conf,
                format!(
                    "unclear: torn between {target_text} and {}; {link_reason}",
                    explain::describe(&self.classes[order[1]], &self.class_names[order[1]])
                ),
            ),
            _ if conf < self.cfg.unclear_below => (
                LinkTarget::Unclear,
                conf,
                format!("unclear: best guess {target_text}{cold}, {link_reason}"),
            ),
            _ => (
                self.classes[best].clone(),
                conf,
                format!("{link_reason}{cold}{taught}"),
            ),
        };
        Inference {
            target,
            confidence,
            reason,
            alternatives,
            mode,
        }
    }

    /// "; its timeframe, from ... to ..., covers ..." when target `c`'s timeframe raised
    /// its score for an item created on day `t`.
    fn timeframe_reason(&self, c: usize, t: Option<f64>) -> Option<String> {
        if self.timeframes.term(c, t?, self.combo.timeframe) <= 0.0 {
            return None;
        }
        let span = self.timeframes.describe(c)?;
        Some(format!(
            "; its timeframe, {span}, covers when this item was created"
        ))
    }

    /// Up to two linked items of `class` sharing the most of the deciding features.
    fn similar(&self, class: usize, feats: &[u32]) -> Vec<String> {
        let mut hits: HashMap<u32, u32> = HashMap::new();
        for f in feats {
            if let Some(p) = self.postings.get(f) {
                for &k in p {
                    if self.linked_class[k as usize] as usize == class {
                        *hits.entry(k).or_default() += 1;
                    }
                }
            }
        }
        let mut v: Vec<(u32, u32)> = hits.into_iter().collect();
        // Most shared first, then most recent.
        v.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        v.iter()
            .take(2)
            .map(|(k, _)| self.linked_keys[*k as usize].clone())
            .collect()
    }
}

/// Infers every item in `which` (indices into `items`) on all configured threads.
/// `notes` are all context notes (the ones attached to each item are picked out);
/// `progress` is called with the number of items done so far, now and then.
pub fn infer_all(
    model: &Model,
    items: &[WorkItem],
    which: &[usize],
    notes: &[ContextNote],
    progress: &(dyn Fn(usize) + Sync),
) -> Vec<Inference> {
    let mut by_item: HashMap<(&str, &str), Vec<&ContextNote>> = HashMap::new();
    for n in notes {
        if let NoteTarget::Item { source, key } = &n.target {
            by_item.entry((source, key)).or_default().push(n);
        }
    }
    let which: Vec<usize> = which.iter().copied().filter(|&i| i < items.len()).collect();
    let threads = model.cfg.threads.max(1);
    let chunk = 512;
    let done = AtomicUsize::new(0);
    let next = AtomicUsize::new(0);
    let n_chunks = which.len().div_ceil(chunk);
    let mut results: Vec<Option<Vec<Inference>>> = (0..n_chunks).map(|_| None).collect();
    let collected: Vec<Vec<(usize, Vec<Inference>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (which, by_item, done, next) = (&which, &by_item, &done, &next);
                s.spawn(move || {
                    let mut ws = Workspace::default();
                    let mut out = Vec::new();
                    loop {
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        if c >= n_chunks {
                            break;
                        }
                        let idx = &which[c * chunk..((c + 1) * chunk).min(which.len())];
                        let batch: Vec<&WorkItem> = idx.iter().map(|&i| &items[i]).collect();
                        let embs = model.embed_items(&batch);
                        let res: Vec<Inference> = batch
                            .iter()
                            .enumerate()
                            .map(|(j, it)| {
                                let n = by_item
                                    .get(&(it.source.as_str(), it.key.as_str()))
                                    .map(|v| v.as_slice())
                                    .unwrap_or(&[]);
                                model.infer_in(it, n, embs.get(j).map(|v| v.as_slice()), &mut ws)
                            })
                            .collect();
                        let d = done.fetch_add(res.len(), Ordering::Relaxed) + res.len();
                        progress(d);
                        out.push((c, res));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (c, r) in collected.into_iter().flatten() {
        results[c] = Some(r);
    }
    results.into_iter().flatten().flatten().collect()
}

fn doc_of<'a>(
    it: &'a WorkItem,
    notes: &[&'a ContextNote],
    parents: &'a HashMap<String, ParentInfo>,
) -> Doc<'a> {
    let parent = it
        .parent_key
        .as_deref()
        .or(it.epic_key.as_deref())
        .and_then(|k| parents.get(k));
    Doc {
        title: &it.title,
        description: &it.description,
        labels: &it.labels,
        components: &it.components,
        item_type: it.item_type.as_deref(),
        team: it.team.as_deref(),
        parent_title: parent.map(|p| p.title.as_str()),
        parent_target: parent.and_then(|p| p.target.as_deref()),
        epic: it.epic_key.as_deref(),
        project: it.project.as_deref(),
        notes: notes.iter().map(|n| n.text.as_str()).collect(),
        area: None,
    }
}

/// Title-ish and body-ish text describing a target in the strategy's own words.
fn strategy_text(
    s: &Strategy,
    c: &LinkTarget,
    notes: &HashMap<String, Vec<&str>>,
) -> (String, String) {
    let mut body = String::new();
    let title = match c {
        LinkTarget::Initiative(id) => match s.initiative(id) {
            Some(i) => {
                body.push_str(&i.description);
                for g in &i.goals {
                    if let Some(g) = s.goal(g) {
                        body.push_str(&format!(". {}", g.title));
                    }
                }
                i.title.clone()
            }
            None => id.clone(),
        },
        LinkTarget::Goal(id) => match s.goal(id) {
            Some(g) => {
                body.push_str(&g.description);
                for m in s.metrics_of(id) {
                    body.push_str(&format!(". {}", m.name));
                }
                g.title.clone()
            }
            None => id.clone(),
        },
        LinkTarget::OffPlan(r) => r.label().to_string(),
        LinkTarget::Unclear => String::new(),
    };
    if let Some(ns) = notes.get(&c.to_string()) {
        for n in ns {
            body.push_str(". ");
            body.push_str(n);
        }
    }
    (title, body)
}

/// The text an embedder sees: the title and the opening of the description as prose (a
/// sentence model reads meaning from the first words; the rest costs time, not
/// accuracy). Names in trailers are left out, as the lexical features leave them out.
fn embed_text(it: &WorkItem) -> String {
    format!(
        "{}. {}",
        it.title,
        features::description_prose(&it.description, 300)
    )
}

/// Strategy-text and linked-item embeddings, in class and linked order.
pub(crate) type SemVectors<'a> = (&'a [Vec<f32>], &'a [Vec<f32>]);

/// Per target: the normalised weighted mean of its strategy-text embedding (counted as
/// three linked items) and its linked items' embeddings.
pub(crate) fn class_vectors(
    strat: &[Vec<f32>],
    items: &[Vec<f32>],
    y: &[usize],
    sw: &[f32],
    n_classes: usize,
) -> Vec<Vec<f32>> {
    let dim = strat
        .iter()
        .chain(items)
        .map(|v| v.len())
        .max()
        .unwrap_or(0);
    let mut class_vecs = vec![vec![0f32; dim]; n_classes];
    for (c, v) in strat.iter().enumerate().take(n_classes) {
        add_scaled(&mut class_vecs[c], v, 3.0);
    }
    for ((v, &c), &w) in items.iter().zip(y).zip(sw) {
        add_scaled(&mut class_vecs[c], v, w);
    }
    class_vecs.iter_mut().for_each(|v| normalise(v));
    class_vecs
}

/// Sentence-embedding scales tried for the SVM's dense block (semantic mode), fitted on
/// the held-out fold like every other weight. Concatenating a sentence embedding to
/// TF-IDF features lets the SVM use meaning where words differ, while the words keep
/// deciding where they are specific.
pub(crate) const DENSE_GRID: [f32; 4] = [0.0, 0.25, 0.5, 1.0];

/// Appends the dense vector `e`, scaled by `w`, as features `base..base + e.len()`
/// (after every sparse feature, so the indices stay sorted).
pub(crate) fn append_dense(v: &mut SparseVec, e: &[f32], base: usize, w: f32) {
    for (d, &x) in e.iter().enumerate() {
        v.idx.push((base + d) as u32);
        v.val.push(w * x);
    }
}

/// Trains the one-vs-rest SVM on the linked items and the weighted strategy examples;
/// with `dense = Some(((strategy vectors, item vectors), w))` and `w > 0`, each example's
/// sentence embedding is appended as a dense block after the `n_features` sparse ones.
#[allow(clippy::too_many_arguments)]
pub(crate) fn train_svm(
    x: &[SparseVec],
    y: &[usize],
    sw: &[f32],
    strat_examples: &[(SparseVec, usize)],
    strat_example_weight: f32,
    dense: Option<(SemVectors<'_>, f32)>,
    n_features: usize,
    n_classes: usize,
    svm_opts: SvmOptions,
    threads: usize,
) -> Columns {
    let (mut xa, ya, swa) = with_examples(x, y, sw, strat_examples, strat_example_weight);
    let mut width = n_features;
    if let Some(((sv, iv), w)) = dense.filter(|d| d.1 > 0.0) {
        let n = x.len();
        for (k, v) in xa.iter_mut().enumerate() {
            // Items first, then the strategy examples (as `with_examples` orders them).
            let e = if k < n {
                &iv[k]
            } else {
                &sv[strat_examples[k - n].1]
            };
            append_dense(v, e, n_features, w);
        }
        width += sv.first().map_or(0, Vec::len);
    }
    LinearModel::train(&xa, &ya, &swa, width, n_classes, svm_opts, threads)
}

/// The strategy's own words as one more (weighted) example of each target that has
/// any, so a new initiative nobody linked to yet can still win on its words.
pub(crate) fn strategy_examples(strat_x: &[SparseVec]) -> Vec<(SparseVec, usize)> {
    strat_x
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.idx.is_empty())
        .map(|(c, v)| (v.clone(), c))
        .collect()
}

/// The training data plus extra weighted examples (when the weight is positive).
fn with_examples(
    x: &[SparseVec],
    y: &[usize],
    sw: &[f32],
    extra: &[(SparseVec, usize)],
    weight: f32,
) -> (Vec<SparseVec>, Vec<usize>, Vec<f32>) {
    let mut xa = x.to_vec();
    let mut ya = y.to_vec();
    let mut swa = sw.to_vec();
    if weight > 0.0 {
        for (v, c) in extra {
            xa.push(v.clone());
            ya.push(*c);
            swa.push(weight);
        }
    }
    (xa, ya, swa)
}

pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn add_scaled(acc: &mut [f32], v: &[f32], w: f32) {
    for (a, b) in acc.iter_mut().zip(v) {
        *a += w * b;
    }
}

fn normalise(v: &mut [f32]) {
    let n = dot(v, v).sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_svm_learns_from_an_appended_embedding_when_words_say_nothing() {
        // Every item has the same single word; only the embedding tells the classes apart.
        let word = SparseVec {
            idx: vec![0],
            val: vec![1.0],
        };
        let x = vec![word.clone(); 40];
        let y: Vec<usize> = (0..40).map(|i| i % 2).collect();
        let iv: Vec<Vec<f32>> = y
            .iter()
            .map(|&c| {
                if c == 0 {
                    vec![1.0, 0.0]
                } else {
                    vec![0.0, 1.0]
                }
            })
            .collect();
        let sv = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let opts = SvmOptions {
            c: 0.5,
            max_iter: 60,
            eps: 0.1,
        };
        let train = |w: f32| {
            train_svm(
                &x,
                &y,
                &[1.0; 40],
                &[],
                0.0,
                Some(((&sv, &iv), w)),
                1,
                2,
                opts,
                1,
            )
            .freeze()
        };
        let score = |m: &LinearModel, e: &[f32]| {
            let mut v = word.clone();
            append_dense(&mut v, e, 1, 1.0);
            let mut out = [0f32; 2];
            m.scores(&v, &mut out);
            out
        };
        let with = train(1.0);
        let a = score(&with, &[1.0, 0.0]);
        let b = score(&with, &[0.0, 1.0]);
        assert!(a[0] > a[1] && b[1] > b[0], "{a:?} {b:?}");
        // Weight 0 leaves the dense block out of training: both look alike.
        let without = train(0.0);
        let mut plain = [0f32; 2];
        without.scores(&word, &mut plain);
        assert!((plain[0] - plain[1]).abs() < 0.2, "{plain:?}");
    }
}
