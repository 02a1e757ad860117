//! `throughline eval`: how well the engine infers links it was not shown: on the product
//! path (`--product-path`, `product_path.rs`) or in the diagnostic harness (the rest).

use std::collections::HashSet;
use std::sync::Arc;

use throughline_model::LinkTarget;
use throughline_sense::eval::{EvalConfig, Miss, evaluate};
use throughline_sense::{Embedder, EngineConfig, Mode};

use super::{Globals, semantic};
use crate::args::{EvalArgs, TruthSource};
use crate::{output, progress};
use labels::LabelChoice;
use truth::{from_epics, from_field, from_links};

mod labels;
mod product_path;
mod truth;

pub fn run(g: &Globals, a: EvalArgs) -> anyhow::Result<()> {
    if a.product_path {
        return product_path::run(g, a);
    }
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
            if field == TruthSource::Labels && !g.quiet {
                labels.say_how_labels_are_read(&stored);
            }
            from_field(&stored, field, &labels, a.min_items.unwrap_or(30))
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
        dataset: g.db.to_string(),
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
