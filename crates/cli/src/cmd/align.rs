//! Keeping links in step with the data: explicit links from selectors, and the sense
//! engine's inferences for everything else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use throughline_report::plural;
use throughline_report::relink::{self, Inferred, Relinked, Work};
use throughline_report::stored_embeddings::StoredEmbeddings;
use throughline_store::Store;

use super::{Globals, semantic};
use crate::args::AlignArgs;
use crate::{output, progress};

/// Recomputes every explicit link from the strategy in force (see
/// [`relink::explicit_links`]), with a spinner: on a million items it reads every item
/// first, seconds in which nothing else would move.
pub fn explicit_links(store: &mut Store, work: &Work, quiet: bool) -> anyhow::Result<Relinked> {
    let spinner = progress::spinner(quiet, "linking work by the strategy's selectors");
    let r = relink::explicit_links(store, work);
    spinner.finish_and_clear();
    Ok(r?)
}

/// ", N of them for more than one initiative" when some are: such work counts under
/// each initiative it serves, and the per-initiative figures add up to more than the total.
pub fn several_note(r: &Relinked) -> String {
    if r.several == 0 {
        return String::new();
    }
    format!(
        " ({} of them for more than one initiative, counted under each)",
        r.several
    )
}

/// Infers links for unlinked work (see [`relink::infer_links`]), with a progress bar.
pub fn infer_links(
    store: &mut Store,
    work: &Work,
    full: bool,
    quiet: bool,
) -> anyhow::Result<Option<Inferred>> {
    infer_links_with(store, work, full, None, quiet)
}

/// [`infer_links`], in semantic mode when `embedder` is given.
pub fn infer_links_with(
    store: &mut Store,
    work: &Work,
    full: bool,
    embedder: Option<Arc<StoredEmbeddings>>,
    quiet: bool,
) -> anyhow::Result<Option<Inferred>> {
    // Learning first (a spinner), then inferring (a bar): the first progress report
    // comes when inference starts.
    let bar = progress::spinner(quiet, "learning from the linked work");
    let inferring = AtomicBool::new(false);
    let r = relink::infer_links_with(store, work, full, embedder, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        if !inferring.swap(true, Ordering::Relaxed) {
            bar.disable_steady_tick();
            bar.set_message("aligning");
            bar.set_style(progress::bar_style());
        }
    });
    bar.finish_and_clear();
    Ok(r?)
}

/// `throughline align`: recompute explicit links and every inference.
pub fn run(g: &Globals, a: AlignArgs) -> anyhow::Result<()> {
    let mut store = g.open()?;
    let embedder = semantic::embedder(&a.semantic, &store, g.quiet)?;
    let work = Work::new();
    let relinked = explicit_links(&mut store, &work, g.quiet)?;
    let inferred = infer_links_with(&mut store, &work, !a.changed_only, embedder, g.quiet)?;
    if g.json {
        return output::json(&serde_json::json!({ "explicit": relinked, "inferred": inferred }));
    }
    match inferred {
        None => outln!(
            "{} linked explicitly; no strategy with goals or initiatives to infer against \
             (apply one with `throughline strategy apply FILE`)",
            plural(relinked.explicit, "item")
        ),
        Some(i) if i.inferred == 0 && a.changed_only => outln!(
            "{} linked explicitly; no new or changed items to infer (run `throughline \
             align` to recompute every inference with what people linked since)",
            plural(relinked.explicit, "item")
        ),
        Some(i) => {
            let from = if i.learned_from < i.trained_on {
                format!("the newest {} of {}", i.learned_from, i.trained_on)
            } else {
                i.trained_on.to_string()
            };
            outln!(
                "{} linked explicitly; {} inferred in {} mode from {from} linked items \
                 ({} unclear) in {:.1}s ({:.0} items/s)",
                plural(relinked.explicit, "item"),
                i.inferred,
                i.mode,
                i.unclear,
                i.seconds,
                i.items_per_second
            );
            if a.semantic.semantic {
                outln!("{} new texts embedded and stored", i.embedded);
            }
            if i.inferred > 0 && !g.quiet {
                // On stderr, as a hint: stdout is the result.
                eprintln!(
                    "Review the least sure first: `throughline items --origin inferred --sort \
                     confidence` (add --csv for a spreadsheet), then `confirm` or `link`"
                );
            }
        }
    }
    Ok(())
}
