//! One-vs-rest linear support vector machines (squared hinge loss, L2 regularisation)
//! trained by dual coordinate descent (Hsieh et al., ICML 2008, as in LIBLINEAR).
//!
//! Dual coordinate descent needs no learning rate, converges in a few passes over sparse
//! text data and takes per-example weights naturally (corrections weigh more), which is
//! why it was chosen over SGD.

use crate::tfidf::SparseVec;

/// Training options.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SvmOptions {
    /// Inverse regularisation strength.
    pub c: f32,
    /// Maximum passes over the data per class.
    pub max_iter: usize,
    /// Stopping tolerance on the projected gradient spread.
    pub eps: f32,
}

/// A trained set of linear scorers, one per class, stored feature-major so that scoring
/// a sparse vector touches one contiguous row per feature.
#[derive(Debug, Clone)]
pub(crate) struct LinearModel {
    n_classes: usize,
    /// `weights[f * n_classes + c]`.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

impl LinearModel {
    /// A model that scores everything 0 (used when there is nothing to learn from).
    pub fn zeros(n_features: usize, n_classes: usize) -> Self {
        LinearModel {
            n_classes,
            weights: vec![0.0; n_features * n_classes],
            bias: vec![0.0; n_classes],
        }
    }

    /// Trains one scorer per class on `x` with labels `y` (class indices) and example
    /// weights `sw`. Classes are trained on up to `threads` threads.
    pub fn train(
        x: &[SparseVec],
        y: &[usize],
        sw: &[f32],
        n_features: usize,
        n_classes: usize,
        opts: SvmOptions,
        threads: usize,
    ) -> Self {
        let mut model = LinearModel::zeros(n_features, n_classes);
        if x.is_empty() || n_classes == 0 {
            return model;
        }
        // x_i . x_i + 1 (the bias feature), shared by all classes.
        let sq: Vec<f32> = x.iter().map(|v| v.norm2() + 1.0).collect();
        let classes: Vec<usize> = (0..n_classes).collect();
        let chunk = n_classes.div_ceil(threads.max(1));
        let results: Vec<(usize, Vec<f32>, f32)> = std::thread::scope(|s| {
            let handles: Vec<_> = classes
                .chunks(chunk)
                .map(|cs| {
                    let sq = &sq;
                    s.spawn(move || {
                        cs.iter()
                            .map(|&c| {
                                let (w, b) = train_binary(x, y, sw, sq, c, n_features, opts);
                                (c, w, b)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        });
        for (c, w, b) in results {
            for (f, v) in w.into_iter().enumerate() {
                model.weights[f * n_classes + c] = v;
            }
            model.bias[c] = b;
        }
        model
    }

    /// Class centroids of the vectors (L2-normalised per class), as a linear scorer:
    /// its score is the cosine to each class's centroid.
    pub fn centroids(x: &[SparseVec], y: &[usize], n_features: usize, n_classes: usize) -> Self {
        let mut m = LinearModel::zeros(n_features, n_classes);
        for (v, &c) in x.iter().zip(y) {
            for (&f, &val) in v.idx.iter().zip(&v.val) {
                m.weights[f as usize * n_classes + c] += val;
            }
        }
        let mut norms = vec![0f32; n_classes];
        for (k, w) in m.weights.iter().enumerate() {
            norms[k % n_classes] += w * w;
        }
        for (k, w) in m.weights.iter_mut().enumerate() {
            let n = norms[k % n_classes];
            if n > 0.0 {
                *w /= n.sqrt();
            }
        }
        m
    }

    /// Multinomial naive Bayes over the (TF-IDF) vectors as a linear scorer: log
    /// feature likelihoods per class, centred across classes per feature (a shift common
    /// to all classes changes no ranking and keeps weights small), class log-priors as
    /// the bias.
    pub fn naive_bayes(
        x: &[SparseVec],
        y: &[usize],
        sw: &[f32],
        n_features: usize,
        n_classes: usize,
    ) -> Self {
        let mut m = LinearModel::zeros(n_features, n_classes);
        let mut totals = vec![0f64; n_classes];
        let mut counts = vec![0f64; n_classes];
        for ((v, &c), &w) in x.iter().zip(y).zip(sw) {
            counts[c] += f64::from(w);
            for (&f, &val) in v.idx.iter().zip(&v.val) {
                m.weights[f as usize * n_classes + c] += w * val;
                totals[c] += f64::from(w * val);
            }
        }
        let alpha = 0.1f64;
        let denom: Vec<f64> = totals
            .iter()
            .map(|t| (t + alpha * n_features as f64).ln())
            .collect();
        for row in m.weights.chunks_mut(n_classes.max(1)) {
            let mut mean = 0.0f64;
            for (c, w) in row.iter_mut().enumerate() {
                let l = (f64::from(*w) + alpha).ln() - denom[c];
                *w = l as f32;
                mean += l;
            }
            let mean = (mean / n_classes as f64) as f32;
            row.iter_mut().for_each(|w| *w -= mean);
        }
        let n: f64 = counts.iter().sum::<f64>().max(1.0);
        for (b, c) in m.bias.iter_mut().zip(&counts) {
            *b = ((c + 1.0) / (n + n_classes as f64)).ln() as f32;
        }
        m
    }

    /// Adds `scale * other` to this model (same shape).
    pub fn add_scaled(&mut self, other: &LinearModel, scale: f32) {
        for (a, b) in self.weights.iter_mut().zip(&other.weights) {
            *a += scale * b;
        }
        for (a, b) in self.bias.iter_mut().zip(&other.bias) {
            *a += scale * b;
        }
    }

    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }

    /// Scores of every class for one vector, written into `out`.
    #[inline]
    pub fn scores(&self, x: &SparseVec, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        let k = self.n_classes;
        for (&f, &v) in x.idx.iter().zip(&x.val) {
            let row = &self.weights[f as usize * k..f as usize * k + k];
            for (o, w) in out.iter_mut().zip(row) {
                *o += v * w;
            }
        }
    }

    /// The per-class constant term of the scores.
    pub fn bias(&self) -> &[f32] {
        &self.bias
    }

    /// Mutable access to the feature-major weights.
    pub fn weights_mut(&mut self) -> &mut [f32] {
        &mut self.weights
    }

    /// Weight of one feature for one class (for explanations).
    pub fn weight(&self, feature: u32, class: usize) -> f32 {
        self.weights[feature as usize * self.n_classes + class]
    }
}

/// Deterministic xorshift for shuffling; no dependency, reproducible runs.
pub(crate) struct XorShift(u64);

impl XorShift {
    pub fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next_u64() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

fn train_binary(
    x: &[SparseVec],
    y: &[usize],
    sw: &[f32],
    sq: &[f32],
    class: usize,
    n_features: usize,
    opts: SvmOptions,
) -> (Vec<f32>, f32) {
    let n = x.len();
    let mut w = vec![0f32; n_features];
    let mut b = 0f32;
    let mut alpha = vec![0f32; n];
    let ys: Vec<f32> = y
        .iter()
        .map(|&c| if c == class { 1.0 } else { -1.0 })
        .collect();
    // Squared hinge: D_ii = 1 / (2 C_i), no upper bound on alpha.
    let diag: Vec<f32> = sw.iter().map(|&s| 0.5 / (opts.c * s.max(1e-6))).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = XorShift::new(0x5eed ^ class as u64);
    for _ in 0..opts.max_iter {
        rng.shuffle(&mut order);
        let (mut pg_max, mut pg_min) = (f32::NEG_INFINITY, f32::INFINITY);
        for &i in &order {
            let xi = &x[i];
            let mut wx = b;
            for (&f, &v) in xi.idx.iter().zip(&xi.val) {
                wx += w[f as usize] * v;
            }
            let g = ys[i] * wx - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            pg_max = pg_max.max(pg);
            pg_min = pg_min.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / (sq[i] + diag[i])).max(0.0);
                let d = (alpha[i] - old) * ys[i];
                if d != 0.0 {
                    for (&f, &v) in xi.idx.iter().zip(&xi.val) {
                        w[f as usize] += d * v;
                    }
                    b += d;
                }
            }
        }
        if pg_max - pg_min <= opts.eps {
            break;
        }
    }
    (w, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pairs: &[(u32, f32)]) -> SparseVec {
        SparseVec {
            idx: pairs.iter().map(|p| p.0).collect(),
            val: pairs.iter().map(|p| p.1).collect(),
        }
    }

    #[test]
    fn separates_two_obvious_classes() {
        let x = vec![
            v(&[(0, 1.0)]),
            v(&[(0, 0.9)]),
            v(&[(1, 1.0)]),
            v(&[(1, 0.8)]),
        ];
        let y = vec![0, 0, 1, 1];
        let opts = SvmOptions {
            c: 1.0,
            max_iter: 50,
            eps: 0.01,
        };
        let m = LinearModel::train(&x, &y, &[1.0; 4], 2, 2, opts, 2);
        let mut s = [0.0; 2];
        m.scores(&v(&[(0, 1.0)]), &mut s);
        assert!(s[0] > s[1]);
        m.scores(&v(&[(1, 1.0)]), &mut s);
        assert!(s[1] > s[0]);
    }

    #[test]
    fn empty_training_scores_zero() {
        let m = LinearModel::train(
            &[],
            &[],
            &[],
            3,
            2,
            SvmOptions {
                c: 1.0,
                max_iter: 5,
                eps: 0.1,
            },
            2,
        );
        let mut s = [1.0; 2];
        m.scores(&v(&[(2, 1.0)]), &mut s);
        assert_eq!(s, [0.0, 0.0]);
    }
}
