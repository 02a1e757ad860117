//! Fitting how the score sources are combined: the SVM, class centroids, naive Bayes,
//! the strategy's own words, the recency prior, semantic similarity and nearest
//! neighbours, versioned families and the softmax temperature.
//!
//! Every weight is chosen on a held-out fold that replays real use: models trained on
//! the older linked items score the newest fifth, and the weights that minimise the
//! held-out log-loss win. (Fitting on two folds, the newest fifth and the one before,
//! was tried: older periods favour other settings, and Iceberg lost 1.1 points of
//! top-3. The newest work is the best guide to the next.)

use serde::{Deserialize, Serialize};

use crate::calibration::{Isotonic, fit_temperature, softmax};
use crate::engine::learners::{
    DENSE_GRID, SemVectors, append_dense, class_vectors, dot, strategy_examples, train_svm,
};
use crate::family::Families;
use crate::linear::{LinearModel, SvmOptions};
use crate::neighbours::Neighbours;
use crate::parallel::{map_chunks, par_map};
use crate::prior::TimePrior;
use crate::tfidf::SparseVec;
use crate::timeframe::{TimeframeWeights, Timeframes};

/// How the score sources are combined; fitted on the held-out fold.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Combo {
    /// Weight of the log recency prior.
    pub prior_w: f32,
    /// Weight of similarity to the strategy's own text.
    pub strat_w: f32,
    /// Weight of cosine similarity to the centroid of each target's linked items.
    pub cent_w: f32,
    /// Weight of the (class-centred) naive Bayes log-likelihoods.
    pub nb_w: f32,
    /// Weight of semantic similarity (strategy and linked-item centroids).
    pub sem_w: f32,
    /// Softmax temperature.
    pub temperature: f32,
    /// A logit for "none of these" (cold start only, where nothing calibrates scores).
    pub none_logit: Option<f32>,
    /// How far below its best sibling a new member of a versioned family scores
    /// ([`Families`]); `None` when new members do not borrow.
    #[serde(default)]
    pub family_gap: Option<f32>,
    /// Scale of the item's sentence embedding appended to its sparse features for the
    /// SVM (semantic mode; 0 = not used).
    #[serde(default)]
    pub dense_w: f32,
    /// How a target's timeframe moves its score ([`Timeframes`]).
    #[serde(default)]
    pub timeframe: TimeframeWeights,
    /// Weight of the targets of the item's nearest linked items in the embedder's
    /// space ([`Neighbours`]; semantic mode, 0 = not used).
    #[serde(default)]
    pub knn_w: f32,
    /// Mean log-loss of the held-out fold under this combination (`None` when no fold
    /// was held out): how settings compare, on work the model did not train on.
    #[serde(default)]
    pub fold_loss: Option<f64>,
}

impl Combo {
    /// The strategy's words, plus semantic similarity at `sem_w`, with a fixed
    /// temperature and "none of these" logit: for too few linked items to fit anything.
    pub fn unfitted(sem_w: f32, temperature: f32, none_logit: f32) -> Self {
        Combo {
            prior_w: 0.0,
            strat_w: 1.0,
            cent_w: 0.0,
            nb_w: 0.0,
            sem_w,
            temperature,
            none_logit: Some(none_logit),
            family_gap: None,
            dense_w: 0.0,
            timeframe: TimeframeWeights::default(),
            knn_w: 0.0,
            fold_loss: None,
        }
    }
}

/// The held-out fold: the linked items (oldest first) as vectors under a vocabulary
/// fitted without the fold's own items, trained on `..cut` and scored on `cut..`.
pub(crate) struct Fold {
    /// Every linked item, under the fold's vocabulary.
    pub x: Vec<SparseVec>,
    /// The strategy's text per class, under the fold's vocabulary.
    pub strat_x: Vec<SparseVec>,
    /// Size of the fold's vocabulary.
    pub n_features: usize,
    /// Items `..cut` train, the rest are scored.
    pub cut: usize,
    /// Families as they stood when the fold's items were new.
    pub families: Families,
    /// Timeframes, with the targets new as of the fold's training items.
    pub timeframes: Timeframes,
}

