//! Offline question answering over the snapshot: structured answers for the common
//! questions, BM25 retrieval over item titles and notes for the rest. Every claim cites
//! the items or notes behind it.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use throughline_model::{NoteKind, Period};

use crate::allocation::{AllocationOptions, allocation};
use crate::class::WorkClass;
use crate::drift::{DriftOptions, QuotedNote, drift, note_target};
use crate::status::status;
use crate::text::percent;
use crate::themes::{ThemeOptions, themes};
use crate::words::tokens;
use crate::{Scope, Snapshot, team_groups};

/// What a citation points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CitationKind {
    Item,
    Note,
}

/// One source behind an answer: an item key or a note (`note-N`, its position).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    pub kind: CitationKind,
    pub key: String,
    pub snippet: String,
}

/// An answer: plain text and its sources.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// Which kind of question it was read as (e.g. "why_off_plan", "search").
    pub shape: String,
    pub text: String,
    pub cited: Vec<Citation>,
}

struct Ctx<'a> {
    snap: &'a Snapshot,
    cited: Vec<Citation>,
    seen: HashSet<String>,
}

impl Ctx<'_> {
    fn item(&mut self, key: &str) {
        if !self.seen.insert(format!("i:{key}")) {
            return;
        }
        let title = self
            .snap
            .items
            .iter()
            .find(|s| s.item.key == key)
            .map_or(String::new(), |s| s.item.title.clone());
        self.cited.push(Citation {
            kind: CitationKind::Item,
            key: key.to_string(),
            snippet: title,
        });
    }

    fn items(&mut self, keys: &[String], n: usize) {
        for k in keys.iter().take(n) {
            self.item(k);
        }
    }

    fn note(&mut self, idx: usize) -> QuotedNote {
        let n = &self.snap.notes[idx];
        if self.seen.insert(format!("n:{idx}")) {
            self.cited.push(Citation {
                kind: CitationKind::Note,
                key: format!("note-{idx}"),
                snippet: n.text.clone(),
            });
        }
        QuotedNote::of(n)
    }
}

