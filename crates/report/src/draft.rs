//! A first strategy file drafted from the work already imported, for people who have a
//! tracker export but no strategy file yet: the epics (or components, labels or
//! projects) that hold the most work, recent and in all, become initiatives with their
//! selectors, under one placeholder goal. It is a scaffold to edit, not a judgement: it
//! ranks by how much work there is, says so, and leaves naming goals and choosing to
//! people.
//!
//! "Recent" is the data's own: the six months before its newest item, widened (to a
//! year, two, four...) while that holds under a tenth of the work, so an export that
//! went quiet years ago is ranked by its last active years rather than by the few items
//! of its last weeks. Every tracker project with a meaningful share of the work gets an
//! initiative (one of its own values, else the project as a whole), or is listed as left
//! out; and the draft says how much work its initiatives leave out, and where.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{Months, NaiveDate};
use throughline_model::{Initiative, Selectors, Strategy, WorkItem};
use throughline_sense::{explicit, offplan};
use throughline_store::StoredItem;

/// How far back "recent" work reaches at first, in months before the newest item.
const RECENT_MONTHS: u32 = 6;

/// The recent span doubles until it holds at least this share of the dated work.
const RECENT_ENOUGH: f64 = 0.10;

/// Share of the recent work a kind of fact must reach to be chosen over a coarser one.
const SPECIFIC_ENOUGH: f64 = 0.25;

/// A project holding at least this share of the work (and [`PROJECT_MIN_ITEMS`]) gets
/// an initiative, or is listed as left out.
const PROJECT_SHARE: f64 = 0.01;
const PROJECT_MIN_ITEMS: usize = 10;

/// A project counts as covered when the initiatives select this share of its work.
const PROJECT_COVERED: f64 = 0.25;

/// How many of the values not drafted the draft lists as left out.
const LEFT_OUT_LISTED: usize = 8;

/// GitHub's default labels that say what kind of work an item is (or what to do with
/// it), not which area it belongs to; `documentation` stays, as docs are an area.
/// Dependabot adds `dependencies`, stale bots `stale`. Shared with `eval --truth labels`,
/// which passes over them to find an item's area.
pub const GITHUB_KIND_LABELS: &[&str] = &[
    "bug",
    "duplicate",
    "enhancement",
    "good first issue",
    "help wanted",
    "invalid",
    "question",
    "wontfix",
    "dependencies",
    "stale",
];

/// Linear's default labels of the same sort. (Labels that say why work is off plan,
/// `tech-debt` or `escalation`, are recognised by the off-plan rules and left out of a
/// draft too.)
const LINEAR_KIND_LABELS: &[&str] = &["feature", "improvement"];

/// Which tracker fact selects an initiative's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelectorKind {
    Epic,
    Component,
    Label,
    Project,
}

impl SelectorKind {
    /// The strategy file's key for this selector (also its name in the plural).
    pub fn key(self) -> &'static str {
        match self {
            SelectorKind::Epic => "epics",
            SelectorKind::Component => "components",
            SelectorKind::Label => "labels",
            SelectorKind::Project => "projects",
        }
    }
}

/// One candidate initiative: a selector value and the work it reaches.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Candidate {
    pub kind: SelectorKind,
    /// The selector value (an epic key, a component, a label, a project).
    pub value: String,
    /// A title for the initiative: the epic's own title, else the value.
    pub title: String,
    /// Work items it reaches, and how many of them were created in the recent span.
    pub items: usize,
    pub recent: usize,
    /// Of those, not done yet.
    pub open: usize,
    /// Set when the draft added it so that this project has an initiative.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub covers_project: Option<String>,
    /// The rank: its share of the recent work plus its share of all the work.
    #[serde(skip)]
    score: f64,
}

/// The span the draft calls recent: months before the newest item's creation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecentSpan {
    pub from: NaiveDate,
    /// The newest item's creation day.
    pub to: NaiveDate,
    pub months: u32,
    /// Work items created in it (undated ones count as recent: nothing says they are old).
    pub items: usize,
    /// The six months before the newest item held too little, so the span was widened;
    /// this many items were in those six months.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub widened_from: Option<usize>,
}

impl RecentSpan {
    /// "six months", "year", "2 years".
    fn length(&self) -> String {
        match self.months {
            6 => "six months".into(),
            12 => "year".into(),
            m if m % 12 == 0 => format!("{} years", m / 12),
            m => format!("{m} months"),
        }
    }

    /// "the last six months before the newest item (2026-01-01 to 2026-07-01)".
    pub fn describe(&self) -> String {
        let mut s = format!(
            "the {} before the newest item ({} to {})",
            self.length(),
            self.from,
            self.to
        );
        if let Some(n) = self.widened_from {
            let _ = write!(
                s,
                ", widened because the six months before it held only {n} items"
            );
        }
        s
    }
}

/// One tracker project: its work and how much of it the drafted initiatives select.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProjectShare {
    pub project: String,
    pub items: usize,
    /// Selected by some drafted initiative.
    pub reached: usize,
    /// The initiatives select a quarter of its work or more; false means left out.
    pub covered: bool,
}

/// What the draft leaves out: work no initiative selects, by project, and the biggest
/// values of the drafted kind that did not make it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LeftOut {
    /// Work items no drafted initiative selects.
    pub items: usize,
    /// Of those, created in the recent span.
    pub recent: usize,
    /// Projects with work left out, most left out first; `covered: false` for those
    /// with no initiative at all (too small a share, or no room under `max`).
    pub projects: Vec<ProjectShare>,
    /// The next values of the drafted kind, best first, with the work they would add.
    pub candidates: Vec<Candidate>,
}

