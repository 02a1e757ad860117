//! The tracker facts the strategy's selectors match, which the engine must not learn from.
//!
//! Work linked by a selector always carries the fact that linked it (its component, label,
//! epic or project), and work left to the inference never does: had it carried one, a
//! selector would have linked it. A model that learned those facts learned what linked
//! work looks like, not what it is about, and scored every unlinked item low: on Iceberg
//! with one initiative per component, 55% of the newer work came out unclear and 10% off
//! plan through `import`, where the harness (which hides the field) reported top-1 0.70.
//! So the facts a selector matches are left out of every example, and the engine learns
//! what work is about from what unlinked work has too: its words, its type, its other
//! facts.

use std::collections::{HashMap, HashSet};

use throughline_model::{LinkTarget, Strategy, WorkItem};

use crate::features::{self, Block, Raw, Traced};

/// The selectors' values, as the meta features they become.
/// An area whose work is linked at most this share is one the strategy leaves out.
const LINKED_IN_UNCOVERED: f32 = 0.05;
/// An area needs this many items before it can be said to be left out.
const MIN_AREA_ITEMS: usize = 3;

pub(crate) struct SelectedFacts {
    /// Areas (kind, lower-cased value) the strategy leaves out.
    uncovered: HashSet<(&'static str, String)>,
    /// Buckets of the meta features no unlinked item can have.
    buckets: HashSet<u32>,
    /// Epic or parent keys the selectors name (lower-cased).
    epics: HashSet<String>,
    /// Components, labels and projects selectors name (lower-cased), by kind.
    components: HashSet<String>,
    labels: HashSet<String>,
    projects: HashSet<String>,
}

impl SelectedFacts {
    pub(crate) fn new(strategy: &Strategy, classes: &[LinkTarget]) -> Self {
        let mut f = SelectedFacts {
            uncovered: HashSet::new(),
            buckets: HashSet::new(),
            epics: HashSet::new(),
            components: HashSet::new(),
            labels: HashSet::new(),
            projects: HashSet::new(),
        };
        for i in &strategy.initiatives {
            let s = &i.selectors;
            for v in &s.components {
                f.buckets.insert(features::meta_bucket("component", v));
                f.components.insert(v.trim().to_lowercase());
            }
            for v in &s.labels {
                f.buckets.insert(features::meta_bucket("label", v));
                f.labels.insert(v.trim().to_lowercase());
            }
            for v in &s.projects {
                f.buckets.insert(features::meta_bucket("project", v));
                f.projects.insert(v.trim().to_lowercase());
            }
            for v in &s.epics {
                f.buckets.insert(features::meta_bucket("epic", v));
                f.epics.insert(v.trim().to_lowercase());
            }
        }
        // "Its parent is linked to X" is only ever true of linked work: the selectors
        // roll a parent's link down to its children.
        for c in classes {
            f.buckets
                .insert(features::meta_bucket("parent linked to", &c.to_string()));
        }
        f
    }

    /// Whether a label or component value is one a selector matches.
    pub(crate) fn is_selected(&self, value: &str) -> bool {
        let v = value.trim().to_lowercase();
        self.labels.contains(&v) || self.components.contains(&v)
    }

    /// Whether the item is linked through its epic or parent: then the parent's title is
    /// a fact of its link too.
    pub(crate) fn via_parent(&self, it: &WorkItem, parent_linked: bool) -> bool {
        parent_linked
            || [it.epic_key.as_deref(), it.parent_key.as_deref()]
                .into_iter()
                .flatten()
                .any(|k| self.epics.contains(&k.trim().to_lowercase()))
    }

    /// Removes the selected facts from an example's features (and its trace).
    pub(crate) fn strip(&self, raw: &mut Vec<Raw>, trace: &mut Vec<Traced<'_>>) {
        if self.buckets.is_empty() {
            return;
        }
        raw.retain(|r| r.block != Block::Meta || !self.buckets.contains(&r.bucket));
        trace.retain(|t| t.what.is_empty() || !self.buckets.contains(&t.bucket));
    }

    /// Removes an uncovered example's own area facts (its components, epic, project: the
    /// kinds the selectors use) from its features.
    pub(crate) fn strip_area(
        &self,
        it: &WorkItem,
        raw: &mut Vec<Raw>,
        trace: &mut Vec<Traced<'_>>,
    ) {
        let mut own: HashSet<u32> = HashSet::new();
        if !self.components.is_empty() {
            own.extend(
                it.components
                    .iter()
                    .map(|c| features::meta_bucket("component", c)),
            );
        }
        if !self.epics.is_empty() {
            own.extend(it.epic_key.iter().map(|e| features::meta_bucket("epic", e)));
        }
        if !self.projects.is_empty() {
            own.extend(
                it.project
                    .iter()
                    .map(|p| features::meta_bucket("project", p)),
            );
        }
        raw.retain(|r| r.block != Block::Meta || !own.contains(&r.bucket));
        trace.retain(|t| t.what.is_empty() || !own.contains(&t.bucket));
    }

    /// An item's area facts: its components, epic and project, of the kinds the selectors
    /// use (labels say too many other things, `bug` or `customer`, to tell an area).
    fn areas<'a>(&self, it: &'a WorkItem) -> impl Iterator<Item = (&'static str, &'a str)> {
        let comps = it
            .components
            .iter()
            .filter(|_| !self.components.is_empty())
            .map(|c| ("component", c.as_str()));
        let epic = it
            .epic_key
            .as_deref()
            .filter(|_| !self.epics.is_empty())
            .map(|e| ("epic", e));
        let project = it
            .project
            .as_deref()
            .filter(|_| !self.projects.is_empty())
            .map(|p| ("project", p));
        comps
            .chain(epic)
            .chain(project)
            .filter(|(_, v)| !v.trim().is_empty())
    }

    /// Learns which areas the strategy leaves out: the component, epic and project
    /// values whose work no selector links (at most [`LINKED_IN_UNCOVERED`] of it, and
    /// [`MIN_AREA_ITEMS`] items at least). A value whose work is partly linked through
    /// other selectors (a team's component, where initiatives select epics) is covered
    /// work without the fact that links it, not an area left out.
    pub(crate) fn learn_areas(&mut self, items: &[WorkItem], linked: impl Fn(usize) -> bool) {
        let mut count: HashMap<(&'static str, String), [usize; 2]> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            if it.is_epic() {
                continue;
            }
            let l = usize::from(linked(i));
            for (kind, v) in self.areas(it) {
                let c = count.entry((kind, v.trim().to_lowercase())).or_default();
                c[0] += 1;
                c[1] += l;
            }
        }
        self.uncovered = count
            .into_iter()
            .filter(|(_, [n, l])| {
                *n >= MIN_AREA_ITEMS && (*l as f32) <= LINKED_IN_UNCOVERED * *n as f32
            })
            .map(|(k, _)| k)
            .collect();
    }

    /// The area of an unlinked item that says the strategy does not cover it: one the
    /// strategy leaves out ([`Self::learn_areas`]), when none of its areas is covered.
    pub(crate) fn uncovered_area<'a>(&self, it: &'a WorkItem) -> Option<(&'static str, &'a str)> {
        if self.uncovered.is_empty() {
            return None;
        }
        let mut found = None;
        for (kind, v) in self.areas(it) {
            if self.uncovered.contains(&(kind, v.trim().to_lowercase())) {
                found = found.or(Some((kind, v)));
            } else {
                return None;
            }
        }
        found
    }
}
