//! Drift: material shifts in how work lines up, per team and per goal, anywhere in the
//! chosen period.
//!
//! The period (all the data without one) is cut into the weeks, months or quarters its
//! charts use, by the day work was created; every window of one to several of them is
//! compared with the window of up to twice its length just before it. A shift is
//! reported only when it is large (at least `min_points` percentage points), rests on
//! enough items on both sides, and passes a two-proportion z-test with continuity
//! correction at the significance level divided by the number of windows tried
//! (Bonferroni): trying many windows finds chance moves, and this keeps the chance of
//! any false alarm per team and measure at `alpha`. Small numbers move a lot by chance;
//! those stay quiet, and the closest move is still shown, as within noise.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use throughline_model::{ContextNote, NoteKind, NoteTarget, OffPlanReason};

use crate::class::{WorkClass, goals_of};
use crate::groups::{team_groups, team_name};
use crate::representative::areas_of;
use crate::status::{Figure, ratio};
use crate::{Scope, Snapshot};

/// How drift is looked for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftOptions {
    /// Length of the recent window, in weeks (default 4).
    pub recent_weeks: i64,
    /// Length of the window before it, in weeks (default 8).
    pub baseline_weeks: i64,
    /// Smallest shift worth a word, in percentage points (default 10).
    pub min_points: f64,
    /// Fewest items each window must hold for a group to be tested (default 20).
    pub min_items: usize,
    /// Two-sided significance level (default 0.01: many groups are tested at once).
    pub alpha: f64,
    /// Last day of the recent window; default: the end of the scope's period or the last
    /// day with activity in the data, whichever is earlier.
    pub as_of: Option<NaiveDate>,
    /// Scan the whole period for change points (default). Off: only the last
    /// `recent_weeks` against the `baseline_weeks` before them.
    pub scan: bool,
}

impl Default for DriftOptions {
    fn default() -> Self {
        DriftOptions {
            recent_weeks: 4,
            baseline_weeks: 8,
            min_points: 10.0,
            min_items: 20,
            alpha: 0.01,
            as_of: None,
            scan: true,
        }
    }
}

/// What share moved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Measure {
    /// Share of a team's work that is off plan.
    OffPlan,
    /// Share of a team's work that is unclear or not linked yet.
    NotPlaced,
    /// Share of all work in scope that serves this goal.
    Goal(String),
}

impl Measure {
    fn label(&self, titles: &HashMap<&str, &str>) -> String {
        match self {
            Measure::OffPlan => "off-plan share".into(),
            Measure::NotPlaced => "share of work not yet placed (unclear or unlinked)".into(),
            Measure::Goal(g) => format!(
                "share of work serving \"{}\"",
                titles.get(g.as_str()).copied().unwrap_or(g)
            ),
        }
    }
}

/// One window's share: `part` of `all`, with the keys of both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowShare {
    pub from: NaiveDate,
    /// Last day of the window (inclusive).
    pub to: NaiveDate,
    pub share: f64,
    /// The items counted in the share.
    pub part: Figure,
    /// All items of the group in the window.
    pub all: Figure,
}

/// An off-plan reason whose share grew or shrank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonChange {
    pub reason: OffPlanReason,
    pub label: String,
    pub before: f64,
    pub after: f64,
    /// Recent items for this reason.
    pub keys: Vec<String>,
}

/// A note that speaks to a shift, quoted as written (its author's name is never shown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotedNote {
    pub date: NaiveDate,
    pub kind: String,
    pub target: String,
    pub author_team: Option<String>,
    pub text: String,
}

impl QuotedNote {
    pub(crate) fn of(n: &ContextNote) -> QuotedNote {
        QuotedNote {
            date: n.date,
            kind: n.kind.as_str().to_string(),
            target: note_target(&n.target),
            author_team: n.author_team.clone(),
            text: n.text.clone(),
        }
    }
}