/// Whether every word of `name` appears in the question, allowing one typo in words of
/// five letters or more.
fn mentions(q: &[String], name: &str) -> bool {
    let words = tokens(name);
    !words.is_empty()
        && words.iter().all(|w| {
            q.iter()
                .any(|x| x == w || (w.len() >= 5 && x.len() >= 4 && edit_distance(x, w) <= 1))
        })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Answers a question about the work. `today` bounds "recent" windows.
pub fn ask(snap: &Snapshot, question: &str, today: NaiveDate) -> Answer {
    let q = tokens(question);
    let ql = question.to_lowercase();
    let mut ctx = Ctx {
        snap,
        cited: Vec::new(),
        seen: HashSet::new(),
    };
    let mut teams: Vec<&str> = snap
        .items
        .iter()
        .filter_map(|s| s.item.team.as_deref())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    teams.sort_unstable();
    let team = teams
        .iter()
        .find(|t| mentions(&q, t))
        .map(|t| t.to_string());
    let goal = snap
        .strategy
        .goals
        .iter()
        .find(|g| mentions(&q, &g.title) || q.contains(&g.id.to_lowercase()));
    let as_of = snap.last_activity().map_or(today, |d| d.min(today));
    let base = Scope {
        period: period_in(&ql, as_of),
        min_group_size: 3,
        ..Default::default()
    };
    // A team too small to report on alone is not answered about by name.
    if let Some(t) = &team {
        let groups = team_groups(snap, &base);
        if groups.get(t).is_some_and(|g| g != t) {
            return Answer {
                shape: "too_small".into(),
                text: format!(
                    "{t} has fewer than {} people in the data, so its work is only reported inside \"other\".",
                    base.min_group_size
                ),
                cited: Vec::new(),
            };
        }
    }
    let team_scope = Scope {
        team: team.clone(),
        ..base.clone()
    };
    let off_words = ql.contains("off plan") || ql.contains("off-plan") || ql.contains("unplanned");
    let (shape, text) = if (ql.contains("trend") || ql.contains("over time")) && off_words {
        ("off_plan_trend", trend(&mut ctx, &team_scope, as_of))
    } else if ql.contains("why") && off_words {
        ("why_off_plan", why_off_plan(&mut ctx, &team_scope))
    } else if ql.contains("stall") || ql.contains("stuck") {
        ("stalled", stalled(&mut ctx, &base, as_of))
    } else if let Some(g) = goal.filter(|_| ql.contains("how much") || ql.contains("work")) {
        ("goal_work", goal_work(&mut ctx, &team_scope, &g.id))
    } else if ql.contains("executing") || ql.contains("working on") || ql.contains("doing") {
        ("executing", executing(&mut ctx, &team_scope))
    } else {
        ("search", search(&mut ctx, &q))
    };
    Answer {
        shape: shape.into(),
        text,
        cited: ctx.cited,
    }
}

fn scope_name(scope: &Scope) -> String {
    let who = scope.team.clone().unwrap_or_else(|| "all teams".into());
    match &scope.period {
        Some(p) => format!("{who} in {}", p.name),
        None => who,
    }
}

/// The period a question names, if any: one written out ("in 2026-Q3", "2026-09",
/// "2026-07-01..2026-09-30": any form `--period` takes) or one relative to `as_of`, the
/// last day with activity ("this quarter", "last month", "this year", "last week").
/// Without one the answer covers all the data, and says nothing about a period.
fn period_in(question: &str, as_of: NaiveDate) -> Option<Period> {
    let written = question
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.'))
        .map(|w| w.trim_end_matches('.'))
        // A year leads every written period; "5 days" or "3 teams" are no periods.
        // By bytes: a word of letters such as "ies\u{5d3}l" has no char boundary at 4.
        .filter(|w| {
            w.as_bytes()
                .get(..4)
                .is_some_and(|b| b.iter().all(u8::is_ascii_digit))
        })
        .find_map(|w| w.to_uppercase().parse::<Period>().ok());
    if written.is_some() {
        return written;
    }
    let relative = |unit: &str| -> Option<i32> {
        let said = |w: &str| question.contains(&format!("{w} {unit}"));
        if said("this") || said("current") {
            Some(0)
        } else if said("last") || said("previous") || said("past") {
            Some(-1)
        } else {
            None
        }
    };
    let parse = |s: String| s.parse::<Period>().ok();
    if let Some(k) = relative("week") {
        let d = as_of + chrono::Duration::weeks(i64::from(k));
        let w = d.iso_week();
        return parse(format!("{}-W{:02}", w.year(), w.week()));
    }
    if let Some(k) = relative("month") {
        let m = as_of.year() * 12 + as_of.month0() as i32 + k;
        return parse(format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1));
    }
    if let Some(k) = relative("quarter") {
        let q = as_of.year() * 4 + (as_of.month0() / 3) as i32 + k;
        return parse(format!("{}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1));
    }
    if let Some(k) = relative("year") {
        return parse((as_of.year() + k).to_string());
    }
    None
}

fn executing(ctx: &mut Ctx, scope: &Scope) -> String {
    let st = status(ctx.snap, scope);
    let mut inits: Vec<_> = st
        .goals
        .iter()
        .flat_map(|g| g.initiatives.iter())
        .filter(|i| i.work.items > 0)
        .collect();
    inits.sort_by(|a, b| {
        b.work
            .items
            .cmp(&a.work.items)
            .then_with(|| a.id.cmp(&b.id))
    });
    inits.dedup_by(|a, b| a.id == b.id);
    let mut o = format!(
        "{}: {} work items; {} serve a goal.",
        scope_name(scope),
        st.total.items,
        percent(st.aligned.share_items)
    );
    for i in inits.iter().take(5) {
        let _ = write!(
            o,
            " {} ({} items, {}).",
            i.title,
            i.work.items,
            percent(i.work.share_items)
        );
        ctx.items(&i.work.keys, 2);
    }
    if inits.is_empty() {
        o.push_str(" No work is linked to an initiative yet.");
    }
    o
}

fn why_off_plan(ctx: &mut Ctx, scope: &Scope) -> String {
    // Two independent passes over every item, side by side.
    let snap = ctx.snap;
    let (st, th) = std::thread::scope(|t| {
        let th = t.spawn(|| themes(snap, scope, &ThemeOptions::default()));
        (status(snap, scope), crate::picture::join(th))
    });
    let mut o = format!(
        "{}: {} of {} items ({}) are off plan.",
        scope_name(scope),
        st.off_plan.items,
        st.total.items,
        percent(st.off_plan.share_items)
    );
    let mut reasons = st.off_plan_by_reason.clone();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.work.items));
    for r in reasons.iter().take(3) {
        let _ = write!(o, " {}: {} items.", r.label, r.work.items);
        ctx.items(&r.work.keys, 2);
    }
    for t in th.themes.iter().filter(|t| !t.terms.is_empty()).take(2) {
        let _ = write!(o, " Theme \"{}\" ({} items).", t.label, t.work.items);
        ctx.items(&t.work.keys, 1);
    }
    let keys: HashSet<&str> = st
        .off_plan
        .keys
        .iter()
        .chain(&st.unlinked.keys)
        .map(String::as_str)
        .collect();
    let mut said = 0;
    for (i, n) in ctx.snap.notes.iter().enumerate().rev() {
        let about_items = matches!(&n.target, throughline_model::NoteTarget::Item { key, .. } if keys.contains(key.as_str()));
        let by_team = scope.team.as_ref().is_some_and(|t| {
            n.author_team
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(t))
        });
        if matches!(n.kind, NoteKind::TradeOff | NoteKind::Why)
            && (about_items || by_team)
            && said < 3
        {
            let qn = ctx.note(i);
            let _ = write!(
                o,
                " \"{}\" ({} note on {}, {}).",
                qn.text,
                qn.kind,
                note_target(&n.target),
                qn.date
            );
            said += 1;
        }
    }
    if st.off_plan.items == 0 && st.unlinked.items > 0 {
        let _ = write!(
            o,
            " {} items are not linked yet; run `throughline align` to classify them.",
            st.unlinked.items
        );
        ctx.items(&st.unlinked.keys, 3);
    }
    o
}

