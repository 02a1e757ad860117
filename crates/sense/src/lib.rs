//! Throughline's sense-making engine: explicit alignment, inferred links, off-plan reasons, calibration and evaluation. Pure logic, no I/O.
//!
//! The engine is a sense-maker, not a judge: every inferred link carries a calibrated
//! confidence and a short reason, and below a threshold the answer is
//! [`throughline_model::LinkTarget::Unclear`]. People's corrections override inference and train the next
//! model.
//!
//! How an inference is made ([`Model::train`] once per database, then [`infer_all`]):
//! 1. features (`features.rs`): hashed word uni/bigrams (title words twice), character
//!    3..5-grams of titles and identifier-like tokens, tracker facts (labels,
//!    components, type, team, the parent's title and link) and the scopes authors open
//!    lines with (`Spark 3.5: ...`, `feat(api): ...`, `[Search] ...`), which match a
//!    target of the same name; never the assignee;
//! 2. TF-IDF with sublinear tf and per-block L2 norms (`tfidf.rs`); unknown words count
//!    in the norm so an item of unfamiliar words carries little evidence;
//! 3. one-vs-rest linear SVMs by dual coordinate descent (`linear.rs`) trained on the
//!    explicit and corrected links (corrections weigh more; each target's strategy text
//!    is one more example; unlinked items the off-plan rules flag are weak examples of
//!    `OffPlan(reason)` targets, so "none of these initiatives" is learned in the
//!    organisation's own words), plus similarity to the strategy's text, class centroids and a
//!    recency prior over creation dates (`prior.rs`), all folded into one linear scorer
//!    (built as sparse per-target columns, stored dense only when small, so hundreds of
//!    targets over a large vocabulary fit in memory);
//!    in semantic mode (an [`Embedder`] given) each item's sentence embedding is
//!    appended to its features as a dense block, and its similarity to each target's
//!    mean embedding is one more score;
//! 4. a new member of a versioned family of targets (`spark 4.1` beside `spark 4.0`
//!    and `spark`, with few or no linked items) borrows its best sibling's score less a
//!    gap (`family.rs`);
//! 5. the mix of those sources (the embedding block's scale too), the family gap, a
//!    softmax temperature and an isotonic map of the top probability are fitted on the
//!    newest 20% of linked items
//!    (`calibration.rs`);
//! 6. off-plan rules from notes, labels, type and words (`offplan.rs`), conflict and
//!    threshold checks (`Unclear`), and a reason naming the deciding words and similar
//!    linked items (`explain.rs`).
//!
//! The evaluation harness is [`eval::evaluate`].
//!
//! Typical use (the CLI passes data in; this crate does no I/O):
//! ```
//! use throughline_model::{Initiative, Strategy, WorkItem};
//! use throughline_sense::{EngineConfig, Model, TrainingSet, infer_all};
//!
//! let strategy = Strategy {
//!     initiatives: vec![Initiative {
//!         id: "checkout".into(),
//!         goals: vec!["g1".into()],
//!         title: "Checkout redesign".into(),
//!         description: "A faster checkout and payment page".into(),
//!         ..Default::default()
//!     }],
//!     ..Default::default()
//! };
//! let items = vec![WorkItem { key: "A-1".into(), title: "New payment page for checkout".into(), ..Default::default() }];
//! let labels = vec![None; items.len()];
//! let ts = TrainingSet::new(&strategy, &items, &labels, &[]).unwrap();
//! let model = Model::train(&ts, &EngineConfig::default(), None).unwrap();
//! let out = infer_all(&model, &items, &[0], &[], &|_| {});
//! assert_eq!(out.len(), 1);
//! ```

mod calibration;
mod combine;
mod engine;
pub mod eval;
mod explain;
pub mod explicit;
mod family;
mod features;
mod linear;
mod neighbours;
pub mod offplan;
mod parallel;
mod prior;
mod selected;
mod tfidf;
mod timeframe;

pub use calibration::expected_calibration_error;
pub use engine::{Inference, Model, TrainingSet, infer_all, labels_by_index, labels_from_links};
pub use timeframe::epics_life;

use serde::{Deserialize, Serialize};

/// Which kind of similarity the engine ran with; reported with every inference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Sparse word and character features only (always available).
    Lexical,
    /// Lexical features plus sentence embeddings from an [`Embedder`].
    Semantic,
}

impl Mode {
    /// Stable machine name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Lexical => "lexical",
            Mode::Semantic => "semantic",
        }
    }
}

