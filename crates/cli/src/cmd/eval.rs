//! `throughline eval`: how well the engine infers links it was not shown.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use throughline_model::{Initiative, LinkOrigin, LinkTarget, Strategy, WorkItem};
use throughline_report::effective_links;
use throughline_sense::eval::{EvalConfig, GroundTruthField, Miss, evaluate};
use throughline_sense::{Embedder, EngineConfig, Mode, epics_life};
use throughline_store::{Store, StoredItem};

use super::{Globals, semantic};
use crate::args::{EvalArgs, TruthSource};
use crate::{output, progress};

pub fn run(g: &Globals, a: EvalArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    // First, so that a missing model is reported before any work.
    let embedder = semantic::embedder(&a.semantic, &store, g.quiet)?;
    let (stored, undated) = store.items_in_time_order()?;
    if undated && !g.quiet {
        eprintln!(
            "no item has a creation date: the order of each import stands in for time \
             (the newest share of every imported file is held out)"
        );
    }
    if (a.label_prefix.is_some() || !a.skip_label.is_empty()) && a.truth != TruthSource::Labels {
        anyhow::bail!(
            "--label-prefix and --skip-label pick among labels: use them with --truth labels"
        );
    }

    let notes = store.notes()?;
    let (strategy, items, truth, hidden) = match a.truth {
        TruthSource::Links => from_links(&store, &stored)?,
        TruthSource::Epic => from_epics(&stored, a.min_items.unwrap_or(10))?,
        field => {
            let labels = LabelChoice::new(a.label_prefix.as_deref(), &a.skip_label);
            if field == TruthSource::Labels
                && a.label_prefix.is_none()
                && !g.quiet
                && let Some(hint) = namespace_hint(&stored, &labels)
            {
                eprintln!("{hint}");
            }
            let truth = from_field(&stored, field, &labels, a.min_items.unwrap_or(30));
            if field == TruthSource::Labels && !g.quiet {
                labels.report_skipped(&stored);
            }
            truth
        }
    };
    if items.len() < 20 {
        let hint = match &a.label_prefix {
            Some(p) => format!(" (with a label starting `{p}`)"),
            None => String::new(),
        };
        anyhow::bail!(
            "only {} items have a known answer{hint}; eval needs at least 20",
            items.len()
        );
    }
    let answers: HashSet<&LinkTarget> = truth.iter().collect();
    if answers.len() < 2 {
        let only = answers
            .iter()
            .next()
            .map_or(String::new(), |t| format!(" ({t})"));
        let how = if a.truth == TruthSource::Labels {
            "a lower --min-items keeps smaller ones; --skip-label passes over a label \
             that says what kind of work an item is, --label-prefix picks area labels"
        } else {
            "a lower --min-items keeps smaller ones"
        };
        anyhow::bail!(
            "every item with a known answer has the same one{only}: with one possible answer \
             there is nothing to measure; eval needs at least two ({how})"
        );
    }
    let cfg = EvalConfig {
        dataset: g.db.display().to_string(),
        test_share: a.test_share,
        hidden,
        engine: EngineConfig {
            mode: if embedder.is_some() {
                Mode::Semantic
            } else {
                Mode::Lexical
            },
            ..EngineConfig::default()
        },
        baselines: true,
    };
    let spinner = progress::spinner(g.quiet, "training and measuring (engine, 2 baselines)");
    let report = evaluate(
        &strategy,
        &items,
        &truth,
        &notes,
        &cfg,
        embedder.clone().map(|e| e as Arc<dyn Embedder>),
    );
    spinner.finish_and_clear();
    let report = report?;
    if let Some(e) = &embedder {
        e.save(&mut store)?;
    }
    if g.json {
        return output::json(&report);
    }
    out!("{report}");
    if let Some(n) = a.misses {
        print_misses(&report.misses, n);
    }
    Ok(())
}

/// The first `n` misses, one line each: key, truth, the engine's best candidate.
fn print_misses(misses: &[Miss], n: usize) {
    outln!(
        "\nMissed at top-1 (first {} of {}; --json lists every one):",
        n.min(misses.len()),
        misses.len()
    );
    for m in misses.iter().take(n) {
        outln!(
            "  {:<14} {} -> {}{} ({:.2})  {}",
            m.key,
            m.truth,
            m.best,
            if m.in_top3 { ", truth in top 3" } else { "" },
            m.confidence,
            m.title.chars().take(70).collect::<String>()
        );
    }
}

/// What an evaluation runs on: the strategy, the items with a known answer, their
/// answers, and the field the answers were read from (hidden from the engine).
type Truth = (Strategy, Vec<WorkItem>, Vec<LinkTarget>, GroundTruthField);