/// How a note's target is written in reports.
pub fn note_target(t: &NoteTarget) -> String {
    match t {
        NoteTarget::Item { key, .. } => key.clone(),
        NoteTarget::Initiative { id } => format!("initiative:{id}"),
        NoteTarget::Goal { id } => format!("goal:{id}"),
    }
}

/// A material shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shift {
    /// The team group, or "all teams" for goal shares.
    pub group: String,
    pub measure: Measure,
    /// Plain words, e.g. "Payments: off-plan share 23% -> 56%".
    pub headline: String,
    pub before: WindowShare,
    pub after: WindowShare,
    /// Change in percentage points (positive = grew).
    pub points: f64,
    pub z: f64,
    pub p_value: f64,
    /// Off-plan reasons that grew most (for off-plan shifts).
    pub drivers: Vec<ReasonChange>,
    /// Notes written in the recent window about the items, the team or the goal.
    pub notes: Vec<QuotedNote>,
    /// A few recent items behind the shift.
    pub examples: Vec<String>,
    /// When the rise is mostly work the strategy does not cover: the areas (component,
    /// else project) of that recent work, largest first. A gap in the strategy, not
    /// firefighting.
    pub gap_areas: Vec<(String, usize)>,
}

/// The drift report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    pub options: DriftOptions,
    pub as_of: Option<NaiveDate>,
    /// The days scanned: the period (or the data's first creation) to `as_of`.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// The windows' unit: week, month or quarter of creation, as the charts of the same
    /// span use.
    pub unit: crate::BucketBy,
    /// Windows compared per team and measure (the significance level is divided by it).
    pub windows_tried: usize,
    /// Groups with too few items to say anything (named so silence is not mistaken for
    /// stability).
    pub too_small: Vec<String>,
    pub shifts: Vec<Shift>,
    /// The closest moves that did not pass, most significant first (at most three): the
    /// before and after shares are shown even when nothing moved enough.
    pub within_noise: Vec<Shift>,
}

/// Two-proportion z-test with continuity correction (Yates). Returns (z, two-sided p).
/// `x1` of `n1` against `x2` of `n2`.
pub fn two_proportion_test(x1: usize, n1: usize, x2: usize, n2: usize) -> (f64, f64) {
    if n1 == 0 || n2 == 0 {
        return (0.0, 1.0);
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let (p1, p2) = (x1 as f64 / n1f, x2 as f64 / n2f);
    let p = (x1 + x2) as f64 / (n1f + n2f);
    let se = (p * (1.0 - p) * (1.0 / n1f + 1.0 / n2f)).sqrt();
    if se == 0.0 {
        return (0.0, 1.0);
    }
    let cc = 0.5 * (1.0 / n1f + 1.0 / n2f);
    let z = ((p2 - p1).abs() - cc).max(0.0) / se;
    (z, erfc(z / std::f64::consts::SQRT_2))
}

/// Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7),
/// enough for a p-value and without a dependency.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    // Horner's rule over the coefficients, highest first. (Written out as nested
    // parentheses it took rustfmt 20 seconds to format.)
    const C: [f64; 10] = [
        -1.265_512_23,
        1.000_023_68,
        0.374_091_96,
        0.096_784_18,
        -0.186_288_06,
        0.278_868_07,
        -1.135_203_98,
        1.488_515_87,
        -0.822_152_23,
        0.170_872_77,
    ];
    let poly = C.iter().rev().fold(0.0, |acc, c| c + t * acc);
    let r = t * (-z * z + poly).exp();
    if x >= 0.0 { r } else { 2.0 - r }
}

/// The day an item counts in a window: when the work was taken on (created).
fn day_of(item: &throughline_model::WorkItem) -> Option<NaiveDate> {
    item.created.map(|t| t.date_naive())
}

