use anyhow::Context;

use super::Globals;
use crate::args::InitArgs;

pub fn run(g: &Globals, a: InitArgs) -> anyhow::Result<()> {
    let store = g.open()?;
    if let Some(path) = &a.strategy_example {
        if path.exists() {
            anyhow::bail!("{} exists; not overwriting it", path.display());
        }
        std::fs::write(path, throughline_strategy::EXAMPLE)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!(
            "wrote an example strategy to {}: edit it, then `throughline strategy apply {}`",
            path.display(),
            path.display()
        );
    }
    eprintln!(
        "database ready at {} ({} items)",
        &g.db,
        store.item_count()?
    );
    Ok(())
}