fn goal_work(ctx: &mut Ctx, scope: &Scope, goal: &str) -> String {
    let st = status(ctx.snap, scope);
    let Some(g) = st.goals.iter().find(|g| g.id == goal) else {
        return format!("No goal {goal}.");
    };
    ctx.items(&g.work.keys, 5);
    let b = &g.by_origin;
    format!(
        "{} work items ({} of {} in {}) serve \"{}\": {} linked in the tracker, {} corrected by people, {} inferred.",
        g.work.items,
        percent(g.work.share_items),
        st.total.items,
        scope_name(scope),
        g.title,
        b.explicit.items,
        b.corrected.items,
        b.inferred.items
    )
}

fn stalled(ctx: &mut Ctx, scope: &Scope, as_of: NaiveDate) -> String {
    let opts = AllocationOptions {
        as_of: Some(as_of),
        ..Default::default()
    };
    let a = allocation(ctx.snap, scope, &opts);
    if a.stalled.is_empty() {
        return format!(
            "No unfinished initiative has gone {} weeks without new work.",
            opts.stall_weeks
        );
    }
    let mut o = format!(
        "Initiatives with no new work in the {} weeks to {as_of} (and not finished):",
        opts.stall_weeks
    );
    for s in &a.stalled {
        let last = s.last_activity.map_or("-".into(), |d| d.to_string());
        let _ = write!(
            o,
            " {} (last activity {last}, {} earlier items).",
            s.title, s.work.items
        );
        ctx.items(&s.work.keys, 2);
    }
    o
}