/// The end of the recent window when not given: the period's last day or the data's last
/// active day, whichever is earlier.
pub(crate) fn default_as_of(snap: &Snapshot, scope: &Scope) -> Option<NaiveDate> {
    let last = snap.last_activity()?;
    Some(match &scope.period {
        Some(p) => last.min(p.end - Duration::days(1)),
        None => last,
    })
}

#[derive(Default, Clone)]
struct Acc {
    all: Figure,
    off_plan: Figure,
    not_placed: Figure,
    reasons: BTreeMap<OffPlanReason, Figure>,
    goals: BTreeMap<String, Figure>,
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        let add = |a: &mut Figure, b: &Figure| {
            a.items += b.items;
            a.estimate += b.estimate;
            a.keys.extend(b.keys.iter().cloned());
        };
        add(&mut self.all, &o.all);
        add(&mut self.off_plan, &o.off_plan);
        add(&mut self.not_placed, &o.not_placed);
        for (r, f) in &o.reasons {
            add(self.reasons.entry(*r).or_default(), f);
        }
        for (g, f) in &o.goals {
            add(self.goals.entry(g.clone()).or_default(), f);
        }
    }

    fn part(&self, m: &Measure) -> usize {
        match m {
            Measure::OffPlan => self.off_plan.items,
            Measure::NotPlaced => self.not_placed.items,
            Measure::Goal(g) => self.goals.get(g).map_or(0, |f| f.items),
        }
    }

    fn part_figure(&self, m: &Measure) -> Figure {
        match m {
            Measure::OffPlan => self.off_plan.clone(),
            Measure::NotPlaced => self.not_placed.clone(),
            Measure::Goal(g) => self.goals.get(g).cloned().unwrap_or_default(),
        }
    }
}

/// The scanned days cut into buckets: bucket `i` is `[starts[i], starts[i + 1])`, the
/// last one ending at `end`.
struct Grid {
    starts: Vec<NaiveDate>,
    end: NaiveDate,
}

impl Grid {
    fn new(from: NaiveDate, end: NaiveDate, unit: crate::BucketBy) -> Grid {
        use chrono::Datelike;
        let first = match unit {
            crate::BucketBy::Month => from.with_day(1).unwrap_or(from),
            crate::BucketBy::Quarter => {
                NaiveDate::from_ymd_opt(from.year(), from.month0() / 3 * 3 + 1, 1).unwrap_or(from)
            }
            _ => from - Duration::days(i64::from(from.weekday().num_days_from_monday())),
        };
        let step = |d: NaiveDate| match unit {
            crate::BucketBy::Month => d.checked_add_months(chrono::Months::new(1)).unwrap_or(end),
            crate::BucketBy::Quarter => d.checked_add_months(chrono::Months::new(3)).unwrap_or(end),
            _ => d + Duration::weeks(1),
        };
        let mut starts = vec![first];
        let mut d = step(first);
        while d < end {
            starts.push(d);
            d = step(d);
        }
        Grid { starts, end }
    }

    fn bucket(&self, day: NaiveDate) -> Option<usize> {
        if day < self.starts[0] || day >= self.end {
            return None;
        }
        Some(self.starts.partition_point(|s| *s <= day) - 1)
    }

    /// First and last day of buckets `[a, b)`, within `[from, to]`.
    fn days(&self, a: usize, b: usize, from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate) {
        let last = self.starts.get(b).copied().unwrap_or(self.end) - Duration::days(1);
        (self.starts[a].max(from), last.min(to))
    }
}

/// A window pair: buckets `[b0, a0)` before, `[a0, a1)` after.
#[derive(Clone, Copy)]
struct Cand {
    b0: usize,
    a0: usize,
    a1: usize,
    p: f64,
}

/// The lengths of the windows tried, in buckets.
const LENGTHS: [usize; 9] = [1, 2, 3, 4, 6, 8, 12, 16, 24];

