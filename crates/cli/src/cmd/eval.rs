//! `throughline eval`: how well the engine infers links it was not shown.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use throughline_model::{Initiative, LinkOrigin, LinkTarget, Strategy, WorkItem};
use throughline_report::effective_links;
use throughline_sense::eval::{EvalConfig, GroundTruthField, evaluate};
use throughline_sense::{Embedder, EngineConfig, Mode};

use super::{Globals, semantic};
use crate::args::{EvalArgs, TruthSource};
use crate::output;

pub fn run(g: &Globals, a: EvalArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    // First, so that a missing model is reported before any work.
    let embedder = semantic::embedder(&a.semantic, &store, g.quiet)?;
    let stored = store.all_items()?;
    let notes = store.notes()?;
    let (strategy, items, truth, hidden) = match a.truth {
        TruthSource::Links => {
            let strategy = store.strategy()?.map(|(_, s)| s).ok_or_else(|| {
                anyhow::anyhow!("no strategy applied: nothing is linked to evaluate on")
            })?;
            let eff = effective_links(&store.links()?);
            let mut items = Vec::new();
            let mut truth = Vec::new();
            for s in &stored {
                if let Some(l) = eff.get(&s.id)
                    && l.origin != LinkOrigin::Inferred
                    && l.target != LinkTarget::Unclear
                    && !s.item.is_epic()
                {
                    items.push(hide_selector_facts(&strategy, &s.item));
                    truth.push(l.target.clone());
                }
            }
            (strategy, items, truth, GroundTruthField::None)
        }
        field => {
            let pick = |it: &WorkItem| -> Option<String> {
                match field {
                    TruthSource::Labels => it.labels.first().cloned(),
                    TruthSource::Components => it.components.first().cloned(),
                    _ => it.project.clone(),
                }
            };
            let mut counts: HashMap<String, usize> = HashMap::new();
            for s in &stored {
                if let Some(v) = pick(&s.item) {
                    *counts.entry(v).or_default() += 1;
                }
            }
            let mut keep: Vec<&String> = counts
                .iter()
                .filter(|(_, n)| **n >= a.min_items)
                .map(|(v, _)| v)
                .collect();
            keep.sort();
            let keep: HashSet<&String> = keep.into_iter().collect();
            let mut items = Vec::new();
            let mut truth = Vec::new();
            for s in &stored {
                if let Some(v) = pick(&s.item).filter(|v| keep.contains(v)) {
                    items.push(s.item.clone());
                    truth.push(LinkTarget::Initiative(v));
                }
            }
            // A strategy with one initiative per value and no words of its own: the
            // engine has to learn everything from the linked items.
            let mut values: Vec<String> = keep.into_iter().cloned().collect();
            values.sort();
            let strategy = Strategy {
                goals: vec![],
                metrics: vec![],
                initiatives: values
                    .into_iter()
                    .map(|v| Initiative {
                        id: v.clone(),
                        goals: vec![],
                        title: v,
                        ..Default::default()
                    })
                    .collect(),
            };
            let hidden = match field {
                TruthSource::Labels => GroundTruthField::Labels,
                TruthSource::Components => GroundTruthField::Components,
                _ => GroundTruthField::Project,
            };
            (strategy, items, truth, hidden)
        }
    };
    if items.len() < 20 {
        anyhow::bail!(
            "only {} items have a known answer; eval needs at least 20",
            items.len()
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
    let report = evaluate(
        &strategy,
        &items,
        &truth,
        &notes,
        &cfg,
        embedder.clone().map(|e| e as Arc<dyn Embedder>),
    )?;
    if let Some(e) = &embedder {
        e.save(&mut store)?;
    }
    if g.json {
        return output::json(&report);
    }
    out!("{report}");
    Ok(())
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