/// Labels, weights and dates of the linked items, and the training settings.
pub(crate) struct Shared<'a> {
    pub y: &'a [usize],
    pub sw: &'a [f32],
    pub t: &'a [Option<f64>],
    /// Whether each linked item is a weak (rule-labelled) example.
    pub is_weak: &'a [bool],
    /// Whether each target serves a goal (an initiative or a goal, not off plan).
    pub aligned: &'a [bool],
    pub semantic: Option<SemVectors<'a>>,
    pub strat_example_weight: f32,
    pub n_classes: usize,
    pub svm_opts: SvmOptions,
    pub threads: usize,
    pub have_time: bool,
}

/// Recency-prior time scales, as shares of the span of the training dates.
const TAU_SHARES: [f64; 4] = [0.01, 0.03, 0.1, 0.3];

/// Scores of every source on one fold's held-out items.
struct Scored {
    /// Per SVM variant (dense scale): held-out scores and biases.
    svms: Vec<(Vec<Vec<f32>>, Vec<f32>)>,
    /// Per source (0: centroids, 1: naive Bayes, 2: strategy): item -> class scores.
    sources: Vec<Vec<Vec<f32>>>,
    nb_bias: Vec<f32>,
    sem: Option<Vec<Vec<f32>>>,
    /// Semantic mode: item -> the nearest older items' score per class.
    knn: Option<Vec<Vec<f32>>>,
    /// Per time scale: item -> log prior per class.
    priors: Vec<Vec<Vec<f32>>>,
    /// Time scales in days.
    taus: Vec<f64>,
    truth: Vec<usize>,
    families: Families,
    /// Per held-out item: its day, for timeframes.
    times: Vec<Option<f64>>,
    timeframes: Timeframes,
}

