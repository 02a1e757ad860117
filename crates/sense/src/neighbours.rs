//! Semantic mode's nearest linked items: which targets the linked work most like an
//! item (in the embedder's space) served.
//!
//! A target's mean embedding (`Semantic::class_vecs`) stands for all its work at once;
//! broad targets (Iceberg's `core` and `api`) hold several kinds of work, and an item
//! like one of those kinds sits nearer a few of its items than their mean. Weighted on
//! the held-out fold like every other source, this score took semantic mode on the
//! Iceberg changes from 0.708 / 0.848 (top-1 / top-3) to 0.705 / 0.851, its held-out
//! fold's log-loss from 1.445 to 1.430; on the story-points projects top-1 and top-3
//! stayed 0.890 / 0.971 and the fold's log-loss went from 0.370 to 0.336. The same over
//! the sparse lexical vectors added nothing: the linear model already reads the words.
//!
//! It is added after a new family member borrowed its sibling's score
//! (`family.rs`): the votes are for the sibling's own items, and a member with none
//! of its own would otherwise inherit them. (Added before, the fold fitted a larger
//! family gap, and Iceberg's new `spark 4.1` lost most of its place in the top three.)

/// Neighbours read per item.
const K: usize = 10;
/// Softness of the neighbours' votes: a vote weighs `exp(cosine / TAU)`, relative to
/// the nearest, so a neighbour 0.05 less similar counts `1/e` as much.
const TAU: f32 = 0.05;
/// Smoothing of a target's share of the votes: its score is `ln((share + FLOOR) /
/// FLOOR)`, from 0 (no vote) to `ln 51` (every vote), so one distant vote counts
/// little and a unanimous vote does not swamp the other sources.
const FLOOR: f32 = 0.02;
/// Rows compared with a batch of items at a time: 64 rows of 384 numbers are 96 KB,
/// which stay in a core's cache.
const BLOCK: usize = 64;
/// Linked items kept as neighbours, the newest: reading them all costs more per item
/// than embedding it once there are many, and recent work says most about new work.
pub(crate) const MAX_NEIGHBOURS: usize = 10_000;

/// Linked items' unit embeddings and targets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Neighbours {
    /// The index, among the linked items, of the first one kept.
    first: usize,
    dim: usize,
    /// Row-major, one row per kept item.
    vecs: Vec<f32>,
    labels: Vec<u32>,
}

impl Neighbours {
    /// From linked items' embeddings and targets, oldest first; keeps the newest
    /// [`MAX_NEIGHBOURS`].
    pub fn new(vecs: &[Vec<f32>], labels: &[usize]) -> Self {
        let skip = vecs.len().saturating_sub(MAX_NEIGHBOURS);
        let dim = vecs.first().map_or(0, Vec::len);
        let mut out = Neighbours {
            first: skip,
            dim,
            vecs: Vec::with_capacity((vecs.len() - skip) * dim),
            labels: Vec::with_capacity(vecs.len() - skip),
        };
        for (v, &c) in vecs.iter().zip(labels).skip(skip) {
            // A vector of another size (none is expected) keeps its row, as zeros, so
            // rows stay aligned with the linked items.
            match v.len() == dim {
                true => out.vecs.extend_from_slice(v),
                false => out.vecs.resize(out.vecs.len() + dim, 0.0),
            }
            out.labels.push(c as u32);
        }
        out
    }

    /// Whether there is anything to compare with.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The [`K`] nearest kept items of each query (cosine, row), nearest first. The
    /// rows are read in blocks that stay in the core's cache while every query is
    /// compared with them: read once per item instead, the rows (15 MB at 10,000) come
    /// from the slower shared cache, and the loop ran at half the speed.
    pub fn nearest(&self, queries: &[&[f32]]) -> Vec<Vec<(f32, u32)>> {
        let mut best: Vec<Vec<(f32, u32)>> = vec![Vec::with_capacity(K + 1); queries.len()];
        if self.dim == 0 {
            return best;
        }
        for (b, block) in self.vecs.chunks(BLOCK * self.dim).enumerate() {
            for (q, out) in queries.iter().zip(best.iter_mut()) {
                if q.len() != self.dim {
                    continue;
                }
                for (r, row) in block.chunks_exact(self.dim).enumerate() {
                    let sim = dot(row, q);
                    if out.len() < K || sim > out[out.len() - 1].0 {
                        let at = out.partition_point(|x| x.0 >= sim);
                        out.insert(at, (sim, (b * BLOCK + r) as u32));
                        out.truncate(K);
                    }
                }
            }
        }
        best
    }

