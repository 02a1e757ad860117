//! The learned alignment model: trained per database on linked items and the strategy's
//! own words (`train.rs`), it scores an item (`infer.rs`) and decides and explains its
//! answer (`reason.rs`). `text.rs` says what the engine reads, `learners.rs` holds the
//! scorers' building blocks. [`infer_all`] runs inference on every core.

mod infer;
pub(crate) mod learners;
mod reason;
mod text;
mod train;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};
use throughline_model::{
    ContextNote, Link, LinkOrigin, LinkTarget, NoteTarget, Strategy, Timestamp, WorkItem,
};

use crate::calibration::Isotonic;
use crate::combine::Combo;
use crate::family::Families;
use crate::features::{self, Raw};
use crate::linear::LinearModel;
use crate::prior::TimePrior;
use crate::tfidf::{SparseVec, Vocabulary};
use crate::timeframe::Timeframes;
use crate::{Embedder, EngineConfig, Mode, SenseError};
use text::embed_text;

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
    let index: HashMap<(&str, &str), usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| ((it.source.as_str(), it.key.as_str()), i))
        .collect();
    labels_by_index(
        items.len(),
        links.iter().filter_map(|l| {
            let i = *index.get(&(l.source.as_str(), l.key.as_str()))?;
            Some((i, &l.target, l.origin))
        }),
    )
}

/// [`labels_from_links`] for links already matched to their item's index in a list of
/// `n` items, as a store's rows are: no key strings to copy or hash, which on a million
/// links took four seconds of every import.
pub fn labels_by_index<'a>(
    n: usize,
    links: impl IntoIterator<Item = (usize, &'a LinkTarget, LinkOrigin)>,
) -> Vec<Option<(LinkTarget, LinkOrigin)>> {
    let mut labels: Vec<Option<(LinkTarget, LinkOrigin)>> = vec![None; n];
    for (i, target, origin) in links {
        if i < n && teaches(labels[i].as_ref(), target, origin) {
            labels[i] = Some((target.clone(), origin));
        }
    }
    labels
}

/// Whether a link becomes the item's label over the one it has so far: only a person's
/// or the tracker's word teaches, and a correction is never displaced by an explicit link.
fn teaches(
    so_far: Option<&(LinkTarget, LinkOrigin)>,
    target: &LinkTarget,
    origin: LinkOrigin,
) -> bool {
    if origin == LinkOrigin::Inferred || *target == LinkTarget::Unclear {
        return false;
    }
    match so_far {
        None => true,
        Some((_, o)) => *o != LinkOrigin::Corrected || origin == LinkOrigin::Corrected,
    }
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
    /// The probability that the item serves some goal (through any initiative, or a
    /// goal directly), whatever the answer: an item torn between two initiatives is
    /// unclear, yet almost surely aligned. Reports add these up into the expected
    /// aligned share.
    #[serde(default)]
    pub aligned: f32,
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
    /// The newest linked items' embeddings, for the nearest ones' targets.
    neighbours: crate::neighbours::Neighbours,
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
    /// The aligned mass to the chance of serving a goal (see `combine::aligned_map`).
    aligned_iso: Option<Isotonic>,
    corrections: HashMap<(String, String), LinkTarget>,
    parents: HashMap<String, ParentInfo>,
    /// Compact feature -> linked items (most recent last) containing it, for "like ...".
    postings: HashMap<u32, Vec<u32>>,
    linked_keys: Vec<String>,
    linked_class: Vec<u32>,
    n_linked: usize,
    /// Linked items in the database; more than `n_linked` when only the newest were
    /// learned from (`EngineConfig::max_examples`).
    linked_total: usize,
    /// Per class: an off-plan reason learned only from the rules' own hits (weak
    /// labels), never from a person's link. Such a class is as sure as a word hint at
    /// most: it learned the rules' words, and the fold calibrates real links only.
    rule_taught: Vec<bool>,
    /// Per class: the mean lift of the rules that taught it (1 for other classes). A
    /// reason whose rules fire on planned work about as often as on the rest is mostly
    /// planned work the rules' words also fit.
    rule_lift: Vec<f32>,
    /// Per class: the goals an initiative serves (empty for other targets).
    class_goals: Vec<Vec<String>>,
    /// Which areas the strategy leaves out.
    areas: crate::selected::Areas,
    /// How much each off-plan rule says about this organisation's work.
    lift: crate::offplan::RuleLift,
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
    /// Semantic mode: the item's nearest linked items (index, target), nearest first.
    near: Vec<(u32, u32)>,
}