/// Every window pair of the grid: windows of `LENGTHS` buckets, each against up to twice
/// its length just before it (all of the data before, near the start).
fn candidates(n: usize) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for &len in LENGTHS.iter().filter(|&&l| l < n) {
        for a0 in 1..=(n - len) {
            let before = (2 * len).min(a0);
            out.push((a0 - before, a0, a0 + len));
        }
    }
    out
}

/// The most significant window pair of a series, among those with enough items on
/// both sides, a large enough move and some items on the moving side.
fn best_window(
    all: &[usize],
    part: &[usize],
    cands: &[(usize, usize, usize)],
    opts: &DriftOptions,
) -> Option<Cand> {
    let prefix = |v: &[usize]| {
        let mut p = vec![0usize; v.len() + 1];
        for (i, x) in v.iter().enumerate() {
            p[i + 1] = p[i] + x;
        }
        p
    };
    let (pa, pp) = (prefix(all), prefix(part));
    let mut best: Option<Cand> = None;
    for &(b0, a0, a1) in cands {
        let (nb, na) = (pa[a0] - pa[b0], pa[a1] - pa[a0]);
        let (xb, xa) = (pp[a0] - pp[b0], pp[a1] - pp[a0]);
        if nb < opts.min_items || na < opts.min_items || xb.max(xa) < 5 {
            continue;
        }
        let points = (xa as f64 / na as f64 - xb as f64 / nb as f64) * 100.0;
        if points.abs() < opts.min_points {
            continue;
        }
        let (_, p) = two_proportion_test(xb, nb, xa, na);
        if best.is_none_or(|b| p < b.p) {
            best = Some(Cand { b0, a0, a1, p });
        }
    }
    best
}