/// A drafted strategy: the candidates of the kind of fact that reaches the most recent
/// work, best first, and the best of the other kinds as alternatives.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Draft {
    /// Work items in the database (epics are containers, not work).
    pub work_items: usize,
    /// The kind of fact the initiatives select by.
    pub kind: Option<SelectorKind>,
    pub initiatives: Vec<Candidate>,
    /// Work items the initiatives reach together.
    pub reached: usize,
    pub alternatives: Vec<Candidate>,
    /// Whether the tracker said what is done (a bare export may not).
    pub statuses_known: bool,
    /// What "recent" meant (none when no item has a creation date).
    pub recent: Option<RecentSpan>,
    /// Every project with work, largest first (empty with one project or none).
    pub projects: Vec<ProjectShare>,
    pub left_out: LeftOut,
}

/// The span called recent: six months before the newest creation, doubled while it
/// holds under [`RECENT_ENOUGH`] of the dated work (and does not yet reach the oldest).
fn recent_span(work: &[&WorkItem]) -> Option<RecentSpan> {
    let dates: Vec<NaiveDate> = work
        .iter()
        .filter_map(|it| it.created.map(|c| c.date_naive()))
        .collect();
    let to = *dates.iter().max()?;
    let oldest = *dates.iter().min()?;
    let undated = work.len() - dates.len();
    let count = |from: NaiveDate| dates.iter().filter(|&&d| d >= from).count() + undated;
    let mut months = RECENT_MONTHS;
    let mut from = to.checked_sub_months(Months::new(months)).unwrap_or(oldest);
    let first = count(from);
    while (count(from) as f64) < RECENT_ENOUGH * work.len() as f64 && from > oldest {
        months *= 2;
        from = to.checked_sub_months(Months::new(months)).unwrap_or(oldest);
    }
    Some(RecentSpan {
        from,
        to,
        months,
        items: count(from),
        widened_from: (months != RECENT_MONTHS).then_some(first),
    })
}

/// The tracker project an item belongs to: its project, else the space its key is
/// numbered in (`PAY` of `PAY-12`).
fn project_of(it: &WorkItem) -> Option<String> {
    it.project
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .or_else(|| {
            it.key
                .rsplit_once('-')
                .filter(|(space, n)| !space.is_empty() && n.parse::<u64>().is_ok())
                .map(|(space, _)| space.to_string())
        })
}

