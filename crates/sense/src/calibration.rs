//! Turning raw scores into confidences that mean what they say: temperature scaling of a
//! softmax over combined scores, then isotonic regression of the top-1 probability onto
//! observed correctness, both fitted on a held-out (newest) fold of the linked items.

use serde::{Deserialize, Serialize};

use crate::parallel::map_chunks;

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

/// The loss of one row is capped here (a probability floor of 1e-7), so one hopeless
/// item cannot outweigh the rest.
const MAX_ROW_LOSS: f64 = 16.118_095_650_958_32;

/// Mean negative log-likelihood of the true classes under `softmax(beta z)` with its
/// first and second derivatives in `beta` (the inverse temperature), on up to `threads`
/// threads. A row at the loss cap adds nothing to the derivatives.
fn nll_and_slopes(logits: &[Vec<f32>], truth: &[usize], beta: f64, threads: usize) -> [f64; 3] {
    let rows = |z: &[Vec<f32>], y: &[usize]| -> [f64; 3] {
        let mut acc = [0f64; 3];
        let b = beta as f32;
        for (z, &y) in z.iter().zip(y) {
            let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
            // Sums of p, p (z - m) and p (z - m)^2, unnormalised (each term is at most
            // 1 and a row has at most a few thousand: f32 is exact enough).
            let (mut s, mut s1, mut s2) = (0f32, 0f32, 0f32);
            for &v in z {
                let d = v - m;
                let e = (b * d).exp();
                s += e;
                s1 += e * d;
                s2 += e * d * d;
            }
            let (s, s1, s2) = (f64::from(s), f64::from(s1), f64::from(s2));
            let dy = f64::from(z[y] - m);
            // -ln p(y) = ln s - beta (z_y - m).
            let loss = s.ln() - beta * dy;
            if loss >= MAX_ROW_LOSS {
                acc[0] += MAX_ROW_LOSS;
                continue;
            }
            let mean = s1 / s;
            acc[0] += loss;
            acc[1] += mean - dy;
            acc[2] += (s2 / s - mean * mean).max(0.0);
        }
        acc
    };
    // Many targets make this the cost of fitting the mix: split the rows over threads.
    let cells: usize = logits.iter().map(Vec::len).sum();
    let threads = if cells >= PARALLEL_CELLS { threads } else { 1 };
    let total = map_chunks(logits.len(), threads, |r| {
        rows(&logits[r.clone()], &truth[r])
    })
    .into_iter()
    .fold([0.0; 3], |a, b| [a[0] + b[0], a[1] + b[1], a[2] + b[2]]);
    let n = logits.len().max(1) as f64;
    total.map(|v| v / n)
}

/// Logit cells (rows x targets) from which [`nll_and_slopes`] splits its work over
/// threads.
const PARALLEL_CELLS: usize = 200_000;

/// The temperature minimising the NLL, between 0.1 and 20, and that NLL.
///
/// The NLL is convex in the inverse temperature (a log-sum-exp of a linear function
/// less a linear term), so Newton's method in `beta = 1 / t` reaches the minimum in a
/// handful of passes over the logits; a step that leaves the bracket the slopes have
/// narrowed so far is replaced by bisection. (A golden-section search took 26 passes:
/// with hundreds of targets it was most of the time spent fitting the mix.)
pub(crate) fn fit_temperature(logits: &[Vec<f32>], truth: &[usize], threads: usize) -> (f32, f64) {
    if logits.is_empty() {
        return (1.0, 0.0);
    }
    // The floor (t >= 0.1) keeps a perfectly separated held-out fold from turning tiny
    // score differences into certainty.
    let (mut lo, mut hi) = (1.0 / 20.0, 1.0 / 0.1);
    let mut beta = 1.0f64;
    let mut at = nll_and_slopes(logits, truth, beta, threads);
    for _ in 0..60 {
        let [_, g, h] = at;
        if g > 0.0 {
            hi = beta;
        } else {
            lo = beta;
        }
        let newton = if h > 1e-12 { beta - g / h } else { f64::NAN };
        let next = if newton > lo && newton < hi {
            newton
        } else {
            (lo * hi).sqrt()
        };
        let done = (next - beta).abs() <= 1e-7 * beta || g == 0.0;
        beta = next;
        at = nll_and_slopes(logits, truth, beta, threads);
        if done {
            break;
        }
    }
    ((1.0 / beta) as f32, at[0])
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

    /// The mean capped NLL at temperature `t`, computed directly.
    fn nll_at(logits: &[Vec<f32>], truth: &[usize], t: f64) -> f64 {
        let n = logits.len() as f64;
        logits
            .iter()
            .zip(truth)
            .map(|(z, &y)| {
                let m = z.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
                let s: f64 = z.iter().map(|&v| ((v as f64 - m) / t).exp()).sum();
                (s.ln() - (z[y] as f64 - m) / t).min(MAX_ROW_LOSS)
            })
            .sum::<f64>()
            / n
    }

    #[test]
    fn temperature_is_the_minimum_a_fine_grid_finds() {
        let mut rng = crate::linear::XorShift::new(11);
        let mut unit = || (rng.next_u64() % 10_000) as f32 / 10_000.0;
        for (rows, classes, spread, noise) in
            [(300, 5, 4.0, 0.5), (200, 40, 2.0, 0.3), (50, 3, 30.0, 0.05)]
        {
            let mut logits = Vec::new();
            let mut truth = Vec::new();
            for i in 0..rows {
                let y = i % classes;
                let z: Vec<f32> = (0..classes)
                    .map(|c| unit() * spread + if c == y { spread * noise * 3.0 } else { 0.0 })
                    .collect();
                logits.push(z);
                truth.push(y);
            }
            let (t, loss) = fit_temperature(&logits, &truth, 2);
            // The grid: 4,000 steps of log t over [0.1, 20].
            let (best_t, best) = (0..=4000)
                .map(|k| (0.1f64.ln() + (200f64).ln() * k as f64 / 4000.0).exp())
                .map(|t| (t, nll_at(&logits, &truth, t)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .unwrap();
            assert!(
                (loss - nll_at(&logits, &truth, f64::from(t))).abs() < 1e-6,
                "the reported loss is the loss at t"
            );
            assert!(
                loss <= best + 1e-6,
                "t {t} loss {loss}, grid t {best_t} loss {best}"
            );
            assert!(
                (f64::from(t) / best_t - 1.0).abs() < 0.01,
                "t {t}, grid {best_t}"
            );
        }
        // Perfectly separated scores want t -> 0: the floor holds.
        let logits: Vec<Vec<f32>> = (0..50)
            .map(|i| {
                if i % 2 == 0 {
                    vec![1.0, 0.0]
                } else {
                    vec![0.0, 1.0]
                }
            })
            .collect();
        let truth: Vec<usize> = (0..50).map(|i| i % 2).collect();
        let (t, _) = fit_temperature(&logits, &truth, 1);
        assert!((t - 0.1).abs() < 1e-4, "t = {t}");
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
