//! Status: how much work serves each goal, what is off plan and why, what is unlinked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Serialize;
use throughline_model::{LinkOrigin, LinkTarget, OffPlanReason, Period, WorkItem};

use crate::class::{goals_of, initiatives_of};
use crate::{Scope, Snapshot, bar, truncate};

/// A count and estimate of work, its shares of the scope's total, and the keys behind it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figure {
    pub items: usize,
    /// Sum of estimates of the items that have one.
    pub estimate: f64,
    /// Share of the scope's items, 0..=1.
    pub share_items: f64,
    /// Share of the scope's estimate, 0..=1 (0 when nothing is estimated).
    pub share_estimate: f64,
    /// Keys of the items behind the figure (drill-down).
    pub keys: Vec<String>,
}

impl Figure {
    pub(crate) fn add(&mut self, item: &WorkItem) {
        self.items += 1;
        self.estimate += item.estimate.unwrap_or(0.0);
        self.keys.push(item.key.clone());
    }

    pub(crate) fn finish(&mut self, total_items: usize, total_estimate: f64) {
        self.share_items = ratio(self.items as f64, total_items as f64);
        self.share_estimate = ratio(self.estimate, total_estimate);
    }
}

pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

/// Aligned work split by who said so.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OriginSplit {
    pub explicit: Figure,
    pub corrected: Figure,
    pub inferred: Figure,
}

/// One initiative's share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InitiativeStatus {
    pub id: String,
    pub title: String,
    pub work: Figure,
}

/// One goal's share, with its initiatives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalStatus {
    pub id: String,
    pub title: String,
    pub work: Figure,
    pub by_origin: OriginSplit,
    pub initiatives: Vec<InitiativeStatus>,
}

/// Work off plan for one reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonStatus {
    pub reason: OffPlanReason,
    pub label: String,
    pub work: Figure,
}

/// One team's mix (teams below the minimum group size are folded into "other").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamStatus {
    pub team: String,
    pub items: usize,
    pub aligned: f64,
    pub off_plan: f64,
    pub unclear_or_unlinked: f64,
}

/// The shares the engine's probabilities give, beside the counts of answers: an item the
/// engine could not place between two initiatives is unclear, yet almost surely aligned,
/// and one placed at 0.6 is aligned two times in five. Adding up each inferred item's
/// probability of serving some goal (explicit and corrected links count as they are)
/// gives the share a head of product should read; the range is what the uncertainty
/// leaves: from the placed work alone to all of it and everything not placed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ExpectedShares {
    /// Expected share of the scope's items that serve some goal.
    pub aligned: f64,
    /// Expected share that is off plan.
    pub off_plan: f64,
    /// Share with no estimate at all (not aligned yet, or inferred before estimates
    /// were kept: run `throughline align`).
    pub unknown: f64,
    /// The aligned share's plain range.
    pub aligned_low: f64,
    pub aligned_high: f64,
}

/// The status report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusReport {
    pub period: Option<Period>,
    /// Which date put an item in the period.
    pub period_by: crate::PeriodBy,
    pub team: Option<String>,
    pub strategy_version: Option<i64>,
    pub total: Figure,
    /// Work serving at least one goal (through an initiative or directly).
    pub aligned: Figure,
    pub aligned_by_origin: OriginSplit,
    /// The aligned and off-plan shares as the engine's probabilities put them.
    pub expected: ExpectedShares,
    pub goals: Vec<GoalStatus>,
    pub off_plan: Figure,
    pub off_plan_by_reason: Vec<ReasonStatus>,
    /// The engine looked and could not tell.
    pub unclear: Figure,
    /// No link at all yet (run `throughline align`).
    pub unlinked: Figure,
    pub teams: Vec<TeamStatus>,
    /// The last import or sync the data comes from.
    pub last_import: Option<throughline_store::ImportRecord>,
}

