//! The executive brief: a calm narrative of what we are executing and why, how it lines
//! up with the goals, the metrics we watch, the work off plan and why we chose it, what
//! we learned, and early signals. Every number links to the items behind it.

use std::collections::HashSet;
use std::fmt::Write as _;

use serde::Serialize;
use throughline_model::{ContextNote, NoteKind, NoteTarget, OffPlanReason};

use crate::drift::QuotedNote;
use crate::metrics::metrics;
use crate::representative::areas_of;
use crate::status::Figure;
use crate::text::percent as pct;
use crate::{Picture, Scope, Snapshot, picture, status};

/// A piece of a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Span {
    Text {
        text: String,
    },
    /// A figure: `count` items (and `share` of the items in evidence `of`), whose keys
    /// are listed in evidence `evidence`.
    Number {
        count: usize,
        share: Option<f64>,
        of: Option<String>,
        evidence: String,
    },
    /// Someone's words, as written, with where they were written (never who).
    Quote {
        text: String,
        source: String,
    },
}

/// A section of the brief: paragraphs of spans.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: String,
    pub heading: String,
    pub paragraphs: Vec<Vec<Span>>,
}

/// The items behind a number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub id: String,
    pub label: String,
    pub keys: Vec<String>,
}

/// How [`Brief::to_html_with`] shortens long evidence lists.
pub struct LongEvidence<'a> {
    /// Keys shown before the link to the whole list.
    pub max_keys: usize,
    /// Where the whole list of an evidence entry is; `None` for a page with nowhere to
    /// link to, which says "… and 120 more" instead.
    pub href: Option<&'a dyn Fn(&Evidence) -> String>,
}

/// How [`Brief::to_markdown_with`] shortens long evidence lists.
pub struct ShortEvidence<'a> {
    /// Keys shown of each list.
    pub max_keys: usize,
    /// Where the whole lists are, said once above them.
    pub note: &'a str,
}

/// The brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Brief {
    pub title: String,
    pub scope: String,
    pub sections: Vec<Section>,
    pub evidence: Vec<Evidence>,
}

/// Builds the brief sentence by sentence, registering evidence as numbers are written.
struct Writer {
    evidence: Vec<Evidence>,
    para: Vec<Span>,
    paras: Vec<Vec<Span>>,
    sections: Vec<Section>,
}

impl Writer {
    fn ev(&mut self, label: &str, keys: &[String]) -> String {
        if let Some(e) = self.evidence.iter().find(|e| e.label == label) {
            return e.id.clone();
        }
        let id = format!("evidence-{}", self.evidence.len() + 1);
        self.evidence.push(Evidence {
            id: id.clone(),
            label: label.to_string(),
            keys: keys.to_vec(),
        });
        id
    }

    fn text(&mut self, t: impl Into<String>) -> &mut Self {
        self.para.push(Span::Text { text: t.into() });
        self
    }

    /// A figure with its share of `of` (an evidence id) and its own evidence.
    fn fig(&mut self, label: &str, f: &Figure, of: Option<&str>) -> &mut Self {
        let evidence = self.ev(label, &f.keys);
        let share = of.and_then(|o| {
            let total = self.evidence.iter().find(|e| e.id == o)?.keys.len();
            (total > 0).then(|| f.items as f64 / total as f64)
        });
        self.para.push(Span::Number {
            count: f.items,
            share,
            of: of.map(str::to_string),
            evidence,
        });
        self
    }

    fn quote(&mut self, n: &QuotedNote) -> &mut Self {
        let team = n
            .author_team
            .as_deref()
            .map_or(String::new(), |t| format!("{t}, "));
        self.para.push(Span::Quote {
            text: n.text.clone(),
            source: format!(
                "{team}{} note on {}, {}",
                n.kind.replace('_', "-"),
                n.target,
                n.date
            ),
        });
        self
    }

    fn end_para(&mut self) {
        if !self.para.is_empty() {
            self.paras.push(std::mem::take(&mut self.para));
        }
    }

    fn section(&mut self, id: &str, heading: &str) {
        self.end_para();
        self.sections.push(Section {
            id: id.into(),
            heading: heading.into(),
            paragraphs: std::mem::take(&mut self.paras),
        });
    }
}

