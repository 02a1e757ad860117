//! `throughline metrics import`: impact metric values over time.

use anyhow::Context;
use throughline_ingest::read_metric_values;

use super::Globals;
use crate::args::MetricsCommand;
use crate::output;

pub fn run(g: &Globals, c: MetricsCommand) -> anyhow::Result<()> {
    let mut store = g.open()?;
    match c {
        MetricsCommand::Import { file } => {
            let n = import(&mut store, &file)?;
            if g.json {
                return output::json(&serde_json::json!({ "values": n }));
            }
            eprintln!("{}: {n} metric values imported", file.display());
            Ok(())
        }
        MetricsCommand::Show { id } => super::metrics_show::run(g, id),
    }
}

/// Imports a metric-values file; every metric must exist in the strategy in force.
pub fn import(
    store: &mut throughline_store::Store,
    file: &std::path::Path,
) -> anyhow::Result<usize> {
    let values = read_metric_values(file)?;
    let strategy = store.strategy()?.map(|(_, s)| s).unwrap_or_default();
    if let Some((m, _)) = values.iter().find(|(m, _)| strategy.metric(m).is_none()) {
        let known: Vec<&str> = strategy.metrics.iter().map(|m| m.id.as_str()).collect();
        anyhow::bail!(
            "{}: metric `{m}` is not in the strategy in force (known: {}); nothing was imported",
            file.display(),
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            }
        );
    }
    store
        .add_metric_values(&values)
        .context("storing metric values")
}
