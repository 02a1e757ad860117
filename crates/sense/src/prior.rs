//! A recency prior: which targets the linked work around a given time served.
//!
//! Real trackers drift: a component or initiative is busy for a season and then quiet
//! (Iceberg's `spark 3.4` and `spark 3.5` differ mostly by when). The prior is a kernel
//! smoothed share of linked items per target around the item's creation time,
//! precomputed on a grid so that inference costs one interpolation.

use serde::{Deserialize, Serialize};

/// Number of grid points the prior is tabulated on.
const GRID: usize = 256;

/// Per-target shares of linked work over time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct TimePrior {
    t0: f64,
    step: f64,
    n_classes: usize,
    /// `grid[g * n_classes + c]`: log share of target `c` at grid point `g`.
    grid: Vec<f32>,
    /// Log share over all time (items with no date).
    global: Vec<f32>,
}

impl TimePrior {
    /// Builds the prior from linked items' (time in days, class, weight). `tau` is the
    /// kernel's time scale in days; `smoothing` the pseudo-count of the global share.
    pub fn fit(points: &[(f64, usize, f32)], n_classes: usize, tau: f64) -> Self {
        let mut counts = vec![1e-3f64; n_classes];
        for &(_, c, w) in points {
            counts[c] += f64::from(w);
        }
        let total: f64 = counts.iter().sum();
        let global_share: Vec<f64> = counts.iter().map(|c| c / total).collect();
        let global: Vec<f32> = global_share.iter().map(|s| s.ln() as f32).collect();
        let (lo, hi) = points
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
                (a.min(p.0), b.max(p.0))
            });
        if !lo.is_finite() || n_classes == 0 {
            return TimePrior {
                t0: 0.0,
                step: 1.0,
                n_classes,
                grid: Vec::new(),
                global,
            };
        }
        let step = ((hi - lo) / (GRID - 1) as f64).max(1e-6);
        let mut grid = vec![0f32; GRID * n_classes];
        let smoothing = 3.0;
        let mut acc = vec![0f64; n_classes];
        for g in 0..GRID {
            let t = lo + step * g as f64;
            acc.iter_mut().for_each(|a| *a = 0.0);
            for &(ti, c, w) in points {
                acc[c] += f64::from(w) * (-(t - ti).abs() / tau).exp();
            }
            let mass: f64 = acc.iter().sum();
            for c in 0..n_classes {
                let share = (acc[c] + smoothing * global_share[c]) / (mass + smoothing);
                grid[g * n_classes + c] = share.max(1e-6).ln() as f32;
            }
        }
        TimePrior {
            t0: lo,
            step,
            n_classes,
            grid,
            global,
        }
    }

    /// Log shares of every target at time `t` (days), added into `out` times `weight`.
    pub fn add_log_prior(&self, t: Option<f64>, weight: f32, out: &mut [f32]) {
        if weight == 0.0 {
            return;
        }
        let row = match t {
            Some(t) if !self.grid.is_empty() => {
                let g = ((t - self.t0) / self.step)
                    .round()
                    .clamp(0.0, (GRID - 1) as f64);
                let g = g as usize;
                &self.grid[g * self.n_classes..(g + 1) * self.n_classes]
            }
            _ => &self.global[..],
        };
        for (o, p) in out.iter_mut().zip(row) {
            *o += weight * p;
        }
    }
}