/// Computes the status of the work in `scope`.
pub fn status(snap: &Snapshot, scope: &Scope) -> StatusReport {
    let strategy = &snap.strategy;
    let mut total = Figure::default();
    let mut aligned = Figure::default();
    let mut aligned_by_origin = OriginSplit::default();
    let mut goal_work: HashMap<&str, (Figure, OriginSplit)> = HashMap::new();
    let mut init_work: HashMap<&str, Figure> = HashMap::new();
    let mut off_plan = Figure::default();
    let mut reasons: BTreeMap<OffPlanReason, Figure> = BTreeMap::new();
    let mut unclear = Figure::default();
    let mut unlinked = Figure::default();
    // Expected aligned and off-plan item counts, and items with no estimate.
    let (mut exp_aligned, mut exp_off, mut exp_unknown) = (0f64, 0f64, 0usize);
    // team -> (items, aligned, off plan, people)
    let mut teams: HashMap<&str, (usize, usize, usize, HashSet<&str>)> = HashMap::new();

    for s in &snap.items {
        let item = &s.item;
        if !scope.includes(item) {
            continue;
        }
        total.add(item);
        let team = teams.entry(crate::groups::team_name(item)).or_default();
        team.0 += 1;
        if let Some(a) = item.assignee.as_deref() {
            team.3.insert(a);
        }
        let Some(link) = snap.links.get(&s.id) else {
            unlinked.add(item);
            exp_unknown += 1;
            continue;
        };
        match link.aligned_probability() {
            Some(p) => {
                exp_aligned += f64::from(p);
                exp_off += f64::from(1.0 - p);
            }
            None => exp_unknown += 1,
        }
        // An item the selectors place under several initiatives counts under each, and
        // once under each goal they serve; the headline shares count it once.
        let goals: Vec<&str> = match &link.target {
            LinkTarget::Initiative(_) => {
                for id in initiatives_of(Some(link)) {
                    init_work.entry(id).or_default().add(item);
                }
                goals_of(Some(link), strategy)
            }
            LinkTarget::Goal(id) => vec![id.as_str()],
            LinkTarget::OffPlan(r) => {
                off_plan.add(item);
                reasons.entry(*r).or_default().add(item);
                team.2 += 1;
                continue;
            }
            LinkTarget::Unclear => {
                unclear.add(item);
                continue;
            }
        };
        if goals.is_empty() {
            // Linked to an initiative the strategy in force no longer has.
            unclear.add(item);
            continue;
        }
        aligned.add(item);
        team.1 += 1;
        origin_figure(&mut aligned_by_origin, link.origin).add(item);
        for g in goals {
            let (work, split) = goal_work.entry(g).or_default();
            work.add(item);
            origin_figure(split, link.origin).add(item);
        }
    }

    let (n, est) = (total.items, total.estimate);
    let finish = |f: &mut Figure| f.finish(n, est);
    let mut goals = Vec::new();
    for g in &strategy.goals {
        let (mut work, mut split) = goal_work.remove(g.id.as_str()).unwrap_or_default();
        finish(&mut work);
        finish_split(&mut split, n, est);
        let initiatives = strategy
            .initiatives_of(&g.id)
            .map(|i| {
                let mut work = init_work.get(i.id.as_str()).cloned().unwrap_or_default();
                finish(&mut work);
                InitiativeStatus {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    work,
                }
            })
            .collect();
        goals.push(GoalStatus {
            id: g.id.clone(),
            title: g.title.clone(),
            work,
            by_origin: split,
            initiatives,
        });
    }
    let off_plan_by_reason = reasons
        .into_iter()
        .map(|(reason, mut work)| {
            finish(&mut work);
            ReasonStatus {
                reason,
                label: reason.label().to_string(),
                work,
            }
        })
        .collect();
    for f in [&mut aligned, &mut off_plan, &mut unclear, &mut unlinked] {
        finish(f);
    }
    finish_split(&mut aligned_by_origin, n, est);
    total.finish(n, est);
    let expected = {
        let share = |x: f64| ratio(x, n as f64);
        let aligned_share = share(exp_aligned);
        let not_placed = unclear.share_items + unlinked.share_items;
        ExpectedShares {
            aligned: aligned_share,
            off_plan: share(exp_off),
            unknown: share(exp_unknown as f64),
            aligned_low: aligned_share.min(aligned.share_items),
            aligned_high: aligned_share.max(aligned.share_items + not_placed),
        }
    };

    StatusReport {
        period: scope.period.clone(),
        period_by: scope.period_by,
        team: scope.team.clone(),
        strategy_version: snap.strategy_version,
        total,
        aligned,
        aligned_by_origin,
        expected,
        goals,
        off_plan,
        off_plan_by_reason,
        unclear,
        unlinked,
        teams: fold_small_teams(teams, scope.min_group_size),
        last_import: snap.last_import.clone(),
    }
}

fn origin_figure(split: &mut OriginSplit, origin: LinkOrigin) -> &mut Figure {
    match origin {
        LinkOrigin::Explicit => &mut split.explicit,
        LinkOrigin::Corrected => &mut split.corrected,
        LinkOrigin::Inferred => &mut split.inferred,
    }
}

fn finish_split(s: &mut OriginSplit, n: usize, est: f64) {
    for f in [&mut s.explicit, &mut s.corrected, &mut s.inferred] {
        f.finish(n, est);
    }
}

pub(crate) type TeamAcc<'a> = (usize, usize, usize, HashSet<&'a str>);

/// Folds teams with fewer known people than `min` into "other". Teams whose people are
/// unknown (no assignees in the data) are kept: there is no one to single out.
pub(crate) fn fold_small_teams(teams: HashMap<&str, TeamAcc<'_>>, min: usize) -> Vec<TeamStatus> {
    let mut kept: Vec<(String, usize, usize, usize)> = Vec::new();
    let mut other = (0, 0, 0);
    for (name, (n, a, o, people)) in teams {
        if !people.is_empty() && people.len() < min {
            other = (other.0 + n, other.1 + a, other.2 + o);
        } else {
            kept.push((name.to_string(), n, a, o));
        }
    }
    kept.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
    if other.0 > 0 {
        kept.push(("other".into(), other.0, other.1, other.2));
    }
    kept.into_iter()
        .map(|(team, n, a, o)| TeamStatus {
            team,
            items: n,
            aligned: ratio(a as f64, n as f64),
            off_plan: ratio(o as f64, n as f64),
            unclear_or_unlinked: ratio((n - a - o) as f64, n as f64),
        })
        .collect()
}