/// Settings of the engine. The defaults are the tuned values; see the field docs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineConfig {
    /// Below this calibrated confidence the answer is [`throughline_model::LinkTarget::Unclear`].
    pub unclear_below: f32,
    /// Requested mode; `Semantic` needs an embedder and falls back to `Lexical` (and says
    /// so in [`Inference::mode`]) without one.
    pub mode: Mode,
    /// Weight of a corrected link relative to an explicit one in training (>= 1).
    pub correction_weight: f32,
    /// Inverse regularisation strength of the linear model.
    pub c: f32,
    /// When the runner-up is at least this fraction as likely as the best target, the
    /// signals conflict and the answer is `Unclear` ("torn between ...").
    pub torn_ratio: f32,
    /// Use the rule-based off-plan classifier ([`offplan::classify`]).
    pub offplan_rules: bool,
    /// A note or label saying "off plan" while the text matches an initiative with at
    /// least this confidence is a conflict, answered with `Unclear`. Below it the person's
    /// words win.
    pub conflict_above: f32,
    /// Character n-grams of identifier-like tokens in descriptions (not only titles).
    pub body_char_ngrams: bool,
    /// Use item creation times (recency prior) when they exist.
    pub use_time: bool,
    /// Weight of each target's strategy text as one training example of that target
    /// (lets a new initiative with no linked items win on its own words); 0 turns it off.
    pub strategy_example_weight: f32,
    /// Exponent of inverse-frequency weighting of targets in training (0 = none,
    /// 1 = fully balanced).
    pub class_balance: f32,
    /// Relative weights of the word, character n-gram and tracker-fact feature blocks.
    pub block_weights: [f32; 3],
    /// Weigh recent linked items more in training: an item `d` days older than the
    /// newest one weighs `floor + (1 - floor) * exp(-d / (share * span))`; 0 turns it off.
    pub recency_share: f32,
    /// The floor of the recency weighting above.
    pub recency_floor: f32,
    /// Self-training of off-plan reasons: unlinked items the off-plan rules flag
    /// ([`offplan::weak_label`]) become weighted examples of `OffPlan(reason)` targets,
    /// so the linear model learns the organisation's own off-plan vocabulary and can say
    /// "none of these initiatives" for items no rule fires on. This is the weight of the
    /// most trusted weak label relative to an explicit link; 0 turns it off. Only used
    /// with `offplan_rules`.
    #[serde(default = "default_offplan_self_training")]
    pub offplan_self_training: f32,
    /// Threads for training and `infer_all`.
    pub threads: usize,
    /// At most this many linked items are learned from (and a quarter as many of the
    /// off-plan rules' weak examples): the newest ones, plus every correction and the
    /// newest few of each target the cut would leave short. Past a
    /// few ten thousand examples a linear model learns little more, while training time
    /// grows with them (500,000 linked items took 80 s to learn from, for no gain in
    /// accuracy the data could show); and the newest work speaks today's vocabulary.
    #[serde(default = "default_max_examples")]
    pub max_examples: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            unclear_below: 0.4,
            mode: Mode::Lexical,
            correction_weight: 2.0,
            c: 0.5,
            offplan_rules: true,
            torn_ratio: 0.4,
            conflict_above: 0.9,
            body_char_ngrams: true,
            use_time: true,
            block_weights: [1.0, 0.5, 0.6],
            strategy_example_weight: 1.0,
            class_balance: 0.5,
            recency_share: 0.0,
            recency_floor: 0.3,
            offplan_self_training: default_offplan_self_training(),
            threads: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            max_examples: default_max_examples(),
        }
    }
}

fn default_offplan_self_training() -> f32 {
    0.5
}

fn default_max_examples() -> usize {
    60_000
}

/// Errors of the engine.
#[derive(Debug, thiserror::Error)]
pub enum SenseError {
    /// The labels slice does not line up with the items.
    #[error("{labels} labels given for {items} items; pass one Option per item")]
    LabelsMismatch {
        /// Number of items.
        items: usize,
        /// Number of labels.
        labels: usize,
    },
    /// There is nothing to align to: no initiatives, goals or labelled targets.
    #[error("nothing to align to: the strategy has no initiatives or goals and no item is linked")]
    NoTargets,
    /// An evaluation could not be run.
    #[error("evaluation: {0}")]
    Eval(String),
}

/// A sentence embedding model, implemented outside this crate (e.g. `throughline-embed`)
/// so that the engine stays pure and light.
pub trait Embedder: Send + Sync {
    /// One vector per text, L2-normalised, all of the same length.
    fn embed(&self, texts: &[&str]) -> Vec<Vec<f32>>;
    /// Model name, for reports.
    fn name(&self) -> &str;
}
