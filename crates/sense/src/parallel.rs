//! Splitting a slice's work over scoped threads, in order. Training scores every
//! held-out item under every target many times; with hundreds of targets that work is
//! worth the second core. Where the pieces differ in size (the SVM's blocks of targets,
//! inference's chunks of items), [`work_queue`] hands them out as threads come free.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// `f(state, k)` for every job `k` in `0..n_jobs`, in job order. Jobs go to up to
/// `threads` threads as they come free; each thread makes its own `state` (scratch
/// buffers) with `init`. A panic in a worker is re-raised here: a lost job must never
/// pass for an empty one (results would no longer line up with their jobs).
pub(crate) fn work_queue<S, T: Send>(
    n_jobs: usize,
    threads: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let run = || {
        let mut state = init();
        let mut out = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            if k >= n_jobs {
                break out;
            }
            out.push((k, f(&mut state, k)));
        }
    };
    let threads = threads.clamp(1, n_jobs.max(1));
    let done: Vec<Vec<(usize, T)>> = if threads == 1 {
        vec![run()]
    } else {
        std::thread::scope(|sc| {
            let handles: Vec<_> = (0..threads).map(|_| sc.spawn(run)).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    let mut slots: Vec<Option<T>> = (0..n_jobs).map(|_| None).collect();
    for (k, t) in done.into_iter().flatten() {
        slots[k] = Some(t);
    }
    slots.into_iter().flatten().collect()
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

    #[test]
    fn the_queue_returns_every_job_in_order_with_per_thread_state() {
        for (jobs, threads) in [(0, 2), (1, 3), (50, 2), (7, 1)] {
            // Uneven jobs, so threads take them out of order.
            let out = work_queue(
                jobs,
                threads,
                || 0usize,
                |seen, k| {
                    *seen += 1;
                    std::thread::sleep(std::time::Duration::from_micros((k % 5) as u64 * 50));
                    (k, *seen)
                },
            );
            let ks: Vec<usize> = out.iter().map(|p| p.0).collect();
            assert_eq!(
                ks,
                (0..jobs).collect::<Vec<_>>(),
                "{jobs} jobs, {threads} threads"
            );
            // Each thread's state counts only its own jobs, all jobs once in all.
            let firsts = out.iter().filter(|p| p.1 == 1).count();
            assert!(jobs == 0 || (1..=threads).contains(&firsts), "{firsts}");
        }
    }

    #[test]
    #[should_panic(expected = "job 3 failed")]
    fn a_panicking_job_is_not_lost_silently() {
        work_queue(
            8,
            2,
            || (),
            |_, k| {
                if k == 3 {
                    panic!("job 3 failed");
                }
                k
            },
        );
    }
}