fn pct(x: f64) -> String {
    format!("{:>4}", crate::text::percent(x))
}

impl StatusReport {
    /// A plain-text rendering for the terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let scope = match (&self.period, &self.team) {
            (Some(p), Some(t)) => format!("{p}, team {t}"),
            (Some(p), None) => format!("{p}, all teams"),
            (None, Some(t)) => format!("all time, team {t}"),
            (None, None) => "all time, all teams".to_string(),
        };
        let _ = writeln!(o, "Status: {scope}");
        let est = if self.total.estimate > 0.0 {
            format!(", {:.0} points estimated", self.total.estimate)
        } else {
            String::new()
        };
        let _ = writeln!(o, "{} work items{est}\n", self.total.items);
        if self.total.items == 0 {
            let hint = if self.period.is_some() || self.team.is_some() {
                // The database may be full: it is the period or team that is empty.
                "No work in this scope: try another period or team (`throughline status` \
                 covers all work and lists the teams)."
            } else {
                "No work in this scope. Import some with `throughline import`."
            };
            let _ = writeln!(o, "{hint}");
            return o;
        }
        let line = |o: &mut String, label: &str, f: &Figure| {
            let _ = writeln!(
                o,
                "  {label:<34} {} {} {:>6} items",
                bar(f.share_items, 20),
                pct(f.share_items),
                f.items
            );
        };
        let _ = writeln!(o, "Alignment (share of items)");
        line(&mut o, "aligned to a goal", &self.aligned);
        let by = &self.aligned_by_origin;
        line(&mut o, "  explicit (tracker links)", &by.explicit);
        line(&mut o, "  corrected (people)", &by.corrected);
        line(&mut o, "  inferred (sense engine)", &by.inferred);
        line(&mut o, "off plan", &self.off_plan);
        line(&mut o, "unclear", &self.unclear);
        if self.unlinked.items > 0 {
            line(&mut o, "not yet aligned (run `align`)", &self.unlinked);
        }
        let e = &self.expected;
        if self.aligned_by_origin.inferred.items + self.unclear.items > 0 {
            let _ = writeln!(
                o,
                "\nExpected, by the engine's probabilities: {} aligned (plainly between {} \
                 and {}), {} off plan{}.",
                crate::text::percent(e.aligned),
                crate::text::percent(e.aligned_low),
                crate::text::percent(e.aligned_high),
                crate::text::percent(e.off_plan),
                if e.unknown > 0.0 {
                    format!(", {} not estimated", crate::text::percent(e.unknown))
                } else {
                    String::new()
                }
            );
            let _ = writeln!(
                o,
                "  (unclear work is counted by how likely it serves a goal; the range runs \
                 from the placed work alone to all that is not placed)"
            );
        }
        let _ = writeln!(
            o,
            "\nBy goal (an item serving two goals or initiatives counts in both)"
        );
        for g in &self.goals {
            let title = truncate(&g.title, 34);
            line(&mut o, &title, &g.work);
            for i in &g.initiatives {
                line(&mut o, &format!("  {}", truncate(&i.title, 32)), &i.work);
            }
        }
        if !self.off_plan_by_reason.is_empty() {
            let _ = writeln!(o, "\nOff plan, by reason");
            for r in &self.off_plan_by_reason {
                line(&mut o, &r.label, &r.work);
            }
        }
        if self.teams.len() > 1 || self.team.is_none() {
            let _ = writeln!(
                o,
                "\nBy team        items  aligned  off plan  unclear/unlinked"
            );
            for t in &self.teams {
                let _ = writeln!(
                    o,
                    "  {:<12} {:>6}  {:>7}  {:>8}  {:>16}",
                    truncate(&t.team, 12),
                    t.items,
                    pct(t.aligned),
                    pct(t.off_plan),
                    pct(t.unclear_or_unlinked)
                );
            }
        }
        let _ = writeln!(
            o,
            "\nEvery figure has its items: `throughline items --goal ID`, `--initiative ID`, \
             `--off-plan REASON`, `--unclear`, `--unlinked`, or `status --json`."
        );
        if let Some(line) = self.last_import.as_ref().map(data_as_of) {
            let _ = writeln!(o, "{line}");
        }
        o
    }
}

/// How fresh the data is: when the last import or sync ran, what it read, from where.
pub fn data_as_of(r: &throughline_store::ImportRecord) -> String {
    let when = chrono::DateTime::parse_from_rfc3339(&r.at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| r.at.clone());
    let what = if r.format.ends_with("-sync") {
        "sync"
    } else {
        "import"
    };
    format!(
        "Last {what}: {when}, {} items from {} ({}).",
        r.items, r.path, r.format
    )
}
