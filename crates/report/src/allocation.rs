//! Allocation over time: per week (or sprint), the share of work aligned (explicit,
//! corrected, inferred kept apart), off plan by reason, and unclear or not linked, and
//! each goal's share; plus goals with little work behind them and initiatives whose work
//! stalled.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use throughline_model::{StatusCategory, Timestamp, WorkItem};

use crate::class::{WorkClass, goals_of, initiatives_of};
use crate::drift::default_as_of;
use crate::status::Figure;
use crate::text::percent;
use crate::{Scope, Snapshot};

/// How work is bucketed over time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BucketBy {
    /// ISO week of creation, e.g. "2026-W32".
    #[default]
    Week,
    /// Month of creation, e.g. "2026-07".
    Month,
    /// Quarter of creation, e.g. "2026-Q3".
    Quarter,
    /// The item's sprint or milestone name.
    Sprint,
    /// Weeks, months or quarters, whichever gives a readable number of rows for the
    /// scope's span (up to 26 weeks by week, up to three years by month); the report
    /// says which it chose.
    Auto,
}

impl BucketBy {
    /// Every bucket by its name, as the CLI and the API accept it.
    pub const ALL: [(&'static str, BucketBy); 5] = [
        ("auto", BucketBy::Auto),
        ("week", BucketBy::Week),
        ("month", BucketBy::Month),
        ("quarter", BucketBy::Quarter),
        ("sprint", BucketBy::Sprint),
    ];

    /// The names of [`BucketBy::ALL`].
    pub fn names() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|(n, _)| *n)
    }
}

impl std::str::FromStr for BucketBy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        BucketBy::ALL
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(s))
            .map(|(_, b)| *b)
            .ok_or_else(|| {
                let names: Vec<&str> = BucketBy::names().collect();
                format!("bad bucket `{s}`: use {}", names.join(", "))
            })
    }
}

/// The bucket size for `Auto`: the length of the scope's period, or without one the
/// span of the work's creation dates.
fn auto_bucket(snap: &Snapshot, scope: &Scope) -> BucketBy {
    if let Some(p) = &scope.period {
        return by_span(p.days());
    }
    let mut span: Option<(Timestamp, Timestamp)> = None;
    for t in snap
        .items
        .iter()
        .filter(|s| scope.includes(&s.item))
        .filter_map(|s| s.item.created)
    {
        span = Some(span.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))));
    }
    by_span(span.map_or(0, |(lo, hi)| (hi - lo).num_days()))
}

/// Weeks up to 26 of them, months up to three years, quarters past that.
pub(crate) fn by_span(days: i64) -> BucketBy {
    if days <= 26 * 7 {
        BucketBy::Week
    } else if days <= 3 * 365 {
        BucketBy::Month
    } else {
        BucketBy::Quarter
    }
}

/// Options of the allocation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationOptions {
    pub by: BucketBy,
    /// Goals whose share of items is below this are listed as thin (default 0.05).
    pub thin_goal_share: f64,
    /// An initiative stalled when none of its work was created or started in this many
    /// last weeks of the scope (default 6) and it is not (nearly) all done.
    pub stall_weeks: i64,
    pub as_of: Option<NaiveDate>,
}

impl Default for AllocationOptions {
    fn default() -> Self {
        AllocationOptions {
            by: BucketBy::Week,
            thin_goal_share: 0.05,
            stall_weeks: 6,
            as_of: None,
        }
    }
}

/// One class of work in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassShare {
    pub class: WorkClass,
    pub label: String,
    pub work: Figure,
    /// Summed cycle time (days) of the items that have one, and its share of the bucket's.
    pub cycle_days: f64,
    pub share_cycle: f64,
}

/// One period of the timeline: a week, month, quarter or sprint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bucket {
    pub label: String,
    pub total: Figure,
    pub classes: Vec<ClassShare>,
    /// Every goal of the strategy, in its order: the work serving it in this period, as
    /// a share of the period's items (an item serving two goals counts in both).
    pub goals: Vec<GoalWork>,
}

/// A goal, and the work behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalWork {
    pub id: String,
    pub title: String,
    pub work: Figure,
}

