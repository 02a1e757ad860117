//! What the engine reads: an item's document (its text, tracker facts, notes and
//! parent), each target's own words in the strategy, and the text an embedder sees.

use std::collections::HashMap;

use throughline_model::{ContextNote, LinkTarget, Strategy, WorkItem};

use super::ParentInfo;
use crate::features::{self, Doc};

/// What the features are extracted from: the item, its notes and its parent.
pub(super) fn doc_of<'a>(
    it: &'a WorkItem,
    notes: &[&'a ContextNote],
    parents: &'a HashMap<String, ParentInfo>,
) -> Doc<'a> {
    let parent = it
        .parent_key
        .as_deref()
        .or(it.epic_key.as_deref())
        .and_then(|k| parents.get(k));
    Doc {
        title: &it.title,
        description: &it.description,
        labels: &it.labels,
        components: &it.components,
        item_type: it.item_type.as_deref(),
        team: it.team.as_deref(),
        parent_title: parent.map(|p| p.title.as_str()),
        parent_target: parent.and_then(|p| p.target.as_deref()),
        epic: it.epic_key.as_deref(),
        project: it.project.as_deref(),
        notes: notes.iter().map(|n| n.text.as_str()).collect(),
        area: None,
    }
}

/// Title-ish and body-ish text describing a target in the strategy's own words.
pub(super) fn strategy_text(
    s: &Strategy,
    c: &LinkTarget,
    notes: &HashMap<String, Vec<&str>>,
) -> (String, String) {
    let mut body = String::new();
    let title = match c {
        LinkTarget::Initiative(id) => match s.initiative(id) {
            Some(i) => {
                body.push_str(&i.description);
                for g in &i.goals {
                    if let Some(g) = s.goal(g) {
                        body.push_str(&format!(". {}", g.title));
                    }
                }
                i.title.clone()
            }
            None => id.clone(),
        },
        LinkTarget::Goal(id) => match s.goal(id) {
            Some(g) => {
                body.push_str(&g.description);
                for m in s.metrics_of(id) {
                    body.push_str(&format!(". {}", m.name));
                }
                g.title.clone()
            }
            None => id.clone(),
        },
        LinkTarget::OffPlan(r) => r.label().to_string(),
        LinkTarget::Unclear => String::new(),
    };
    if let Some(ns) = notes.get(&c.to_string()) {
        for n in ns {
            body.push_str(". ");
            body.push_str(n);
        }
    }
    (title, body)
}

/// The text an embedder sees: the title and the opening of the description as prose (a
/// sentence model reads meaning from the first words; the rest costs time, not
/// accuracy). Names in trailers are left out, as the lexical features leave them out.
pub(super) fn embed_text(it: &WorkItem) -> String {
    format!(
        "{}. {}",
        it.title,
        features::description_prose(&it.description, 300)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::{ExtractOptions, Scratch, extract};

    /// What `selected.rs` relies on: the facts `milestones`, `iterations` and `area_paths`
    /// select are never features, so no model can learn the fact that linked the work.
    #[test]
    fn the_sprint_and_the_area_path_are_no_features() {
        let plain = WorkItem {
            title: "Pay with a saved card".into(),
            labels: vec!["web".into()],
            ..WorkItem::default()
        };
        let filed = WorkItem {
            area_path: Some("Shop\\Checkout".into()),
            sprint: Some("Shop\\2026\\Sprint 12".into()),
            ..plain.clone()
        };
        let parents = HashMap::new();
        let opts = ExtractOptions {
            body_char_ngrams: true,
        };
        let features = |it: &WorkItem| {
            let mut out = Vec::new();
            extract(
                &doc_of(it, &[], &parents),
                opts,
                &mut Scratch::default(),
                &mut out,
                None,
            );
            out.iter().map(|r| r.bucket).collect::<Vec<_>>()
        };
        assert!(!features(&plain).is_empty());
        assert_eq!(features(&plain), features(&filed));
    }
}
