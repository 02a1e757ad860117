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

/// One class's sparse weights: `(feature, weight)`, sorted by feature.
type Column = Vec<(u32, f32)>;

/// Linear scorers under construction: one sparse weight column per class, so that models
/// can be trained, added and scaled without a dense `features x classes` matrix (with
/// hundreds of targets and a large vocabulary that matrix runs to gigabytes, while each
/// class's weights touch a few percent of the features). [`Columns::freeze`] turns them
/// into a [`LinearModel`] for scoring.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    n_features: usize,
    /// Per class: `(feature, weight)`, sorted by feature.
    cols: Vec<Column>,
    bias: Vec<f32>,
    /// Per class (or empty): multiplies the sum of an item's feature values. Naive Bayes
    /// gives every feature a class never saw the same log-likelihood; this carries it
    /// without storing it once per feature.
    mass: Vec<f32>,
    /// `mass` applies to features below this (the ones naive Bayes was fitted on; in
    /// semantic mode the SVM's features go on with an item's embedding).
    mass_width: usize,
    /// Per feature (or empty): a weight every class shares (naive Bayes's centring).
    shared: Vec<f32>,
}

impl Columns {
    /// Scorers that score everything 0.
    pub fn zeros(n_features: usize, n_classes: usize) -> Self {
        Columns {
            n_features,
            cols: vec![Vec::new(); n_classes],
            bias: vec![0.0; n_classes],
            ..Default::default()
        }
    }

    /// One column per class from sparse vectors (e.g. each target's strategy text).
    pub fn from_vectors(vectors: &[SparseVec], n_features: usize) -> Self {
        Columns {
            n_features,
            cols: vectors
                .iter()
                .map(|v| v.idx.iter().copied().zip(v.val.iter().copied()).collect())
                .collect(),
            bias: vec![0.0; vectors.len()],
            ..Default::default()
        }
    }

    /// Adds `scale * other` (same shape).
    pub fn add_scaled(&mut self, other: &Columns, scale: f32) {
        for (a, b) in self.cols.iter_mut().zip(&other.cols) {
            if !b.is_empty() {
                *a = merge_scaled(a, b, scale);
            }
        }
        for (a, b) in self.bias.iter_mut().zip(&other.bias) {
            *a += scale * b;
        }
        add_vec(&mut self.mass, &other.mass, self.cols.len(), scale);
        if !other.mass.is_empty() {
            self.mass_width = other.mass_width;
        }
        add_vec(&mut self.shared, &other.shared, self.n_features, scale);
    }

    /// The frozen scorer: a dense feature-major matrix when it is small or mostly
    /// non-zero (fastest to score), compressed rows otherwise.
    pub fn freeze(self) -> LinearModel {
        self.freeze_as(None)
    }

    /// [`Columns::freeze`], with the storage forced (`Some(true)`: dense) for tests.
    fn freeze_as(self, dense: Option<bool>) -> LinearModel {
        let k = self.cols.len();
        let cells = self.n_features * k;
        let nnz: usize = self.cols.iter().map(Vec::len).sum();
        let (weights, mass, shared) = if dense.unwrap_or(cells <= DENSE_CELLS || nnz * 2 >= cells) {
            let mut w = vec![0f32; cells];
            for (c, col) in self.cols.iter().enumerate() {
                for &(f, v) in col {
                    w[f as usize * k + c] += v;
                }
            }
            // Dense rows hold the shared and per-class terms too, so scoring is one pass.
            for (f, row) in w.chunks_mut(k.max(1)).enumerate() {
                let sh = self.shared.get(f).copied().unwrap_or(0.0);
                for (c, x) in row.iter_mut().enumerate() {
                    let m = if f < self.mass_width {
                        self.mass.get(c)
                    } else {
                        None
                    };
                    *x += sh + m.copied().unwrap_or(0.0);
                }
            }
            (Weights::Dense(w), Vec::new(), Vec::new())
        } else {
            let mut count = vec![0usize; self.n_features];
            for col in &self.cols {
                for &(f, _) in col {
                    count[f as usize] += 1;
                }
            }
            // Rows at least a quarter full (the frequent words, which most items have)
            // are kept whole: scoring them is a vector add instead of a scatter, and they
            // cost at most twice their compressed size.
            let mut full_of = vec![0u32; self.n_features];
            let mut n_full = 0;
            for (f, &n) in count.iter().enumerate() {
                if n * 4 >= k && n > 0 {
                    n_full += 1;
                    full_of[f] = n_full;
                }
            }
            let mut full = vec![0f32; n_full as usize * k];
            let mut start = vec![0usize; self.n_features + 1];
            for f in 0..self.n_features {
                let own = if full_of[f] == 0 { count[f] } else { 0 };
                start[f + 1] = start[f] + own;
            }
            let mut next = start.clone();
            let n_sparse = start[self.n_features];
            let (mut class, mut val) = (vec![0u32; n_sparse], vec![0f32; n_sparse]);
            // Classes in order, so each row's classes come out sorted.
            for (c, col) in self.cols.iter().enumerate() {
                for &(f, v) in col {
                    let f = f as usize;
                    if full_of[f] > 0 {
                        full[(full_of[f] as usize - 1) * k + c] = v;
                    } else {
                        class[next[f]] = c as u32;
                        val[next[f]] = v;
                        next[f] += 1;
                    }
                }
            }
            (
                Weights::Sparse {
                    start,
                    class,
                    val,
                    full_of,
                    full,
                },
                self.mass,
                self.shared,
            )
        };
        LinearModel {
            n_classes: k,
            weights,
            bias: self.bias,
            mass,
            mass_width: self.mass_width,
            shared,
        }
    }
}