/// Finds material shifts in the scope: across its whole period (all the data without
/// one), by the day work was created; the team filter applies.
pub fn drift(snap: &Snapshot, scope: &Scope, opts: &DriftOptions) -> DriftReport {
    let as_of = opts.as_of.or_else(|| default_as_of(snap, scope));
    let mut report = DriftReport {
        options: opts.clone(),
        as_of,
        span: None,
        unit: crate::BucketBy::Week,
        windows_tried: 0,
        too_small: Vec::new(),
        shifts: Vec::new(),
        within_noise: Vec::new(),
    };
    let Some(as_of) = as_of else {
        return report;
    };
    // Teams are folded over all the work, not the period.
    let span_scope = Scope {
        period: None,
        ..scope.clone()
    };
    let end = as_of + Duration::days(1);
    let (from, grid, cands) = if opts.scan {
        let from = match &scope.period {
            Some(p) => p.start,
            None => snap
                .items
                .iter()
                .filter(|s| span_scope.includes(&s.item))
                .filter_map(|s| day_of(&s.item))
                .min()
                .unwrap_or(as_of),
        };
        // The unit the charts of this span use, so a shift names columns a reader sees.
        report.unit = crate::allocation::by_span((end - from).num_days());
        let grid = Grid::new(from, end, report.unit);
        let cands = candidates(grid.starts.len());
        (from, grid, cands)
    } else {
        let recent_from = end - Duration::weeks(opts.recent_weeks);
        let from = recent_from - Duration::weeks(opts.baseline_weeks);
        let grid = Grid {
            starts: vec![from, recent_from],
            end,
        };
        (from, grid, vec![(0, 1, 2)])
    };
    report.span = Some((from, as_of));
    report.windows_tried = cands.len();
    let groups = team_groups(snap, &span_scope);
    let n = grid.starts.len();
    let mut accs: BTreeMap<&str, Vec<Acc>> = BTreeMap::new();
    let mut org: Vec<Acc> = vec![Acc::default(); n];
    for s in &snap.items {
        let item = &s.item;
        if !span_scope.includes(item) {
            continue;
        }
        let Some(b) = day_of(item).and_then(|d| grid.bucket(d)) else {
            continue;
        };
        let group = groups.get(team_name(item)).map_or("other", String::as_str);
        let link = snap.links.get(&s.id);
        let class = WorkClass::of(link, &snap.strategy);
        let acc = &mut accs.entry(group).or_insert_with(|| vec![Acc::default(); n])[b];
        for acc in [acc, &mut org[b]] {
            acc.all.add(item);
            match class {
                WorkClass::OffPlan(r) => {
                    acc.off_plan.add(item);
                    acc.reasons.entry(r).or_default().add(item);
                }
                WorkClass::Unclear | WorkClass::Unlinked => acc.not_placed.add(item),
                WorkClass::Aligned(_) => {
                    for g in goals_of(link, &snap.strategy) {
                        acc.goals.entry(g.to_string()).or_default().add(item);
                    }
                }
            }
        }
    }
    let titles: HashMap<&str, &str> = snap
        .strategy
        .goals
        .iter()
        .map(|g| (g.id.as_str(), g.title.as_str()))
        .collect();
    let all_teams = scope.team.clone().unwrap_or_else(|| "all teams".into());
    // Team series, then the whole organisation's when there is more than one team (the
    // dashboard's chart is of all teams), then each goal's share of all the work.
    let mut series: Vec<(String, Measure, &Vec<Acc>)> = Vec::new();
    for (g, v) in &accs {
        let total: usize = v.iter().map(|a| a.all.items).sum();
        if total < 2 * opts.min_items {
            report.too_small.push(g.to_string());
            continue;
        }
        for m in [Measure::OffPlan, Measure::NotPlaced] {
            series.push((g.to_string(), m, v));
        }
    }
    if accs.len() > 1 {
        for m in [Measure::OffPlan, Measure::NotPlaced] {
            series.push((all_teams.clone(), m, &org));
        }
    }
    for goal in &snap.strategy.goals {
        series.push((all_teams.clone(), Measure::Goal(goal.id.clone()), &org));
    }
    let level = opts.alpha / cands.len().max(1) as f64;
    let mut quiet: Vec<Shift> = Vec::new();
    for (group, measure, v) in series {
        let all: Vec<usize> = v.iter().map(|a| a.all.items).collect();
        let part: Vec<usize> = v.iter().map(|a| a.part(&measure)).collect();
        let Some(c) = best_window(&all, &part, &cands, opts) else {
            continue;
        };
        let sum = |a: usize, b: usize| {
            let mut acc = Acc::default();
            for x in &v[a..b] {
                acc.merge(x);
            }
            acc
        };
        let (before, after) = (sum(c.b0, c.a0), sum(c.a0, c.a1));
        let window = |acc: &Acc, a: usize, b: usize| {
            let mut part = acc.part_figure(&measure);
            let mut all = acc.all.clone();
            part.finish(all.items, all.estimate);
            let (n, e) = (all.items, all.estimate);
            all.finish(n, e);
            let (from, to) = grid.days(a, b, from, as_of);
            WindowShare {
                from,
                to,
                share: part.share_items,
                part,
                all,
            }
        };
        let (wb, wa) = (window(&before, c.b0, c.a0), window(&after, c.a0, c.a1));
        let mut shift = make_shift(&group, measure, wb, wa, c.p, &titles);
        if shift.measure == Measure::OffPlan {
            shift.drivers = reason_changes(&before, &after);
            if shift.points > 0.0
                && shift
                    .drivers
                    .first()
                    .is_some_and(|d| d.reason == OffPlanReason::NotCovered)
            {
                shift.gap_areas = areas_of(snap, &shift.drivers[0].keys, 4);
                shift.headline = format!(
                    "{group}: new work outside the strategy's areas{}: {}",
                    areas_words(&shift.gap_areas),
                    shift.headline.split_once(": ").map_or("", |x| x.1)
                );
            }
        }
        shift.examples = example_keys(&shift);
        if c.p < level {
            shift.notes = notes_for(snap, &shift, &group, shift.after.from, shift.after.to);
            report.shifts.push(shift);
        } else {
            quiet.push(shift);
        }
    }
    // Largest moves first; ties by name so output is stable.
    report.shifts.sort_by(|a, b| {
        b.points
            .abs()
            .total_cmp(&a.points.abs())
            .then_with(|| a.group.cmp(&b.group))
            .then_with(|| a.measure.cmp(&b.measure))
    });
    quiet.sort_by(|a, b| {
        a.p_value
            .total_cmp(&b.p_value)
            .then_with(|| a.group.cmp(&b.group))
            .then_with(|| a.measure.cmp(&b.measure))
    });
    quiet.truncate(3);
    report.within_noise = quiet;
    report
}

