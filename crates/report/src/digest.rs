//! The digest: what changed since the last one, short enough to read in a minute, each
//! line with the dashboard page behind it.
//!
//! It is assembled from the reports every other view uses (drift, themes, metrics,
//! allocation's stalled initiatives, the item query behind the review queue), over a
//! window of days: from the day after the last digest a destination received (the first
//! time, the asked period) to the last complete day of data. Signals that need a longer
//! view to mean anything (drift, themes, stalled work) are computed over the
//! [`CONTEXT_DAYS`] ending with the window, and only what moved in the window is kept.
//!
//! Sending is not here (this crate never knows HTTP): `throughline-notify` shapes a
//! [`Digest`] for Slack, Teams or email, and [`Digest::to_markdown`] is the printed form.

use std::collections::HashSet;
use std::fmt::Write as _;

use chrono::{Duration, NaiveDate};
use serde::Serialize;
use throughline_model::{LinkOrigin, NoteTarget, Period, mask_people};

use crate::brief::note_in_team;
use crate::groups::{NO_TEAM, team_groups};
use crate::item_query::{ItemQuery, select};
use crate::{
    AllocationOptions, DriftOptions, Scope, Snapshot, ThemeOptions, allocation, drift, metrics,
    plural, themes, url_encode,
};

/// Days of work drift, themes and stalled initiatives are judged over: a quarter, so a
/// week's change is measured against enough work to mean something.
pub const CONTEXT_DAYS: i64 = 91;

/// Lines shown per section; the rest are behind the section's link.
const MAX_LINES: usize = 4;

/// Why a digest cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error(
        "`{0}` is not a digest period: use last-week, last-day, last-2-weeks, last-month, \
         last-N-days or a period such as 2026-W46"
    )]
    Period(String),
    #[error(
        "team `{team}` has fewer than {min} people, so its work is only reported folded into \
         \"other\" (in the digest for all teams)"
    )]
    SmallTeam { team: String, min: usize },
    #[error("there is no work in the database to make a digest of")]
    NoData,
}

/// The first digest's window when no earlier one reached the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestPeriod {
    /// The last N days up to the as-of day (`last-week` is 7).
    LastDays(i64),
    /// A named period (2026-W46, 2026-11-01..2026-11-20).
    Named(Period),
}

impl std::str::FromStr for DigestPeriod {
    type Err = DigestError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().to_ascii_lowercase();
        let err = || DigestError::Period(s.to_string());
        let days = match t.as_str() {
            "last-day" | "yesterday" => Some(1),
            "last-week" => Some(7),
            "last-2-weeks" => Some(14),
            "last-month" => Some(30),
            _ => match t
                .strip_prefix("last-")
                .and_then(|r| r.strip_suffix("-days"))
            {
                Some(n) => Some(
                    n.parse::<i64>()
                        .ok()
                        .filter(|n| (1..=366).contains(n))
                        .ok_or_else(err)?,
                ),
                None => None,
            },
        };
        match days {
            Some(n) => Ok(DigestPeriod::LastDays(n)),
            None => s.parse().map(DigestPeriod::Named).map_err(|_| err()),
        }
    }
}

/// What to make a digest of.
#[derive(Debug, Clone)]
pub struct DigestOptions {
    pub period: DigestPeriod,
    /// The last day covered; `None`: [`default_as_of`].
    pub as_of: Option<NaiveDate>,
    /// The last day a digest to the same destination covered: this one starts the day
    /// after it (and covers the period when there was none).
    pub last_covered: Option<NaiveDate>,
    pub team: Option<String>,
    /// Teams with fewer people than this are folded into "other" (default 3).
    pub min_group_size: usize,
    /// The dashboard's address (`http://localhost:7878`), which every link starts with.
    pub base_url: String,
}

/// The last complete day of data: yesterday, or the last day with any activity when the
/// data stops earlier (a digest of days with no data would say only that nothing moved).
pub fn default_as_of(snap: &Snapshot, today: NaiveDate) -> Option<NaiveDate> {
    Some(snap.last_activity()?.min(today - Duration::days(1)))
}

