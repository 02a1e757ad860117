//! The four reports most views of a period start from, computed side by side.

use crate::{
    AllocationOptions, AllocationReport, BucketBy, DriftOptions, DriftReport, Scope, Snapshot,
    StatusReport, ThemeOptions, ThemesReport, allocation, drift, status, themes,
};

/// Status, allocation, drift and themes of one scope, with default options.
#[derive(Debug, Clone)]
pub struct Picture {
    pub status: StatusReport,
    pub allocation: AllocationReport,
    pub drift: DriftReport,
    pub themes: ThemesReport,
}

/// Computes the four reports of `scope`. They are independent passes over every item,
/// so they run on threads of their own: a page nobody has opened yet renders in about
/// the time of the slowest one.
pub fn picture(snap: &Snapshot, scope: &Scope) -> Picture {
    picture_by(snap, scope, BucketBy::Week)
}

/// [`picture`], with the allocation bucketed `by` weeks, months or quarters.
pub fn picture_by(snap: &Snapshot, scope: &Scope, by: BucketBy) -> Picture {
    let alloc_opts = AllocationOptions {
        by,
        ..AllocationOptions::default()
    };
    std::thread::scope(|t| {
        let st = t.spawn(|| status(snap, scope));
        let alloc = t.spawn(|| allocation(snap, scope, &alloc_opts));
        let dr = t.spawn(|| drift(snap, scope, &DriftOptions::default()));
        let themes = themes(snap, scope, &ThemeOptions::default());
        Picture {
            status: join(st),
            allocation: join(alloc),
            drift: join(dr),
            themes,
        }
    })
}

/// The result of a scoped thread; a panic in it is re-raised on this thread (as if the
/// work had run here).
pub(crate) fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}
