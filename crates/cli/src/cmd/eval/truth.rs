//! Where `eval`'s answers come from: the database's links, or a tracker field (labels,
//! components, project, epic) standing in for the initiatives.

use std::collections::HashMap;

use throughline_model::{Initiative, LinkOrigin, LinkTarget, Strategy, WorkItem};
use throughline_report::effective_links;
use throughline_sense::epics_life;
use throughline_sense::eval::GroundTruthField;
use throughline_sense::explicit::SelectorIndex;
use throughline_store::{Store, StoredItem};

use super::labels::LabelChoice;
use crate::args::TruthSource;

/// What an evaluation runs on: the strategy, the items with a known answer, their
/// answers, and the field the answers were read from (hidden from the engine).
pub(super) type Truth = (Strategy, Vec<WorkItem>, Vec<LinkTarget>, GroundTruthField);

/// The database's explicit and corrected links, with the facts selectors read hidden.
pub(super) fn from_links(store: &Store, stored: &[StoredItem]) -> anyhow::Result<Truth> {
    let strategy = store
        .strategy()?
        .map(|(_, s)| s)
        .ok_or_else(|| anyhow::anyhow!("no strategy applied: nothing is linked to evaluate on"))?;
    let eff = effective_links(&store.links()?);
    let mut items = Vec::new();
    let mut truth = Vec::new();
    let index = SelectorIndex::new(&strategy);
    for s in stored {
        if let Some(l) = eff.get(&s.id)
            && l.origin != LinkOrigin::Inferred
            && l.target != LinkTarget::Unclear
            && !s.item.is_epic()
        {
            items.push(hide_selector_facts(&index, &s.item));
            truth.push(l.target.clone());
        }
    }
    Ok((strategy, items, truth, GroundTruthField::None))
}

/// Each item's first label (with `prefix`, the first label that has it) or component,
/// or its project, as its initiative.
pub(super) fn from_field(
    stored: &[StoredItem],
    field: TruthSource,
    labels: &LabelChoice,
    min_items: usize,
) -> Truth {
    let pick = |it: &WorkItem| -> Option<String> {
        match field {
            TruthSource::Labels => labels.pick(&it.labels),
            TruthSource::Components => it.components.first().cloned(),
            _ => it.project.clone(),
        }
    };
    let words = |v: &str| -> String {
        match field {
            TruthSource::Labels => labels.words(v),
            _ => v.to_string(),
        }
    };
    let answers: Vec<Option<String>> = stored.iter().map(|s| pick(&s.item)).collect();
    let (keep, items, truth) = answered(stored, answers, min_items);
    // A strategy with one initiative per value and no words of its own: the engine has
    // to learn everything from the linked items.
    let initiatives = keep
        .into_iter()
        .map(|v| Initiative {
            title: words(&v),
            id: v,
            ..Default::default()
        })
        .collect();
    let hidden = match field {
        TruthSource::Labels => GroundTruthField::Labels,
        TruthSource::Components => GroundTruthField::Components,
        _ => GroundTruthField::Project,
    };
    (strategy_of(initiatives), items, truth, hidden)
}

/// Each item's epic as its initiative (without an epic, the top of its parent chain).
/// The epics themselves are not evaluated: they are the initiatives, their title and
/// description are the initiative's words, and their life (created to resolved) its
/// timeframe. Epic and parent keys are hidden on every item (so the parent chain cannot
/// give the answer away).
pub(super) fn from_epics(stored: &[StoredItem], min_items: usize) -> anyhow::Result<Truth> {
    let by_key: HashMap<(&str, &str), &WorkItem> = stored
        .iter()
        .map(|s| ((s.item.source.as_str(), s.item.key.as_str()), &s.item))
        .collect();
    let answers: Vec<Option<String>> = stored
        .iter()
        .map(|s| {
            (!s.item.is_epic())
                .then(|| epic_of(&s.item, &by_key))
                .flatten()
        })
        .collect();
    if answers.iter().all(Option::is_none) {
        anyhow::bail!(
            "no item has an epic or a parent: --truth epic needs an export with epic or \
             parent links (Jira's Epic Link or Parent, GitHub sub-issues)"
        );
    }
    let (keep, items, truth) = answered(stored, answers, min_items);
    let by_plain_key: HashMap<&str, &WorkItem> = stored
        .iter()
        .map(|s| (s.item.key.as_str(), &s.item))
        .collect();
    let initiatives = keep
        .into_iter()
        .map(|key| {
            let epic = by_plain_key.get(key.as_str()).copied();
            // The epic's life is the initiative's timeframe (as `align` gives an
            // initiative that selects epics): known when each held-out item was created
            // (open or closed by then), so no answer leaks.
            let (starts, ends) = epics_life(epic.as_slice());
            Initiative {
                title: epic.map_or(key.clone(), |e| e.title.clone()),
                description: epic.map(|e| e.description.clone()).unwrap_or_default(),
                id: key,
                starts,
                ends,
                ..Default::default()
            }
        })
        .collect();
    Ok((
        strategy_of(initiatives),
        items,
        truth,
        GroundTruthField::Epic,
    ))
}

/// Parent chains longer than this are cut (and a cycle in bad data ends here too).
const MAX_CHAIN: usize = 8;

