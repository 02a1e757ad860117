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
//!
//! The engine reads neither the sprint (it says when work was planned, not what it is
//! about) nor the area path, so `milestones`, `iterations` and `area_paths` leave nothing
//! here to strip: no model can learn the fact that linked the work. The product path's
//! evaluation still removes them from held-out work (`remove_selected`), as it removes
//! components. Reading the area path as a fact would need its selected prefixes stripped
//! from every item beneath them, not just the values a selector names.

use std::collections::{HashMap, HashSet};

use throughline_model::{LinkTarget, Strategy, WorkItem};

use crate::explicit::SelectorIndex;
use crate::features::{self, Block, Raw, Traced};

/// An area whose work is linked at most this share is one the strategy leaves out.
const LINKED_IN_UNCOVERED: f32 = 0.05;
/// An area needs this many items before it can be said to be left out.
const MIN_AREA_ITEMS: usize = 3;

/// What training reads through: the selectors (the same index [`crate::explicit`] links
/// with), the meta features their values become, and the areas they leave out.
pub(crate) struct SelectedFacts<'a> {
    index: SelectorIndex<'a>,
    /// Buckets of the meta features no unlinked item can have.
    buckets: HashSet<u32>,
    pub(crate) areas: Areas,
}

impl<'a> SelectedFacts<'a> {
    pub(crate) fn new(strategy: &'a Strategy, classes: &[LinkTarget]) -> Self {
        let index = SelectorIndex::new(strategy);
        let mut buckets: HashSet<u32> = index
            .values()
            .into_iter()
            .flat_map(|(what, vs)| vs.into_iter().map(move |v| features::meta_bucket(what, v)))
            .collect();
        // "Its parent is linked to X" is only ever true of linked work: the selectors
        // roll a parent's link down to its children.
        buckets.extend(
            classes
                .iter()
                .map(|c| features::meta_bucket("parent linked to", &c.to_string())),
        );
        let (by_component, by_epic, by_project) = index.uses();
        SelectedFacts {
            index,
            buckets,
            areas: Areas {
                by_component,
                by_epic,
                by_project,
                uncovered: HashSet::new(),
            },
        }
    }

    /// Whether a label or component value is one a selector matches.
    pub(crate) fn is_selected(&self, value: &str) -> bool {
        self.index.selects_label(value) || self.index.selects_component(value)
    }

    /// Whether the item is linked through its epic or parent: then the parent's title is
    /// a fact of its link too.
    pub(crate) fn via_parent(&self, it: &WorkItem, parent_linked: bool) -> bool {
        parent_linked
            || [it.epic_key.as_deref(), it.parent_key.as_deref()]
                .into_iter()
                .flatten()
                .any(|k| self.index.selects_epic(k))
    }

    /// Removes the selected facts from an example's features (and its trace).
    pub(crate) fn strip(&self, raw: &mut Vec<Raw>, trace: &mut Vec<Traced<'_>>) {
        if self.buckets.is_empty() {
            return;
        }
        raw.retain(|r| r.block != Block::Meta || !self.buckets.contains(&r.bucket));
        trace.retain(|t| t.what.is_empty() || !self.buckets.contains(&t.bucket));
    }
}

/// The areas a strategy leaves out, kept with the model: which kinds of area its
/// selectors use, and the values of those kinds whose work none of them links.
#[derive(Debug, Default)]
pub(crate) struct Areas {
    by_component: bool,
    by_epic: bool,
    by_project: bool,
    /// [`features::fact_hash`] of each area left out: looked up without allocating, on
    /// every inference.
    uncovered: HashSet<u64>,
}

impl Areas {
    /// An item's area facts: its components, epic and project, of the kinds the selectors
    /// use (labels say too many other things, `bug` or `customer`, to tell an area).
    fn of<'i>(&self, it: &'i WorkItem) -> impl Iterator<Item = (&'static str, &'i str)> {
        let comps = it
            .components
            .iter()
            .filter(|_| self.by_component)
            .map(|c| ("component", c.as_str()));
        let epic = it
            .epic_key
            .as_deref()
            .filter(|_| self.by_epic)
            .map(|e| ("epic", e));
        let project = it
            .project
            .as_deref()
            .filter(|_| self.by_project)
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
    pub(crate) fn learn(&mut self, items: &[WorkItem], linked: impl Fn(usize) -> bool) {
        let mut count: HashMap<u64, [usize; 2]> = HashMap::new();
        for (i, it) in items.iter().enumerate() {
            if it.is_epic() {
                continue;
            }
            let l = usize::from(linked(i));
            for (kind, v) in self.of(it) {
                let c = count.entry(features::fact_hash(kind, v)).or_default();
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
    /// strategy leaves out ([`Self::learn`]), when none of its areas is covered.
    pub(crate) fn uncovered_area<'i>(&self, it: &'i WorkItem) -> Option<(&'static str, &'i str)> {
        if self.uncovered.is_empty() {
            return None;
        }
        let mut found = None;
        for (kind, v) in self.of(it) {
            if !self.uncovered.contains(&features::fact_hash(kind, v)) {
                return None;
            }
            found = found.or(Some((kind, v)));
        }
        found
    }

    /// Removes an uncovered example's own area facts (its components, epic, project: the
    /// kinds the selectors use) from its features.
    pub(crate) fn strip_area(
        &self,
        it: &WorkItem,
        raw: &mut Vec<Raw>,
        trace: &mut Vec<Traced<'_>>,
    ) {
        let own: HashSet<u32> = self
            .of(it)
            .map(|(kind, v)| features::meta_bucket(kind, v))
            .collect();
        raw.retain(|r| r.block != Block::Meta || !own.contains(&r.bucket));
        trace.retain(|t| t.what.is_empty() || !own.contains(&t.bucket));
    }
}
