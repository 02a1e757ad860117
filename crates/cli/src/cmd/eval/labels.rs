//! How `eval --truth labels` picks each item's answer among its labels: past the
//! labels that say what kind of work an item is, or in a namespace (`area/`).

use std::collections::{HashMap, HashSet};

use throughline_report::draft::GITHUB_KIND_LABELS;
use throughline_store::StoredItem;

/// How `--truth labels` picks each item's answer among its labels.
pub(super) struct LabelChoice {
    prefix: Option<String>,
    skip: HashSet<String>,
}

impl LabelChoice {
    pub(super) fn new(prefix: Option<&str>, skip: &[String]) -> Self {
        let skip = GITHUB_KIND_LABELS
            .iter()
            .map(|l| l.to_string())
            .chain(skip.iter().map(|l| l.trim().to_lowercase()))
            .collect();
        LabelChoice {
            prefix: prefix.map(str::to_lowercase),
            skip,
        }
    }

    /// With a prefix, the first label in its namespace; without, the first label that
    /// is not a kind of work.
    pub(super) fn pick(&self, labels: &[String]) -> Option<String> {
        if let Some(p) = &self.prefix {
            return labels
                .iter()
                .find(|l| l.to_lowercase().starts_with(p.as_str()))
                .cloned();
        }
        labels
            .iter()
            .find(|l| !self.skip.contains(&l.trim().to_lowercase()))
            .cloned()
    }

    /// `area/storage` is about "storage".
    pub(super) fn words(&self, v: &str) -> String {
        match &self.prefix {
            Some(p) if v.len() > p.len() && v.is_char_boundary(p.len()) => {
                v[p.len()..].trim().to_string()
            }
            _ => v.to_string(),
        }
    }

    /// Says which labels were passed over (how many items had each before their
    /// answer), so that no answer changes silently, and which namespace would name the
    /// areas, if the labels have one.
    pub(super) fn say_how_labels_are_read(&self, stored: &[StoredItem]) {
        if self.prefix.is_some() {
            return;
        }
        if let Some(hint) = namespace_hint(stored, self) {
            eprintln!("{hint}");
        }
        let mut counts: HashMap<String, usize> = HashMap::new();
        for s in stored {
            let labels = &s.item.labels;
            let answer = labels
                .iter()
                .position(|l| !self.skip.contains(&l.trim().to_lowercase()))
                .unwrap_or(labels.len());
            for l in &labels[..answer] {
                *counts.entry(l.trim().to_lowercase()).or_default() += 1;
            }
        }
        let mut skipped: Vec<(String, usize)> = counts.into_iter().collect();
        if skipped.is_empty() {
            return;
        }
        skipped.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let listed: Vec<String> = skipped
            .iter()
            .map(|(l, n)| format!("`{l}` ({n})"))
            .collect();
        eprintln!(
            "passed over labels that say what kind of work an item is, not where it belongs: {}",
            listed.join(", ")
        );
    }
}