/// Up to this many `features x classes` cells, a model is stored dense (64 MiB).
const DENSE_CELLS: usize = 16 << 20;

/// `a + scale * b` for two sorted sparse columns.
fn merge_scaled(a: &[(u32, f32)], b: &[(u32, f32)], scale: f32) -> Column {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && a[i].0 < b[j].0) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || b[j].0 < a[i].0 {
            out.push((b[j].0, scale * b[j].1));
            j += 1;
        } else {
            out.push((a[i].0, a[i].1 + scale * b[j].1));
            i += 1;
            j += 1;
        }
    }
    out
}

/// `a += scale * b` where an empty vector stands for zeros of length `len`.
fn add_vec(a: &mut Vec<f32>, b: &[f32], len: usize, scale: f32) {
    if b.is_empty() {
        return;
    }
    if a.is_empty() {
        *a = vec![0.0; len];
    }
    for (x, y) in a.iter_mut().zip(b) {
        *x += scale * y;
    }
}

/// The weights of a frozen model, feature-major so that scoring a sparse vector touches
/// one row per feature.
#[derive(Debug, Clone)]
enum Weights {
    /// `w[f * n_classes + c]`.
    Dense(Vec<f32>),
    /// Row `f` is `start[f]..start[f + 1]` of `class` and `val`, classes ascending;
    /// or, when `full_of[f] > 0`, the whole row `full_of[f] - 1` of `full`.
    Sparse {
        start: Vec<usize>,
        class: Vec<u32>,
        val: Vec<f32>,
        full_of: Vec<u32>,
        full: Vec<f32>,
    },
}

/// A trained set of linear scorers, one per class.
#[derive(Debug, Clone)]
pub(crate) struct LinearModel {
    n_classes: usize,
    weights: Weights,
    bias: Vec<f32>,
    /// See [`Columns`]; empty when dense (folded into the rows) or unused.
    mass: Vec<f32>,
    mass_width: usize,
    shared: Vec<f32>,
}