/// Notes that belong to the scope: written in its period, and for a team scope written by
/// the team or about its items.
fn scoped_notes<'a>(
    snap: &'a Snapshot,
    scope: &Scope,
    keys: &HashSet<&str>,
) -> Vec<&'a ContextNote> {
    snap.notes
        .iter()
        .filter(|n| {
            scope
                .period
                .as_ref()
                .is_none_or(|p| n.date >= p.start && n.date < p.end)
        })
        .filter(|n| note_in_team(n, scope.team.as_deref(), keys))
        .collect()
}

/// Whether a note belongs to a team's view (every note without a team): written about
/// one of its items (`keys`), or on a goal or initiative by the team.
pub(crate) fn note_in_team(n: &ContextNote, team: Option<&str>, keys: &HashSet<&str>) -> bool {
    match (team, &n.target) {
        (None, _) => true,
        (Some(_), NoteTarget::Item { key, .. }) => keys.contains(key.as_str()),
        (Some(t), _) => n
            .author_team
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case(t)),
    }
}

/// Composes the brief for a scope. Deterministic: the same data gives the same brief.
pub fn brief(snap: &Snapshot, scope: &Scope) -> Brief {
    let Picture {
        status: st,
        allocation: alloc,
        drift: dr,
        themes: th,
    } = picture(snap, scope);
    let ms = metrics(snap, scope, None);
    let keys: HashSet<&str> = st.total.keys.iter().map(String::as_str).collect();
    let notes = scoped_notes(snap, scope, &keys);
    let scope_label = match (&scope.period, &scope.team) {
        (Some(p), Some(t)) => format!("{p}, team {t}"),
        (Some(p), None) => format!("{p}, all teams"),
        (None, Some(t)) => format!("all time, team {t}"),
        (None, None) => "all time, all teams".into(),
    };
    let mut w = Writer {
        evidence: Vec::new(),
        para: Vec::new(),
        paras: Vec::new(),
        sections: Vec::new(),
    };
    let all = w.ev("All work in scope", &st.total.keys);
    // The period of the same length just before, to compare with.
    let prev_scope = scope.period.as_ref().map(|p| Scope {
        period: Some(p.previous()),
        ..scope.clone()
    });
    let prev = prev_scope.as_ref().map(|s| status(snap, s));
    let prev_name = scope.period.as_ref().map(|p| {
        let q = p.previous();
        format!("{}..{}", q.start, q.end - chrono::Duration::days(1))
    });

    // What we are executing, and why.
    w.text("In this period the teams worked on ")
        .fig("All work in scope", &st.total, None)
        .text(" items");
    if let Some(words) = scope.period_words() {
        w.text(format!(" ({words})"));
    }
    match (&prev, &prev_name) {
        (Some(p), Some(name)) => {
            w.text(format!(
                ", against {} in the period of the same length before it ({name}). ",
                p.total.items
            ));
        }
        _ => {
            w.text(". ");
        }
    }
    if st.total.items == 0 {
        w.text("There is no work in this scope yet.");
    }
    w.end_para();
    let mut inits: Vec<(&str, &str, &Figure)> = st
        .goals
        .iter()
        .flat_map(|g| {
            g.initiatives
                .iter()
                .map(|i| (i.id.as_str(), i.title.as_str(), &i.work))
        })
        .filter(|(_, _, f)| f.items > 0)
        .collect();
    inits.sort_by(|a, b| b.2.items.cmp(&a.2.items).then_with(|| a.0.cmp(b.0)));
    inits.dedup_by(|a, b| a.0 == b.0);
    let prev_init = |id: &str| {
        prev.as_ref().and_then(|p| {
            p.goals
                .iter()
                .flat_map(|g| g.initiatives.iter())
                .find(|i| i.id == id)
                .map(|i| (i.work.items, i.work.share_items))
        })
    };
    for (id, title, f) in inits.iter().take(6) {
        w.text(format!("{title}: "))
            .fig(&format!("Initiative {title}"), f, Some(&all))
            .text(" items");
        if let Some((n, share)) = prev_init(id) {
            w.text(format!(" (the period before: {n}, {})", pct(share)));
        }
        w.text(". ");
        // Why, in the strategy's own words: the initiative's description, else the
        // goals it serves and theirs.
        if let Some(i) = snap.strategy.initiative(id) {
            let goals: Vec<&throughline_model::Goal> = i
                .goals
                .iter()
                .filter_map(|g| snap.strategy.goal(g))
                .collect();
            if !i.description.trim().is_empty() {
                w.text(format!("Why: {} ", end_sentence(i.description.trim())));
            }
            for g in &goals {
                w.text(format!("It serves “{}”", g.title));
                if !g.description.trim().is_empty() {
                    w.text(format!(": {}", end_sentence(g.description.trim())));
                } else {
                    w.text(".");
                }
                w.text(" ");
            }
        }
        let item_keys: HashSet<&str> = f.keys.iter().map(String::as_str).collect();
        for n in notes
            .iter()
            .filter(|n| matches!(n.kind, NoteKind::Why | NoteKind::TradeOff))
            .filter(|n| match &n.target {
                NoteTarget::Initiative { id: t } => t == id,
                NoteTarget::Item { key, .. } => item_keys.contains(key.as_str()),
                NoteTarget::Goal { .. } => false,
            })
            .rev()
            .take(2)
        {
            w.quote(&QuotedNote::of(n));
        }
        w.end_para();
    }
    w.section("executing", "What we are executing, and why");

    // Alignment.
    let by = &st.aligned_by_origin;
    w.text("Work serving a goal: ")
        .fig("Work aligned to a goal", &st.aligned, Some(&all))
        .text(" — ")
        .fig(
            "Aligned explicitly (tracker links)",
            &by.explicit,
            Some(&all),
        )
        .text(" linked in the tracker, ")
        .fig(
            "Aligned by a person's correction",
            &by.corrected,
            Some(&all),
        )
        .text(" confirmed or corrected by people, and ")
        .fig(
            "Aligned by inference (sense engine)",
            &by.inferred,
            Some(&all),
        )
        .text(" inferred by the sense engine.");
    let e = &st.expected;
    if by.inferred.items + st.unclear.items > 0 {
        w.text(format!(
            " Counting each inferred or unclear item by how likely it serves a goal, {} of \
             the work is aligned (plainly between {} and {}) and {} off plan.",
            crate::text::percent(e.aligned),
            crate::text::percent(e.aligned_low),
            crate::text::percent(e.aligned_high),
            crate::text::percent(e.off_plan),
        ));
    }
    w.end_para();
    for g in &st.goals {
        w.text(format!("{}: ", g.title))
            .fig(&format!("Goal {}", g.title), &g.work, Some(&all))
            .text(".");
        w.end_para();
    }
    if !alloc.thin_goals.is_empty() {
        let names: Vec<&str> = alloc.thin_goals.iter().map(|g| g.title.as_str()).collect();
        w.text(format!(
            "Little work sits behind {} ({}% of items or less); that may be by design this period, or worth a look.",
            names.join(", "),
            (alloc.options.thin_goal_share * 100.0).round()
        ));
        w.end_para();
    }
    w.section("alignment", "How the work aligns to goals");

    // Metrics.
    if ms.is_empty() {
        w.text("No key results are declared in the strategy yet.");
    }
    for m in &ms {
        let unit = m.unit_suffix();
        w.text(format!("{}: ", m.name));
        match m.latest {
            Some(l) => {
                w.text(format!("{:.2}{unit} on {}", l.value, l.date));
                if let (Some(b), Some(t)) = (m.baseline, m.target) {
                    w.text(format!(" (baseline {b:.2}{unit}, target {t:.2}{unit}"));
                    match m.progress {
                        Some(p) if p < 0.0 => {
                            w.text(", further from the target than at baseline");
                        }
                        Some(p) => {
                            w.text(format!(", {} of the way", pct(p)));
                        }
                        None => {}
                    }
                    w.text(")");
                }
                w.text(format!(". Trend {}.", m.sparkline));
            }
            None => {
                w.text("no values recorded yet.");
            }
        }
        if !m.launches.is_empty() {
            w.text(" Launched under the same goal: ");
            for (k, l) in m.launches.iter().enumerate() {
                if k > 0 {
                    w.text(if k + 1 == m.launches.len() {
                        " and "
                    } else {
                        ", "
                    });
                }
                let f = Figure {
                    items: l.keys.len(),
                    keys: l.keys.clone(),
                    ..Default::default()
                };
                w.text(format!("{} on {} (", l.title, l.date))
                    .fig(&format!("Initiative {} (launched)", l.title), &f, None)
                    .text(" items)");
            }
            w.text(".");
            let first = m.launches[0].date;
            if let Some((a, b)) = m.moved_since(first) {
                w.text(format!(
                    " Since the first of them it moved from {a:.2}{unit} to {b:.2}{unit}."
                ));
            }
        }
        w.end_para();
    }
    w.section("metrics", "The impact metrics we watch");

    // Off plan.
    w.text("Work off plan: ")
        .fig("Work off plan", &st.off_plan, Some(&all))
        .text(". Off-plan work is a signal of what the organisation had to respond to, not a failure. ");
    let not_placed = Figure {
        items: st.unclear.items + st.unlinked.items,
        keys: st
            .unclear
            .keys
            .iter()
            .chain(&st.unlinked.keys)
            .cloned()
            .collect(),
        ..Default::default()
    };
    if not_placed.items > 0 {
        w.text("Not yet placed (unclear or not linked): ")
            .fig("Work not yet placed", &not_placed, Some(&all))
            .text(".");
    }
    w.end_para();
    if let Some(p) = &prev {
        w.text(format!(
            "In the period before, {} of {} items ({}) were off plan.",
            p.off_plan.items,
            p.total.items,
            pct(p.off_plan.share_items)
        ));
        w.end_para();
    }
    for r in st
        .off_plan_by_reason
        .iter()
        .filter(|r| r.reason != OffPlanReason::NotCovered)
    {
        w.text(format!("{}: ", capitalise(&r.label)))
            .fig(&format!("Off plan: {}", r.label), &r.work, Some(&all))
            .text(".");
        w.end_para();
    }
    for t in th.themes.iter().filter(|t| !t.terms.is_empty()).take(5) {
        w.text(format!("Theme “{}”: ", t.label))
            .fig(&format!("Theme {}", t.label), &t.work, Some(&all))
            .text(".");
        if let Some(n) = t.notes.first() {
            w.text(" ").quote(n);
        }
        w.end_para();
    }
    let trade: Vec<&&ContextNote> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::TradeOff)
        .collect();
    if !trade.is_empty() {
        w.text("Why we made these trade-offs, in the teams' words:");
        w.end_para();
        for n in trade.iter().rev().take(5) {
            w.quote(&QuotedNote::of(n));
            w.end_para();
        }
    }
    w.section("off-plan", "Work off plan, and why we chose it");

    // Gaps in the strategy: work in areas no initiative covers is no trade-off anyone
    // made, and reading it as firefighting would hide that the strategy is silent there.
    if let Some(r) = st
        .off_plan_by_reason
        .iter()
        .find(|r| r.reason == OffPlanReason::NotCovered)
    {
        w.text("Work in areas the strategy does not cover: ")
            .fig("Not covered by the strategy", &r.work, Some(&all))
            .text(". It counts as off plan, but it is a gap in the strategy rather than a trade-off or firefighting");
        let areas = areas_of(snap, &r.work.keys, 6);
        if !areas.is_empty() {
            let named: Vec<String> = areas.iter().map(|(a, n)| format!("{a} ({n})")).collect();
            w.text(format!("; the largest areas: {}", named.join(", ")));
        }
        w.text(". Name an initiative for the areas that matter, or say they are out of scope.");
        w.end_para();
        w.section("gaps", "Gaps in the strategy");
    }

    // Learnings.
    let learned: Vec<&&ContextNote> = notes
        .iter()
        .filter(|n| n.kind == NoteKind::Learning)
        .collect();
    if learned.is_empty() {
        w.text("No learnings were recorded in this period.");
        w.end_para();
    }
    for n in learned.iter().rev().take(6) {
        w.quote(&QuotedNote::of(n));
        w.end_para();
    }
    w.section("learned", "What we learned");

    // Early signals.
    for s in dr.shifts.iter().take(6) {
        let label = format!("Items behind: {}", s.headline);
        let what = if s.gap_areas.is_empty() {
            String::new()
        } else {
            let named: Vec<String> = s
                .gap_areas
                .iter()
                .map(|(a, n)| format!("{a} {n}"))
                .collect();
            format!(
                " (new work outside the strategy's areas: {}; a gap in the strategy, not firefighting)",
                named.join(", ")
            )
        };
        w.text(format!(
            "{}: {}{what} moved from {} to {} ",
            s.group,
            measure_words(&s.measure, snap),
            pct(s.before.share),
            pct(s.after.share)
        ))
        .text("(")
        .fig(&label, &s.after.part, None)
        .text(format!(
            " items created {} to {}, against {} to {}).",
            s.after.from, s.after.to, s.before.from, s.before.to
        ));
        let grew: Vec<String> = s
            .drivers
            .iter()
            .filter(|d| d.after > d.before)
            .take(2)
            .map(|d| format!("{} ({} -> {})", d.label, pct(d.before), pct(d.after)))
            .collect();
        if !grew.is_empty() {
            w.text(format!(" Mostly {}.", grew.join(" and ")));
        }
        if let Some(n) = s.notes.first() {
            w.text(" ").quote(n);
        }
        w.end_para();
    }
    for s in &alloc.stalled {
        w.text(format!(
            "{} has had no new work since {} (",
            s.title,
            s.last_new.map_or("the start".into(), |d| d.to_string())
        ))
        .fig(
            &format!("Initiative {} (earlier work)", s.title),
            &s.work,
            None,
        )
        .text(" items in this period, all created earlier and not finished).");
        w.end_para();
    }
    if dr.shifts.is_empty() {
        w.text("No material shifts");
        if let Some((from, to)) = dr.span {
            w.text(format!(" in the work created {from} to {to}"));
        }
        w.text(".");
        if let Some(q) = dr.within_noise.first() {
            w.text(format!(
                " The closest move, within noise: {} {} from {} to {} (created {} to {}).",
                q.group,
                measure_words(&q.measure, snap),
                pct(q.before.share),
                pct(q.after.share),
                q.after.from,
                q.after.to
            ));
        }
        w.end_para();
    }
    w.section("signals", "Early signals");

    Brief {
        title: "Strategy brief".into(),
        scope: scope_label,
        sections: w.sections,
        evidence: w.evidence,
    }
}