impl Model {
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
        let off_or = |v: Option<f32>| v.map_or("off".to_string(), |v| format!("{v:.2}"));
        format!(
            "{} mode, {} targets, {}, {} features; recency weight {:.2}, \
             strategy-text weight {:.2}, centroid weight {:.2}, naive Bayes weight {:.2}, semantic weight {:.2}, embedding features {:.2}, neighbours weight {:.2}, temperature {:.3}, none-of-these logit {}, family gap {}{}{}",
            self.mode().as_str(),
            self.classes.len(),
            if self.n_linked < self.linked_total {
                format!(
                    "learned from the newest {} of {} linked items",
                    self.n_linked, self.linked_total
                )
            } else {
                format!("{} linked items", self.n_linked)
            },
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
            self.combo.knn_w,
            self.combo.temperature,
            off_or(self.combo.none_logit),
            off_or(self.combo.family_gap),
            if self.timeframes.is_empty() {
                String::new()
            } else {
                let w = self.combo.timeframe;
                format!(
                    ", timeframe inside {:+.2} / outside {:+.2} / new and inside {:+.2}",
                    // `+ 0.0` writes an unused penalty as +0.00, not -0.00.
                    w.inside,
                    -w.outside + 0.0,
                    w.new_inside
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
        let near = self.nearest(&emb);
        self.infer_in(
            item,
            item_notes,
            emb.first().map(|v| v.as_slice()),
            near.first().map(|v| v.as_slice()),
            &mut ws,
        )
    }

    /// Semantic mode: the nearest linked items of each embedded item, for the
    /// neighbours' score (empty when it has no weight).
    fn nearest(&self, embs: &[Vec<f32>]) -> Vec<Vec<(f32, u32)>> {
        match &self.semantic {
            Some(s) if self.combo.knn_w > 0.0 && !s.neighbours.is_empty() => {
                let refs: Vec<&[f32]> = embs.iter().map(Vec::as_slice).collect();
                s.neighbours.nearest(&refs)
            }
            _ => Vec::new(),
        }
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
    // Chunks of items, so that a batch of texts goes to the embedder at once.
    let chunk = 512;
    let done = AtomicUsize::new(0);
    crate::parallel::work_queue(
        which.len().div_ceil(chunk),
        model.cfg.threads,
        Workspace::default,
        |ws, c| {
            let idx = &which[c * chunk..((c + 1) * chunk).min(which.len())];
            let batch: Vec<&WorkItem> = idx.iter().map(|&i| &items[i]).collect();
            let embs = model.embed_items(&batch);
            let near = model.nearest(&embs);
            let res: Vec<Inference> = batch
                .iter()
                .enumerate()
                .map(|(j, it)| {
                    let n = by_item
                        .get(&(it.source.as_str(), it.key.as_str()))
                        .map(|v| v.as_slice())
                        .unwrap_or(&[]);
                    let emb = embs.get(j).map(|v| v.as_slice());
                    model.infer_in(it, n, emb, near.get(j).map(|v| v.as_slice()), ws)
                })
                .collect();
            progress(done.fetch_add(res.len(), Ordering::Relaxed) + res.len());
            res
        },
    )
    .into_iter()
    .flatten()
    .collect()
}