impl LinearModel {
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
    ) -> Columns {
        let mut model = Columns::zeros(n_features, n_classes);
        if x.is_empty() || n_classes == 0 {
            return model;
        }
        // x_i . x_i + 1 (the bias feature), shared by all classes.
        let sq: Vec<f32> = x.iter().map(|v| v.norm2() + 1.0).collect();
        let classes: Vec<usize> = (0..n_classes).collect();
        // Few classes: one block per thread. Many: blocks of `BLOCK`, handed out as
        // threads come free (classes converge at different speeds).
        let size = n_classes.div_ceil(threads.max(1)).min(BLOCK);
        let blocks: Vec<&[usize]> = classes.chunks(size).collect();
        let results = crate::parallel::work_queue(
            blocks.len(),
            threads,
            // One dense scratch block per thread; only the non-zeros of each class are kept.
            || vec![0f32; n_features * size],
            |w, k| {
                let cs = blocks[k];
                let kb = cs.len();
                let w = &mut w[..n_features * kb];
                let bias = train_block(x, y, sw, &sq, cs, opts, w);
                let mut cols: Vec<Column> = vec![Vec::new(); kb];
                for (f, row) in w.chunks_mut(kb).enumerate() {
                    for (col, v) in cols.iter_mut().zip(row) {
                        if *v != 0.0 {
                            col.push((f as u32, std::mem::take(v)));
                        }
                    }
                }
                cs.iter()
                    .zip(cols)
                    .zip(bias)
                    .map(|((&c, col), b)| (c, col, b))
                    .collect::<Vec<_>>()
            },
        );
        for (c, col, b) in results.into_iter().flatten() {
            model.cols[c] = col;
            model.bias[c] = b;
        }
        model
    }

    /// Class centroids of the vectors (L2-normalised per class), as linear scorers: the
    /// score is the cosine to each class's centroid.
    pub fn centroids(x: &[SparseVec], y: &[usize], n_features: usize, n_classes: usize) -> Columns {
        let mut m = per_class_sums(x, y, None, n_features, n_classes);
        for col in &mut m.cols {
            let norm = col.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                col.iter_mut().for_each(|(_, v)| *v /= norm);
            }
        }
        m
    }

    /// Multinomial naive Bayes over the (TF-IDF) vectors as linear scorers: log feature
    /// likelihoods per class, centred across classes per feature (a shift common to all
    /// classes changes no ranking and keeps weights small), class log-priors as the bias.
    ///
    /// Stored sparse: a feature class `c` never saw has the log-likelihood
    /// `ln(alpha) - denom[c]` whatever the feature, which goes to `mass`; the centring
    /// goes to `shared`; the columns keep only what the seen features add to that.
    pub fn naive_bayes(
        x: &[SparseVec],
        y: &[usize],
        sw: &[f32],
        n_features: usize,
        n_classes: usize,
    ) -> Columns {
        let mut m = per_class_sums(x, y, Some(sw), n_features, n_classes);
        let alpha = 0.1f64;
        let base: Vec<f64> = m
            .cols
            .iter()
            .map(|col| {
                let total: f64 = col.iter().map(|&(_, v)| f64::from(v)).sum();
                alpha.ln() - (total + alpha * n_features as f64).ln()
            })
            .collect();
        let k = n_classes as f64;
        let mean_base = base.iter().sum::<f64>() / k;
        let mut shared = vec![-mean_base; n_features];
        for col in &mut m.cols {
            for (f, v) in col.iter_mut() {
                let seen = (f64::from(*v) + alpha).ln() - alpha.ln();
                shared[*f as usize] -= seen / k;
                *v = seen as f32;
            }
        }
        m.shared = shared.into_iter().map(|v| v as f32).collect();
        m.mass = base.into_iter().map(|b| b as f32).collect();
        m.mass_width = n_features;
        let mut counts = vec![0f64; n_classes];
        for (&c, &w) in y.iter().zip(sw) {
            counts[c] += f64::from(w);
        }
        let n: f64 = counts.iter().sum::<f64>().max(1.0);
        for (b, c) in m.bias.iter_mut().zip(&counts) {
            *b = ((c + 1.0) / (n + k)).ln() as f32;
        }
        m
    }

    /// Scores of every class for one vector, written into `out`.
    #[inline]
    pub fn scores(&self, x: &SparseVec, out: &mut [f32]) {
        out.copy_from_slice(&self.bias);
        let k = self.n_classes;
        match &self.weights {
            Weights::Dense(w) => {
                for (&f, &v) in x.idx.iter().zip(&x.val) {
                    add_row(out, v, &w[f as usize * k..f as usize * k + k]);
                }
            }
            Weights::Sparse {
                start,
                class,
                val,
                full_of,
                full,
            } => {
                for (&f, &v) in x.idx.iter().zip(&x.val) {
                    let f = f as usize;
                    if full_of[f] > 0 {
                        let r = (full_of[f] as usize - 1) * k;
                        add_row(out, v, &full[r..r + k]);
                    } else {
                        let row = start[f]..start[f + 1];
                        for (&c, &w) in class[row.clone()].iter().zip(&val[row]) {
                            out[c as usize] += v * w;
                        }
                    }
                }
                if !self.mass.is_empty() {
                    let sum: f32 = x
                        .idx
                        .iter()
                        .zip(&x.val)
                        .take_while(|(f, _)| (**f as usize) < self.mass_width)
                        .map(|(_, v)| v)
                        .sum();
                    for (o, m) in out.iter_mut().zip(&self.mass) {
                        *o += sum * m;
                    }
                }
                if !self.shared.is_empty() {
                    let sh: f32 = x
                        .idx
                        .iter()
                        .zip(&x.val)
                        .map(|(&f, &v)| v * self.shared[f as usize])
                        .sum();
                    out.iter_mut().for_each(|o| *o += sh);
                }
            }
        }
    }

    /// The per-class constant term of the scores.
    pub fn bias(&self) -> &[f32] {
        &self.bias
    }

    /// Weight of one feature for one class (for explanations).
    pub fn weight(&self, feature: u32, class: usize) -> f32 {
        let f = feature as usize;
        match &self.weights {
            Weights::Dense(w) => w[f * self.n_classes + class],
            Weights::Sparse {
                start,
                class: cs,
                val,
                full_of,
                full,
            } => {
                let own = if full_of[f] > 0 {
                    full[(full_of[f] as usize - 1) * self.n_classes + class]
                } else {
                    let row = start[f]..start[f + 1];
                    cs[row.clone()]
                        .binary_search(&(class as u32))
                        .map_or(0.0, |j| val[row.start + j])
                };
                let mass = if f < self.mass_width {
                    self.mass.get(class).copied().unwrap_or(0.0)
                } else {
                    0.0
                };
                own + mass + self.shared.get(f).copied().unwrap_or(0.0)
            }
        }
    }
}