    /// Adds `weight` times each target's score among an item's `near`est items (from
    /// [`Neighbours::nearest`]) to `scores`: `ln((share + FLOOR) / FLOOR)`, where
    /// `share` is the target's part of the neighbours' votes; 0 for a target none of
    /// them served, so the score only ever speaks for a target. Leaves the neighbours in
    /// `named`, nearest first, as (index among the linked items, target), for the
    /// reason.
    pub fn add(
        &self,
        near: &[(f32, u32)],
        weight: f32,
        scores: &mut [f32],
        named: &mut Vec<(u32, u32)>,
    ) {
        named.clear();
        let Some(&(top, _)) = near.first().filter(|_| weight != 0.0) else {
            return;
        };
        let mut votes = vec![0f32; scores.len()];
        let mut total = 0f32;
        for &(sim, j) in near {
            let Some(&c) = self.labels.get(j as usize) else {
                continue;
            };
            let w = ((sim - top) / TAU).exp();
            if let Some(v) = votes.get_mut(c as usize) {
                *v += w;
            }
            total += w;
            named.push((self.first as u32 + j, c));
        }
        for (s, v) in scores.iter_mut().zip(votes) {
            if v > 0.0 {
                *s += weight * ((v / total + FLOOR) / FLOOR).ln();
            }
        }
    }
}

/// A dot product the compiler turns into SIMD: eight running sums rather than one,
/// whose strict order of additions would keep it scalar. (A copy compiled for AVX2 and
/// FMA was no faster: the loop waits on the rows coming from cache, not on arithmetic.)
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    // Arrays of eight, not slices: their length known, the loop needs no bounds checks.
    let ((ca, ta), (cb, tb)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    let tail: f32 = ta.iter().zip(tb).map(|(x, y)| x * y).sum();
    for (x, y) in ca.iter().zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn the_nearest_items_target_scores_most_and_unserved_targets_nothing() {
        // Target 0 has many items pointing one way; target 1 a few near the query.
        let mut vecs = vec![unit(&[1.0, 0.0, 0.0]); 30];
        let mut labels = vec![0; 30];
        for i in 0..3 {
            vecs.push(unit(&[0.1 * i as f32, 1.0, 0.05]));
            labels.push(1);
        }
        let n = Neighbours::new(&vecs, &labels);
        let (mut scores, mut near) = (vec![0f32; 3], Vec::new());
        let q = unit(&[0.05, 1.0, 0.0]);
        let found = n.nearest(&[&q]);
        n.add(&found[0], 1.0, &mut scores, &mut near);
        assert!(scores[1] > scores[0], "{scores:?}");
        assert!(scores[1] > 0.0);
        assert_eq!(scores[2], 0.0, "no neighbour served target 2");
        // The nearest first: one of target 1's three items (indices 30 to 32).
        assert_eq!(near.len(), K);
        assert!((30..33).contains(&near[0].0) && near[0].1 == 1, "{near:?}");
        assert!(near[..3].iter().all(|&(_, c)| c == 1), "{near:?}");
        // A zero weight, or an embedding of another size, adds nothing.
        let mut none = vec![0f32; 3];
        n.add(&found[0], 0.0, &mut none, &mut near);
        assert!(n.nearest(&[&[1.0, 0.0]])[0].is_empty());
        n.add(&[], 1.0, &mut none, &mut near);
        assert_eq!(none, vec![0.0; 3]);
        assert!(near.is_empty());
    }

    #[test]
    fn a_batch_finds_what_one_at_a_time_finds() {
        // More rows than a block, queries of every kind.
        let row = |i: usize| unit(&[(i as f32 * 0.7).sin(), (i as f32 * 1.3).cos(), 0.2]);
        let vecs: Vec<Vec<f32>> = (0..3 * BLOCK + 7).map(row).collect();
        let labels: Vec<usize> = (0..vecs.len()).map(|i| i % 4).collect();
        let n = Neighbours::new(&vecs, &labels);
        let queries: Vec<Vec<f32>> = (0..20).map(|i| row(1000 + i)).collect();
        let refs: Vec<&[f32]> = queries.iter().map(Vec::as_slice).collect();
        let batch = n.nearest(&refs);
        for (q, b) in refs.iter().zip(&batch) {
            let mut all: Vec<(f32, u32)> = vecs.iter().map(|v| dot(v, q)).zip(0u32..).collect();
            all.sort_by(|a, b| b.0.total_cmp(&a.0));
            let want: Vec<f32> = all[..K].iter().map(|x| x.0).collect();
            let got: Vec<f32> = b.iter().map(|x| x.0).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn the_fast_dot_is_the_dot() {
        let a: Vec<f32> = (0..389).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..389).map(|i| (i as f32 * 0.11).cos()).collect();
        let plain: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!(
            (dot(&a, &b) - plain).abs() < 1e-4,
            "{} vs {plain}",
            dot(&a, &b)
        );
    }

    #[test]
    fn only_the_newest_items_are_kept() {
        let vecs: Vec<Vec<f32>> = (0..MAX_NEIGHBOURS + 5).map(|_| vec![1.0, 0.0]).collect();
        let labels: Vec<usize> = (0..MAX_NEIGHBOURS + 5)
            .map(|i| usize::from(i >= 5))
            .collect();
        let n = Neighbours::new(&vecs, &labels);
        assert_eq!(n.labels.len(), MAX_NEIGHBOURS);
        assert!(n.labels.iter().all(|&c| c == 1), "the five oldest went");
        // Neighbours are named by their index among all the linked items.
        let mut near = Vec::new();
        let found = n.nearest(&[&[1.0, 0.0]]);
        n.add(&found[0], 1.0, &mut [0.0, 0.0], &mut near);
        assert!(near.iter().all(|&(i, _)| i >= 5), "{near:?}");
    }
}
