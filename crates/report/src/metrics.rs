//! Key results against baseline and target, with launches marked on their timeline.
//!
//! No causal claims: this shows what moved, when, next to what shipped.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;
use throughline_model::{Direction, MetricValue, StatusCategory};

use crate::class::initiatives_of;
use crate::{Scope, Snapshot};

/// An initiative's work being (about) done: the day by which 90% of its items in scope
/// were resolved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Launch {
    pub initiative: String,
    pub title: String,
    pub date: NaiveDate,
    /// The initiative's items in scope (all of them, done or not).
    pub keys: Vec<String>,
    pub done: usize,
}

/// One key result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricStatus {
    pub id: String,
    pub goal: String,
    pub name: String,
    pub unit: Option<String>,
    pub direction: Direction,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub latest: Option<MetricValue>,
    /// Latest minus baseline.
    pub change: Option<f64>,
    /// Share of the way from baseline to target (can exceed 1 or be negative); none for
    /// "maintain" metrics or without a baseline and target.
    pub progress: Option<f64>,
    pub values: Vec<MetricValue>,
    pub sparkline: String,
    pub launches: Vec<Launch>,
}

/// Share of an initiative's items that must be done for it to count as launched.
const LAUNCHED: f64 = 0.9;

/// Every metric of the strategy (or just `only`), with its launches.
pub fn metrics(snap: &Snapshot, scope: &Scope, only: Option<&str>) -> Vec<MetricStatus> {
    let launches = launches(snap, scope);
    snap.strategy
        .metrics
        .iter()
        .filter(|m| only.is_none_or(|id| m.id.eq_ignore_ascii_case(id)))
        .map(|m| {
            let values = snap.values_of(&m.id);
            let latest = values.last().copied();
            let change = latest.zip(m.baseline).map(|(l, b)| l.value - b);
            let progress = match (m.direction, latest, m.baseline, m.target) {
                (Direction::Maintain, ..) => None,
                (_, Some(l), Some(b), Some(t)) if t != b => Some((l.value - b) / (t - b)),
                _ => None,
            };
            let mut ls: Vec<Launch> = snap
                .strategy
                .initiatives_of(&m.goal)
                .filter_map(|i| launches.get(i.id.as_str()).cloned())
                .collect();
            ls.sort_by(|a, b| {
                a.date
                    .cmp(&b.date)
                    .then_with(|| a.initiative.cmp(&b.initiative))
            });
            MetricStatus {
                id: m.id.clone(),
                goal: m.goal.clone(),
                name: m.name.clone(),
                unit: m.unit.clone(),
                direction: m.direction,
                baseline: m.baseline,
                target: m.target,
                latest,
                change,
                progress,
                sparkline: sparkline(&values.iter().map(|v| v.value).collect::<Vec<_>>()),
                values,
                launches: ls,
            }
        })
        .collect()
}

/// Launches of every initiative whose work in scope is at least 90% done.
pub fn launches(snap: &Snapshot, scope: &Scope) -> HashMap<String, Launch> {
    let mut work: HashMap<&str, (Vec<String>, Vec<NaiveDate>)> = HashMap::new();
    for s in &snap.items {
        if !scope.includes(&s.item) {
            continue;
        }
        for init in initiatives_of(snap.links.get(&s.id)) {
            let w = work.entry(init).or_default();
            w.0.push(s.item.key.clone());
            if s.item.status_category == StatusCategory::Done
                && let Some(r) = s.item.resolved
            {
                w.1.push(r.date_naive());
            }
        }
    }
    let mut out = HashMap::new();
    for (id, (keys, mut done)) in work {
        let need = ((keys.len() as f64) * LAUNCHED).ceil() as usize;
        if need == 0 || done.len() < need {
            continue;
        }
        done.sort();
        let title = snap
            .strategy
            .initiative(id)
            .map_or_else(|| id.to_string(), |i| i.title.clone());
        out.insert(
            id.to_string(),
            Launch {
                initiative: id.to_string(),
                title,
                date: done[need - 1],
                done: done.len(),
                keys,
            },
        );
    }
    out
}

/// A one-line chart of a series, e.g. "▁▂▄▆█", scaled between its minimum and maximum.
pub fn sparkline(values: &[f64]) -> String {
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    sparkline_between(values, lo, hi)
}

/// A one-line chart of a series on a given scale, so several series drawn on one scale
/// compare by height; values outside it are drawn at its ends.
pub fn sparkline_between(values: &[f64], lo: f64, hi: f64) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| {
            if hi > lo {
                BARS[(((v - lo) / (hi - lo)).clamp(0.0, 1.0) * 7.0).round() as usize]
            } else {
                BARS[3]
            }
        })
        .collect()
}

impl MetricStatus {
    /// The unit as it follows a number: "%" sticks to it ("3.86%"), a word stands
    /// apart ("67.0 days"), so every view writes values the same way.
    pub fn unit_suffix(&self) -> String {
        match self.unit.as_deref().map(str::trim) {
            Some(u) if u.chars().next().is_some_and(char::is_alphabetic) && u != "k" => {
                format!(" {u}")
            }
            Some(u) => u.to_string(),
            None => String::new(),
        }
    }

    /// One paragraph of plain text for the terminal.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let unit = self.unit_suffix();
        let num = |x: f64| format!("{x:.2}{unit}");
        let mut o = String::new();
        let _ = writeln!(
            o,
            "{} ({}, {} is better)",
            self.name,
            self.id,
            self.direction.as_str()
        );
        let _ = writeln!(
            o,
            "  baseline {}  target {}  latest {}",
            self.baseline.map_or("-".into(), num),
            self.target.map_or("-".into(), num),
            self.latest
                .map_or("-".into(), |l| format!("{} on {}", num(l.value), l.date)),
        );
        if let Some(c) = self.change {
            let prog = self.progress.map_or(String::new(), |p| {
                format!(", {:.0}% of the way to target", p * 100.0)
            });
            let _ = writeln!(o, "  change since baseline {c:+.2}{unit}{prog}");
        }
        if !self.sparkline.is_empty() {
            let (from, to) = (self.values[0].date, self.values[self.values.len() - 1].date);
            let _ = writeln!(o, "  {from} {} {to}", self.sparkline);
        }
        for l in &self.launches {
            let moved = self.moved_since(l.date).map_or(String::new(), |(a, b)| {
                format!("; since then {} -> {}", num(a), num(b))
            });
            let n = l.keys.len();
            let _ = writeln!(
                o,
                "  launched {}: {} ({n} item{}){moved}",
                l.date,
                l.title,
                if n == 1 { "" } else { "s" }
            );
        }
        o
    }

    /// How the metric moved after `date` (a launch): its last value on or before that
    /// day and its latest value, when both exist and the latest is later. Whether the
    /// launch moved it is for people to judge; this only puts the two numbers side by
    /// side.
    pub fn moved_since(&self, date: NaiveDate) -> Option<(f64, f64)> {
        let before = self.values.iter().rev().find(|v| v.date <= date)?;
        let latest = self.latest?;
        (latest.date > date).then_some((before.value, latest.value))
    }
}