/// GitHub-style labels put the kind of work first (`bug`) and the area in a namespace
/// (`area/storage`, `component: api`). When a namespace would change the answer of at
/// least a tenth of the labelled items, says so and how to use it.
fn namespace_hint(stored: &[StoredItem], labels: &LabelChoice) -> Option<String> {
    let namespace = |label: &str| -> Option<String> {
        let i = label.find(['/', ':']).filter(|&i| i > 0)?;
        Some(label[..=i].to_lowercase())
    };
    let (mut labelled, mut changed) = (0usize, HashMap::<String, usize>::new());
    for s in stored {
        let Some(first) = labels.pick(&s.item.labels) else {
            continue;
        };
        labelled += 1;
        let first_ns = namespace(&first);
        let mut seen: Vec<String> = Vec::new();
        for ns in s.item.labels.iter().filter_map(|l| namespace(l)) {
            if Some(&ns) != first_ns.as_ref() && !seen.contains(&ns) {
                *changed.entry(ns.clone()).or_default() += 1;
                seen.push(ns);
            }
        }
    }
    // The most used first; a few, since not every namespace is an area (`priority:`).
    let mut common: Vec<(String, usize)> = changed
        .into_iter()
        .filter(|(_, n)| n * 10 >= labelled)
        .collect();
    common.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let (first_ns, _) = common.first()?;
    let listed: Vec<String> = common
        .iter()
        .take(3)
        .map(|(ns, n)| format!("`{ns}` on {n}"))
        .collect();
    Some(format!(
        "labels in a namespace follow the label taken as the answer ({} of {labelled} \
         labelled items); `--label-prefix {first_ns}` takes such a label as each item's answer",
        listed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use throughline_model::WorkItem;

    #[test]
    fn a_label_namespace_is_suggested_only_where_it_changes_answers() {
        let stored = |sets: &[&[&str]]| -> Vec<StoredItem> {
            sets.iter()
                .enumerate()
                .map(|(i, labels)| StoredItem {
                    id: i as i64,
                    item: WorkItem {
                        labels: labels.iter().map(|l| l.to_string()).collect(),
                        key: format!("K-{i}"),
                        ..Default::default()
                    },
                })
                .collect()
        };
        let default = LabelChoice::new(None, &[]);
        // A team's own kind first, area after: `component:` (any case, with a space)
        // changes answers.
        let kind_first = stored(&[
            &["triaged", "Component: API"],
            &["customer", "component: storage"],
            &["component: api"],
            &[],
        ]);
        let hint = namespace_hint(&kind_first, &default).expect("a hint");
        assert!(
            hint.contains("(`component:` on 2 of 3 labelled items)"),
            "{hint}"
        );
        assert!(hint.contains("--label-prefix component:"), "{hint}");
        // GitHub's kinds are passed over already: the area is the answer.
        let github = stored(&[
            &["bug", "Component: API"],
            &["Enhancement", "component: ui"],
        ]);
        assert_eq!(namespace_hint(&github, &default), None);
        // Several namespaces: the most used is suggested, the others listed.
        let both = stored(&[
            &["triaged", "priority: high", "area/ui"],
            &["triaged", "priority: low", "area/api"],
            &["triaged", "priority: low"],
        ]);
        let hint = namespace_hint(&both, &default).expect("a hint");
        assert!(
            hint.contains("(`priority:` on 3, `area/` on 2 of 3"),
            "{hint}"
        );
        // Already first, or no namespace at all: nothing to say.
        assert_eq!(
            namespace_hint(&stored(&[&["area/x", "bug"], &["area/y"]]), &default),
            None
        );
        assert_eq!(
            namespace_hint(&stored(&[&["bug", "ui"], &["feature"]]), &default),
            None
        );
    }

    #[test]
    fn labels_pick_the_first_area_past_kinds_of_work() {
        let labels = |ls: &[&str]| -> Vec<String> { ls.iter().map(|l| l.to_string()).collect() };
        let default = LabelChoice::new(None, &[]);
        assert_eq!(
            default.pick(&labels(&["Bug", " help wanted ", "storage", "api"])),
            Some("storage".to_string())
        );
        assert_eq!(default.pick(&labels(&["bug", "enhancement"])), None);
        let mine = LabelChoice::new(None, &[" Triaged".to_string()]);
        assert_eq!(
            mine.pick(&labels(&["triaged", "bug", "ui"])),
            Some("ui".to_string())
        );
        // A prefix picks in its namespace, whatever comes first, and is not the words.
        let area = LabelChoice::new(Some("Area/"), &[]);
        assert_eq!(
            area.pick(&labels(&["bug", "team/x", "area/ui"])),
            Some("area/ui".to_string())
        );
        assert_eq!(area.words("area/ui"), "ui");
        assert_eq!(default.words("area/ui"), "area/ui");
    }
}