/// An initiative that had work and then none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stalled {
    pub id: String,
    pub title: String,
    /// Last day any of its work was created, started or finished.
    pub last_activity: Option<NaiveDate>,
    /// Last day new work began on it: an item created or started. "No new work since"
    /// is this day; a resolution is old work closing, not new work.
    pub last_new: Option<NaiveDate>,
    /// Its earlier work.
    pub work: Figure,
}

/// The allocation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationReport {
    pub options: AllocationOptions,
    /// The scope's period: the work in it (by `period_by`) is counted.
    pub period: Option<throughline_model::Period>,
    /// Which date put an item in the period.
    pub period_by: crate::PeriodBy,
    pub as_of: Option<NaiveDate>,
    pub total: Figure,
    pub buckets: Vec<Bucket>,
    /// Goals below the thin-share threshold (including goals with no work at all).
    pub thin_goals: Vec<GoalWork>,
    pub stalled: Vec<Stalled>,
    /// Work linked to nothing yet.
    pub unlinked: Figure,
    /// Work active in the scope's period but created before it: counted in `total` and
    /// in every share of the period, but in no bucket (a period bounds the buckets shown).
    pub created_before: Figure,
}

fn bucket_of(item: &WorkItem, by: BucketBy) -> String {
    if by == BucketBy::Sprint {
        return item.sprint.clone().unwrap_or_else(|| "(no sprint)".into());
    }
    let Some(d) = item.created.map(|c| c.date_naive()) else {
        return "(no date)".into();
    };
    match by {
        BucketBy::Month => format!("{}-{:02}", d.year(), d.month()),
        BucketBy::Quarter => format!("{}-Q{}", d.year(), d.month0() / 3 + 1),
        _ => {
            let w = d.iso_week();
            format!("{}-W{:02}", w.year(), w.week())
        }
    }
}

/// Whether new work began since `from`: an item created or started. Old items being
/// closed out, or sitting in progress, are not new work, or a stuck initiative would
/// never show.
fn active_since(item: &WorkItem, from: NaiveDate) -> bool {
    [item.created, item.started]
        .into_iter()
        .flatten()
        .any(|t| t.date_naive() >= from)
}

/// Per class: its items and their summed cycle days.
type ClassAcc = BTreeMap<WorkClass, (Figure, f64)>;