/// One line of a section: plain text, and the page behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// Plain text, no markup: each destination escapes and formats it.
    pub text: String,
    /// A note's words, quoted as written (people masked), with where they were written.
    pub quote: Option<String>,
    pub link: Link,
}

/// A link to a dashboard page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A section of the digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    pub id: &'static str,
    pub heading: &'static str,
    pub lines: Vec<Line>,
    /// Lines not shown, behind `more`.
    pub hidden: usize,
    pub more: Option<Link>,
}

/// The digest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Digest {
    pub title: String,
    /// The team it is for; `None` for all teams.
    pub team: Option<String>,
    /// The days covered, both included. `from > to` when nothing is new since the last
    /// digest.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Whether `from` follows the last digest sent to the same destination.
    pub since_last: bool,
    /// One sentence: what was created and finished in the window.
    pub summary: String,
    pub overview: Link,
    /// The sections with something to say, in reading order.
    pub sections: Vec<Section>,
    /// What had nothing to say ("no material drift"), in one line.
    pub quiet: Vec<&'static str>,
    /// Work waiting for a person to confirm the engine's link.
    pub review_queue: usize,
}

/// Builds dashboard addresses; every parameter is percent-encoded.
struct Pages<'a> {
    base: &'a str,
    team: Option<&'a str>,
}

impl Pages<'_> {
    fn href(&self, path: &str, params: &[(&str, &str)]) -> String {
        let mut q: Vec<String> = params
            .iter()
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        if let Some(t) = self.team
            && path == "/items"
        {
            q.push(format!("team={}", url_encode(t)));
        }
        let base = self.base.trim_end_matches('/');
        if q.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{}", q.join("&"))
        }
    }

    fn link(&self, label: &str, path: &str, params: &[(&str, &str)]) -> Link {
        Link {
            label: label.into(),
            href: self.href(path, params),
        }
    }
}

fn range(from: NaiveDate, to: NaiveDate) -> Period {
    Period {
        name: format!("{from}..{to}"),
        start: from,
        end: to + Duration::days(1),
    }
}

/// The days a digest covers: from the day after the last one (else the period) to
/// `as_of`.
fn window(opts: &DigestOptions, as_of: NaiveDate) -> (NaiveDate, NaiveDate, bool) {
    match opts.last_covered {
        Some(last) => (last + Duration::days(1), as_of, true),
        None => match &opts.period {
            DigestPeriod::LastDays(n) => (as_of - Duration::days(n - 1), as_of, false),
            DigestPeriod::Named(p) => (p.start, (p.end - Duration::days(1)).min(as_of), false),
        },
    }
}

/// The teams that get a digest of their own with `--per-team`: those that stand alone in
/// every report (teams under `min_group_size` people are folded into "other", which no
/// team scope can select, and work with no team is no team's), by name.
/// Also returns how many teams were folded.
pub fn digest_teams(snap: &Snapshot, min_group_size: usize) -> (Vec<String>, usize) {
    let scope = Scope {
        min_group_size,
        ..Scope::default()
    };
    let groups = team_groups(snap, &scope);
    let mut kept: Vec<String> = groups
        .iter()
        .filter(|(n, g)| n == g && n.as_str() != NO_TEAM)
        .map(|(n, _)| n.clone())
        .collect();
    kept.sort();
    let folded = groups
        .iter()
        .filter(|(n, g)| n != g && n.as_str() != NO_TEAM)
        .count();
    (kept, folded)
}

