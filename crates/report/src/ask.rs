//! Offline question answering over the snapshot: structured answers for the common
//! questions, BM25 retrieval over item titles and notes for the rest. Every claim cites
//! the items or notes behind it.

mod when;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::NaiveDate;
use serde::Serialize;
use throughline_model::{NoteKind, NoteTarget, OffPlanReason};
use throughline_store::StoredItem;

use crate::allocation::{AllocationOptions, allocation};
use crate::class::WorkClass;
use crate::drift::{DriftOptions, QuotedNote, drift, note_target};
use crate::representative::{areas_of, by_key, common_words, representative};
use crate::status::status;
use crate::text::{percent, truncate};
use crate::themes::{ThemeOptions, themes};
use crate::words::tokens;
use crate::{PeriodBy, Scope, Snapshot, team_groups};

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
    index: HashMap<&'a str, &'a StoredItem>,
}

impl Ctx<'_> {
    fn item(&mut self, key: &str) {
        if !self.seen.insert(format!("i:{key}")) {
            return;
        }
        let title = self
            .index
            .get(key)
            .map_or(String::new(), |s| s.item.title.clone());
        self.cited.push(Citation {
            kind: CitationKind::Item,
            key: key.to_string(),
            snippet: title,
        });
    }

    /// Cites the `n` items that best stand for `keys` (not the first in key order,
    /// which are the oldest tickets).
    fn items(&mut self, keys: &[String], n: usize) -> Vec<String> {
        let chosen = representative(self.snap, &self.index, keys, n);
        for k in &chosen {
            self.item(k);
        }
        chosen
    }

    /// `KEY "title"` of each key, for the answer's text.
    fn titled(&self, keys: &[String]) -> String {
        keys.iter()
            .map(|k| {
                let title = self
                    .index
                    .get(k.as_str())
                    .map_or("", |s| s.item.title.as_str());
                format!("{k} \"{}\"", truncate(title, 70))
            })
            .collect::<Vec<_>>()
            .join(", ")
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

/// What a question asks about beside its period and team: an initiative or off-plan
/// reason, whether it asks why, and the words left to search for.
struct Asked<'a> {
    initiative: Option<&'a throughline_model::Initiative>,
    reason: Option<OffPlanReason>,
    why: bool,
    /// Words that name no period, scope or question form: a topic to search for.
    topic: Vec<String>,
}

/// Words of a question's form ("what did we work on"), which name no topic.
const FORM: &[&str] = &[
    "happen",
    "happened",
    "happening",
    "worked",
    "working",
    "work",
    "executing",
    "execute",
    "doing",
    "done",
    "team",
    "teams",
    "us",
    "we",
    "our",
    "goal",
    "goals",
    "initiative",
    "initiatives",
    "item",
    "items",
    "issue",
    "issues",
    "ticket",
    "tickets",
    "show",
    "list",
    "tell",
    "me",
    "give",
    "during",
    "spend",
    "spent",
    "time",
    "effort",
    "go",
    "went",
    "focus",
    "focused",
    "busy",
    "kind",
    "sort",
    "type",
    "get",
    "got",
    "biggest",
    "main",
    "share",
    "shares",
    "number",
    "reason",
    "reasons",
    "unplanned",
    "plan",
    "planned",
    "closed",
    "fixed",
    "resolved",
    "finished",
    "completed",
    "shipped",
    "delivered",
    "created",
    "opened",
    "filed",
    "raised",
    "reported",
    "logged",
    "came",
    "in",
    "year",
    "close",
    "ship",
    "finish",
    "complete",
    "deliver",
    "resolve",
    "anything",
    "take",
    "took",
    "taken",
    "bugs",
    "debt",
    "tech",
    "incidents",
    "escalations",
    "maintenance",
];

/// The off-plan reason a question names ("tech debt", "bugs", "maintenance").
fn reason_in(question: &str) -> Option<OffPlanReason> {
    let q: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .collect();
    let has = |w: &str| q.iter().any(|x| x == w || x.strip_suffix('s') == Some(w));
    if has("debt") || has("refactor") || has("refactoring") {
        Some(OffPlanReason::TechDebt)
    } else if has("bug") || has("incident") || has("firefighting") || has("outage") {
        Some(OffPlanReason::BugIncident)
    } else if has("escalation") || has("support") {
        Some(OffPlanReason::CustomerEscalation)
    } else if has("deal") || has("sale") || has("sales") {
        Some(OffPlanReason::SalesCommitment)
    } else if has("maintenance") || has("ktlo") {
        Some(OffPlanReason::Maintenance)
    } else if has("exploration") || has("research") || has("spike") {
        Some(OffPlanReason::Exploration)
    } else if has("uncovered") || has("gap") || has("covered") {
        Some(OffPlanReason::NotCovered)
    } else {
        None
    }
}

