//! `throughline demo`: a realistic organisation, generated deterministically, written as
//! ordinary exports and imported through the same importers users use.

use anyhow::Context;
use throughline_demo::{DemoConfig, write_demo};
use throughline_ingest::Format;
use throughline_report::relink::Work;
use throughline_report::{Scope, status};

use super::{Globals, align, import};
use crate::args::DemoArgs;
use crate::output;

pub fn run(g: &Globals, a: DemoArgs) -> anyhow::Result<()> {
    let cfg = DemoConfig {
        seed: a.seed,
        items: a.items,
        ..DemoConfig::default()
    };
    let (demo, files) = write_demo(&cfg, &a.dir)
        .with_context(|| format!("writing the demo exports to {}", a.dir.display()))?;
    let mut store = g.open()?;
    let foreign = store
        .all_items()?
        .iter()
        .any(|s| s.item.source != "jira" && s.item.source != "linear");
    if foreign {
        anyhow::bail!(
            "{} already holds other data; run the demo on its own database with --db demo.db",
            &g.db
        );
    }
    let text = std::fs::read_to_string(&files.strategy)?;
    let strategy = throughline_strategy::parse(&text)
        .with_context(|| format!("{} is not valid", files.strategy.display()))?;
    store.apply_strategy(
        &strategy,
        &text,
        Some(&files.strategy.display().to_string()),
    )?;
    import::import_path(&mut store, &files.jira, Format::JiraJson, None, g.quiet)?;
    import::import_path(&mut store, &files.linear, Format::LinearCsv, None, g.quiet)?;
    if store.notes()?.is_empty() {
        let notes = throughline_ingest::read_notes(&files.notes)?
            .into_iter()
            .map(|n| {
                super::note::resolve(&store, n.target.clone())
                    .map(|target| throughline_model::ContextNote { target, ..n })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        store.add_notes(&notes)?;
    }
    super::metrics::import(&mut store, &files.metrics)?;
    let work = Work::new();
    let relinked = align::explicit_links(&mut store, &work, g.quiet)?;
    align::infer_links(&mut store, &work, true, g.quiet)?;

    // The demo's "today" is its last day; report on the quarter that holds most of it.
    let snap = g.snapshot(&store)?;
    let scope = Scope {
        period: Some("2026-Q3".parse()?),
        team: None,
        min_group_size: 3,
        ..Default::default()
    };
    let report = status(snap, &scope);
    if g.json {
        return output::json(&serde_json::json!({
            "files": files_json(&files),
            "links": relinked,
            "status": report,
        }));
    }
    if !g.quiet {
        eprintln!(
            "Demo organisation written to {} and imported into {}:\n{}",
            a.dir.display(),
            &g.db,
            demo.stats
        );
    }
    out!("{}", report.to_text());
    outln!(
        "\nNext: `throughline --db {} items --unlinked`, `... strategy show`, `... status --team Payments`",
        &g.db
    );
    Ok(())
}

fn files_json(f: &throughline_demo::DemoFiles) -> serde_json::Value {
    serde_json::json!({
        "strategy": f.strategy, "jira": f.jira, "linear": f.linear,
        "notes": f.notes, "metrics": f.metrics,
    })
}