/// `out += v * row`: one whole row of weights, every class at once (vectorised).
#[inline]
fn add_row(out: &mut [f32], v: f32, row: &[f32]) {
    for (o, w) in out.iter_mut().zip(row) {
        *o += v * w;
    }
}

/// Per class, the (optionally weighted) sum of its items' vectors, as sparse columns.
fn per_class_sums(
    x: &[SparseVec],
    y: &[usize],
    sw: Option<&[f32]>,
    n_features: usize,
    n_classes: usize,
) -> Columns {
    let mut m = Columns::zeros(n_features, n_classes);
    let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
    for (i, &c) in y.iter().enumerate() {
        by_class[c].push(i);
    }
    let mut acc = vec![0f32; n_features];
    let mut touched: Vec<u32> = Vec::new();
    for (c, items) in by_class.iter().enumerate() {
        for &i in items {
            let w = sw.map_or(1.0, |s| s[i]);
            for (&f, &v) in x[i].idx.iter().zip(&x[i].val) {
                if acc[f as usize] == 0.0 {
                    touched.push(f);
                }
                acc[f as usize] += w * v;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        m.cols[c] = touched
            .iter()
            .map(|&f| (f, std::mem::take(&mut acc[f as usize])))
            .filter(|&(_, v)| v != 0.0)
            .collect();
        touched.clear();
    }
    m
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

/// Classes trained side by side: an example's features are read once for all of them,
/// and one feature's weights for all of them share a cache line. (One class at a time,
/// every feature read was a cache miss in a vector of the whole vocabulary; with hundreds
/// of targets that was most of the training time.)
const BLOCK: usize = 16;

/// Dual coordinate descent for the binary problems "class `c` or not", for each `c` in
/// `classes`, on the block of weights `w` (`w[f * classes.len() + j]`, zero on entry).
/// Every class sees the examples in the same order and stops on its own when its
/// projected gradients settle. Returns the biases.
fn train_block(
    x: &[SparseVec],
    y: &[usize],
    sw: &[f32],
    sq: &[f32],
    classes: &[usize],
    opts: SvmOptions,
    w: &mut [f32],
) -> Vec<f32> {
    let (n, kb) = (x.len(), classes.len());
    let mut b = vec![0f32; kb];
    let mut alpha = vec![0f32; n * kb];
    // Squared hinge: D_ii = 1 / (2 C_i), no upper bound on alpha.
    let diag: Vec<f32> = sw.iter().map(|&s| 0.5 / (opts.c * s.max(1e-6))).collect();
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = XorShift::new(0x5eed ^ classes[0] as u64);
    let mut done = vec![false; kb];
    let (mut wx, mut d) = (vec![0f32; kb], vec![0f32; kb]);
    let (mut pg_max, mut pg_min) = (vec![0f32; kb], vec![0f32; kb]);
    for _ in 0..opts.max_iter {
        rng.shuffle(&mut order);
        pg_max.fill(f32::NEG_INFINITY);
        pg_min.fill(f32::INFINITY);
        for &i in &order {
            let xi = &x[i];
            wx.copy_from_slice(&b);
            for (&f, &v) in xi.idx.iter().zip(&xi.val) {
                let row = &w[f as usize * kb..f as usize * kb + kb];
                for (a, r) in wx.iter_mut().zip(row) {
                    *a += v * r;
                }
            }
            let mut moved = false;
            for j in 0..kb {
                d[j] = 0.0;
                if done[j] {
                    continue;
                }
                let yi = if y[i] == classes[j] { 1.0 } else { -1.0 };
                let a = &mut alpha[i * kb + j];
                let g = yi * wx[j] - 1.0 + diag[i] * *a;
                let pg = if *a == 0.0 { g.min(0.0) } else { g };
                pg_max[j] = pg_max[j].max(pg);
                pg_min[j] = pg_min[j].min(pg);
                if pg.abs() > 1e-12 {
                    let old = *a;
                    *a = (old - g / (sq[i] + diag[i])).max(0.0);
                    d[j] = (*a - old) * yi;
                    if d[j] != 0.0 {
                        b[j] += d[j];
                        moved = true;
                    }
                }
            }
            if moved {
                for (&f, &v) in xi.idx.iter().zip(&xi.val) {
                    let row = &mut w[f as usize * kb..f as usize * kb + kb];
                    for (r, dj) in row.iter_mut().zip(&d) {
                        *r += dj * v;
                    }
                }
            }
        }
        for j in 0..kb {
            done[j] |= pg_max[j] - pg_min[j] <= opts.eps;
        }
        if done.iter().all(|&x| x) {
            break;
        }
    }
    b
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
        let m = LinearModel::train(&x, &y, &[1.0; 4], 2, 2, opts, 2).freeze();
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
        )
        .freeze();
        let mut s = [1.0; 2];
        m.scores(&v(&[(2, 1.0)]), &mut s);
        assert_eq!(s, [0.0, 0.0]);
    }
    /// Random sparse vectors over `n_features`, each with a few features, and labels.
    fn random_data(n: usize, n_features: u32, n_classes: usize) -> (Vec<SparseVec>, Vec<usize>) {
        let mut rng = XorShift::new(7);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..n {
            let c = (rng.next_u64() % n_classes as u64) as usize;
            // A class's own features plus noise, so the problems are learnable.
            let mut idx: Vec<u32> = (0..4)
                .map(|k| {
                    if k < 2 {
                        (c as u32 * 3 + (rng.next_u64() % 3) as u32) % n_features
                    } else {
                        (rng.next_u64() % u64::from(n_features)) as u32
                    }
                })
                .collect();
            idx.sort_unstable();
            idx.dedup();
            let val = idx
                .iter()
                .map(|_| 0.2 + (rng.next_u64() % 100) as f32 / 100.0)
                .collect();
            x.push(SparseVec { idx, val });
            y.push(c);
        }
        (x, y)
    }

    fn scores_of(m: &LinearModel, x: &SparseVec, k: usize) -> Vec<f32> {
        let mut out = vec![0f32; k];
        m.scores(x, &mut out);
        out
    }

    #[test]
    fn naive_bayes_columns_match_the_dense_formula() {
        let (x, y) = random_data(300, 60, 7);
        let sw: Vec<f32> = (0..x.len()).map(|i| 0.5 + (i % 3) as f32).collect();
        let (nf, k) = (60usize, 7usize);
        // The textbook form: a dense table of centred log-likelihoods.
        let alpha = 0.1f64;
        let mut cnt = vec![vec![0f64; nf]; k];
        for ((v, &c), &w) in x.iter().zip(&y).zip(&sw) {
            for (&f, &val) in v.idx.iter().zip(&v.val) {
                cnt[c][f as usize] += f64::from(w * val);
            }
        }
        let table: Vec<Vec<f64>> = (0..k)
            .map(|c| {
                let total: f64 = cnt[c].iter().sum();
                let denom = (total + alpha * nf as f64).ln();
                cnt[c].iter().map(|n| (n + alpha).ln() - denom).collect()
            })
            .collect();
        let nb = LinearModel::naive_bayes(&x, &y, &sw, nf, k);
        for dense in [true, false] {
            let m = nb.clone().freeze_as(Some(dense));
            for f in 0..nf {
                let column: Vec<f64> = table.iter().map(|row| row[f]).collect();
                let mean = column.iter().sum::<f64>() / k as f64;
                for (c, l) in column.iter().enumerate() {
                    let want = (l - mean) as f32;
                    let got = m.weight(f as u32, c);
                    assert!((got - want).abs() < 1e-4, "f {f} c {c}: {got} vs {want}");
                }
            }
        }
    }

    #[test]
    fn naive_bayes_stays_off_features_appended_after_its_own() {
        // In semantic mode the SVM's features go on with an item's embedding; naive
        // Bayes was fitted on the words only and must say nothing about the rest.
        let (x, y) = random_data(200, 30, 5);
        let sw = vec![1.0; x.len()];
        let nb = LinearModel::naive_bayes(&x, &y, &sw, 30, 5);
        let mut wide = Columns::zeros(34, 5);
        wide.add_scaled(&nb, 1.0);
        let embedding_only = SparseVec {
            idx: vec![30, 31, 33],
            val: vec![0.7, -0.2, 0.4],
        };
        for dense in [true, false] {
            let m = wide.clone().freeze_as(Some(dense));
            for f in 30..34 {
                assert!((0..5).all(|c| m.weight(f, c) == 0.0), "feature {f}");
            }
            assert_eq!(scores_of(&m, &embedding_only, 5), m.bias().to_vec());
            // Words and embedding together: the words' scores alone.
            let mut both = x[0].clone();
            both.idx.extend(&embedding_only.idx);
            both.val.extend(&embedding_only.val);
            let (a, b) = (scores_of(&m, &both, 5), scores_of(&m, &x[0], 5));
            assert!(
                a.iter().zip(&b).all(|(p, q)| (p - q).abs() < 1e-5),
                "{a:?} {b:?}"
            );
        }
    }

    #[test]
    fn sparse_and_dense_storage_score_alike() {
        let (nf, k) = (600, 40);
        let (x, y) = random_data(800, nf as u32, k);
        let sw = vec![1.0; x.len()];
        let opts = SvmOptions {
            c: 0.5,
            max_iter: 60,
            eps: 0.1,
        };
        let mut cols = LinearModel::train(&x, &y, &sw, nf, k, opts, 2);
        cols.add_scaled(&LinearModel::naive_bayes(&x, &y, &sw, nf, k), 0.3);
        cols.add_scaled(&LinearModel::centroids(&x, &y, nf, k), 2.0);
        // Words every target's text has: rows that are full.
        let common = SparseVec {
            idx: vec![0, 1, 2],
            val: vec![0.5, 0.4, 0.3],
        };
        cols.add_scaled(&Columns::from_vectors(&vec![common; k], nf), 1.0);
        let dense = cols.clone().freeze_as(Some(true));
        let sparse = cols.freeze_as(Some(false));
        assert!(matches!(dense.weights, Weights::Dense(_)));
        // Both kinds of compressed row are exercised: whole (frequent features) and
        // scattered.
        let Weights::Sparse { start, full_of, .. } = &sparse.weights else {
            panic!("sparse storage was asked for");
        };
        assert!(full_of.iter().any(|&r| r > 0), "no whole rows");
        assert!(start.windows(2).any(|w| w[1] > w[0]), "no scattered rows");
        for v in &x[..100] {
            let (a, b) = (scores_of(&dense, v, k), scores_of(&sparse, v, k));
            for (p, q) in a.iter().zip(&b) {
                assert!((p - q).abs() < 1e-4, "{a:?} vs {b:?}");
            }
            for &f in &v.idx {
                for c in [0, k / 2, k - 1] {
                    let (p, q) = (dense.weight(f, c), sparse.weight(f, c));
                    assert!((p - q).abs() < 1e-5, "feature {f} class {c}: {p} vs {q}");
                }
            }
        }
    }

    #[test]
    fn classes_trained_in_blocks_solve_the_same_problems() {
        // 40 classes on one thread go in blocks of 16; on 40 threads each class is
        // alone. Run to convergence, both must reach the same optimum.
        let (x, y) = random_data(600, 130, 40);
        let sw = vec![1.0; x.len()];
        let opts = SvmOptions {
            c: 0.5,
            max_iter: 500,
            eps: 1e-3,
        };
        let blocks = LinearModel::train(&x, &y, &sw, 130, 40, opts, 1).freeze();
        let alone = LinearModel::train(&x, &y, &sw, 130, 40, opts, 40).freeze();
        let mut right = 0;
        for (v, &c) in x.iter().zip(&y) {
            let (a, b) = (scores_of(&blocks, v, 40), scores_of(&alone, v, 40));
            for (p, q) in a.iter().zip(&b) {
                assert!((p - q).abs() < 0.02, "{p} vs {q}");
            }
            let best = (0..40).max_by(|&i, &j| a[i].total_cmp(&a[j])).unwrap_or(0);
            right += usize::from(best == c);
        }
        // And they learned something: the classes are far from chance (1/40).
        assert!(right * 2 > x.len(), "{right} of {}", x.len());
    }
}
