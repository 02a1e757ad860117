//! A first strategy file drafted from the work already imported, for people who have a
//! tracker export but no strategy file yet: the epics (or components, labels or
//! projects) that hold the most recent work become initiatives with their selectors,
//! under one placeholder goal. It is a scaffold to edit, not a judgement: it ranks by
//! how much work there is, says so, and leaves naming goals and choosing to people.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::Duration;
use throughline_model::WorkItem;
use throughline_sense::offplan;
use throughline_store::StoredItem;

/// How far back "recent" work reaches, from the newest item's creation.
const RECENT_DAYS: i64 = 182;

/// Share of the recent work a kind of fact must reach to be chosen over a coarser one.
const SPECIFIC_ENOUGH: f64 = 0.25;

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
    /// Work items it reaches, and how many of them were created recently.
    pub items: usize,
    pub recent: usize,
    /// Of those, not done yet.
    pub open: usize,
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
}

/// Drafts up to `max` initiatives from `items`.
pub fn draft(items: &[StoredItem], max: usize) -> Draft {
    let newest = items.iter().filter_map(|s| s.item.created).max();
    let recent_from = newest.map(|n| n - Duration::days(RECENT_DAYS));
    let is_recent = |it: &WorkItem| match (it.created, recent_from) {
        (Some(c), Some(from)) => c >= from,
        // Undated work counts as recent: nothing says it is old.
        _ => true,
    };
    let epics: HashMap<&str, &WorkItem> = items
        .iter()
        .map(|s| &s.item)
        .filter(|it| it.is_epic())
        .map(|it| (it.key.as_str(), it))
        .collect();
    let projects = items
        .iter()
        .filter_map(|s| s.item.project.as_deref())
        .map(str::to_lowercase)
        .collect::<std::collections::HashSet<_>>()
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
    let work: Vec<&WorkItem> = items
        .iter()
        .map(|s| &s.item)
        .filter(|it| !it.is_epic())
        .collect();
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
        // the tracker, not an initiative; a named one (Linear's) may be.
        if projects > 1
            && let Some(p) = &it.project
            && !is_key_space(&it.key, p)
        {
            add(SelectorKind::Project, p, i);
        }
    }
    let mut by_kind: HashMap<SelectorKind, Vec<(Candidate, Vec<usize>)>> = HashMap::new();
    for ((kind, _), (value, reached)) in reach {
        if value.is_empty() {
            continue;
        }
        let recent = reached.iter().filter(|&&i| is_recent(work[i])).count();
        let open = reached
            .iter()
            .filter(|&&i| work[i].status_category != throughline_model::StatusCategory::Done)
            .count();
        let title = match kind {
            SelectorKind::Epic => epics
                .get(value.as_str())
                .map(|e| e.title.trim().to_string())
                .filter(|t| !t.is_empty())
                .unwrap_or_else(|| value.clone()),
            _ => value.clone(),
        };
        let c = Candidate {
            kind,
            value,
            title,
            items: reached.len(),
            recent,
            open,
        };
        by_kind.entry(kind).or_default().push((c, reached));
    }
    // Recent work first: a strategy is about what happens now.
    for v in by_kind.values_mut() {
        v.sort_by(|a, b| {
            (b.0.recent, b.0.items)
                .cmp(&(a.0.recent, a.0.items))
                .then_with(|| a.0.value.cmp(&b.0.value))
        });
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
            .filter(|&i| seen[i] && is_recent(work[i]))
            .count();
        (recent, all)
    };
    let mut kinds: Vec<(SelectorKind, (usize, usize))> =
        by_kind.iter().map(|(k, v)| (*k, reached_by(v))).collect();
    let recent_work = work.iter().filter(|it| is_recent(it)).count();
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
    let Some(&(kind, (_, reached))) = kinds.first() else {
        return Draft {
            work_items: work.len(),
            ..Draft::default()
        };
    };
    let take = |k: SelectorKind, n: usize| -> Vec<Candidate> {
        by_kind
            .get(&k)
            .map(|v| v.iter().take(n).map(|(c, _)| c.clone()).collect())
            .unwrap_or_default()
    };
    Draft {
        work_items: work.len(),
        statuses_known: work.iter().any(|it| it.status.is_some()),
        kind: Some(kind),
        initiatives: take(kind, max),
        reached,
        alternatives: kinds[1..].iter().flat_map(|(k, _)| take(*k, 5)).collect(),
    }
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

impl Draft {
    /// The draft as a strategy file, with comments saying where each initiative came
    /// from and what to do next (with `file`, the name it is saved as).
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
        let _ = writeln!(
            out,
            "# The initiatives are the {} that hold the most work of the last six months\n\
             # (ranked by size only: which matter is yours to say). Together they select {} of\n\
             # the {} items; the sense engine places the rest, or calls it off plan.\n\
             #\n\
             # Next: name the goals, move each initiative under the goals it serves, drop or\n\
             # merge what is not an initiative, add metrics. Then:\n\
             #   throughline strategy check {file}\n\
             #   throughline strategy apply {file}",
            kind.key(),
            self.reached,
            self.work_items
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
            let _ = writeln!(
                out,
                "\n# {} items ({} in the last six months{open})",
                c.items, c.recent
            );
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
        }
        out
    }
}

/// The creation time as the draft reads it (for tests building items).
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
        assert!(text.contains("ranked by size only"), "{text}");
        assert!(
            text.contains("#   throughline strategy apply plan.toml"),
            "{text}"
        );
        assert!(
            text.contains("# 7 items (7 in the last six months, 5 not done)"),
            "{text}"
        );
        // Without any status, nothing says what is done: no count of it.
        let mut bare = items();
        bare.iter_mut().for_each(|s| s.item.status = None);
        let text = draft(&bare, 1).to_toml("strategy.toml");
        assert!(
            text.contains("# 7 items (7 in the last six months)\n"),
            "{text}"
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
}
