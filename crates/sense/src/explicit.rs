//! Explicit alignment: links that follow from tracker facts matching the strategy's
//! selectors, with parent chains (sub-task -> story -> epic) rolled up.
//!
//! Precedence, nearest fact first, so the most specific statement a team made wins:
//! 1. the item's own key, epic or parent named in an initiative's `epics`;
//! 2. the item's own milestones/sprint (or the iteration it lies in), components, labels,
//!    area path;
//! 3. whatever its parent (or epic) is linked to, recursively;
//! 4. the item's project (the broadest selector).
//!
//! The first match is the item's one link (what the headline shares count, once per
//! item). An item whose own facts are selected by several initiatives (a Jira issue
//! under the components Android, CLI and Tooling) serves each of them, as work serving
//! two goals serves both: the others are kept in [`ExplicitLink::also`], so per-initiative
//! and per-goal figures count it under each. The project is not among them: it is the
//! fallback for work no finer fact places, and naming it too would count every such item
//! twice in its own project.

use std::borrow::Borrow;
use std::collections::HashMap;

use throughline_model::{Strategy, WorkItem, path_within};

/// An explicit link the selectors imply for one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplicitLink {
    pub initiative: String,
    /// Which fact made the link, in words, e.g. "epic PAY-1 is selected by initiative
    /// `checkout-v2`".
    pub reason: String,
    /// Other initiatives the item's own facts (or, rolled up, its parent's) select too,
    /// in the order the selectors were matched, without `initiative`; empty for most.
    pub also: Vec<String>,
}

/// Selector values of every initiative, lower-cased for case-insensitive matching: what
/// links work explicitly, and so what the engine must not learn from and what the product
/// path's evaluation strips from held-out work.
pub struct SelectorIndex<'a> {
    epics: HashMap<String, &'a str>,
    milestones: HashMap<String, &'a str>,
    components: HashMap<String, &'a str>,
    labels: HashMap<String, &'a str>,
    projects: HashMap<String, &'a str>,
    /// Area and iteration paths, the deepest first: an item in `Shop\\Checkout\\Payments`
    /// belongs to the initiative of `Shop\\Checkout\\Payments` before that of `Shop`.
    area_paths: Vec<(&'a str, &'a str)>,
    iterations: Vec<(&'a str, &'a str)>,
}

impl<'a> SelectorIndex<'a> {
    /// Indexes every initiative's selectors.
    pub fn new(strategy: &'a Strategy) -> Self {
        let mut idx = SelectorIndex {
            epics: HashMap::new(),
            milestones: HashMap::new(),
            components: HashMap::new(),
            labels: HashMap::new(),
            projects: HashMap::new(),
            area_paths: Vec::new(),
            iterations: Vec::new(),
        };
        for i in &strategy.initiatives {
            let s = &i.selectors;
            for (map, values) in [
                (&mut idx.epics, &s.epics),
                (&mut idx.milestones, &s.milestones),
                (&mut idx.components, &s.components),
                (&mut idx.labels, &s.labels),
                (&mut idx.projects, &s.projects),
            ] {
                for v in values {
                    // First initiative wins; the strategy checker refuses clashes anyway.
                    map.entry(v.to_lowercase()).or_insert(i.id.as_str());
                }
            }
            for (list, values) in [
                (&mut idx.area_paths, &s.area_paths),
                (&mut idx.iterations, &s.iterations),
            ] {
                list.extend(values.iter().map(|v| (v.as_str(), i.id.as_str())));
            }
        }
        for list in [&mut idx.area_paths, &mut idx.iterations] {
            // Stable, so of two initiatives naming one path the first still wins.
            list.sort_by_key(|(path, _)| std::cmp::Reverse(levels(path)));
        }
        idx
    }

    /// Whether some initiative selects this area path or one above it (any case).
    pub fn selects_area_path(&self, v: &str) -> bool {
        within(&self.area_paths, v).is_some()
    }

    /// Whether some initiative selects this iteration (sprint) or one above it (any case).
    pub fn selects_iteration(&self, v: &str) -> bool {
        within(&self.iterations, v).is_some()
    }

    /// Whether some initiative selects this component (any case).
    pub fn selects_component(&self, v: &str) -> bool {
        self.components.contains_key(&v.to_lowercase())
    }

    /// Whether some initiative selects this label (any case).
    pub fn selects_label(&self, v: &str) -> bool {
        self.labels.contains_key(&v.to_lowercase())
    }

