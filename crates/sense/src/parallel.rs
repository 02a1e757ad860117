//! Splitting a slice's work over scoped threads, in order. Training scores every
//! held-out item under every target many times; with hundreds of targets that work is
//! worth the second core. (Inference has its own work queue in `engine::infer_all`, and
//! the SVM its own per-target blocks in `linear.rs`: their pieces differ in size.)

use std::ops::Range;

/// `f` of `threads` contiguous ranges covering `0..n`, in order (one range, on this
/// thread, when `threads` is 1 or `n` is small). A panic in a worker is re-raised here.
pub(crate) fn map_chunks<T: Send>(
    n: usize,
    threads: usize,
    f: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let threads = threads.clamp(1, n.max(1));
    if threads == 1 {
        return vec![f(0..n)];
    }
    let chunk = n.div_ceil(threads);
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..n)
            .step_by(chunk)
            .map(|start| {
                let f = &f;
                sc.spawn(move || f(start..(start + chunk).min(n)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// `f` of each of `idx`, in order, on up to `threads` threads.
pub(crate) fn par_map<T: Send>(
    idx: &[usize],
    threads: usize,
    f: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    map_chunks(idx.len(), threads, |r| {
        idx[r].iter().map(|&i| f(i)).collect::<Vec<T>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_once_in_order() {
        for (n, threads) in [(0, 2), (1, 4), (7, 2), (100, 3), (5, 8)] {
            let ranges = map_chunks(n, threads, |r| r);
            let flat: Vec<usize> = ranges.into_iter().flatten().collect();
            assert_eq!(flat, (0..n).collect::<Vec<_>>(), "n {n} threads {threads}");
        }
        let idx = [5, 3, 9, 1, 0];
        assert_eq!(par_map(&idx, 2, |i| i * 10), vec![50, 30, 90, 10, 0]);
    }
}