/// Composes the digest. Deterministic for the same data and options when `as_of` is
/// given (without it, the last day covered depends on today).
pub fn digest(snap: &Snapshot, opts: &DigestOptions) -> Result<Digest, DigestError> {
    let as_of = match opts.as_of {
        Some(d) => d,
        None => {
            default_as_of(snap, chrono::Local::now().date_naive()).ok_or(DigestError::NoData)?
        }
    };
    let (from, to, since_last) = window(opts, as_of);
    let team = opts.team.clone();
    if let Some(t) = &team {
        let all = Scope {
            min_group_size: opts.min_group_size,
            ..Scope::default()
        };
        let groups = team_groups(snap, &all);
        let folded = groups
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(t))
            .is_some_and(|(n, g)| n != g);
        if folded {
            return Err(DigestError::SmallTeam {
                team: t.clone(),
                min: opts.min_group_size,
            });
        }
    }
    let pages = Pages {
        base: &opts.base_url,
        team: team.as_deref(),
    };
    let context = range(to - Duration::days(CONTEXT_DAYS - 1), to);
    let scope = Scope {
        period: Some(context.clone()),
        team: team.clone(),
        min_group_size: opts.min_group_size,
        ..Scope::default()
    };
    let all_time = Scope {
        period: None,
        ..scope.clone()
    };
    let in_window = |d: NaiveDate| d >= from && d <= to;
    let window_name = format!("{from}..{to}");
    let context_name = context.name.clone();

    // What was taken on and finished in the window.
    let (mut created, mut resolved) = (0usize, 0usize);
    for s in snap.items.iter().filter(|s| all_time.includes(&s.item)) {
        created += s.item.created.is_some_and(|c| in_window(c.date_naive())) as usize;
        resolved += s.item.resolved.is_some_and(|r| in_window(r.date_naive())) as usize;
    }
    let summary = if from > to {
        format!(
            "Nothing new since the last digest, which covered the days to {}.",
            from - Duration::days(1)
        )
    } else {
        format!(
            "{} created and {} resolved from {from} to {to}{}.",
            plural(created, "item"),
            resolved,
            if since_last {
                " (since the last digest)"
            } else {
                ""
            }
        )
    };

    let mut sections = Vec::new();
    let mut quiet = Vec::new();
    let mut push = |id, heading, lines: Vec<Line>, more: Option<Link>, none| {
        if lines.is_empty() {
            quiet.push(none);
            return;
        }
        let hidden = lines.len().saturating_sub(MAX_LINES);
        sections.push(Section {
            id,
            heading,
            lines: lines.into_iter().take(MAX_LINES).collect(),
            hidden,
            more: more.filter(|_| hidden > 0),
        });
    };

    // Material drift whose recent side reaches into the window: the overview over the
    // same days shows each one with its items.
    let dr = drift(
        snap,
        &scope,
        &DriftOptions {
            as_of: Some(to),
            ..DriftOptions::default()
        },
    );
    let overview = pages.link("Overview", "/", &[("period", &context_name)]);
    let shifts: Vec<Line> = dr
        .shifts
        .iter()
        .filter(|s| s.after.to >= from)
        .map(|s| Line {
            text: format!("{}.", s.headline),
            quote: None,
            link: Link {
                label: "Drift".into(),
                href: overview.href.clone(),
            },
        })
        .collect();
    push(
        "drift",
        "Drift",
        shifts,
        Some(overview.clone()),
        "no material drift",
    );

    // Off-plan themes that grew: more of their work created in the window than in the
    // days of the same length before it.
    let th = themes(snap, &scope, &ThemeOptions::default());
    let created_on: std::collections::HashMap<&str, NaiveDate> = snap
        .items
        .iter()
        .filter(|s| scope.includes(&s.item))
        .filter_map(|s| Some((s.item.key.as_str(), s.item.created?.date_naive())))
        .collect();
    let len = (to - from).num_days() + 1;
    let mut grew: Vec<(usize, usize, &crate::themes::Theme)> = Vec::new();
    if len > 0 {
        let (before_from, before_to) = (from - Duration::days(len), from - Duration::days(1));
        for t in &th.themes {
            let (mut now, mut before) = (0, 0);
            for d in t
                .work
                .keys
                .iter()
                .filter_map(|k| created_on.get(k.as_str()).copied())
            {
                now += in_window(d) as usize;
                before += (d >= before_from && d <= before_to) as usize;
            }
            if now > before && now >= 2 {
                grew.push((now, before, t));
            }
        }
    }
    grew.sort_by(|a, b| {
        (b.0 - b.1)
            .cmp(&(a.0 - a.1))
            .then_with(|| a.2.label.cmp(&b.2.label))
    });
    let theme_lines: Vec<Line> = grew
        .iter()
        .map(|(now, before, t)| Line {
            text: format!(
                "“{}”: {} off plan ({before} in the {len} days before).",
                mask_people(&t.label),
                plural(*now, "new item")
            ),
            quote: None,
            link: pages.link(
                "Items",
                "/items",
                &[("period", &context_name), ("theme", &t.label)],
            ),
        })
        .collect();
    let off_plan = pages.link("Off plan", "/off-plan", &[("period", &context_name)]);
    push(
        "themes",
        "Off-plan themes that grew",
        theme_lines,
        Some(off_plan),
        "no off-plan theme grew",
    );

    // Notes written in the window, in the teams' words (people masked, authors never
    // named): by the team or about its work, for a team's digest.
    let team_keys: HashSet<&str> = snap
        .items
        .iter()
        .filter(|s| all_time.includes(&s.item))
        .map(|s| s.item.key.as_str())
        .collect();
    let mut notes: Vec<&throughline_model::ContextNote> = snap
        .notes
        .iter()
        .filter(|n| in_window(n.date))
        .filter(|n| note_in_team(n, team.as_deref(), &team_keys))
        .collect();
    // Newest first; of one day, the last written first.
    notes.reverse();
    notes.sort_by_key(|n| std::cmp::Reverse(n.date));
    let note_lines: Vec<Line> = notes
        .into_iter()
        .map(|n| {
            let (about, link) = match &n.target {
                NoteTarget::Item { source, key } => (
                    key.clone(),
                    pages.link(
                        key,
                        &format!("/items/{}/{}", url_encode(source), url_encode(key)),
                        &[],
                    ),
                ),
                NoteTarget::Initiative { id } => {
                    let title = snap
                        .strategy
                        .initiative(id)
                        .map_or(id.as_str(), |i| i.title.as_str());
                    (
                        title.to_string(),
                        pages.link(title, "/items", &[("initiative", id)]),
                    )
                }
                NoteTarget::Goal { id } => {
                    let title = snap
                        .strategy
                        .goal(id)
                        .map_or(id.as_str(), |g| g.title.as_str());
                    (
                        title.to_string(),
                        pages.link(
                            title,
                            &format!("/goals/{}", url_encode(id)),
                            &[("period", &context_name)],
                        ),
                    )
                }
            };
            let who = n
                .author_team
                .as_deref()
                .map_or(String::new(), |t| format!("{t}, "));
            Line {
                text: format!(
                    "{who}{} note on {about}, {}",
                    n.kind.as_str().replace('_', "-"),
                    n.date
                ),
                quote: Some(mask_people(n.text.trim())),
                link,
            }
        })
        .collect();
    push("notes", "Notes added", note_lines, None, "no notes added");

    // Metrics with a value in the window that differs from the last one before it, with
    // the launches of the same goal in the context days beside them.
    let metric_lines: Vec<Line> = metrics(snap, &scope, None)
        .iter()
        .filter_map(|m| {
            let latest = m.values.iter().rev().find(|v| in_window(v.date))?;
            let before = m.values.iter().rev().find(|v| v.date < from)?;
            if latest.value == before.value {
                return None;
            }
            let unit = m.unit_suffix();
            let launches: Vec<String> = m
                .launches
                .iter()
                .filter(|l| l.date >= context.start && l.date <= to)
                .map(|l| format!("{} ({})", l.title, l.date))
                .collect();
            let beside = if launches.is_empty() {
                String::new()
            } else {
                format!(" Launched beside it: {}.", launches.join(", "))
            };
            Some(Line {
                text: format!(
                    "{}: {:.2}{unit} on {} → {:.2}{unit} on {}.{beside}",
                    m.name, before.value, before.date, latest.value, latest.date
                ),
                quote: None,
                link: pages.link(
                    "Goal",
                    &format!("/goals/{}", url_encode(&m.goal)),
                    &[("period", &context_name)],
                ),
            })
        })
        .collect();
    push(
        "metrics",
        "Metrics that moved",
        metric_lines,
        None,
        "no metric moved",
    );

    // Initiatives with earlier work and none new lately.
    let alloc = allocation(
        snap,
        &scope,
        &AllocationOptions {
            as_of: Some(to),
            ..AllocationOptions::default()
        },
    );
    let stalled: Vec<Line> = alloc
        .stalled
        .iter()
        .map(|s| Line {
            text: format!(
                "{}: no new work since {} ({} not finished).",
                s.title,
                s.last_new.map_or("the start".into(), |d| d.to_string()),
                plural(s.work.items, "earlier item")
            ),
            quote: None,
            link: pages.link("Items", "/items", &[("initiative", &s.id)]),
        })
        .collect();
    push(
        "stalled",
        "Stalled initiatives",
        stalled,
        Some(overview.clone()),
        "no initiative stalled",
    );

    // The review queue: the engine's links no person has confirmed yet.
    let q = ItemQuery {
        scope: all_time.clone(),
        origins: vec![LinkOrigin::Inferred],
        ..ItemQuery::default()
    };
    let (mut waiting, mut new) = (0usize, 0usize);
    let created_in_window: HashSet<&str> = snap
        .items
        .iter()
        .filter(|s| s.item.created.is_some_and(|c| in_window(c.date_naive())))
        .map(|s| s.item.key.as_str())
        .collect();
    for r in select(snap, &q) {
        waiting += 1;
        new += created_in_window.contains(r.key) as usize;
    }
    let review = pages.link(
        "Review queue",
        "/items",
        &[("origin", "inferred"), ("sort", "confidence")],
    );
    sections.push(Section {
        id: "review",
        heading: "Review queue",
        lines: vec![Line {
            text: format!(
                "{} awaiting a person's review ({new} of them on work created {}).",
                plural(waiting, "inferred link"),
                if from > to {
                    "since the last digest".to_string()
                } else {
                    format!("from {from} to {to}")
                }
            ),
            quote: None,
            link: review,
        }],
        hidden: 0,
        more: None,
    });

    let title = match &team {
        Some(t) => format!("Throughline digest — {t}, {window_name}"),
        None => format!("Throughline digest — all teams, {window_name}"),
    };
    Ok(Digest {
        title,
        team,
        from,
        to,
        since_last,
        summary,
        overview,
        sections,
        quiet,
        review_queue: waiting,
    })
}