fn areas_words(areas: &[(String, usize)]) -> String {
    if areas.is_empty() {
        return String::new();
    }
    let named: Vec<String> = areas.iter().map(|(a, n)| format!("{a} {n}")).collect();
    format!(" ({})", named.join(", "))
}

fn make_shift(
    group: &str,
    measure: Measure,
    before: WindowShare,
    after: WindowShare,
    p: f64,
    titles: &HashMap<&str, &str>,
) -> Shift {
    let points = (after.share - before.share) * 100.0;
    let (z, _) = two_proportion_test(
        before.part.items,
        before.all.items,
        after.part.items,
        after.all.items,
    );
    let headline = format!(
        "{group}: {} {:.0}% -> {:.0}% ({} of {} items created {}..{}, against {} of {} created {}..{})",
        measure.label(titles),
        before.share * 100.0,
        after.share * 100.0,
        after.part.items,
        after.all.items,
        after.from,
        after.to,
        before.part.items,
        before.all.items,
        before.from,
        before.to,
    );
    Shift {
        group: group.to_string(),
        measure,
        headline,
        before,
        after,
        points,
        z,
        p_value: p,
        drivers: Vec::new(),
        notes: Vec::new(),
        examples: Vec::new(),
        gap_areas: Vec::new(),
    }
}

fn reason_changes(before: &Acc, after: &Acc) -> Vec<ReasonChange> {
    let mut out: Vec<ReasonChange> = OffPlanReason::ALL
        .into_iter()
        .filter_map(|r| {
            let b = before.reasons.get(&r).map_or(0, |f| f.items);
            let a = after.reasons.get(&r);
            let before_share = ratio(b as f64, before.all.items as f64);
            let after_share = ratio(a.map_or(0, |f| f.items) as f64, after.all.items as f64);
            // "0% -> 0%" says nothing: only moves a reader can see.
            let moved = (before_share * 100.0).round() != (after_share * 100.0).round();
            ((b > 0 || a.is_some()) && moved).then(|| ReasonChange {
                reason: r,
                label: r.label().to_string(),
                before: before_share,
                after: after_share,
                keys: a.map(|f| f.keys.clone()).unwrap_or_default(),
            })
        })
        .collect();
    out.sort_by(|x, y| {
        (y.after - y.before)
            .total_cmp(&(x.after - x.before))
            .then_with(|| x.reason.cmp(&y.reason))
    });
    out
}

fn example_keys(shift: &Shift) -> Vec<String> {
    // Prefer the reason that grew most; else the recent items of the share.
    match shift.drivers.first() {
        Some(d) if !d.keys.is_empty() => d.keys.iter().take(5).cloned().collect(),
        _ => shift.after.part.keys.iter().take(5).cloned().collect(),
    }
}