/// Drafts up to `max` initiatives from `items`.
pub fn draft(items: &[StoredItem], max: usize) -> Draft {
    let epics: HashMap<&str, &WorkItem> = items
        .iter()
        .map(|s| &s.item)
        .filter(|it| it.is_epic())
        .map(|it| (it.key.as_str(), it))
        .collect();
    let work: Vec<&WorkItem> = items
        .iter()
        .map(|s| &s.item)
        .filter(|it| !it.is_epic())
        .collect();
    let span = recent_span(&work);
    let is_recent = |it: &WorkItem| match (it.created, &span) {
        (Some(c), Some(s)) => c.date_naive() >= s.from,
        // Undated work counts as recent: nothing says it is old.
        _ => true,
    };
    let recent_flags: Vec<bool> = work.iter().map(|it| is_recent(it)).collect();
    let recent_work = recent_flags.iter().filter(|&&r| r).count();
    let project_names = items
        .iter()
        .filter_map(|s| s.item.project.as_deref())
        .map(str::to_lowercase)
        .collect::<HashSet<_>>()
        .len();

    // Per selector value, compared without case as selectors match (`API` and `api`
    // are one component): its first spelling and the indices of the work it reaches.
    let mut reach: HashMap<(SelectorKind, String), (String, Vec<usize>)> = HashMap::new();
    let mut add = |kind: SelectorKind, value: &str, i: usize| {
        let value = value.trim();
        let (_, v) = reach
            .entry((kind, value.to_lowercase()))
            .or_insert_with(|| (value.to_string(), Vec::new()));
        // An item naming a value twice counts once.
        if v.last() != Some(&i) {
            v.push(i);
        }
    };
    let mut area_label: HashMap<String, bool> = HashMap::new();
    let by_key: HashMap<&str, &WorkItem> = items
        .iter()
        .map(|s| (s.item.key.as_str(), &s.item))
        .collect();
    // An item's epic: its own epic link, else the nearest epic up its parent chain (a
    // sub-task's story's epic), as the `epics` selector reaches it.
    let epic_of = |it: &'_ WorkItem| -> Option<String> {
        let mut at = it;
        for _ in 0..8 {
            if let Some(e) = at.epic_key.as_deref() {
                return Some(e.to_string());
            }
            let parent = at.parent_key.as_deref()?;
            if epics.contains_key(parent) {
                return Some(parent.to_string());
            }
            at = by_key.get(parent)?;
        }
        None
    };
    for (i, it) in work.iter().enumerate() {
        if let Some(e) = epic_of(it) {
            add(SelectorKind::Epic, &e, i);
        }
        for c in &it.components {
            add(SelectorKind::Component, c, i);
        }
        for l in &it.labels {
            let area = *area_label
                .entry(l.trim().to_lowercase())
                .or_insert_with(|| is_area_label(l));
            if area {
                add(SelectorKind::Label, l, i);
            }
        }
        // A project the keys are numbered in (`PAY` of `PAY-12`) is a team's space in
        // the tracker, not an initiative; a named one (Linear's) may be. (A project
        // the other initiatives leave bare is covered as a whole below.)
        if project_names > 1
            && let Some(p) = &it.project
            && !is_key_space(&it.key, p)
        {
            add(SelectorKind::Project, p, i);
        }
    }
    let score = |items: usize, recent: usize| {
        recent as f64 / recent_work.max(1) as f64 + items as f64 / work.len().max(1) as f64
    };
    let candidate = |kind: SelectorKind, value: String, title: String, reached: &[usize]| {
        let recent = reached.iter().filter(|&&i| recent_flags[i]).count();
        let open = reached
            .iter()
            .filter(|&&i| work[i].status_category != throughline_model::StatusCategory::Done)
            .count();
        Candidate {
            kind,
            value,
            title,
            items: reached.len(),
            recent,
            open,
            covers_project: None,
            score: score(reached.len(), recent),
        }
    };
    let mut by_kind: HashMap<SelectorKind, Vec<(Candidate, Vec<usize>)>> = HashMap::new();
    for ((kind, _), (value, reached)) in reach {
        if value.is_empty() {
            continue;
        }
        let title = match kind {
            SelectorKind::Epic => epics
                .get(value.as_str())
                .map(|e| e.title.trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| value.clone()),
            _ => value.clone(),
        };
        let c = candidate(kind, value, title, &reached);
        by_kind.entry(kind).or_default().push((c, reached));
    }
    // Recent work and size both count: a strategy is about what happens now, and an
    // area that held much of the work is part of the picture even if it went quiet.
    for v in by_kind.values_mut() {
        v.sort_by(|a, b| by_rank(&a.0, &b.0));
    }
    // The most specific kind whose best `max` values reach a good share of the recent
    // work (epics before components, labels and projects: the finer the fact, the
    // closer it is to an initiative); else whichever reaches the most.
    let reached_by = |v: &[(Candidate, Vec<usize>)]| -> (usize, usize) {
        let mut seen = vec![false; work.len()];
        for (_, r) in v.iter().take(max) {
            for &i in r {
                seen[i] = true;
            }
        }
        let all = seen.iter().filter(|&&s| s).count();
        let recent = (0..work.len())
            .filter(|&i| seen[i] && recent_flags[i])
            .count();
        (recent, all)
    };
    let mut kinds: Vec<(SelectorKind, (usize, usize))> =
        by_kind.iter().map(|(k, v)| (*k, reached_by(v))).collect();
    let enough = |recent: usize| recent as f64 >= SPECIFIC_ENOUGH * recent_work as f64;
    kinds.sort_by(|a, b| {
        enough(b.1.0).cmp(&enough(a.1.0)).then_with(|| {
            if enough(a.1.0) {
                a.0.cmp(&b.0)
            } else {
                b.1.cmp(&a.1).then(a.0.cmp(&b.0))
            }
        })
    });
    let Some(&(kind, _)) = kinds.first() else {
        return Draft {
            work_items: work.len(),
            recent: span,
            ..Draft::default()
        };
    };
    let take = |k: SelectorKind, n: usize| -> Vec<Candidate> {
        by_kind
            .get(&k)
            .map(|v| v.iter().take(n).map(|(c, _)| c.clone()).collect())
            .unwrap_or_default()
    };
    let alternatives = kinds[1..].iter().flat_map(|(k, _)| take(*k, 5)).collect();

    // Each item's project, and each project's work.
    let projects_of: Vec<Option<String>> = work.iter().map(|it| project_of(it)).collect();
    let mut project_items: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, p) in projects_of.iter().enumerate() {
        if let Some(p) = p {
            project_items.entry(p.as_str()).or_default().push(i);
        }
    }
    let mut projects: Vec<(&str, Vec<usize>)> = project_items.into_iter().collect();
    projects.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));

    let mut rest: Vec<(Candidate, Vec<usize>)> = by_kind.remove(&kind).unwrap_or_default();
    let mut chosen: Vec<(Candidate, Vec<usize>)> = rest.drain(..max.min(rest.len())).collect();
    // Every project with a meaningful share gets an initiative: one of its own values
    // that selects a quarter of it, else the project as a whole (explicit links prefer any
    // finer selector, so the project's initiative takes what the others leave). Room is
    // made by dropping the lowest-ranked initiative no project needs.
    let meaningful = |n: usize| {
        projects.len() > 1
            && n >= PROJECT_MIN_ITEMS
            && n as f64 >= PROJECT_SHARE * work.len() as f64
    };
    let inside = |c: &[usize], p: &str| {
        c.iter()
            .filter(|&&i| projects_of[i].as_deref() == Some(p))
            .count()
    };
    let covered = |chosen: &[(Candidate, Vec<usize>)], p_work: &[usize]| {
        let mut seen = HashSet::new();
        for (_, r) in chosen {
            seen.extend(r.iter().copied());
        }
        let reached = p_work.iter().filter(|i| seen.contains(i)).count();
        reached as f64 >= PROJECT_COVERED * p_work.len() as f64
    };
    let mut needed: Vec<&str> = Vec::new();
    for (p, p_work) in &projects {
        if !meaningful(p_work.len()) {
            continue;
        }
        if covered(&chosen, p_work) {
            needed.push(p);
            continue;
        }
        // One of its own values: mostly its work, selecting enough of it alone.
        let own = rest.iter().position(|(_, r)| {
            let n = inside(r, p);
            2 * n >= r.len() && n as f64 >= PROJECT_COVERED * p_work.len() as f64
        });
        let mut add = match own {
            Some(at) => rest.remove(at),
            None => {
                // A `projects` selector matches the item's project field, not its key:
                // work numbered in a key space without a project (Linear issues outside
                // any project) is out of its reach, and listed as left out instead.
                let named: Vec<usize> = p_work
                    .iter()
                    .copied()
                    .filter(|&i| names_project(work[i], p))
                    .collect();
                if named.is_empty() {
                    continue;
                }
                let c = candidate(SelectorKind::Project, p.to_string(), p.to_string(), &named);
                (c, named)
            }
        };
        add.0.covers_project = Some(p.to_string());
        if chosen.len() >= max {
            // The lowest-ranked initiative whose going leaves every project already
            // seen to still covered.
            let drop = (0..chosen.len()).rev().find(|&j| {
                if chosen[j].0.covers_project.is_some() {
                    return false;
                }
                let without: Vec<_> = chosen
                    .iter()
                    .enumerate()
                    .filter(|&(k, _)| k != j)
                    .map(|(_, c)| c.clone())
                    .collect();
                needed.iter().all(|q| {
                    let q_work = &projects.iter().find(|(n, _)| n == q).expect("seen").1;
                    covered(&without, q_work)
                })
            });
            let Some(j) = drop else { continue };
            let back = chosen.remove(j);
            rest.push(back);
            rest.sort_by(|a, b| by_rank(&a.0, &b.0));
        }
        chosen.push(add);
        needed.push(p);
    }
    // The kind's own values by rank, then the projects' own initiatives.
    chosen.sort_by(|a, b| {
        (a.0.kind != kind)
            .cmp(&(b.0.kind != kind))
            .then_with(|| by_rank(&a.0, &b.0))
    });

    // Promise what `strategy apply` will link: settle each initiative's work as the
    // explicit links resolve it, then count it again.
    let settled = settle(&chosen, items);
    for ((c, r), now) in chosen.iter_mut().zip(settled) {
        let mut again = candidate(c.kind, c.value.clone(), c.title.clone(), &now);
        again.covers_project = c.covers_project.take();
        again.score = c.score;
        *c = again;
        *r = now;
    }

    let mut seen = vec![false; work.len()];
    for (_, r) in &chosen {
        for &i in r {
            seen[i] = true;
        }
    }
    let reached = seen.iter().filter(|&&s| s).count();
    let project_shares: Vec<ProjectShare> = if projects.len() > 1 {
        projects
            .iter()
            .map(|(p, p_work)| ProjectShare {
                project: p.to_string(),
                items: p_work.len(),
                reached: p_work.iter().filter(|&&i| seen[i]).count(),
                covered: covered(&chosen, p_work),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut left_projects: Vec<ProjectShare> = project_shares
        .iter()
        .filter(|p| p.reached < p.items)
        .cloned()
        .collect();
    left_projects.sort_by(|a, b| {
        (b.items - b.reached)
            .cmp(&(a.items - a.reached))
            .then(a.project.cmp(&b.project))
    });
    // The next values, with the work they would add (what no initiative selects yet).
    let mut next: Vec<Candidate> = rest
        .iter()
        .map(|(c, r)| {
            let adds: Vec<usize> = r.iter().copied().filter(|&i| !seen[i]).collect();
            let mut c = candidate(c.kind, c.value.clone(), c.title.clone(), &adds);
            c.score = score(adds.len(), c.recent);
            c
        })
        .filter(|c| c.items > 0)
        .collect();
    next.sort_by(by_rank);
    next.truncate(LEFT_OUT_LISTED);
    let left_out = LeftOut {
        items: work.len() - reached,
        recent: (0..work.len())
            .filter(|&i| !seen[i] && recent_flags[i])
            .count(),
        projects: left_projects,
        candidates: next,
    };
    Draft {
        work_items: work.len(),
        statuses_known: work.iter().any(|it| it.status.is_some()),
        kind: Some(kind),
        initiatives: chosen.into_iter().map(|(c, _)| c).collect(),
        reached,
        alternatives,
        recent: span,
        projects: project_shares,
        left_out,
    }
}

/// Whether the item's project field is `project` (any case), as a `projects` selector
/// matches it.
fn names_project(it: &WorkItem, project: &str) -> bool {
    it.project
        .as_deref()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case(project.trim()))
}

/// The work each chosen initiative will hold once applied, by the very resolver `strategy
/// apply` runs ([`explicit::resolve`]): an item counts under every initiative its own
/// facts select, an item none selects serves what its nearest parent (or epic) serves,
/// and only then does a project initiative take it. The reach counted per value above
/// overcounts project initiatives (finer selectors win) and misses sub-tasks that carry
/// no facts of their own, so the draft promised other figures than apply then showed.
fn settle(chosen: &[(Candidate, Vec<usize>)], items: &[StoredItem]) -> Vec<Vec<usize>> {
    let initiatives = chosen
        .iter()
        .enumerate()
        .map(|(c, (cand, _))| {
            let mut selectors = Selectors::default();
            let value = vec![cand.value.clone()];
            match cand.kind {
                SelectorKind::Epic => selectors.epics = value,
                SelectorKind::Component => selectors.components = value,
                SelectorKind::Label => selectors.labels = value,
                SelectorKind::Project => selectors.projects = value,
            }
            Initiative {
                id: c.to_string(),
                goals: vec!["draft".into()],
                title: cand.title.clone(),
                description: String::new(),
                selectors,
                starts: None,
                ends: None,
            }
        })
        .collect();
    let strategy = Strategy {
        goals: Vec::new(),
        metrics: Vec::new(),
        initiatives,
    };
    let all: Vec<&WorkItem> = items.iter().map(|s| &s.item).collect();
    let links = explicit::resolve(&strategy, &all);
    // The work's indices are its places among the items that are not epics.
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
    let work_links = all.iter().zip(links).filter(|(it, _)| !it.is_epic());
    for (w, (_, link)) in work_links.enumerate() {
        for id in link
            .iter()
            .flat_map(|l| std::iter::once(&l.initiative).chain(&l.also))
        {
            if let Some(held) = id.parse::<usize>().ok().and_then(|c| out.get_mut(c)) {
                held.push(w);
            }
        }
    }
    out
}

/// Best first: higher score, then more work, then the value.
fn by_rank(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score
        .total_cmp(&a.score)
        .then(b.items.cmp(&a.items))
        .then_with(|| a.value.cmp(&b.value))
}

/// Whether a label names an area of work: not a kind of work (`bug`) and not a reason
/// work is off plan (`tech-debt`), which the off-plan rules already read.
fn is_area_label(label: &str) -> bool {
    let l = label.trim();
    let kind = GITHUB_KIND_LABELS.iter().chain(LINEAR_KIND_LABELS);
    if l.is_empty() || kind.into_iter().any(|k| k.eq_ignore_ascii_case(l)) {
        return false;
    }
    let probe = WorkItem {
        labels: vec![l.to_string()],
        ..WorkItem::default()
    };
    offplan::classify_strong(&probe, &[]).is_none()
}

/// Whether `project` is the space an item's key is numbered in (`PAY` of `PAY-12`).
fn is_key_space(key: &str, project: &str) -> bool {
    key.rsplit_once('-').is_some_and(|(space, n)| {
        space.eq_ignore_ascii_case(project.trim()) && n.parse::<u64>().is_ok()
    })
}

/// A TOML string, quoted and escaped by the `toml` crate.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// An initiative id from a title: lower case letters and digits joined by `-`, unique
/// among `taken`.
fn slug(title: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut s = String::new();
    for w in title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
    {
        if !s.is_empty() {
            s.push('-');
        }
        s.extend(w.chars().flat_map(char::to_lowercase));
    }
    // Ids are ASCII in practice; a title in another script keeps a plain one.
    if s.is_empty() || !s.is_ascii() {
        s = "initiative".into();
    }
    let mut id = s.clone();
    let mut n = 2;
    while !taken.insert(id.clone()) {
        id = format!("{s}-{n}");
        n += 1;
    }
    id
}

/// `text` as `#` comment lines of at most 88 characters, broken between words.
fn comment(out: &mut String, text: &str) {
    let mut line = String::from("#");
    for word in text.split_whitespace() {
        if line.len() > 1 && line.len() + 1 + word.len() > 88 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("#");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// `n` of `of` as a whole percentage, "13%".
fn pct(n: usize, of: usize) -> String {
    crate::text::percent(n as f64 / of.max(1) as f64)
}

impl Draft {
    /// The draft as a strategy file, with comments saying where each initiative came
    /// from, what it leaves out and what to do next (with `file`, the name it is saved
    /// as).
    pub fn to_toml(&self, file: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# A first strategy, drafted by `throughline strategy draft` from the {} work \
             items in the database.",
            self.work_items
        );
        let Some(kind) = self.kind else {
            out.push_str(
                "# No epic, component, label or project reaches any work yet: start from\n\
                 # `throughline strategy example` instead.\n",
            );
            return out;
        };
        let recent = self
            .recent
            .as_ref()
            .map_or("all of it (no item has a date)".to_string(), |r| {
                format!("{}: {} items", r.describe(), r.items)
            });
        comment(
            &mut out,
            &format!(
                "The initiatives are the {} that hold the most work, recent and in all \
                 (ranked by size only: which matter is yours to say). Recent work is {recent}. \
                 Together they select {} of the {} items ({}); the sense engine places the \
                 rest, or calls it off plan.",
                kind.key(),
                self.reached,
                self.work_items,
                pct(self.reached, self.work_items),
            ),
        );
        self.left_out_comment(&mut out);
        let _ = writeln!(
            out,
            "#\n\
             # Next: name the goals, move each initiative under the goals it serves, drop or\n\
             # merge what is not an initiative, add metrics. Then:\n\
             #   throughline strategy check {file}\n\
             #   throughline strategy apply {file}",
        );
        out.push_str(
            "\n[[goal]]\nid = \"goal-1\"\ntitle = \"Name this goal\"\n\
             description = \"What it changes for customers or the business, in words people use.\"\n",
        );
        let mut taken = std::collections::HashSet::new();
        for c in &self.initiatives {
            let id = slug(&c.title, &mut taken);
            let open = if self.statuses_known {
                format!(", {} not done", c.open)
            } else {
                String::new()
            };
            let recent = match c.recent {
                0 => "none recent".to_string(),
                n => format!("{n} recent"),
            };
            let mut head = format!("{} items ({recent}{open})", c.items);
            if c.recent == 0 {
                head.push_str(": history rather than strategy?");
            }
            match (&c.covers_project, c.kind) {
                (Some(p), SelectorKind::Project) => {
                    let _ = write!(
                        head,
                        ". The whole {p} project, so that it has an initiative: none of its {} \
                         selects a quarter of it (finer selectors win, so this takes what they leave).",
                        kind.key()
                    );
                }
                (Some(p), _) => {
                    let _ = write!(head, ". Added so that project {p} has an initiative.");
                }
                (None, _) => {}
            }
            out.push('\n');
            comment(&mut out, &head);
            let _ = writeln!(
                out,
                "[[initiative]]\nid = {}\ngoals = [\"goal-1\"]\ntitle = {}\n{} = [{}]",
                quoted(&id),
                quoted(&c.title),
                c.kind.key(),
                quoted(&c.value)
            );
        }
        if !self.alternatives.is_empty() {
            out.push_str(
                "\n# Other facts that select much work, to use instead or as well (a value\n\
                 # may belong to one initiative only):\n",
            );
            for c in &self.alternatives {
                candidate_comment(&mut out, c);
            }
        }
        out
    }

    /// The comment saying what the initiatives leave out: how much work, in which
    /// projects, and the next values that would select it.
    fn left_out_comment(&self, out: &mut String) {
        let l = &self.left_out;
        if l.items == 0 {
            out.push_str("# They leave no work out.\n");
            return;
        }
        let _ = writeln!(
            out,
            "#\n# Left out: {} items ({}, {} of them recent) are selected by no initiative.",
            l.items,
            pct(l.items, self.work_items),
            l.recent
        );
        if !l.projects.is_empty() {
            out.push_str("# By project (work left out, of the project's):\n");
            for p in &l.projects {
                let _ = writeln!(
                    out,
                    "#   {}: {} of {}{}",
                    p.project,
                    p.items - p.reached,
                    p.items,
                    if p.covered {
                        ""
                    } else {
                        " (no initiative: all of it is left out or nearly)"
                    }
                );
            }
        }
        if !l.candidates.is_empty() {
            let _ = writeln!(
                out,
                "# The next {}, with the work each would add:",
                self.kind.map_or("values", SelectorKind::key)
            );
            for c in &l.candidates {
                candidate_comment(out, c);
            }
        }
    }

    /// One paragraph for the terminal: what was drafted and what it leaves out.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} initiatives select {} of the {} work items ({})",
            self.initiatives.len(),
            self.reached,
            self.work_items,
            pct(self.reached, self.work_items)
        );
        if let Some(r) = &self.recent {
            let _ = write!(s, "; recent work is {}", r.describe());
        }
        let l = &self.left_out;
        if l.items > 0 {
            let _ = write!(
                s,
                ".\nLeft out: {} items ({})",
                l.items,
                pct(l.items, self.work_items)
            );
            let by: Vec<String> = l
                .projects
                .iter()
                .take(6)
                .map(|p| {
                    format!(
                        "{} {} of {}{}",
                        p.project,
                        p.items - p.reached,
                        p.items,
                        if p.covered { "" } else { " (no initiative)" }
                    )
                })
                .collect();
            if !by.is_empty() {
                let _ = write!(s, ": {}", by.join(", "));
            }
            if let Some(c) = l.candidates.first() {
                let _ = write!(
                    s,
                    "; the biggest {} not drafted is {} ({} items)",
                    kind_singular(c.kind),
                    c.value,
                    c.items
                );
            }
        }
        s.push('.');
        s
    }
}