/// Markdown link text and plain text must not turn into markup.
fn md(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '[' | ']' | '*' | '_' | '`' | '<' | '|') {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

impl Digest {
    /// The digest as Markdown: what `throughline digest` prints.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# {}\n", md(&self.title));
        let _ = writeln!(
            o,
            "{} [{}]({})\n",
            md(&self.summary),
            md(&self.overview.label),
            self.overview.href
        );
        for s in &self.sections {
            let _ = writeln!(o, "## {}\n", s.heading);
            for l in &s.lines {
                match &l.quote {
                    Some(q) => {
                        let _ = writeln!(
                            o,
                            "- “{}” — {} ([{}]({}))",
                            md(q),
                            md(&l.text),
                            md(&l.link.label),
                            l.link.href
                        );
                    }
                    None => {
                        let _ = writeln!(
                            o,
                            "- {} ([{}]({}))",
                            md(&l.text),
                            md(&l.link.label),
                            l.link.href
                        );
                    }
                }
            }
            if s.hidden > 0 {
                match &s.more {
                    Some(m) => {
                        let _ = writeln!(
                            o,
                            "- … and {} more ([{}]({}))",
                            s.hidden,
                            md(&m.label),
                            m.href
                        );
                    }
                    None => {
                        let _ = writeln!(o, "- … and {} more", s.hidden);
                    }
                }
            }
            o.push('\n');
        }
        if !self.quiet.is_empty() {
            let _ = writeln!(o, "_Quiet: {}._", self.quiet.join(", "));
        }
        o
    }

    /// The same as plain text, for an email's text part: links written out.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "{}\n", self.title);
        let _ = writeln!(o, "{}\n{}\n", self.summary, self.overview.href);
        for s in &self.sections {
            let _ = writeln!(o, "{}\n", s.heading);
            for l in &s.lines {
                match &l.quote {
                    Some(q) => {
                        let _ = writeln!(o, "- “{q}” — {}\n  {}", l.text, l.link.href);
                    }
                    None => {
                        let _ = writeln!(o, "- {}\n  {}", l.text, l.link.href);
                    }
                }
            }
            if s.hidden > 0 {
                let more = s
                    .more
                    .as_ref()
                    .map_or(String::new(), |m| format!(": {}", m.href));
                let _ = writeln!(o, "- … and {} more{more}", s.hidden);
            }
            o.push('\n');
        }
        if !self.quiet.is_empty() {
            let _ = writeln!(o, "Quiet: {}.", self.quiet.join(", "));
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_periods_are_the_last_days_or_a_named_period() {
        let p = |s: &str| s.parse::<DigestPeriod>();
        assert_eq!(p("last-week"), Ok(DigestPeriod::LastDays(7)));
        assert_eq!(p("Last-Day"), Ok(DigestPeriod::LastDays(1)));
        assert_eq!(p("last-10-days"), Ok(DigestPeriod::LastDays(10)));
        assert!(matches!(p("2026-W46"), Ok(DigestPeriod::Named(w)) if w.days() == 7));
        assert!(matches!(p("last-0-days"), Err(DigestError::Period(_))));
        assert!(matches!(p("last-fortnight"), Err(DigestError::Period(_))));
    }

    #[test]
    fn a_window_starts_the_day_after_the_last_digest_else_covers_the_period() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        let mut o = DigestOptions {
            period: DigestPeriod::LastDays(7),
            as_of: None,
            last_covered: None,
            team: None,
            min_group_size: 3,
            base_url: String::new(),
        };
        assert_eq!(window(&o, d(11, 20)), (d(11, 14), d(11, 20), false));
        o.last_covered = Some(d(11, 10));
        assert_eq!(window(&o, d(11, 20)), (d(11, 11), d(11, 20), true));
        // Nothing new: an empty window, said as such.
        o.last_covered = Some(d(11, 20));
        let (from, to, _) = window(&o, d(11, 20));
        assert!(from > to);
        o.last_covered = None;
        o.period = DigestPeriod::Named("2026-W47".parse().unwrap());
        assert_eq!(window(&o, d(11, 20)), (d(11, 16), d(11, 20), false));
    }

    #[test]
    fn links_carry_the_team_on_item_lists_and_encode_every_value() {
        let p = Pages {
            base: "http://localhost:7878/",
            team: Some("Data & ML"),
        };
        assert_eq!(
            p.href("/items", &[("theme", "off plan: \"fix\"")]),
            "http://localhost:7878/items?theme=off%20plan%3A%20%22fix%22&team=Data%20%26%20ML"
        );
        assert_eq!(
            p.href("/", &[("period", "2026-08-22..2026-11-20")]),
            "http://localhost:7878/?period=2026-08-22..2026-11-20"
        );
    }

    #[test]
    fn markdown_text_cannot_open_a_link_or_emphasis() {
        assert_eq!(md("[x](y) *b* _i_"), "\\[x\\](y) \\*b\\* \\_i\\_");
    }
}