fn score_fold(f: &Fold, s: &Shared<'_>, dense_grid: &[f32]) -> Scored {
    let (cut, n_classes) = (f.cut, s.n_classes);
    let (x, y, sw) = (&f.x, s.y, s.sw);
    // Weak (rule-labelled) examples train but do not calibrate: the mix and the
    // temperature must fit how well real links are predicted, not how well the rules
    // are echoed.
    let mut cal: Vec<usize> = (cut..f.x.len()).filter(|&i| !s.is_weak[i]).collect();
    if cal.len() < 10 {
        cal = (cut..f.x.len()).collect();
    }
    let strat_examples = strategy_examples(&f.strat_x);
    let svms = dense_grid
        .iter()
        .map(|&dw| {
            let sub = train_svm(
                &x[..cut],
                &y[..cut],
                &sw[..cut],
                &strat_examples,
                s.strat_example_weight,
                s.semantic.map(|(sv, iv)| ((sv, &iv[..cut]), dw)),
                f.n_features,
                n_classes,
                s.svm_opts,
                s.threads,
            )
            .freeze();
            let scores = par_map(&cal, s.threads, |i| {
                let mut xi = x[i].clone();
                if let Some((_, iv)) = s.semantic.filter(|_| dw > 0.0) {
                    append_dense(&mut xi, &iv[i], f.n_features, dw);
                }
                let mut out = vec![0f32; n_classes];
                sub.scores(&xi, &mut out);
                out
            });
            (scores, sub.bias().to_vec())
        })
        .collect();
    let cents = LinearModel::centroids(&x[..cut], &y[..cut], f.n_features, n_classes).freeze();
    let nb = LinearModel::naive_bayes(&x[..cut], &y[..cut], &sw[..cut], f.n_features, n_classes)
        .freeze();
    let sources: Vec<Vec<Vec<f32>>> = [&cents, &nb]
        .into_iter()
        .map(|m| {
            par_map(&cal, s.threads, |i| {
                let mut out = vec![0f32; n_classes];
                m.scores(&x[i], &mut out);
                out
            })
        })
        .chain(std::iter::once(par_map(&cal, s.threads, |i| {
            f.strat_x.iter().map(|v| v.dot(&x[i])).collect()
        })))
        .collect();
    // Semantic class vectors from the older items only, like every other source here.
    let sem = s.semantic.map(|(sv, iv)| {
        let class_vecs = class_vectors(sv, &iv[..cut], &y[..cut], &sw[..cut], n_classes);
        cal.iter()
            .map(|&i| class_vecs.iter().map(|c| dot(c, &iv[i])).collect())
            .collect()
    });
    // Neighbours among the older items only, for the same reason.
    let knn = s.semantic.map(|(_, iv)| {
        let near = Neighbours::new(&iv[..cut], &y[..cut]);
        map_chunks(cal.len(), s.threads, |r| {
            let queries: Vec<&[f32]> = cal[r].iter().map(|&i| iv[i].as_slice()).collect();
            near.nearest(&queries)
                .iter()
                .map(|found| {
                    let mut v = vec![0f32; n_classes];
                    near.add(found, 1.0, &mut v, &mut Vec::new());
                    v
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect()
    });
    // Recency priors for a few time scales relative to the span of the training data.
    let times: Vec<f64> = s.t[..cut].iter().flatten().copied().collect();
    let (lo, hi) = times
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = (hi - lo).max(1.0);
    let taus: Vec<f64> = if s.have_time && times.len() >= 20 {
        TAU_SHARES.iter().map(|f| span * f).collect()
    } else {
        Vec::new()
    };
    let pts: Vec<(f64, usize, f32)> = (0..cut)
        .filter_map(|i| s.t[i].map(|ti| (ti, y[i], sw[i])))
        .collect();
    let priors = taus
        .iter()
        .map(|&tau| {
            let p = TimePrior::fit(&pts, n_classes, tau);
            par_map(&cal, s.threads, |i| {
                let mut v = vec![0f32; n_classes];
                p.add_log_prior(s.t[i], 1.0, &mut v);
                v
            })
        })
        .collect();
    Scored {
        svms,
        sources,
        nb_bias: nb.bias().to_vec(),
        sem,
        knn,
        priors,
        taus,
        truth: cal.iter().map(|&i| y[i]).collect(),
        families: f.families.clone(),
        times: cal.iter().map(|&i| s.t[i]).collect(),
        timeframes: f.timeframes.clone(),
    }
}

/// Parameters: [tau index, prior w, strategy w, centroid w, nb w, semantic w, none,
/// family gap (negative: new family members do not borrow), dense scale index,
/// timeframe inside, outside, new and inside, neighbours w].
type Params = [f32; 13];

/// Index of the dense scale in [`Params`]: searched in an outer loop, not coordinate-wise.
const DENSE: usize = 8;

fn timeframe_weights(p: &Params) -> TimeframeWeights {
    TimeframeWeights {
        inside: p[9],
        outside: p[10],
        new_inside: p[11],
    }
}

/// The logits of held-out item `k` of a fold under `p` (the last is "none of these").
fn combine(
    sc: &Scored,
    p: &Params,
    k: usize,
    out: &mut [f32],
    evidence: &mut [f32],
    before: &mut Vec<f32>,
) {
    let n_classes = out.len() - 1;
    let (svm, svm_bias) = &sc.svms[p[DENSE] as usize];
    for c in 0..n_classes {
        let mut z = svm[k][c]
            + p[3] * sc.sources[0][k][c]
            + p[4] * sc.sources[1][k][c]
            + p[2] * sc.sources[2][k][c];
        evidence[c] = z - svm_bias[c] - p[4] * sc.nb_bias[c];
        if let Some(pr) = sc.priors.get(p[0] as usize) {
            z += p[1] * pr[k][c];
        }
        if let Some(s) = &sc.sem {
            z += p[5] * s[k][c];
            evidence[c] += p[5] * s[k][c];
        }
        out[c] = z;
    }
    if p[7] >= 0.0 {
        sc.families
            .apply(p[7], &mut out[..n_classes], evidence, before);
    }
    // After borrowing: a new family member has no neighbours of its own, and should not
    // inherit its lender's (they are votes for the lender's own items).
    if let Some(n) = &sc.knn {
        for (o, v) in out[..n_classes].iter_mut().zip(&n[k]) {
            *o += p[12] * v;
        }
    }
    // After borrowing: a new family member is judged by its own timeframe.
    sc.timeframes
        .add(sc.times[k], timeframe_weights(p), &mut out[..n_classes]);
    out[n_classes] = p[6];
}

/// What [`fit_combination`] fits on the fold.
pub(crate) struct Fitted {
    pub combo: Combo,
    /// The top-1 probability to the chance that the best target is right.
    pub iso: Isotonic,
    /// The summed probability of the targets that serve a goal to the chance that the
    /// item does: `None` unless the fold holds enough of both kinds of work.
    pub aligned: Option<Isotonic>,
    /// The recency prior's time scale in days, if the prior is used.
    pub tau: Option<f64>,
}

impl Fitted {
    /// `combo` with nothing fitted on a fold: identity maps, no recency prior.
    pub(crate) fn unfitted(combo: Combo) -> Self {
        Fitted {
            combo,
            iso: Isotonic::default(),
            aligned: None,
            tau: None,
        }
    }
}

/// Fits the combination and the isotonic maps of the top probability and of the aligned
/// mass on the fold, minimising its held-out log-loss. The weights are searched
/// coordinate-wise on small grids.
pub(crate) fn fit_combination(fold: &Fold, s: &Shared<'_>) -> Fitted {
    let n_classes = s.n_classes;
    // One SVM per dense scale (just one, without dense, in lexical mode).
    let dense_grid: &[f32] = if s.semantic.is_some() {
        &DENSE_GRID
    } else {
        &DENSE_GRID[..1]
    };
    let sc = score_fold(fold, s, dense_grid);
    let have_taus = !sc.taus.is_empty();
    // "None of these" is always an option: an item no scorer claims (all one-vs-rest
    // scores negative) should not get a confident answer from bias differences.
    let timed = !sc.timeframes.is_empty() && sc.times.iter().any(Option::is_some);
    let tf_grid = |g: &[f32]| if timed { g.to_vec() } else { vec![0.0] };
    let grids: [Vec<f32>; 13] = [
        (0..if have_taus { TAU_SHARES.len() } else { 1 })
            .map(|i| i as f32)
            .collect(),
        if have_taus {
            vec![0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0]
        } else {
            vec![0.0]
        },
        vec![0.0, 0.25, 0.5, 1.0, 2.0],
        vec![0.0, 0.5, 1.0, 2.0, 3.0],
        vec![0.0, 0.05, 0.1, 0.2, 0.4],
        if s.semantic.is_some() {
            vec![0.0, 0.5, 1.0, 2.0, 4.0, 8.0]
        } else {
            vec![0.0]
        },
        vec![-1.5, -1.0, -0.75, -0.5, -0.25, 0.0],
        if sc.families.is_empty() {
            vec![-1.0]
        } else {
            vec![-1.0, 0.0, 0.25, 0.5, 1.0, 2.0]
        },
        (0..dense_grid.len()).map(|i| i as f32).collect(),
        tf_grid(&[0.0, 0.25, 0.5, 1.0, 2.0]),
        tf_grid(&[0.0, 0.5, 1.0, 2.0, 4.0]),
        tf_grid(&[0.0, 0.5, 1.0, 2.0, 4.0]),
        if sc.knn.is_some() {
            vec![0.0, 0.05, 0.1, 0.2, 0.4]
        } else {
            vec![0.0]
        },
    ];
    let truth = &sc.truth;
    let mut logits: Vec<Vec<f32>> = vec![vec![0.0; n_classes + 1]; truth.len()];
    let mut evidence = vec![0f32; n_classes];
    let mut before = Vec::with_capacity(n_classes);
    let mut fill = |p: &Params, logits: &mut [Vec<f32>]| {
        for (k, l) in logits.iter_mut().enumerate() {
            combine(&sc, p, k, l, &mut evidence, &mut before);
        }
    };
    // The coordinate search revisits the current point once per dimension.
    let mut seen: std::collections::HashMap<[u32; 13], (f32, f64)> = Default::default();
    let mut loss_of = |p: &Params| {
        let key = p.map(f32::to_bits);
        if let Some(&r) = seen.get(&key) {
            return r;
        }
        fill(p, &mut logits);
        let r = fit_temperature(&logits, truth, s.threads);
        seen.insert(key, r);
        r
    };
    // The SVM is the main source and the others correct it, so the search runs once per
    // SVM variant (a coordinate search that also moved the SVM got stuck with whichever
    // variant the other weights were first fitted around).
    let (mut params, mut best_t, mut best_loss) = ([0f32; 13], 1.0, f64::INFINITY);
    for svm in 0..dense_grid.len() {
        let mut p = [
            0.0, 0.0, 0.5, 0.0, 0.0, 0.0, -1.5, -1.0, svm as f32, 0.0, 0.0, 0.0, 0.0,
        ];
        let (mut t, mut loss) = loss_of(&p);
        for _round in 0..2 {
            for (d, grid) in grids.iter().enumerate().filter(|(d, _)| *d != DENSE) {
                for &v in grid {
                    let mut q = p;
                    q[d] = v;
                    let (tq, lq) = loss_of(&q);
                    if lq < loss - 1e-6 {
                        (p, t, loss) = (q, tq, lq);
                    }
                }
            }
        }
        if loss < best_loss {
            (params, best_t, best_loss) = (p, t, loss);
        }
    }
    let tau = sc
        .taus
        .get(params[0] as usize)
        .copied()
        .filter(|_| params[1] > 0.0);
    let combo = Combo {
        prior_w: if tau.is_some() { params[1] } else { 0.0 },
        strat_w: params[2],
        cent_w: params[3],
        nb_w: params[4],
        sem_w: params[5],
        temperature: best_t,
        none_logit: Some(params[6]),
        family_gap: (params[7] >= 0.0).then_some(params[7]),
        dense_w: dense_grid[params[DENSE] as usize],
        timeframe: timeframe_weights(&params),
        knn_w: params[12],
        fold_loss: Some(best_loss),
    };
    // Isotonic map of the chosen combination's top-1 probability.
    fill(&params, &mut logits);
    let mut aligned_points = Vec::with_capacity(truth.len());
    let points: Vec<(f32, bool)> = logits
        .iter_mut()
        .zip(truth)
        .map(|(z, &yk)| {
            softmax(z, best_t);
            let mass: f32 = z[..n_classes]
                .iter()
                .zip(s.aligned)
                .filter(|(_, a)| **a)
                .map(|(p, _)| p)
                .sum();
            aligned_points.push((mass, s.aligned[yk]));
            let top = (0..n_classes)
                .max_by(|&a, &b| z[a].total_cmp(&z[b]))
                .unwrap_or(0);
            (z[top], top == yk)
        })
        .collect();
    Fitted {
        combo,
        iso: Isotonic::fit(&points, 100),
        aligned: aligned_map(&aligned_points),
        tau,
    }
}

/// Fold items of each kind (serving a goal, or not) needed before the aligned mass is
/// mapped to a probability.
const MIN_ALIGNED_EVIDENCE: usize = 30;

/// The map of the aligned mass to the chance of serving a goal, where the fold can tell:
/// it holds work people linked and work the strategy leaves out (or people put off
/// plan). Linked work alone always serves a goal, and a map fitted on it would call every
/// item aligned.
fn aligned_map(points: &[(f32, bool)]) -> Option<Isotonic> {
    let yes = points.iter().filter(|(_, a)| *a).count();
    let no = points.len() - yes;
    (yes >= MIN_ALIGNED_EVIDENCE && no >= MIN_ALIGNED_EVIDENCE)
        .then(|| Isotonic::fit(points, 2 * MIN_ALIGNED_EVIDENCE))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_aligned_mass_is_mapped_only_where_the_fold_holds_both_kinds_of_work() {
        // Linked work alone: every item served a goal, so nothing can be learned about
        // work that does not.
        let linked_only: Vec<(f32, bool)> = (0..200).map(|i| (i as f32 / 200.0, true)).collect();
        assert!(aligned_map(&linked_only).is_none());
        // Both kinds, where the model's mass understates alignment: items with a mass of
        // 0.6 served a goal nine times in ten, items with 0.1 once in ten.
        let mut both = Vec::new();
        for i in 0..100 {
            both.push((0.6, i % 10 != 0));
            both.push((0.1, i % 10 == 0));
        }
        let map = aligned_map(&both).expect("both kinds present");
        assert!((map.apply(0.6) - 0.9).abs() < 0.05, "{}", map.apply(0.6));
        assert!((map.apply(0.1) - 0.1).abs() < 0.05, "{}", map.apply(0.1));
        // Too few of one kind: no map.
        let few: Vec<(f32, bool)> = (0..200).map(|i| (0.5, i >= 10)).collect();
        assert!(aligned_map(&few).is_none());
    }
}
