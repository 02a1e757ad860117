//! `throughline eval --product-path`: the product path measured on the database's own
//! strategy and work (see `throughline_report::product_path`), printed.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use throughline_model::LinkOrigin;
use throughline_report::product_path::{Options, ProductPathReport, measure};
use throughline_report::{bar, percent};
use throughline_sense::Embedder;

use crate::args::EvalArgs;
use crate::cmd::{Globals, semantic};
use crate::{output, progress};

pub fn run(g: &Globals, a: EvalArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    // First, so that a missing model is reported before any work.
    let embedder = semantic::embedder(&a.semantic, &store, g.quiet)?;
    let Some((_, strategy)) = store.strategy()? else {
        anyhow::bail!(
            "no strategy in {}: the product path holds out the work a strategy's selectors \
             link; apply one with `throughline strategy apply FILE`",
            &g.db
        );
    };
    let (stored, undated) = store.items_in_time_order()?;
    if undated && !g.quiet {
        eprintln!(
            "no item has a creation date: the order of each import stands in for time \
             (the newest share of every imported file is held out)"
        );
    }
    let index: HashMap<i64, usize> = stored.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    let corrected: Vec<_> = store
        .link_targets()?
        .into_iter()
        .filter(|r| r.origin == LinkOrigin::Corrected)
        .filter_map(|r| Some((*index.get(&r.item_id)?, r.target)))
        .collect();
    let notes = store.notes()?;
    let items: Vec<_> = stored.into_iter().map(|s| s.item).collect();

    let bar = progress::spinner(
        g.quiet,
        "replaying the product path: learning from the linked work",
    );
    let inferring = AtomicBool::new(false);
    let report = measure(
        &strategy,
        &items,
        &corrected,
        &notes,
        Options {
            test_share: a.test_share,
            open: a.open,
        },
        embedder.clone().map(|e| e as Arc<dyn Embedder>),
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
            if !inferring.swap(true, Ordering::Relaxed) {
                bar.disable_steady_tick();
                bar.set_message("aligning");
                bar.set_style(progress::bar_style());
            }
        },
    );
    bar.finish_and_clear();
    let report = report?;
    if let Some(e) = &embedder {
        e.save(&mut store)?;
    }
    if g.json {
        return output::json(&report);
    }
    print(&report);
    Ok(())
}

/// A share with the count behind it: `81% (1172 of 1450)`, the share padded to `width`.
fn figure(n: usize, of: usize, width: usize) -> String {
    let share = if of == 0 { 0.0 } else { n as f64 / of as f64 };
    format!("{:>width$} ({n} of {of})", percent(share))
}

fn print(r: &ProductPathReport) {
    let open = r.uncovered_items.is_some();
    outln!(
        "Product path{} ({} engine): the newest {} of the {} items the strategy's \
         selectors link,\n  without the facts the selectors match, aligned as `import` \
         aligns them.",
        if open { ", open world" } else { "" },
        r.engine_mode,
        percent(f64::from(r.test_share)),
        r.candidates,
    );
    if open {
        outln!(
            "  {} of {} initiatives taken out (every other by id): their work is uncovered.",
            r.initiatives_removed,
            r.initiatives + r.initiatives_removed
        );
    }
    outln!(
        "  held out {}; measured {}{}; learned from {} linked items, inferred {}.",
        r.held_out,
        r.test_items,
        if r.still_linked > 0 {
            format!(
                " ({} still linked by the selectors without those facts, left out)",
                r.still_linked
            )
        } else {
            String::new()
        },
        r.learned_from,
        r.inferred
    );
    let c = &r.counts;
    let n = r.covered_items;
    outln!("\nOn the {n} held-out items an initiative of the strategy covers:");
    let row = |what: &str, k: usize| {
        let share = if n == 0 { 0.0 } else { k as f64 / n as f64 };
        outln!("  {what:<26} {}  {}", bar(share, 20), figure(k, n, 4));
    };
    row("placed right", c.placed_right);
    row("placed wrong", c.placed_wrong);
    row("called off plan", c.off_plan);
    row(
        &if c.on_goal > 0 {
            format!("unclear ({} on their goal)", c.on_goal)
        } else {
            "unclear".to_string()
        },
        c.unclear,
    );
    outln!(
        "  {:<26} {}",
        "precision when placed",
        figure(c.placed_right, c.placed_right + c.placed_wrong, 0)
    );
    outln!("  {:<26} {}", "right goal", percent(r.goal_right));
    outln!(
        "  {:<26} {:.3} (best candidate's probability against it being right; 0 is \
         perfect)",
        "calibration error (ECE)",
        r.ece
    );

    outln!("\nAnswered with an initiative at a confidence of at least:");
    outln!(
        "  {:>9} {:>22} {:>22}",
        "threshold",
        "covered",
        "right of those"
    );
    for rc in &r.risk_coverage {
        outln!(
            "  {:>9.1} {:>22} {:>22}",
            rc.threshold,
            figure(rc.answered, n, 4),
            if rc.answered == 0 {
                "-".to_string()
            } else {
                figure(rc.right, rc.answered, 4)
            }
        );
    }

    if let (Some(u), Some(k)) = (r.uncovered_items, r.counts.uncovered_on_initiative) {
        outln!(
            "\nOn the {u} held-out items no initiative covers: placed on an initiative {} \
             (each one wrong).",
            figure(k, u, 0)
        );
    }
    let s = &r.aligned_share;
    outln!(
        "\nAligned share of the held-out work: truly {}, answered {}, expected by the \
         engine's probabilities {}.",
        percent(s.truth),
        percent(s.answered),
        percent(s.expected)
    );
}