/// Notes dated in the recent window that are about the shift's items, written by the
/// group's team, or about the goal measured.
fn notes_for(
    snap: &Snapshot,
    shift: &Shift,
    group: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<QuotedNote> {
    let keys: std::collections::HashSet<&str> =
        shift.after.part.keys.iter().map(String::as_str).collect();
    let mut out: Vec<QuotedNote> = snap
        .notes
        .iter()
        .filter(|n| n.date >= from && n.date <= to)
        .filter(|n| match (&n.target, &shift.measure) {
            (NoteTarget::Item { key, .. }, _) => keys.contains(key.as_str()),
            (NoteTarget::Goal { id }, Measure::Goal(g)) => id == g,
            (NoteTarget::Initiative { id }, Measure::Goal(g)) => snap
                .strategy
                .initiative(id)
                .is_some_and(|i| i.goals.contains(g)),
            // Team notes explain an off-plan shift (why work was pulled in).
            _ => {
                shift.measure == Measure::OffPlan
                    && n.author_team
                        .as_deref()
                        .is_some_and(|t| t.eq_ignore_ascii_case(group))
                    && matches!(n.kind, NoteKind::TradeOff | NoteKind::Why | NoteKind::Risk)
            }
        })
        .map(QuotedNote::of)
        .collect();
    out.truncate(8);
    out
}

impl DriftReport {
    fn unit_name(&self) -> &'static str {
        match self.unit {
            crate::BucketBy::Month => "month",
            crate::BucketBy::Quarter => "quarter",
            _ => "week",
        }
    }

    /// Plain text for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let (Some(as_of), Some((from, _))) = (self.as_of, self.span) else {
            return "No dated work in this scope, so nothing to compare.\n".into();
        };
        if self.options.scan {
            let _ = writeln!(
                o,
                "Drift: work created {from} to {as_of}, by the {} it was created; every window of one or more {}s against the one before it ({} windows tried)",
                self.unit_name(),
                self.unit_name(),
                self.windows_tried
            );
        } else {
            let _ = writeln!(
                o,
                "Drift: the last {} weeks to {as_of} against the {} weeks before",
                self.options.recent_weeks, self.options.baseline_weeks
            );
        }
        let _ = writeln!(
            o,
            "(shown when a share moved at least {:.0} points and the change is unlikely to be chance, p < {} over all the windows tried)\n",
            self.options.min_points, self.options.alpha
        );
        if self.shifts.is_empty() {
            let _ = writeln!(o, "No material shifts.");
        }
        for s in &self.shifts {
            let _ = writeln!(o, "- {}", s.headline);
            for d in s.drivers.iter().filter(|d| d.after > d.before).take(3) {
                let _ = writeln!(
                    o,
                    "    {}: {:.0}% -> {:.0}% of the team's work",
                    d.label,
                    d.before * 100.0,
                    d.after * 100.0
                );
            }
            for n in s.notes.iter().take(3) {
                let _ = writeln!(
                    o,
                    "    note ({}, {}, {}): \"{}\"",
                    n.kind, n.target, n.date, n.text
                );
            }
            if !s.examples.is_empty() {
                let _ = writeln!(o, "    e.g. {}", s.examples.join(", "));
            }
        }
        if !self.within_noise.is_empty() {
            let _ = writeln!(
                o,
                "\n{} moves, within noise:",
                if self.shifts.is_empty() {
                    "The closest"
                } else {
                    "Other"
                }
            );
            for s in &self.within_noise {
                let _ = writeln!(o, "- {} (p = {:.2})", s.headline, s.p_value);
            }
        }
        if !self.too_small.is_empty() {
            let _ = writeln!(
                o,
                "\nToo little work to compare: {}",
                self.too_small.join(", ")
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::erfc;

    #[test]
    fn erfc_matches_reference_values() {
        // Values from the series definition, to the approximation's 1.2e-7.
        for (x, want) in [
            (0.0, 1.0),
            (0.5, 0.479_500_122),
            (1.0, 0.157_299_207),
            (-1.0, 1.842_700_793),
            (2.0, 0.004_677_735),
            (3.0, 0.000_022_090_5),
        ] {
            let got = erfc(x);
            assert!(
                (got - want).abs() <= 1.2e-7 * want.max(1e-3),
                "erfc({x}) = {got}, want {want}"
            );
        }
    }
}
