//! Turning raw scores into confidences that mean what they say: temperature scaling of a
//! softmax over combined scores, then isotonic regression of the top-1 probability onto
//! observed correctness, both fitted on a held-out (newest) fold of the linked items.

use serde::{Deserialize, Serialize};

/// Softmax of `z / t` in place; returns nothing, `z` becomes probabilities.
pub(crate) fn softmax(z: &mut [f32], t: f32) {
    if z.is_empty() {
        return;
    }
    let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
    let mut s = 0.0;
    for v in z.iter_mut() {
        *v = ((*v - m) / t).exp();
        s += *v;
    }
    for v in z.iter_mut() {
        *v /= s;
    }
}

/// Mean negative log-likelihood of the true classes under `softmax(z / t)` (each row's
/// probability floored at 1e-7, so one hopeless item cannot outweigh the rest), on up to
/// `threads` threads.
pub(crate) fn nll(logits: &[Vec<f32>], truth: &[usize], t: f32, threads: usize) -> f64 {
    let rows = |z: &[Vec<f32>], y: &[usize]| -> f64 {
        let mut total = 0.0f64;
        for (z, &y) in z.iter().zip(y) {
            let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            let s: f32 = z.iter().map(|v| ((v - m) / t).exp()).sum();
            // -ln p(y) = ln s - (z_y - m) / t, computed without dividing every entry.
            let loss = f64::from(s.ln() - (z[y] - m) / t);
            total += loss.min(-(1e-7f64).ln());
        }
        total
    };
    // Many targets make this the cost of fitting the mix: split the rows over threads.
    let cells: usize = logits.iter().map(Vec::len).sum();
    let threads = if cells >= PARALLEL_CELLS { threads } else { 1 };
    let total: f64 = if threads > 1 {
        let chunk = logits.len().div_ceil(threads);
        std::thread::scope(|sc| {
            let handles: Vec<_> = logits
                .chunks(chunk)
                .zip(truth.chunks(chunk))
                .map(|(z, y)| sc.spawn(move || rows(z, y)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or(0.0)).sum()
        })
    } else {
        rows(logits, truth)
    };
    total / logits.len().max(1) as f64
}

/// Logit cells (rows x targets) from which [`nll`] splits its work over threads.
const PARALLEL_CELLS: usize = 200_000;

/// The temperature minimising the NLL, by golden-section search on log t.
pub(crate) fn fit_temperature(logits: &[Vec<f32>], truth: &[usize], threads: usize) -> (f32, f64) {
    if logits.is_empty() {
        return (1.0, 0.0);
    }
    let f = |lt: f64| nll(logits, truth, lt.exp() as f32, threads);
    // The floor keeps a perfectly separated held-out fold from turning tiny score
    // differences into certainty.
    let (mut a, mut b) = ((0.1f64).ln(), (20.0f64).ln());
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - g * (b - a);
    let mut d = a + g * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    // 24 steps narrow log t to 1e-5 of the bracket: far finer than calibration needs.
    for _ in 0..24 {
        if fc < fd {
            b = d;
            d = c;
            fd = fc;
            c = b - g * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + g * (b - a);
            fd = f(d);
        }
    }
    let lt = (a + b) / 2.0;
    (lt.exp() as f32, f(lt))
}

/// A monotone map from a raw top-1 probability to the observed accuracy, by pool
/// adjacent violators; evaluated by linear interpolation between block centres.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Isotonic {
    xs: Vec<f32>,
    ys: Vec<f32>,
}