    /// Whether some initiative selects this project (any case).
    pub fn selects_project(&self, v: &str) -> bool {
        self.projects.contains_key(&v.to_lowercase())
    }

    /// Whether some initiative selects this sprint or milestone (any case).
    pub fn selects_milestone(&self, v: &str) -> bool {
        self.milestones.contains_key(&v.to_lowercase())
    }

    /// Whether some initiative selects this epic or parent key (any case).
    pub fn selects_epic(&self, v: &str) -> bool {
        self.epics.contains_key(&v.to_lowercase())
    }

    /// Removes from `item` the facts a selector matches: selected components and labels,
    /// and its project, sprint (a milestone or within an iteration) and area path when
    /// selected. What evaluations hide from held-out work, so that they measure inference
    /// and not look-up; epic and parent keys are the caller's to keep or drop.
    pub fn remove_selected(&self, item: &mut WorkItem) {
        item.components.retain(|c| !self.selects_component(c));
        item.labels.retain(|l| !self.selects_label(l));
        if item
            .project
            .as_deref()
            .is_some_and(|p| self.selects_project(p))
        {
            item.project = None;
        }
        if item
            .sprint
            .as_deref()
            .is_some_and(|s| self.selects_milestone(s) || self.selects_iteration(s))
        {
            item.sprint = None;
        }
        if item
            .area_path
            .as_deref()
            .is_some_and(|a| self.selects_area_path(a))
        {
            item.area_path = None;
        }
    }

    /// Whether the strategy selects work by component, by epic, by project at all.
    pub fn uses(&self) -> (bool, bool, bool) {
        (
            !self.components.is_empty(),
            !self.epics.is_empty(),
            !self.projects.is_empty(),
        )
    }

    /// Every selected value of each kind, as given (for the meta features they become).
    pub(crate) fn values(&self) -> [(&'static str, Vec<&str>); 4] {
        [
            (
                "component",
                self.components.keys().map(String::as_str).collect(),
            ),
            ("label", self.labels.keys().map(String::as_str).collect()),
            (
                "project",
                self.projects.keys().map(String::as_str).collect(),
            ),
            ("epic", self.epics.keys().map(String::as_str).collect()),
        ]
    }

    fn own_match(&self, item: &WorkItem) -> Option<ExplicitLink> {
        let hit = |what: &str, value: &str, map: &HashMap<String, &'a str>| {
            map.get(&value.to_lowercase()).map(|init| ExplicitLink {
                initiative: init.to_string(),
                reason: format!("{what} {value} is selected by initiative `{init}`"),
                also: Vec::new(),
            })
        };
        let keys = [
            ("epic", Some(&item.key)),
            ("epic", item.epic_key.as_ref()),
            ("parent", item.parent_key.as_ref()),
        ];
        keys.into_iter()
            .filter_map(|(what, k)| k.map(|k| (what, k)))
            .find_map(|(what, k)| hit(what, k, &self.epics))
            .or_else(|| {
                item.sprint
                    .as_deref()
                    .and_then(|m| hit("milestone", m, &self.milestones))
            })
            .or_else(|| {
                let sprint = item.sprint.as_deref()?;
                let (path, init) = within(&self.iterations, sprint)?;
                Some(in_path("iteration", sprint, path, init))
            })
            .or_else(|| {
                item.components
                    .iter()
                    .find_map(|c| hit("component", c, &self.components))
            })
            .or_else(|| {
                item.labels
                    .iter()
                    .find_map(|l| hit("label", l, &self.labels))
            })
            .or_else(|| {
                let area = item.area_path.as_deref()?;
                let (path, init) = within(&self.area_paths, area)?;
                Some(in_path("area path", area, path, init))
            })
    }