fn trend(ctx: &mut Ctx, scope: &Scope, as_of: NaiveDate) -> String {
    let a = allocation(
        ctx.snap,
        scope,
        &AllocationOptions {
            as_of: Some(as_of),
            ..Default::default()
        },
    );
    let mut o = format!("Off-plan share by week for {}:", scope_name(scope));
    for b in a.buckets.iter().rev().take(8).rev() {
        let off: usize = b
            .classes
            .iter()
            .filter(|c| c.class.is_off_plan())
            .map(|c| c.work.items)
            .sum();
        let _ = write!(
            o,
            " {} {} ({off}/{})",
            b.label,
            percent(off as f64 / b.total.items.max(1) as f64),
            b.total.items
        );
    }
    o.push('.');
    let d = drift(
        ctx.snap,
        scope,
        &DriftOptions {
            as_of: Some(as_of),
            ..Default::default()
        },
    );
    match d
        .shifts
        .iter()
        .find(|s| s.measure == crate::drift::Measure::OffPlan)
    {
        Some(s) => {
            let _ = write!(o, " Material shift: {}.", s.headline);
            ctx.items(&s.examples, 5);
        }
        None => o.push_str(" No material shift in the last 4 weeks against the 8 before."),
    }
    if let Some(last) = a.buckets.last() {
        for c in last
            .classes
            .iter()
            .filter(|c| c.class == WorkClass::Unlinked || c.class.is_off_plan())
        {
            ctx.items(&c.work.keys, 2);
        }
    }
    o
}

/// BM25 over item titles and note texts.
fn search(ctx: &mut Ctx, q: &[String]) -> String {
    let snap = ctx.snap;
    let docs: Vec<(bool, usize, Vec<String>)> = snap
        .items
        .iter()
        .enumerate()
        .map(|(i, s)| (true, i, tokens(&s.item.title)))
        .chain(
            snap.notes
                .iter()
                .enumerate()
                .map(|(i, n)| (false, i, tokens(&n.text))),
        )
        .collect();
    let n = docs.len().max(1) as f64;
    let avg = docs.iter().map(|d| d.2.len()).sum::<usize>() as f64 / n;
    let qset: HashSet<&String> = q.iter().collect();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for d in &docs {
        let set: HashSet<&String> = d.2.iter().filter(|t| qset.contains(t)).collect();
        for t in set {
            *df.entry(t.as_str()).or_default() += 1;
        }
    }
    let (k1, b) = (1.2, 0.75);
    let mut scored: Vec<(f64, usize)> = docs
        .iter()
        .enumerate()
        .filter_map(|(di, d)| {
            let len = d.2.len() as f64;
            let s: f64 = qset
                .iter()
                .map(|t| {
                    let tf = d.2.iter().filter(|x| x == t).count() as f64;
                    if tf == 0.0 {
                        return 0.0;
                    }
                    let df = *df.get(t.as_str()).unwrap_or(&0) as f64;
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    idf * tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * len / avg.max(1.0)))
                })
                .sum();
            (s > 0.0).then_some((s, di))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    if scored.is_empty() {
        return "Nothing in the items or notes matches those words.".into();
    }
    let mut o = String::from("Closest items and notes:");
    for &(_, di) in scored.iter().take(6) {
        let (is_item, i, _) = &docs[di];
        if *is_item {
            let item = &snap.items[*i].item;
            let _ = write!(o, " {} \"{}\";", item.key, item.title);
            ctx.item(&item.key);
        } else {
            let qn = ctx.note(*i);
            let _ = write!(o, " note-{i} ({}): \"{}\";", qn.kind, qn.text);
        }
    }
    o.pop();
    o.push('.');
    o
}