/// The key of the item's epic: its epic key, else the first epic up its parent chain,
/// else the top of that chain; `None` without epic or parent.
fn epic_of(item: &WorkItem, by_key: &HashMap<(&str, &str), &WorkItem>) -> Option<String> {
    let mut cur = item;
    let mut top: Option<&str> = None;
    for _ in 0..MAX_CHAIN {
        if let Some(e) = cur.epic_key.as_deref() {
            return Some(e.to_string());
        }
        let Some(p) = cur.parent_key.as_deref() else {
            break;
        };
        top = Some(p);
        match by_key.get(&(cur.source.as_str(), p)) {
            Some(parent) if parent.is_epic() => return Some(p.to_string()),
            Some(parent) => cur = parent,
            None => break,
        }
    }
    top.map(str::to_string)
}

/// The values (`answers[i]` for `stored[i]`) that at least `min_items` items give,
/// sorted, and the items that give one of them with their value as an initiative.
fn answered(
    stored: &[StoredItem],
    answers: Vec<Option<String>>,
    min_items: usize,
) -> (Vec<String>, Vec<WorkItem>, Vec<LinkTarget>) {
    let mut counts: HashMap<&String, usize> = HashMap::new();
    for v in answers.iter().flatten() {
        *counts.entry(v).or_default() += 1;
    }
    let mut keep: Vec<String> = counts
        .into_iter()
        .filter(|(_, n)| *n >= min_items)
        .map(|(v, _)| v.clone())
        .collect();
    keep.sort();
    let mut items = Vec::new();
    let mut truth = Vec::new();
    for (s, v) in stored.iter().zip(answers) {
        if let Some(v) = v.filter(|v| keep.binary_search(v).is_ok()) {
            items.push(s.item.clone());
            truth.push(LinkTarget::Initiative(v));
        }
    }
    (keep, items, truth)
}

fn strategy_of(initiatives: Vec<Initiative>) -> Strategy {
    Strategy {
        goals: vec![],
        metrics: vec![],
        initiatives,
    }
}

/// Removes the tracker facts that selectors read, so the evaluation measures inference
/// and not look-up: epic and parent keys, and whatever else some initiative selects.
fn hide_selector_facts(index: &SelectorIndex<'_>, item: &WorkItem) -> WorkItem {
    let mut it = item.clone();
    it.epic_key = None;
    it.parent_key = None;
    index.remove_selected(&mut it);
    it
}

#[cfg(test)]
mod tests {
    use super::*;
    use throughline_model::StatusCategory;

    fn item(key: &str, kind: &str, epic: Option<&str>, parent: Option<&str>) -> WorkItem {
        WorkItem {
            source: "jira".into(),
            key: key.into(),
            item_type: Some(kind.into()),
            epic_key: epic.map(str::to_string),
            parent_key: parent.map(str::to_string),
            ..Default::default()
        }
    }

    #[test]
    fn an_items_epic_is_found_up_its_parent_chain() {
        let items = [
            item("E", "Epic", None, None),
            item("S", "Story", Some("E"), None),
            item("T", "Sub-task", None, Some("S")),
            item("N", "Story", None, Some("E")),
            item("U", "Sub-task", None, Some("GONE")),
            item("A", "Task", None, Some("B")),
            item("B", "Task", None, Some("A")),
            item("L", "Task", None, None),
            item("P", "Story", None, None),
            item("Q", "Sub-task", None, Some("P")),
        ];
        let by_key: HashMap<(&str, &str), &WorkItem> = items
            .iter()
            .map(|i| ((i.source.as_str(), i.key.as_str()), i))
            .collect();
        let epic = |k: &str| {
            let it = items.iter().find(|i| i.key == k).unwrap();
            epic_of(it, &by_key)
        };
        assert_eq!(epic("S").as_deref(), Some("E"), "epic link");
        assert_eq!(epic("T").as_deref(), Some("E"), "sub-task -> story -> epic");
        assert_eq!(epic("N").as_deref(), Some("E"), "a parent that is an epic");
        assert_eq!(epic("U").as_deref(), Some("GONE"), "a parent not imported");
        assert!(epic("A").is_some(), "a cycle in bad data ends");
        assert_eq!(epic("L"), None);
        assert_eq!(
            epic("Q").as_deref(),
            Some("P"),
            "the top of a chain without epic"
        );
        assert_eq!(epic("P"), None, "a top-level story is no group of its own");
    }

    #[test]
    fn an_epics_life_is_its_initiatives_timeframe() {
        use chrono::{TimeZone, Utc};
        let at = |d: u32| Some(Utc.with_ymd_and_hms(2026, 3, d, 9, 0, 0).unwrap());
        let mut done = item("D", "Epic", None, None);
        (done.created, done.resolved) = (at(2), at(20));
        done.status_category = StatusCategory::Done;
        // Resolved once, then reopened: open-ended again.
        let mut open = item("O", "Epic", None, None);
        (open.created, open.resolved) = (at(5), at(9));
        let mut items = vec![done, open];
        for k in 0..4 {
            items.push(item(
                &format!("S{k}"),
                "Story",
                Some(["D", "O"][k % 2]),
                None,
            ));
        }
        let stored: Vec<StoredItem> = items
            .into_iter()
            .enumerate()
            .map(|(k, item)| StoredItem {
                id: k as i64 + 1,
                item,
            })
            .collect();
        let (strategy, items, _, _) = from_epics(&stored, 1).unwrap();
        assert_eq!(items.len(), 4, "the epics are not evaluated");
        let when = |id: &str| {
            let i = strategy.initiative(id).unwrap();
            (
                i.starts.map(|d| d.to_string()),
                i.ends.map(|d| d.to_string()),
            )
        };
        assert_eq!(
            when("D"),
            (Some("2026-03-02".into()), Some("2026-03-20".into()))
        );
        assert_eq!(when("O"), (Some("2026-03-05".into()), None));
    }
}