/// Answers a question about the work. `today` bounds "recent" windows.
pub fn ask(snap: &Snapshot, question: &str, today: NaiveDate) -> Answer {
    let q = tokens(question);
    let ql = question.to_lowercase();
    let mut ctx = Ctx {
        snap,
        cited: Vec::new(),
        seen: HashSet::new(),
        index: by_key(snap),
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
    // The initiative named most fully: "Android" before a one-word "Studio" elsewhere in
    // a longer title.
    let initiative = snap
        .strategy
        .initiatives
        .iter()
        .filter(|i| mentions(&q, &i.title) || q.contains(&i.id.to_lowercase()))
        .max_by_key(|i| (tokens(&i.title).len(), std::cmp::Reverse(i.id.clone())));
    // A team named only as a word of the goal or initiative asked about ("the platform
    // customers can rely on" is no question about the Platform team).
    let team = team.filter(|t| {
        let t = tokens(t);
        ![
            goal.map(|g| g.title.as_str()),
            initiative.map(|i| i.title.as_str()),
        ]
        .into_iter()
        .flatten()
        .any(|title| {
            let title = tokens(title);
            t.iter().all(|w| title.contains(w))
        })
    });
    let as_of = snap.last_activity().map_or(today, |d| d.min(today));
    let period = when::period_in(&ql, as_of);
    let base = Scope {
        period_by: if period.is_some() {
            when::period_by_in(&ql)
        } else {
            PeriodBy::default()
        },
        period,
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
    let named: HashSet<String> = team
        .iter()
        .map(|t| t.as_str())
        .chain(goal.map(|g| g.title.as_str()))
        .chain(initiative.map(|i| i.title.as_str()))
        .flat_map(tokens)
        .collect();
    let asked = Asked {
        initiative,
        reason: reason_in(question),
        why: ql.split(|c: char| !c.is_alphanumeric()).any(|w| w == "why"),
        topic: question
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .filter(|w| !when::is_time_word(&w.to_lowercase()))
            .flat_map(tokens)
            .filter(|w| !FORM.contains(&w.as_str()) && !named.contains(w))
            .collect(),
    };
    let team_scope = Scope {
        team: team.clone(),
        ..base.clone()
    };
    let off_words = ql.contains("off plan")
        || ql.contains("off-plan")
        || ql.contains("unplanned")
        || ql.contains("firefight")
        || asked.reason.is_some();
    let (shape, text) = if (ql.contains("trend") || ql.contains("over time")) && off_words {
        ("off_plan_trend", trend(&mut ctx, &team_scope, as_of))
    } else if off_words && asked.initiative.is_none() {
        let shape = if asked.why {
            "why_off_plan"
        } else {
            "off_plan"
        };
        (shape, off_plan(&mut ctx, &team_scope, &asked))
    } else if ql.contains("stall") || ql.contains("stuck") {
        ("stalled", stalled(&mut ctx, &base, as_of))
    } else if let Some(i) = asked.initiative {
        (
            "initiative_work",
            initiative_work(&mut ctx, &team_scope, i, &asked),
        )
    } else if let Some(g) =
        goal.filter(|_| ql.contains("how much") || ql.contains("work") || asked.why)
    {
        (
            "goal_work",
            goal_work(&mut ctx, &team_scope, &g.id, asked.why),
        )
    } else if ql.contains("unclear") || ql.contains("not placed") || ql.contains("unlinked") {
        ("not_placed", not_placed(&mut ctx, &team_scope))
    } else if asked.topic.is_empty() {
        // Nothing left to search for ("what did we work on last quarter?", "what did we
        // close in March 2019?"): the scope's work as a whole.
        ("executing", executing(&mut ctx, &team_scope))
    } else {
        ("search", search(&mut ctx, &team_scope, &asked.topic, &q))
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
        Some(p) if p.name.starts_with("since ") || p.name.starts_with("the ") => {
            format!("{who} {}", p.name)
        }
        Some(p) => format!("{who} in {}", p.name),
        None => who,
    }
}

/// What the answer's counts hold, said once: "work active in 2020 (worked on at any
/// time in it)", or all the work.
fn counted(scope: &Scope) -> String {
    match &scope.period {
        Some(p) => format!("counting the work {}", scope.period_by.describe(p)),
        None => "counting all the work, at any time".into(),
    }
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
        "{}: {} work items, {}; {} serve a goal.",
        scope_name(scope),
        st.total.items,
        counted(scope),
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
    if st.off_plan.items > 0 {
        let _ = write!(
            o,
            " Off plan: {} items ({}).",
            st.off_plan.items,
            percent(st.off_plan.share_items)
        );
    }
    o
}

/// The evidence behind links' reasons ("type \"Bug\"", "label \"regression\"", "the
/// word \"crash\""), most common first, each with how many items it stands behind.
fn evidence_in(ctx: &Ctx, keys: &[String]) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for k in keys {
        let Some(link) = ctx
            .index
            .get(k.as_str())
            .and_then(|s| ctx.snap.links.get(&s.id))
        else {
            continue;
        };
        let mut seen = HashSet::new();
        for (marker, said) in [
            ("type \"", "type"),
            ("label \"", "label"),
            ("word \"", "the word"),
            ("words \"", "the word"),
        ] {
            let mut rest = link.reason.as_str();
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                let Some(end) = rest.find('"') else { break };
                let e = format!("{said} \"{}\"", &rest[..end]);
                if seen.insert(e.clone()) {
                    *counts.entry(e).or_default() += 1;
                }
                rest = &rest[end..];
            }
        }
    }
    let mut v: Vec<(String, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

/// Notes about the items (or, for a team, written by it), newest first, of the kinds
/// that say why.
fn notes_on(ctx: &Ctx, scope: &Scope, keys: &[String]) -> Vec<usize> {
    let keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
    ctx.snap
        .notes
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, n)| matches!(n.kind, NoteKind::TradeOff | NoteKind::Why | NoteKind::Risk))
        .filter(|(_, n)| {
            let about =
                matches!(&n.target, NoteTarget::Item { key, .. } if keys.contains(key.as_str()));
            let by_team = scope.team.as_ref().is_some_and(|t| {
                n.author_team
                    .as_deref()
                    .is_some_and(|a| a.eq_ignore_ascii_case(t))
            });
            about || by_team
        })
        .map(|(i, _)| i)
        .collect()
}