/// Computes allocation over time for a scope.
pub fn allocation(snap: &Snapshot, scope: &Scope, opts: &AllocationOptions) -> AllocationReport {
    let mut opts = opts.clone();
    if opts.by == BucketBy::Auto {
        opts.by = auto_bucket(snap, scope);
    }
    let opts = &opts;
    let as_of = opts.as_of.or_else(|| default_as_of(snap, scope));
    let mut total = Figure::default();
    let mut unlinked = Figure::default();
    let mut buckets: BTreeMap<String, (Figure, ClassAcc, HashMap<&str, Figure>)> = BTreeMap::new();
    let mut goal_work: HashMap<&str, Figure> = HashMap::new();
    // initiative -> (all work, active in the stall window?, last activity, items done,
    // last new work)
    type InitAcc = (Figure, bool, Option<NaiveDate>, usize, Option<NaiveDate>);
    let mut inits: HashMap<&str, InitAcc> = HashMap::new();
    let stall_from = as_of.map(|d| d - Duration::weeks(opts.stall_weeks) + Duration::days(1));
    for s in &snap.items {
        let item = &s.item;
        if !scope.includes(item) {
            continue;
        }
        let link = snap.links.get(&s.id);
        let class = WorkClass::of(link, &snap.strategy);
        total.add(item);
        if class == WorkClass::Unlinked {
            unlinked.add(item);
        }
        let (bt, classes, goals) = buckets.entry(bucket_of(item, opts.by)).or_default();
        bt.add(item);
        let (f, cycle) = classes.entry(class).or_default();
        f.add(item);
        *cycle += item.cycle_days().unwrap_or(0.0);
        if class.is_aligned() {
            for g in goals_of(link, &snap.strategy) {
                goal_work.entry(g).or_default().add(item);
                goals.entry(g).or_default().add(item);
            }
        }
        for i in initiatives_of(link) {
            let e = inits.entry(i).or_default();
            e.0.add(item);
            e.1 |= stall_from.is_some_and(|from| active_since(item, from));
            let last = [item.created, item.started, item.resolved]
                .into_iter()
                .flatten()
                .map(|t| t.date_naive())
                .max();
            e.2 = e.2.max(last);
            e.3 += usize::from(item.status_category == StatusCategory::Done);
            let new = [item.created, item.started]
                .into_iter()
                .flatten()
                .map(|t| t.date_naive())
                .max();
            e.4 = e.4.max(new);
        }
    }
    let (n, est) = (total.items, total.estimate);
    // A period bounds what is shown: buckets of work created before it are folded into
    // one figure (their work still counts in the period's totals).
    let mut created_before = Figure::default();
    if let Some(p) = &scope.period {
        buckets.retain(|label, (bt, _, _)| {
            let before = label
                .parse::<throughline_model::Period>()
                .is_ok_and(|b| b.end <= p.start);
            if before {
                created_before.items += bt.items;
                created_before.estimate += bt.estimate;
                created_before.keys.append(&mut bt.keys);
            }
            !before
        });
    }
    created_before.finish(n, est);
    let buckets = buckets
        .into_iter()
        .map(|(label, (mut bt, classes, mut goals))| {
            let cycle_total: f64 = classes.values().map(|(_, c)| c).sum();
            let classes = classes
                .into_iter()
                .map(|(class, (mut work, cycle_days))| {
                    work.finish(bt.items, bt.estimate);
                    ClassShare {
                        class,
                        label: class.label(),
                        work,
                        cycle_days,
                        share_cycle: crate::status::ratio(cycle_days, cycle_total),
                    }
                })
                .collect();
            let (bn, be) = (bt.items, bt.estimate);
            let goals = snap
                .strategy
                .goals
                .iter()
                .map(|g| {
                    let mut work = goals.remove(g.id.as_str()).unwrap_or_default();
                    work.finish(bn, be);
                    GoalWork {
                        id: g.id.clone(),
                        title: g.title.clone(),
                        work,
                    }
                })
                .collect();
            bt.finish(bn, be);
            Bucket {
                label,
                total: bt,
                classes,
                goals,
            }
        })
        .collect();
    let thin_goals = snap
        .strategy
        .goals
        .iter()
        .filter_map(|g| {
            let mut work = goal_work.get(g.id.as_str()).cloned().unwrap_or_default();
            work.finish(n, est);
            (work.share_items < opts.thin_goal_share).then(|| GoalWork {
                id: g.id.clone(),
                title: g.title.clone(),
                work,
            })
        })
        .collect();
    let mut stalled: Vec<Stalled> = snap
        .strategy
        .initiatives
        .iter()
        .filter_map(|i| {
            let (work, active, last, done, new) = inits.get(i.id.as_str())?;
            // Finished work is not stalled: (nearly) all done means it launched.
            let finished = *done as f64 >= work.items as f64 * 0.9;
            (!active && !finished && stall_from.is_some()).then(|| {
                let mut work = work.clone();
                work.finish(n, est);
                Stalled {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    last_activity: *last,
                    last_new: *new,
                    work,
                }
            })
        })
        .collect();
    stalled.sort_by(|a, b| a.id.cmp(&b.id));
    unlinked.finish(n, est);
    total.finish(n, est);
    AllocationReport {
        options: opts.clone(),
        period: scope.period.clone(),
        period_by: scope.period_by,
        as_of,
        total,
        buckets,
        thin_goals,
        stalled,
        unlinked,
        created_before,
    }
}