fn measure_words(m: &crate::drift::Measure, snap: &Snapshot) -> String {
    match m {
        crate::drift::Measure::OffPlan => "the off-plan share".to_string(),
        crate::drift::Measure::NotPlaced => "the share of work not yet placed".to_string(),
        crate::drift::Measure::Goal(g) => format!(
            "the share of work serving {}",
            snap.strategy
                .goal(g)
                .map_or(g.as_str(), |g| g.title.as_str())
        ),
    }
}

/// A sentence ends with its full stop.
fn end_sentence(s: &str) -> String {
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

fn number_text(count: usize, share: Option<f64>) -> String {
    match share {
        Some(s) => format!("{count} ({})", pct(s)),
        None => count.to_string(),
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Markdown link text must not close early.
fn md_escape(s: &str) -> String {
    s.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('*', "\\*")
        .replace('_', "\\_")
}

/// The first `max` keys, escaped, and how many more there are: "A-1, A-2, … and 9 more".
fn first_keys(keys: &[String], max: usize, escape: &dyn Fn(&str) -> String) -> String {
    format!(
        "{}, … and {} more",
        escape(&keys[..max].join(", ")),
        keys.len() - max
    )
}

impl Brief {
    /// Markdown, with every number a link to its evidence section at the end, every
    /// evidence list in full.
    pub fn to_markdown(&self) -> String {
        self.to_markdown_with(None)
    }

    /// Like [`Brief::to_markdown`]; with `short`, evidence lists longer than its
    /// `max_keys` show their first keys and how many more there are, and its `note`
    /// (where the whole lists are) opens the evidence section. A brief of a large
    /// organisation otherwise carries every key of every figure: 440 KB for Iceberg's 7,881
    /// changes.
    pub fn to_markdown_with(&self, short: Option<&ShortEvidence<'_>>) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# {} — {}\n", self.title, self.scope);
        for s in &self.sections {
            let _ = writeln!(o, "## {}\n", s.heading);
            for p in &s.paragraphs {
                for span in p {
                    match span {
                        Span::Text { text } => o.push_str(&md_escape(text)),
                        Span::Number {
                            count,
                            share,
                            evidence,
                            ..
                        } => {
                            let _ = write!(o, "[{}](#{evidence})", number_text(*count, *share));
                        }
                        Span::Quote { text, source } => {
                            let _ = write!(o, "“{}” _({})_", md_escape(text), md_escape(source));
                        }
                    }
                }
                o.push_str("\n\n");
            }
        }
        let _ = writeln!(o, "## Evidence\n");
        let shortened = |e: &Evidence| short.filter(|s| e.keys.len() > s.max_keys);
        if let Some(s) = short.filter(|_| self.evidence.iter().any(|e| shortened(e).is_some())) {
            let _ = writeln!(o, "_{}_\n", md_escape(s.note));
        }
        for e in &self.evidence {
            let keys = match shortened(e) {
                Some(s) => first_keys(&e.keys, s.max_keys, &|k| k.to_string()),
                None => e.keys.join(", "),
            };
            let _ = writeln!(
                o,
                "<a id=\"{}\"></a>**{}** ({} items): {keys}\n",
                e.id,
                md_escape(&e.label),
                e.keys.len(),
            );
        }
        o
    }

    /// A self-contained, printable HTML page (no external assets), every evidence list
    /// in full.
    pub fn to_html(&self) -> String {
        self.to_html_with(None)
    }

    /// Like [`Brief::to_html`]; with `long`, evidence lists longer than its `max_keys`
    /// show their first keys and a link to the whole list (a dashboard page for an
    /// organisation of 100,000 items would otherwise carry megabytes of keys).
    pub fn to_html_with(&self, long: Option<&LongEvidence<'_>>) -> String {
        let mut o = String::new();
        let title = html_escape(&format!("{} — {}", self.title, self.scope));
        let _ = write!(
            o,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\n<style>\
             body{{font:16px/1.5 Georgia,serif;max-width:46em;margin:2em auto;padding:0 1em;color:#222}}\
             h1,h2{{font-family:Helvetica,Arial,sans-serif}} a{{color:#1a5fb4}} q{{font-style:italic}}\
             .src{{color:#666;font-size:.85em}} details{{margin:.3em 0}} .keys{{font:12px monospace;word-break:break-all}}\
             @media print{{a{{color:#222;text-decoration:none}} details{{break-inside:avoid}}}}\
             </style></head><body>\n<h1>{title}</h1>\n"
        );
        for s in &self.sections {
            let _ = writeln!(o, "<h2 id=\"{}\">{}</h2>", s.id, html_escape(&s.heading));
            for p in &s.paragraphs {
                o.push_str("<p>");
                for span in p {
                    match span {
                        Span::Text { text } => o.push_str(&html_escape(text)),
                        Span::Number {
                            count,
                            share,
                            evidence,
                            ..
                        } => {
                            let _ = write!(
                                o,
                                "<a href=\"#{evidence}\">{}</a>",
                                number_text(*count, *share)
                            );
                        }
                        Span::Quote { text, source } => {
                            let _ = write!(
                                o,
                                "<q>{}</q> <span class=\"src\">({})</span>",
                                html_escape(text),
                                html_escape(source)
                            );
                        }
                    }
                }
                o.push_str("</p>\n");
            }
        }
        o.push_str("<h2 id=\"evidence\">Evidence</h2>\n");
        for e in &self.evidence {
            let keys = match long {
                Some(l) if e.keys.len() > l.max_keys => match l.href {
                    Some(href) => format!(
                        "{}, … <a href=\"{}\">all {} items</a>",
                        html_escape(&e.keys[..l.max_keys].join(", ")),
                        html_escape(&href(e)),
                        e.keys.len()
                    ),
                    None => first_keys(&e.keys, l.max_keys, &html_escape),
                },
                _ => html_escape(&e.keys.join(", ")),
            };
            let _ = writeln!(
                o,
                "<details id=\"{}\"><summary>{} ({} items)</summary><p class=\"keys\">{keys}</p></details>",
                e.id,
                html_escape(&e.label),
                e.keys.len(),
            );
        }
        o.push_str("</body></html>\n");
        o
    }
}