impl Isotonic {
    /// Fits on (raw probability, was correct) pairs. With fewer than `min_points` pairs
    /// the map is the identity (too little evidence to reshape anything).
    pub(crate) fn fit(points: &[(f32, bool)], min_points: usize) -> Self {
        if points.len() < min_points {
            return Isotonic::default();
        }
        let mut p: Vec<(f32, f32)> = points
            .iter()
            .map(|&(x, c)| (x, if c { 1.0 } else { 0.0 }))
            .collect();
        p.sort_by(|a, b| a.0.total_cmp(&b.0));
        // Blocks of (sum x, sum y, count).
        let mut blocks: Vec<(f64, f64, f64)> = Vec::new();
        for (x, y) in p {
            blocks.push((f64::from(x), f64::from(y), 1.0));
            while blocks.len() >= 2 {
                let n = blocks.len();
                let (a, b) = (blocks[n - 2], blocks[n - 1]);
                if a.1 / a.2 >= b.1 / b.2 {
                    blocks.pop();
                    blocks[n - 2] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
                } else {
                    break;
                }
            }
        }
        // Shrink each block's accuracy a little towards its mean raw probability, so a
        // block of three lucky items does not claim certainty.
        let prior_n = 10.0;
        let xs: Vec<f32> = blocks.iter().map(|b| (b.0 / b.2) as f32).collect();
        let mut ys: Vec<f32> = blocks
            .iter()
            .map(|b| ((b.1 + prior_n * b.0 / b.2) / (b.2 + prior_n)) as f32)
            .collect();
        // Shrinking can undo monotonicity between a small and a large block; restore it.
        for i in 1..ys.len() {
            ys[i] = ys[i].max(ys[i - 1]);
        }
        Isotonic { xs, ys }
    }

    /// Calibrated probability for a raw one.
    pub(crate) fn apply(&self, x: f32) -> f32 {
        if self.xs.is_empty() {
            return x;
        }
        let n = self.xs.len();
        if x <= self.xs[0] {
            // Below the data: never more confident than the raw score or the first block.
            return self.ys[0].min(x);
        }
        if x >= self.xs[n - 1] {
            return self.ys[n - 1];
        }
        let i = self.xs.partition_point(|&v| v <= x);
        let (x0, x1, y0, y1) = (self.xs[i - 1], self.xs[i], self.ys[i - 1], self.ys[i]);
        if x1 - x0 <= f32::EPSILON {
            return y1;
        }
        y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    }
}

/// Expected calibration error with `bins` equal-width bins over confidence.
pub fn expected_calibration_error(points: &[(f32, bool)], bins: usize) -> f32 {
    if points.is_empty() || bins == 0 {
        return 0.0;
    }
    let mut conf = vec![0f64; bins];
    let mut acc = vec![0f64; bins];
    let mut cnt = vec![0f64; bins];
    for &(p, ok) in points {
        let b = ((p.clamp(0.0, 1.0) * bins as f32) as usize).min(bins - 1);
        conf[b] += f64::from(p);
        acc[b] += if ok { 1.0 } else { 0.0 };
        cnt[b] += 1.0;
    }
    let n = points.len() as f64;
    (0..bins)
        .filter(|&b| cnt[b] > 0.0)
        .map(|b| (cnt[b] / n) * ((acc[b] - conf[b]) / cnt[b]).abs())
        .sum::<f64>() as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_is_monotone_and_bounded() {
        let pts: Vec<(f32, bool)> = (0..400)
            .map(|i| {
                let x = i as f32 / 400.0;
                (x, (i * 7919) % 400 < (x * 0.5 * 400.0) as usize)
            })
            .collect();
        let iso = Isotonic::fit(&pts, 50);
        let mut last = -1.0;
        for k in 0..=20 {
            let y = iso.apply(k as f32 / 20.0);
            assert!((0.0..=1.0).contains(&y));
            assert!(y >= last - 1e-6);
            last = y;
        }
    }

    #[test]
    fn ece_of_perfect_calibration_is_small() {
        let pts: Vec<(f32, bool)> = (0..1000).map(|i| (0.7, i % 10 < 7)).collect();
        assert!(expected_calibration_error(&pts, 10) < 1e-4);
        assert_eq!(expected_calibration_error(&[], 10), 0.0);
    }

    #[test]
    fn temperature_softens_overconfident_scores() {
        // Scores say "certain" but half are wrong: the fitted temperature must be large.
        let logits: Vec<Vec<f32>> = (0..100).map(|_| vec![5.0, 0.0]).collect();
        let truth: Vec<usize> = (0..100).map(|i| i % 2).collect();
        let (t, _) = fit_temperature(&logits, &truth, 1);
        assert!(t > 3.0, "t = {t}");
    }
}