fn kind_singular(k: SelectorKind) -> &'static str {
    match k {
        SelectorKind::Epic => "epic",
        SelectorKind::Component => "component",
        SelectorKind::Label => "label",
        SelectorKind::Project => "project",
    }
}

/// The creation time as the draft reads it (for tests building items).
/// One selector a person could add, as a comment line: its value, and the work it would
/// select.
fn candidate_comment(out: &mut String, c: &Candidate) {
    let _ = writeln!(
        out,
        "#   {} = [{}]   # {}{} items, {} recent",
        c.kind.key(),
        quoted(&c.value),
        if c.title != c.value {
            format!("{}: ", c.title)
        } else {
            String::new()
        },
        c.items,
        c.recent
    );
}

#[cfg(test)]
fn day(d: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    Some(
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .ok()?
            .and_hms_opt(10, 0, 0)?
            .and_utc(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use throughline_model::StatusCategory;

    fn item(id: i64, key: &str, f: impl FnOnce(&mut WorkItem)) -> StoredItem {
        let mut it = WorkItem {
            source: "jira".into(),
            key: key.into(),
            title: format!("work {key}"),
            created: day("2026-06-01"),
            ..WorkItem::default()
        };
        f(&mut it);
        StoredItem { id, item: it }
    }

    fn items() -> Vec<StoredItem> {
        let mut v = vec![
            item(1, "PAY-1", |i| {
                i.item_type = Some("Epic".into());
                i.title = "Checkout \"v2\" redesign".into();
            }),
            item(2, "PAY-2", |i| {
                i.item_type = Some("Epic".into());
                i.title = "Old billing".into();
            }),
        ];
        let mut id = 3;
        for n in 0..6 {
            v.push(item(id, &format!("PAY-{id}"), |i| {
                i.epic_key = Some("PAY-1".into());
                i.labels = vec!["bug".into(), "payments".into()];
                (i.status, i.status_category) = if n < 2 {
                    (Some("Done".into()), StatusCategory::Done)
                } else {
                    (Some("In Progress".into()), StatusCategory::InProgress)
                };
            }));
            id += 1;
        }
        // Components differ only in case: one component, as selectors match.
        v[2].item.components = vec!["API".into()];
        v[3].item.components = vec!["api".into(), "API ".into()];
        // A sub-task of a story of the epic: the epic reaches it through the chain.
        v.push(item(id, &format!("PAY-{id}"), |i| {
            i.parent_key = Some("PAY-3".into());
        }));
        id += 1;
        // More work in all, but long ago: ranked after the recent epic.
        for _ in 0..8 {
            v.push(item(id, &format!("PAY-{id}"), |i| {
                i.parent_key = Some("PAY-2".into());
                i.created = day("2024-01-01");
                i.labels = vec!["tech-debt".into()];
            }));
            id += 1;
        }
        v
    }

    #[test]
    fn recent_epics_come_first_and_kinds_of_work_are_no_initiatives() {
        let d = draft(&items(), 10);
        assert_eq!(d.work_items, 15);
        assert_eq!(d.kind, Some(SelectorKind::Epic));
        let got: Vec<(&str, &str, usize, usize, usize)> = d
            .initiatives
            .iter()
            .map(|c| {
                (
                    c.value.as_str(),
                    c.title.as_str(),
                    c.items,
                    c.recent,
                    c.open,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("PAY-1", "Checkout \"v2\" redesign", 7, 7, 5),
                ("PAY-2", "Old billing", 8, 0, 8),
            ]
        );
        assert_eq!(d.reached, 15);
        // `bug` is a kind of work and `tech-debt` an off-plan reason: only `payments`.
        let labels: Vec<&str> = d
            .alternatives
            .iter()
            .filter(|c| c.kind == SelectorKind::Label)
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(labels, vec!["payments"]);
        // Linear's kinds of work too, in any case.
        assert!(!is_area_label("Improvement") && !is_area_label("Feature"));
        assert!(is_area_label("documentation"));
        let components: Vec<(&str, usize)> = d
            .alternatives
            .iter()
            .filter(|c| c.kind == SelectorKind::Component)
            .map(|c| (c.value.as_str(), c.items))
            .collect();
        assert_eq!(components, vec![("API", 2)]);
    }

    #[test]
    fn the_draft_is_a_valid_strategy_file() {
        let text = draft(&items(), 1).to_toml("plan.toml");
        let s = throughline_strategy::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(s.initiatives.len(), 1);
        let i = &s.initiatives[0];
        assert_eq!(i.title, "Checkout \"v2\" redesign");
        assert_eq!(i.id, "checkout-v2-redesign");
        assert_eq!(i.goals, vec!["goal-1".to_string()]);
        assert!(text.contains("#   labels = [\"payments\"]"), "{text}");
        assert!(
            text.replace("\n# ", " ").contains("ranked by size only"),
            "{text}"
        );
        assert!(
            text.contains("#   throughline strategy apply plan.toml"),
            "{text}"
        );
        assert!(text.contains("# 7 items (7 recent, 5 not done)"), "{text}");
        // Without any status, nothing says what is done: no count of it.
        let mut bare = items();
        bare.iter_mut().for_each(|s| s.item.status = None);
        let text = draft(&bare, 1).to_toml("strategy.toml");
        assert!(text.contains("# 7 items (7 recent)\n"), "{text}");
    }

    /// Work that went quiet years ago, shaped like the Appcelerator Jira: a big project
    /// whose large components were busy until a few years before its last item, a tiny
    /// component that holds its last weeks, and a small project of many small
    /// components.
    fn quiet_tracker() -> Vec<StoredItem> {
        let mut v = Vec::new();
        let mut push = |key: String, created: &str, f: &dyn Fn(&mut WorkItem)| {
            let id = v.len() as i64 + 1;
            v.push(item(id, &key, |i| {
                // A Jira export names each issue's project.
                i.project = key.split('-').next().map(str::to_string);
                i.created = day(created);
                i.status = Some("Closed".into());
                i.status_category = StatusCategory::Done;
                f(i);
            }));
        };
        let mut n = 0;
        let mut next = |space: &str| {
            n += 1;
            format!("{space}-{n}")
        };
        // 2012-2014: the old big areas.
        for k in 0..120 {
            let c = if k % 2 == 0 { "Android" } else { "MobileWeb" };
            push(next("TIMOB"), "2013-03-01", &|i| {
                i.components = vec![c.into()]
            });
        }
        // 2017: busy, a few years before the last item.
        for k in 0..60 {
            let c = if k % 3 == 0 { "Runtime" } else { "Android" };
            push(next("TIMOB"), "2017-05-01", &|i| {
                i.components = vec![c.into()]
            });
        }
        // The last weeks: three items of a component nobody else uses.
        for _ in 0..3 {
            push(next("TIMOB"), "2020-10-01", &|i| {
                i.components = vec!["ImageFactory".into()]
            });
        }
        // A daemon project: many small components, two items each.
        for k in 0..24 {
            let c = format!("appcd-{}", k / 2);
            push(next("DAEMON"), "2017-06-01", &|i| {
                i.components = vec![c.clone()]
            });
        }
        v
    }

    #[test]
    fn quiet_data_is_ranked_by_its_own_recent_years_and_by_size() {
        let items = quiet_tracker();
        let d = draft(&items, 3);
        let span = d.recent.clone().expect("dated work");
        // Six months before 2020-10-01 hold 3 of 207 items: widened to four years.
        assert_eq!(span.to, day("2020-10-01").unwrap().date_naive());
        assert_eq!(span.widened_from, Some(3));
        assert_eq!(span.months, 48);
        assert_eq!(span.items, 60 + 3 + 24);
        assert_eq!(d.kind, Some(SelectorKind::Component));
        let got: Vec<(&str, usize, usize)> = d
            .initiatives
            .iter()
            .map(|c| (c.value.as_str(), c.items, c.recent))
            .collect();
        // Android (recent and big), Runtime (busy in the recent years), and the DAEMON
        // project as a whole (no component of its own holds a quarter of it), in place
        // of MobileWeb (big, but long quiet); the last weeks' tiny component is no
        // initiative.
        assert_eq!(
            got,
            vec![
                ("Android", 100, 40),
                ("Runtime", 20, 20),
                ("DAEMON", 24, 24)
            ]
        );
        assert_eq!(d.initiatives[2].kind, SelectorKind::Project);
        assert_eq!(d.initiatives[2].covers_project.as_deref(), Some("DAEMON"));
        // What is left out, and where.
        assert_eq!(d.reached, 100 + 20 + 24);
        assert_eq!(d.left_out.items, 60 + 3);
        assert_eq!(
            d.left_out.projects,
            vec![ProjectShare {
                project: "TIMOB".into(),
                items: 183,
                reached: 120,
                covered: true
            }]
        );
        let next: Vec<(&str, usize)> = d
            .left_out
            .candidates
            .iter()
            .map(|c| (c.value.as_str(), c.items))
            .collect();
        assert_eq!(next, vec![("MobileWeb", 60), ("ImageFactory", 3)]);

        let text = d.to_toml("strategy.toml");
        let s = throughline_strategy::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(
            s.initiatives[2].selectors.projects,
            vec!["DAEMON".to_string()]
        );
        for line in [
            "# Left out: 63 items (30%, 3 of them recent) are selected by no initiative.",
            "#   TIMOB: 63 of 183",
            "#   components = [\"MobileWeb\"]   # 60 items, 0 recent",
            "# 24 items (24 recent, 0 not done). The whole DAEMON project, so that it has an",
        ] {
            assert!(text.contains(line), "{line}\n{text}");
        }
        assert!(
            text.replace("\n# ", " ")
                .contains("Recent work is the 4 years before the newest item (2016-10-01 to 2020-10-01), widened because the six months before it held only 3 items: 87 items."),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
        let summary = d.summary();
        assert!(
            summary.contains("Left out: 63 items (30%): TIMOB 63 of 183"),
            "{summary}"
        );

        // With room for every area, every project is covered by its own values or as a
        // whole, and nothing is said to be missing from it.
        let d = draft(&items, 30);
        assert!(d.projects.iter().all(|p| p.covered), "{:?}", d.projects);
        assert_eq!(d.left_out.items, 0);
        let text = d.to_toml("s.toml");
        assert!(text.contains("# They leave no work out."), "{text}");
        assert!(
            text.contains("# 60 items (none recent, 0 not done): history rather than strategy?"),
            "{text}"
        );
    }

    #[test]
    fn a_project_without_room_is_listed_as_left_out() {
        // One slot: the big component keeps it; the daemon has no initiative and says so.
        let d = draft(&quiet_tracker(), 1);
        assert_eq!(d.initiatives.len(), 1);
        assert_eq!(d.initiatives[0].value, "Android");
        let daemon = d
            .left_out
            .projects
            .iter()
            .find(|p| p.project == "DAEMON")
            .expect("listed");
        assert_eq!(
            (daemon.items, daemon.reached, daemon.covered),
            (24, 0, false)
        );
        assert!(
            d.to_toml("s.toml")
                .contains("#   DAEMON: 24 of 24 (no initiative: all of it is left out or nearly)"),
            "{}",
            d.to_toml("s.toml")
        );
    }

    #[test]
    fn busy_data_keeps_six_months() {
        let d = draft(&items(), 10);
        let span = d.recent.expect("dated");
        assert_eq!((span.months, span.widened_from), (6, None));
        assert!(
            span.describe()
                .starts_with("the six months before the newest item")
        );
    }

    #[test]
    fn nothing_to_select_says_where_to_start() {
        let v = vec![item(1, "A-1", |_| {})];
        let d = draft(&v, 10);
        assert_eq!(d.kind, None);
        assert!(d.to_toml("strategy.toml").contains("strategy example"));
    }

    #[test]
    fn ids_are_plain_and_unique() {
        let mut taken = std::collections::HashSet::new();
        assert_eq!(slug("Checkout: v2 (EU)", &mut taken), "checkout-v2-eu");
        assert_eq!(slug("Checkout v2 EU", &mut taken), "checkout-v2-eu-2");
        assert_eq!(slug("Касса", &mut taken), "initiative");
        let odd = "a\"b\\c\nd'e";
        let parsed: toml::Table = toml::from_str(&format!("v = {}", quoted(odd))).unwrap();
        assert_eq!(parsed["v"].as_str(), Some(odd));
    }

    #[test]
    fn the_draft_promises_what_apply_links() {
        let mut v = Vec::new();
        let mut add = |key: &str, f: &dyn Fn(&mut WorkItem)| {
            let id = v.len() as i64 + 1;
            v.push(item(id, key, |i| f(i)));
        };
        // Jira work in two projects, named in each issue.
        for n in 0..30 {
            let c = if n % 2 == 0 { "Android" } else { "iOS" };
            add(&format!("MOB-{n}"), &|i| {
                i.project = Some("MOB".into());
                i.components = vec![c.into()];
            });
        }
        // Sub-tasks with no facts of their own: they serve what their story serves.
        for n in 0..6 {
            add(&format!("MOB-{}", 100 + n), &|i| {
                i.project = Some("MOB".into());
                i.parent_key = Some(format!("MOB-{n}"));
            });
        }
        // Another project of many one-off components: drafted as a whole project.
        for n in 0..20 {
            add(&format!("WEB-{n}"), &|i| {
                i.project = Some("WEB".into());
                i.components = vec![format!("page-{n}")];
            });
        }
        // Linear issues outside any project: numbered in a key space, but no `projects`
        // selector can reach them.
        for n in 0..20 {
            add(&format!("LIN-{n}"), &|i| i.source = "linear".into());
        }
        let d = draft(&v, 3);
        let got: Vec<(&str, usize)> = d
            .initiatives
            .iter()
            .map(|c| (c.value.as_str(), c.items))
            .collect();
        assert_eq!(got, vec![("Android", 18), ("iOS", 18), ("WEB", 20)]);
        assert_eq!(d.reached, 56);
        assert_eq!(d.left_out.items, 20);
        assert!(
            d.left_out
                .projects
                .iter()
                .any(|p| p.project == "LIN" && p.reached == 0),
            "{:?}",
            d.left_out.projects
        );
        // The resolver `strategy apply` runs links exactly what the draft promised.
        let text = d.to_toml("s.toml");
        let strategy = throughline_strategy::parse(&text).expect("the draft parses");
        let all: Vec<WorkItem> = v.iter().map(|s| s.item.clone()).collect();
        let linked = explicit::resolve(&strategy, &all);
        assert_eq!(linked.iter().flatten().count(), d.reached);
        for c in &d.initiatives {
            let id = &strategy
                .initiatives
                .iter()
                .find(|i| i.title == c.title)
                .expect("drafted")
                .id;
            let n = linked
                .iter()
                .flatten()
                .filter(|l| &l.initiative == id || l.also.contains(id))
                .count();
            assert_eq!(n, c.items, "{}", c.title);
        }
    }
}
