//! Reports without the item keys behind their figures, for callers that only want the
//! numbers: on a million items the keys of `status` run to 100 MB of JSON, the numbers
//! to a few kilobytes. Every figure can still be drilled into with the item query
//! (`throughline items`, `/api/items`) over the same scope. Counts stay: a figure's
//! `items` is counted when it is made, not from its keys.

use crate::allocation::AllocationReport;
use crate::brief::Brief;
use crate::drift::{DriftReport, WindowShare};
use crate::status::{Figure, OriginSplit, StatusReport};
use crate::themes::ThemesReport;

/// A report that can leave out the item keys behind its figures.
pub trait WithoutKeys: Sized {
    /// The same report with every list of item keys empty.
    fn without_keys(self) -> Self;
}

fn clear<'a>(figures: impl IntoIterator<Item = &'a mut Figure>) {
    for f in figures {
        f.keys = Vec::new();
    }
}

fn split(s: &mut OriginSplit) -> [&mut Figure; 3] {
    [&mut s.explicit, &mut s.corrected, &mut s.inferred]
}

impl WithoutKeys for StatusReport {
    fn without_keys(mut self) -> Self {
        clear([
            &mut self.total,
            &mut self.aligned,
            &mut self.off_plan,
            &mut self.unclear,
            &mut self.unlinked,
        ]);
        clear(split(&mut self.aligned_by_origin));
        for g in &mut self.goals {
            clear([&mut g.work]);
            clear(split(&mut g.by_origin));
            clear(g.initiatives.iter_mut().map(|i| &mut i.work));
        }
        clear(self.off_plan_by_reason.iter_mut().map(|r| &mut r.work));
        self
    }
}

impl WithoutKeys for AllocationReport {
    fn without_keys(mut self) -> Self {
        clear([
            &mut self.total,
            &mut self.unlinked,
            &mut self.created_before,
        ]);
        for b in &mut self.buckets {
            clear([&mut b.total]);
            clear(b.classes.iter_mut().map(|c| &mut c.work));
            clear(b.goals.iter_mut().map(|g| &mut g.work));
        }
        clear(self.thin_goals.iter_mut().map(|g| &mut g.work));
        clear(self.stalled.iter_mut().map(|s| &mut s.work));
        self
    }
}

impl WithoutKeys for DriftReport {
    /// A shift keeps its few `examples`: they are part of what it says, not a drill-down.
    fn without_keys(mut self) -> Self {
        fn window(w: &mut WindowShare) -> [&mut Figure; 2] {
            [&mut w.part, &mut w.all]
        }
        for s in self.shifts.iter_mut().chain(&mut self.within_noise) {
            clear(window(&mut s.before));
            clear(window(&mut s.after));
            for d in &mut s.drivers {
                d.keys = Vec::new();
            }
        }
        self
    }
}

impl WithoutKeys for ThemesReport {
    /// A theme keeps its few `examples`, as a drift's shift does.
    fn without_keys(mut self) -> Self {
        clear(self.themes.iter_mut().map(|t| &mut t.work));
        self
    }
}

impl WithoutKeys for Brief {
    /// Each number of the text keeps its count; only its evidence list is emptied.
    fn without_keys(mut self) -> Self {
        for e in &mut self.evidence {
            e.keys = Vec::new();
        }
        self
    }
}
