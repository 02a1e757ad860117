//! Drift: material shifts in how work lines up, between a recent window and the weeks
//! before it, per team and per goal.
//!
//! A shift is reported only when it is large (at least `min_points` percentage points),
//! rests on enough items on both sides, and passes a two-proportion z-test with
//! continuity correction. Small numbers move a lot by chance; those stay quiet.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use throughline_model::{ContextNote, NoteKind, NoteTarget, OffPlanReason};

use crate::class::{WorkClass, goals_of};
use crate::groups::{team_groups, team_name};
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
}

/// The drift report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DriftReport {
    pub options: DriftOptions,
    pub as_of: Option<NaiveDate>,
    /// Groups with too few items to say anything (named so silence is not mistaken for
    /// stability).
    pub too_small: Vec<String>,
    pub shifts: Vec<Shift>,
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

#[derive(Default)]
struct Acc {
    all: Figure,
    off_plan: Figure,
    not_placed: Figure,
    reasons: BTreeMap<OffPlanReason, Figure>,
}

/// Finds material shifts in the scope. The scope's period is ignored for the windows
/// themselves (they are measured back from `as_of`), but the team filter applies.
pub fn drift(snap: &Snapshot, scope: &Scope, opts: &DriftOptions) -> DriftReport {
    let as_of = opts.as_of.or_else(|| default_as_of(snap, scope));
    let mut report = DriftReport {
        options: opts.clone(),
        as_of,
        too_small: Vec::new(),
        shifts: Vec::new(),
    };
    let Some(as_of) = as_of else {
        return report;
    };
    let recent_from = as_of - Duration::weeks(opts.recent_weeks) + Duration::days(1);
    let base_from = recent_from - Duration::weeks(opts.baseline_weeks);
    let base_to = recent_from - Duration::days(1);
    // Teams are folded over the whole comparison span, not the period.
    let span = Scope {
        period: None,
        ..scope.clone()
    };
    let groups = team_groups(snap, &span);
    // (group, recent?) -> accumulators; goal shares over all groups.
    let mut accs: BTreeMap<(&str, bool), Acc> = BTreeMap::new();
    let mut goal_figs: BTreeMap<(String, bool), Figure> = BTreeMap::new();
    let mut org = [Figure::default(), Figure::default()];
    for s in &snap.items {
        let item = &s.item;
        if !span.includes(item) {
            continue;
        }
        let Some(day) = day_of(item) else { continue };
        let recent = if day >= recent_from && day <= as_of {
            true
        } else if day >= base_from && day <= base_to {
            false
        } else {
            continue;
        };
        let group = groups.get(team_name(item)).map_or("other", String::as_str);
        let link = snap.links.get(&s.id);
        let class = WorkClass::of(link, &snap.strategy);
        let acc = accs.entry((group, recent)).or_default();
        acc.all.add(item);
        org[recent as usize].add(item);
        match class {
            WorkClass::OffPlan(r) => {
                acc.off_plan.add(item);
                acc.reasons.entry(r).or_default().add(item);
            }
            WorkClass::Unclear | WorkClass::Unlinked => acc.not_placed.add(item),
            WorkClass::Aligned(_) => {
                for g in goals_of(link, &snap.strategy) {
                    goal_figs
                        .entry((g.to_string(), recent))
                        .or_default()
                        .add(item);
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
    let window = |recent: bool, part: &Figure, all: &Figure| {
        let (from, to) = if recent {
            (recent_from, as_of)
        } else {
            (base_from, base_to)
        };
        let mut part = part.clone();
        let mut all = all.clone();
        part.finish(all.items, all.estimate);
        let (n, e) = (all.items, all.estimate);
        all.finish(n, e);
        WindowShare {
            from,
            to,
            share: part.share_items,
            part,
            all,
        }
    };

    let group_names: Vec<String> = {
        let mut v: Vec<String> = accs.keys().map(|(g, _)| g.to_string()).collect();
        v.dedup();
        v
    };
    let empty = Acc::default();
    for g in &group_names {
        let before = accs.get(&(g.as_str(), false)).unwrap_or(&empty);
        let after = accs.get(&(g.as_str(), true)).unwrap_or(&empty);
        if before.all.items < opts.min_items || after.all.items < opts.min_items {
            report.too_small.push(g.clone());
            continue;
        }
        for measure in [Measure::OffPlan, Measure::NotPlaced] {
            let (pb, pa) = match measure {
                Measure::OffPlan => (&before.off_plan, &after.off_plan),
                _ => (&before.not_placed, &after.not_placed),
            };
            let (wb, wa) = (window(false, pb, &before.all), window(true, pa, &after.all));
            if let Some(mut shift) = test_shift(g, measure, wb, wa, opts, &titles) {
                if shift.measure == Measure::OffPlan {
                    shift.drivers = reason_changes(before, after);
                }
                shift.examples = example_keys(&shift);
                shift.notes = notes_for(snap, &shift, g, recent_from, as_of);
                report.shifts.push(shift);
            }
        }
    }
    if org[0].items >= opts.min_items && org[1].items >= opts.min_items {
        for goal in &snap.strategy.goals {
            let zero = Figure::default();
            let pb = goal_figs.get(&(goal.id.clone(), false)).unwrap_or(&zero);
            let pa = goal_figs.get(&(goal.id.clone(), true)).unwrap_or(&zero);
            let (wb, wa) = (window(false, pb, &org[0]), window(true, pa, &org[1]));
            let group = scope.team.clone().unwrap_or_else(|| "all teams".into());
            if let Some(mut shift) = test_shift(
                &group,
                Measure::Goal(goal.id.clone()),
                wb,
                wa,
                opts,
                &titles,
            ) {
                shift.examples = example_keys(&shift);
                shift.notes = notes_for(snap, &shift, &group, recent_from, as_of);
                report.shifts.push(shift);
            }
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
    report
}

fn test_shift(
    group: &str,
    measure: Measure,
    before: WindowShare,
    after: WindowShare,
    opts: &DriftOptions,
    titles: &HashMap<&str, &str>,
) -> Option<Shift> {
    let points = (after.share - before.share) * 100.0;
    // Some items on the moving side, so "0 -> 3 items" never alerts.
    if points.abs() < opts.min_points || before.part.items.max(after.part.items) < 5 {
        return None;
    }
    let (z, p) = two_proportion_test(
        before.part.items,
        before.all.items,
        after.part.items,
        after.all.items,
    );
    if p >= opts.alpha {
        return None;
    }
    let headline = format!(
        "{group}: {} {:.0}% -> {:.0}% ({} of {} items in {}..{}, against {} of {} in the {} weeks before)",
        measure.label(titles),
        before.share * 100.0,
        after.share * 100.0,
        after.part.items,
        after.all.items,
        after.from,
        after.to,
        before.part.items,
        before.all.items,
        opts.baseline_weeks,
    );
    Some(Shift {
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
    })
}

fn reason_changes(before: &Acc, after: &Acc) -> Vec<ReasonChange> {
    let mut out: Vec<ReasonChange> = OffPlanReason::ALL
        .into_iter()
        .filter_map(|r| {
            let b = before.reasons.get(&r).map_or(0, |f| f.items);
            let a = after.reasons.get(&r);
            let before_share = ratio(b as f64, before.all.items as f64);
            let after_share = ratio(a.map_or(0, |f| f.items) as f64, after.all.items as f64);
            (b > 0 || a.is_some()).then(|| ReasonChange {
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
    /// Plain text for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let Some(as_of) = self.as_of else {
            return "No dated work in this scope, so nothing to compare.\n".into();
        };
        let _ = writeln!(
            o,
            "Drift: the last {} weeks to {as_of} against the {} weeks before",
            self.options.recent_weeks, self.options.baseline_weeks
        );
        let _ = writeln!(
            o,
            "(shown when a share moved at least {:.0} points and the change is unlikely to be chance, p < {})\n",
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
