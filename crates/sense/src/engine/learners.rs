//! The learned scorers' building blocks, shared by training (`train.rs`) and the fit of
//! the mix on the held-out fold (`combine.rs`): the SVM over words (with an appended
//! sentence embedding in semantic mode), the strategy's words as extra examples, and each
//! target's mean embedding.

use crate::linear::{Columns, LinearModel, SvmOptions};
use crate::tfidf::SparseVec;

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