/// The database's explicit and corrected links, with the facts selectors read hidden.
fn from_links(store: &Store, stored: &[StoredItem]) -> anyhow::Result<Truth> {
    let strategy = store
        .strategy()?
        .map(|(_, s)| s)
        .ok_or_else(|| anyhow::anyhow!("no strategy applied: nothing is linked to evaluate on"))?;
    let eff = effective_links(&store.links()?);
    let mut items = Vec::new();
    let mut truth = Vec::new();
    for s in stored {
        if let Some(l) = eff.get(&s.id)
            && l.origin != LinkOrigin::Inferred
            && l.target != LinkTarget::Unclear
            && !s.item.is_epic()
        {
            items.push(hide_selector_facts(&strategy, &s.item));
            truth.push(l.target.clone());
        }
    }
    Ok((strategy, items, truth, GroundTruthField::None))
}

/// Each item's first label (with `prefix`, the first label that has it) or component,
/// or its project, as its initiative.
/// GitHub's default labels that say what kind of work an item is (or what to do with
/// it), not which area it belongs to; `documentation` stays, as docs are an area.
/// Dependabot adds `dependencies`, stale bots `stale`.
const KIND_LABELS: &[&str] = &[
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

/// How `--truth labels` picks each item's answer among its labels.
struct LabelChoice {
    prefix: Option<String>,
    skip: HashSet<String>,
}

impl LabelChoice {
    fn new(prefix: Option<&str>, skip: &[String]) -> Self {
        let skip = KIND_LABELS
            .iter()
            .map(|l| l.to_string())
            .chain(skip.iter().map(|l| l.trim().to_lowercase()))
            .collect();
        LabelChoice {
            prefix: prefix.map(str::to_lowercase),
            skip,
        }
    }

    /// The first label in the prefix's namespace, or else the first that is not a
    /// kind of work.
    fn pick(&self, labels: &[String]) -> Option<String> {
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
    fn words(&self, v: &str) -> String {
        match &self.prefix {
            Some(p) if v.len() > p.len() && v.is_char_boundary(p.len()) => {
                v[p.len()..].trim().to_string()
            }
            _ => v.to_string(),
        }
    }

    /// Says which labels were passed over (how many items had each before their
    /// answer), so that no answer changes silently.
    fn report_skipped(&self, stored: &[StoredItem]) {
        if self.prefix.is_some() {
            return;
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

fn from_field(
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

/// Each item's epic as its initiative (without an epic, the top of its parent chain).
/// The epics themselves are not evaluated: they are the initiatives, their title and
/// description are the initiative's words, and their life (created to resolved) its
/// timeframe. Epic and parent keys are hidden on every item (so the parent chain cannot
/// give the answer away).
fn from_epics(stored: &[StoredItem], min_items: usize) -> anyhow::Result<Truth> {
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
/// and not look-up: epic and parent keys, and any label, component, sprint or project
/// some initiative selects.
fn hide_selector_facts(strategy: &Strategy, item: &WorkItem) -> WorkItem {
    let lower = |v: &[String]| v.iter().map(|x| x.to_lowercase()).collect::<HashSet<_>>();
    let mut labels = HashSet::new();
    let mut components = HashSet::new();
    let mut milestones = HashSet::new();
    let mut projects = HashSet::new();
    for i in &strategy.initiatives {
        labels.extend(lower(&i.selectors.labels));
        components.extend(lower(&i.selectors.components));
        milestones.extend(lower(&i.selectors.milestones));
        projects.extend(lower(&i.selectors.projects));
    }
    let mut it = item.clone();
    it.epic_key = None;
    it.parent_key = None;
    it.labels.retain(|l| !labels.contains(&l.to_lowercase()));
    it.components
        .retain(|c| !components.contains(&c.to_lowercase()));
    if it
        .sprint
        .as_ref()
        .is_some_and(|s| milestones.contains(&s.to_lowercase()))
    {
        it.sprint = None;
    }
    if it
        .project
        .as_ref()
        .is_some_and(|p| projects.contains(&p.to_lowercase()))
    {
        it.project = None;
    }
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
    fn a_label_namespace_is_suggested_only_where_it_changes_answers() {
        let stored = |sets: &[&[&str]]| -> Vec<StoredItem> {
            sets.iter()
                .enumerate()
                .map(|(i, labels)| StoredItem {
                    id: i as i64,
                    item: WorkItem {
                        labels: labels.iter().map(|l| l.to_string()).collect(),
                        ..item(&format!("K-{i}"), "Story", None, None)
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