impl AllocationReport {
    /// One line per goal: a chart of its share of each period's items, all goals on one
    /// scale (0 to the largest share) so their heights compare, then the first and last
    /// periods' shares.
    fn goals_text(&self, o: &mut String) {
        use std::fmt::Write as _;
        let (Some(first), Some(last)) = (self.buckets.first(), self.buckets.last()) else {
            return;
        };
        if self.buckets.len() < 2 || first.goals.is_empty() {
            return;
        }
        let hi = self
            .buckets
            .iter()
            .flat_map(|b| b.goals.iter().map(|g| g.work.share_items))
            .fold(0.0, f64::max);
        let _ = writeln!(
            o,
            "\nBy goal, period by period (its share of each period's items; an item serving two goals counts in both)"
        );
        for (k, g) in first.goals.iter().enumerate() {
            let shares: Vec<f64> = self
                .buckets
                .iter()
                .map(|b| b.goals.get(k).map_or(0.0, |g| g.work.share_items))
                .collect();
            let _ = writeln!(
                o,
                "  {:<32} {}  {} {} -> {} {}",
                crate::text::truncate(&g.title, 32),
                crate::metrics::sparkline_between(&shares, 0.0, hi),
                first.label,
                percent(g.work.share_items),
                last.label,
                percent(last.goals.get(k).map_or(0.0, |g| g.work.share_items)),
            );
        }
    }

    /// Plain text for the terminal: one line per bucket.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let bucket = match self.options.by {
            BucketBy::Month => "month",
            BucketBy::Quarter => "quarter",
            BucketBy::Sprint => "sprint",
            BucketBy::Week | BucketBy::Auto => "week",
        };
        // Which work, and by which of its dates: "in the period" is work active in it,
        // and each row holds the part of it created in that row's week.
        let by = if self.options.by == BucketBy::Sprint {
            "by sprint".to_string()
        } else {
            format!("by the {bucket} it was created")
        };
        let _ = match &self.period {
            Some(p) => writeln!(
                o,
                "Allocation over time: the {} {}, {by}",
                crate::text::plural(self.total.items, "item"),
                self.period_by.describe(p)
            ),
            None => writeln!(
                o,
                "Allocation over time: all {}, {by}",
                crate::text::plural(self.total.items, "item")
            ),
        };
        if self.created_before.items > 0 {
            let _ = writeln!(
                o,
                "{} of them {} created before the period: counted in the totals, in no row.",
                self.created_before.items,
                if self.created_before.items == 1 {
                    "was"
                } else {
                    "were"
                },
            );
        }
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{:<14} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10}",
            bucket, "items", "explicit", "inferred", "corrected", "off plan", "not placed"
        );
        for b in &self.buckets {
            let share = |f: &dyn Fn(WorkClass) -> bool| -> f64 {
                // Start from +0.0: an empty f64 sum is -0.0 and would print "-0%".
                b.classes
                    .iter()
                    .filter(|c| f(c.class))
                    .map(|c| c.work.share_items)
                    .fold(0.0, |a, x| a + x)
            };
            use crate::class::Origin;
            let _ = writeln!(
                o,
                "{:<14} {:>6} {:>9} {:>9} {:>9} {:>9} {:>10}",
                b.label,
                b.total.items,
                percent(share(&|c| c == WorkClass::Aligned(Origin::Explicit))),
                percent(share(&|c| c == WorkClass::Aligned(Origin::Inferred))),
                percent(share(&|c| c == WorkClass::Aligned(Origin::Corrected))),
                percent(share(&|c| c.is_off_plan())),
                percent(share(&|c| matches!(
                    c,
                    WorkClass::Unclear | WorkClass::Unlinked
                ))),
            );
        }
        self.goals_text(&mut o);
        if !self.thin_goals.is_empty() {
            let _ = writeln!(o, "\nGoals with little work behind them:");
            for g in &self.thin_goals {
                let _ = writeln!(
                    o,
                    "  {} ({}, {})",
                    g.title,
                    crate::text::plural(g.work.items, "item"),
                    percent(g.work.share_items)
                );
            }
        }
        if !self.stalled.is_empty() {
            let _ = writeln!(
                o,
                "\nInitiatives with no new work in the last {} weeks (and not finished):",
                self.options.stall_weeks
            );
            for s in &self.stalled {
                let last = s.last_activity.map_or("-".into(), |d| d.to_string());
                let _ = writeln!(
                    o,
                    "  {} ({}, last activity {last})",
                    s.title,
                    crate::text::plural(s.work.items, "item")
                );
            }
        }
        if self.unlinked.items > 0 {
            let _ = writeln!(
                o,
                "\nNot linked to anything yet: {} items (run `throughline align`)",
                self.unlinked.items
            );
        }
        o
    }
}