    /// Every initiative the item's own facts select (not its project), in the order of
    /// precedence `own_match` follows, each once.
    fn own_initiatives(&self, item: &WorkItem) -> Vec<&'a str> {
        let look = |map: &HashMap<String, &'a str>, v: &str| map.get(&v.to_lowercase()).copied();
        let mut out: Vec<&'a str> = Vec::new();
        let keys = [
            Some(&item.key),
            item.epic_key.as_ref(),
            item.parent_key.as_ref(),
        ];
        out.extend(
            keys.into_iter()
                .flatten()
                .filter_map(|k| look(&self.epics, k)),
        );
        if let Some(sprint) = item.sprint.as_deref() {
            out.extend(look(&self.milestones, sprint));
            out.extend(within(&self.iterations, sprint).map(|(_, init)| init));
        }
        out.extend(
            item.components
                .iter()
                .filter_map(|c| look(&self.components, c)),
        );
        out.extend(item.labels.iter().filter_map(|l| look(&self.labels, l)));
        if let Some(area) = item.area_path.as_deref() {
            out.extend(within(&self.area_paths, area).map(|(_, init)| init));
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|i| seen.insert(*i));
        out
    }

    /// `own_match` with the other initiatives the item's own facts select.
    fn own_match_all(&self, item: &WorkItem) -> Option<ExplicitLink> {
        let mut link = self.own_match(item)?;
        link.also = self
            .own_initiatives(item)
            .into_iter()
            .filter(|i| *i != link.initiative)
            .map(str::to_string)
            .collect();
        Some(link)
    }

    fn project_match(&self, item: &WorkItem) -> Option<ExplicitLink> {
        let p = item.project.as_deref()?;
        self.projects
            .get(&p.to_lowercase())
            .map(|init| ExplicitLink {
                initiative: init.to_string(),
                reason: format!("project {p} is selected by initiative `{init}`"),
                also: Vec::new(),
            })
    }
}

/// Resolves explicit links for `items` (index-aligned result). Items no selector reaches,
/// directly or through their parent chain, get `None`: they are "unlinked" and left to
/// the inference.
pub fn resolve<W: Borrow<WorkItem>>(strategy: &Strategy, items: &[W]) -> Vec<Option<ExplicitLink>> {
    // Borrowed items too: `strategy draft` resolves the items it holds without copying them.
    let items: Vec<&WorkItem> = items.iter().map(Borrow::borrow).collect();
    let idx = SelectorIndex::new(strategy);
    // Parents are looked up by key within the same source first, then by key alone.
    let mut by_source_key: HashMap<(&str, &str), usize> = HashMap::with_capacity(items.len());
    let mut by_key: HashMap<&str, usize> = HashMap::with_capacity(items.len());
    for (i, &it) in items.iter().enumerate() {
        by_source_key.insert((it.source.as_str(), it.key.as_str()), i);
        by_key.entry(it.key.as_str()).or_insert(i);
    }
    let parent_of = |i: usize| -> Option<usize> {
        let it = items[i];
        it.parent_key
            .as_deref()
            .or(it.epic_key.as_deref())
            .and_then(|k| {
                by_source_key
                    .get(&(it.source.as_str(), k))
                    .or_else(|| by_key.get(k))
                    .copied()
            })
            .filter(|&p| p != i)
    };

    let mut memo: Vec<Option<Option<ExplicitLink>>> = vec![None; items.len()];
    for start in 0..items.len() {
        if memo[start].is_some() {
            continue;
        }
        // Walk up until a resolved item or an own match; the depth bound guards cycles.
        let mut chain = vec![start];
        let mut found: Option<ExplicitLink> = None;
        let mut cur = start;
        loop {
            if let Some(m) = idx.own_match_all(items[cur]) {
                found = Some(m);
                break;
            }
            match parent_of(cur) {
                Some(p) if chain.len() < 64 && !chain.contains(&p) => {
                    if let Some(done) = &memo[p] {
                        // Rolled down from a parent resolved earlier: the reason names
                        // that parent, as it does when the walk reaches the fact itself.
                        found = done.as_ref().map(|l| ExplicitLink {
                            initiative: l.initiative.clone(),
                            reason: rolled_up(&items[p].key, &l.reason),
                            also: l.also.clone(),
                        });
                        break;
                    }
                    chain.push(p);
                    cur = p;
                }
                _ => break,
            }
        }
        // Assign from the top of the chain down so each item names its nearest linked
        // ancestor in its reason.
        let mut inherited = found;
        for (depth, &i) in chain.iter().enumerate().rev() {
            let own = if depth + 1 == chain.len() {
                inherited.clone()
            } else {
                inherited.as_ref().map(|l| ExplicitLink {
                    initiative: l.initiative.clone(),
                    reason: rolled_up(&items[chain[depth + 1]].key, &l.reason),
                    also: l.also.clone(),
                })
            };
            let link = own.or_else(|| idx.project_match(items[i]));
            memo[i] = Some(link.clone());
            inherited = link;
        }
    }
    memo.into_iter().map(Option::flatten).collect()
}

