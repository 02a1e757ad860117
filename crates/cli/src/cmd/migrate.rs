//! `throughline migrate`: copy a database into another, of either kind.

use anyhow::Context;
use throughline_store::Store;

use super::Globals;
use crate::args::MigrateArgs;

pub fn run(g: &Globals, a: MigrateArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        a.from != a.to,
        "--from and --to are the same database ({})",
        a.from
    );
    anyhow::ensure!(a.from.exists(), "no database at {}", a.from);
    let source = Store::open_at(&a.from).with_context(|| format!("opening {}", a.from))?;
    let mut target = Store::open_at(&a.to).with_context(|| format!("opening {}", a.to))?;
    let counts = source
        .copy_into(&mut target)
        .with_context(|| format!("copying {} into {}", a.from, a.to))?;
    // Checked once more from the source's side: what it holds now is what arrived.
    let now = source.table_counts()?;
    anyhow::ensure!(
        now == counts,
        "{} changed while it was copied ({now:?} now, {counts:?} copied); run migrate again into an empty database",
        a.from
    );
    if g.json {
        let tables: serde_json::Map<String, serde_json::Value> = counts
            .iter()
            .map(|(t, n)| (t.to_string(), (*n).into()))
            .collect();
        println!(
            "{}",
            serde_json::json!({"from": a.from.to_string(), "to": a.to.to_string(), "rows": tables})
        );
    } else if !g.quiet {
        let rows: Vec<String> = counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(t, n)| format!("{t} {n}"))
            .collect();
        eprintln!(
            "copied {} into {}: {} (counts checked on both sides)",
            a.from,
            a.to,
            rows.join(", ")
        );
    }
    Ok(())
}