/// The newest `n` notes written on a goal or an initiative, quoted.
fn quote_newest_on(ctx: &mut Ctx, target: &NoteTarget, n: usize) -> String {
    let notes: Vec<usize> = ctx
        .snap
        .notes
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, note)| note.target == *target)
        .map(|(i, _)| i)
        .take(n)
        .collect();
    notes.into_iter().map(|i| quote(ctx, i)).collect()
}

fn quote(ctx: &mut Ctx, i: usize) -> String {
    let n = &ctx.snap.notes[i];
    let target = note_target(&n.target);
    let qn = ctx.note(i);
    format!(
        " \"{}\" ({} note on {target}, {}).",
        qn.text, qn.kind, qn.date
    )
}

/// What work is off plan (and, asked why, why): the count, the biggest reasons with the
/// items that stand for each, and for a why the teams' notes behind them and the
/// evidence each reason rests on. Work the strategy does not cover is named as a gap in
/// the strategy, with its areas, not as firefighting.
fn off_plan(ctx: &mut Ctx, scope: &Scope, asked: &Asked) -> String {
    let snap = ctx.snap;
    let (st, th) = std::thread::scope(|t| {
        let th = t.spawn(|| themes(snap, scope, &ThemeOptions::default()));
        (status(snap, scope), crate::picture::join(th))
    });
    let mut o = format!(
        "{}: {} of {} items ({}) are off plan, {}.",
        scope_name(scope),
        st.off_plan.items,
        st.total.items,
        percent(st.off_plan.share_items),
        counted(scope)
    );
    let mut reasons = st.off_plan_by_reason.clone();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.work.items));
    if let Some(r) = asked.reason {
        reasons.retain(|x| x.reason == r);
        if reasons.is_empty() {
            let _ = write!(o, " None of it is {}.", r.label());
        }
    }
    let mut quoted = 0;
    for r in reasons.iter().take(3) {
        let _ = write!(
            o,
            " {}: {} items ({} of the off-plan work)",
            capitalise(r.label.as_str()),
            r.work.items,
            percent(r.work.items as f64 / st.off_plan.items.max(1) as f64)
        );
        if r.reason == OffPlanReason::NotCovered {
            let areas: Vec<String> = areas_of(ctx.snap, &r.work.keys, 4)
                .into_iter()
                .map(|(a, n)| format!("{a} ({n})"))
                .collect();
            o.push_str(", new work in areas the strategy does not cover: a gap in the strategy, not firefighting");
            if !areas.is_empty() {
                let _ = write!(o, "; mostly {}", areas.join(", "));
            }
        } else if asked.why {
            let ev: Vec<String> = evidence_in(ctx, &r.work.keys)
                .into_iter()
                .take(3)
                .map(|(e, n)| format!("{e} on {n}"))
                .collect();
            if !ev.is_empty() {
                let _ = write!(o, ", because of {}", ev.join(", "));
            }
        }
        let shown = ctx.items(&r.work.keys, 2);
        let _ = write!(o, "; e.g. {}.", ctx.titled(&shown));
        if asked.why {
            for i in notes_on(ctx, scope, &r.work.keys).into_iter().take(2) {
                o.push_str(&quote(ctx, i));
                quoted += 1;
            }
        }
    }
    if asked.why {
        for t in th
            .themes
            .iter()
            .filter(|t| !t.terms.is_empty() && asked.reason.is_none_or(|r| t.reason == Some(r)))
            .take(2)
        {
            let _ = write!(o, " Theme \"{}\" ({} items).", t.label, t.work.items);
            ctx.items(&t.work.keys, 1);
        }
        if quoted == 0 {
            let keys: Vec<String> = st
                .off_plan
                .keys
                .iter()
                .chain(&st.unlinked.keys)
                .cloned()
                .collect();
            let notes = notes_on(ctx, scope, &keys);
            for i in notes.iter().take(3) {
                o.push_str(&quote(ctx, *i));
            }
            if notes.is_empty() && !reasons.is_empty() {
                o.push_str(" No team wrote a note on this work; the reasons above are the tracker's own facts.");
            } else if notes.is_empty() {
                o.push_str(" No team wrote a note on this work.");
            }
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

fn goal_work(ctx: &mut Ctx, scope: &Scope, goal: &str, why: bool) -> String {
    let st = status(ctx.snap, scope);
    let Some(g) = st.goals.iter().find(|g| g.id == goal) else {
        return format!("No goal {goal}.");
    };
    ctx.items(&g.work.keys, 5);
    let b = &g.by_origin;
    let mut o = format!(
        "{} work items ({} of {} in {}) serve \"{}\": {} linked in the tracker, {} corrected by people, {} inferred; {}.",
        g.work.items,
        percent(g.work.share_items),
        st.total.items,
        scope_name(scope),
        g.title,
        b.explicit.items,
        b.corrected.items,
        b.inferred.items,
        counted(scope)
    );
    if why {
        if let Some(d) = ctx
            .snap
            .strategy
            .goal(goal)
            .map(|g| g.description.trim())
            .filter(|d| !d.is_empty())
        {
            let _ = write!(o, " The strategy says: \"{d}\".");
        }
        let target = NoteTarget::Goal {
            id: goal.to_string(),
        };
        o.push_str(&quote_newest_on(ctx, &target, 2));
    }
    o
}

/// The work of one initiative in the scope: how much, who placed it, what it was
/// mostly about, the items that stand for it, and (asked why) the strategy's words and
/// the notes on it.
fn initiative_work(
    ctx: &mut Ctx,
    scope: &Scope,
    init: &throughline_model::Initiative,
    asked: &Asked,
) -> String {
    let st = status(ctx.snap, scope);
    let work = st
        .goals
        .iter()
        .flat_map(|g| g.initiatives.iter())
        .find(|i| i.id == init.id)
        .map(|i| i.work.clone())
        .unwrap_or_default();
    let mut o = format!(
        "{}: {} of {} work items ({}) went to \"{}\", {}.",
        scope_name(scope),
        work.items,
        st.total.items,
        percent(work.share_items),
        init.title,
        counted(scope)
    );
    if work.items == 0 {
        o.push_str(" Nothing in this scope is linked to it.");
    } else {
        // Within the initiative, the topic narrows which items stand for it.
        let about: Vec<String> = if asked.topic.is_empty() {
            Vec::new()
        } else {
            work.keys
                .iter()
                .filter(|k| {
                    ctx.index.get(k.as_str()).is_some_and(|s| {
                        let t = tokens(&s.item.title);
                        asked.topic.iter().any(|w| t.contains(w))
                    })
                })
                .cloned()
                .collect()
        };
        let words: Vec<String> = common_words(&ctx.index, &work.keys, 5)
            .into_iter()
            .map(|(w, n)| format!("\"{w}\" ({n})"))
            .collect();
        if !words.is_empty() {
            let _ = write!(o, " Its titles mostly say {}.", words.join(", "));
        }
        let pool = if about.is_empty() { &work.keys } else { &about };
        let shown = ctx.items(pool, 4);
        let _ = write!(o, " For example {}.", ctx.titled(&shown));
    }
    if asked.why {
        if !init.description.trim().is_empty() {
            let _ = write!(o, " The strategy says: \"{}\".", init.description.trim());
        }
        let target = NoteTarget::Initiative {
            id: init.id.clone(),
        };
        o.push_str(&quote_newest_on(ctx, &target, 2));
    }
    o
}

/// Work not placed yet: unclear, or not linked at all.
fn not_placed(ctx: &mut Ctx, scope: &Scope) -> String {
    let st = status(ctx.snap, scope);
    let mut o = format!(
        "{}: {} of {} items are unclear (the engine could not tell) and {} not linked yet, {}.",
        scope_name(scope),
        st.unclear.items,
        st.total.items,
        st.unlinked.items,
        counted(scope)
    );
    let shown = ctx.items(&st.unclear.keys, 3);
    if !shown.is_empty() {
        let _ = write!(o, " Unclear, for example {}.", ctx.titled(&shown));
    }
    ctx.items(&st.unlinked.keys, 2);
    o
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

/// BM25 over the titles of the items in scope and the notes written in its period, for
/// the question's topic words (its own words when it has no topic).
fn search(ctx: &mut Ctx, scope: &Scope, topic: &[String], q: &[String]) -> String {
    let snap = ctx.snap;
    let q = if topic.is_empty() { q } else { topic };
    let docs: Vec<(bool, usize, Vec<String>)> = snap
        .items
        .iter()
        .enumerate()
        .filter(|(_, s)| scope.includes(&s.item))
        .map(|(i, s)| (true, i, tokens(&s.item.title)))
        .chain(
            snap.notes
                .iter()
                .enumerate()
                .filter(|(_, n)| {
                    scope
                        .period
                        .as_ref()
                        .is_none_or(|p| n.date >= p.start && n.date < p.end)
                })
                .map(|(i, n)| (false, i, tokens(&n.text))),
        )
        .collect();
    let n = docs.len().max(1) as f64;
    let avg = docs.iter().map(|d| d.2.len()).sum::<usize>() as f64 / n;
    let qset: HashSet<&String> = q.iter().collect();
    // The question's words in its own order, each once: a float sum in the hash set's
    // order differs from run to run in its last bits, and ties then swap places.
    let mut qlist: Vec<&String> = Vec::new();
    for t in q.iter() {
        if !qlist.contains(&t) {
            qlist.push(t);
        }
    }
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
            let s: f64 = qlist
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
    // Best match first; among equals the newer work, which a reader means more often.
    let created = |di: usize| {
        let (is_item, i, _) = &docs[di];
        if *is_item {
            snap.items[*i].item.created.map(|t| t.date_naive())
        } else {
            Some(snap.notes[*i].date)
        }
    };
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| created(b.1).cmp(&created(a.1)))
            .then_with(|| a.1.cmp(&b.1))
    });
    if scored.is_empty() {
        return match &scope.period {
            Some(_) => format!(
                "{}: nothing in the items or notes matches those words, {}.",
                scope_name(scope),
                counted(scope)
            ),
            None => "Nothing in the items or notes matches those words.".into(),
        };
    }
    let items = scored.iter().filter(|(_, di)| docs[*di].0).count();
    let mut o = format!(
        "{}: {} items match, {}. Closest items and notes:",
        scope_name(scope),
        items,
        counted(scope)
    );
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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