/// The deepest selected path `value` lies within, with its initiative.
fn within<'a>(paths: &[(&'a str, &'a str)], value: &str) -> Option<(&'a str, &'a str)> {
    paths
        .iter()
        .find(|(path, _)| path_within(value, path))
        .copied()
}

fn levels(path: &str) -> usize {
    path.trim_end_matches('\\').split('\\').count()
}

/// The reason of a path selector's link: the item's own path, and the selected one
/// above it when they differ.
fn in_path(what: &str, value: &str, path: &str, init: &str) -> ExplicitLink {
    let reason = if value.trim().eq_ignore_ascii_case(path.trim()) {
        format!("{what} {value} is selected by initiative `{init}`")
    } else {
        format!("{what} {value} is under {path}, selected by initiative `{init}`")
    };
    ExplicitLink {
        initiative: init.to_string(),
        reason,
        also: Vec::new(),
    }
}

fn rolled_up(parent: &str, reason: &str) -> String {
    match reason.split_once(": ") {
        // Keep the root fact, not the whole chain, so reasons stay short.
        Some((_, root)) if reason.starts_with("via ") => format!("via {parent}: {root}"),
        _ => format!("via {parent}: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use throughline_model::{Initiative, Selectors};

    use super::*;

    #[test]
    fn the_index_says_which_paths_a_selector_takes() {
        let strategy = Strategy {
            initiatives: vec![Initiative {
                id: "i".into(),
                selectors: Selectors {
                    area_paths: vec!["Shop\\Checkout".into()],
                    iterations: vec!["Shop\\2026".into()],
                    ..Default::default()
                },
                ..Default::default()
            }],
            ..Default::default()
        };
        let idx = SelectorIndex::new(&strategy);
        assert!(idx.selects_area_path("shop\\checkout\\payments"));
        assert!(!idx.selects_area_path("Shop\\CheckoutOld"));
        assert!(!idx.selects_area_path("Shop"));
        assert!(idx.selects_iteration("Shop\\2026\\Sprint 12"));
        assert!(!idx.selects_iteration("Shop\\2025\\Sprint 12"));
        // Paths are not tracker facts the engine reads, so none becomes a meta feature.
        assert!(idx.values().iter().all(|(_, vs)| vs.is_empty()));
        // Evaluations hide them from held-out work all the same.
        let mut item = WorkItem {
            area_path: Some("Shop\\Checkout\\Payments".into()),
            sprint: Some("Shop\\2026\\Sprint 12".into()),
            ..WorkItem::default()
        };
        idx.remove_selected(&mut item);
        assert_eq!((item.area_path, item.sprint), (None, None));
    }

    fn by_component(id: &str, component: &str) -> Initiative {
        Initiative {
            id: id.into(),
            selectors: Selectors {
                components: vec![component.into()],
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn work_under_several_selected_components_serves_each_and_its_children_too() {
        let mut project = by_component("runtime", "unused");
        project.selectors.projects = vec!["TIMOB".into()];
        let strategy = Strategy {
            initiatives: vec![
                by_component("android", "Android"),
                by_component("cli", "CLI"),
                by_component("tooling", "Tooling"),
                project,
            ],
            ..Default::default()
        };
        let item = |key: &str, components: &[&str], parent: Option<&str>| WorkItem {
            key: key.into(),
            source: "jira".into(),
            project: Some("TIMOB".into()),
            components: components.iter().map(|c| c.to_string()).collect(),
            parent_key: parent.map(str::to_string),
            ..WorkItem::default()
        };
        let items = [
            item("TIMOB-559", &["Android", "CLI", "tooling", "Android"], None),
            item("TIMOB-560", &[], Some("TIMOB-559")),
            item("TIMOB-561", &["Tooling"], None),
            item("TIMOB-562", &[], None),
        ];
        let links: Vec<_> = resolve(&strategy, &items)
            .into_iter()
            .map(|l| l.map(|l| (l.initiative, l.also)))
            .collect();
        let also = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            links,
            vec![
                Some(("android".into(), also(&["cli", "tooling"]))),
                // A sub-task serves what its parent serves.
                Some(("android".into(), also(&["cli", "tooling"]))),
                Some(("tooling".into(), also(&[]))),
                // The project is the fallback, never one more initiative.
                Some(("runtime".into(), also(&[]))),
            ]
        );
    }
}
